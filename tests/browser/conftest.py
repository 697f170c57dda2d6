"""Fixtures for the browser tests: the real app behind a real server, and Debian's chromium.

The server runs the default framework on its own SQLite file for the whole session: these tests
look at rendered pages, not at the database, so they do not take part in the PostgreSQL run's
per-test emptying. The journey tests, which sign in and save, get a server of their own per
module: demo mode, on a SQLite file migrated to head and seeded with the demo data. Chromium comes
from Debian (``apt-get install chromium``), never from ``playwright install``. Without chromium,
Playwright, axe-core or the NHS.UK assets the tests skip and say how to enable them; with
``PLANNER_BROWSER_TESTS=required`` (CI sets it) they fail.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import make_server

from planner import create_app
from planner.config import PROJECT_ROOT
from planner.web.assets import FRONTEND_VERSION

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = Path(os.environ.get("PLANNER_SCREENSHOTS") or Path(tempfile.gettempdir()) / "planner-screenshots")
"""Where the browser tests leave screenshots of the pages they visit, for a person to look at."""

# The stylesheet asks for the Frutiger fonts from the NHS CDN. The pages fall back to Arial without
# them, so every test blocks them: the same result online and offline, and no test waits on the CDN.
FONT_CDN = "https://assets.nhs.uk/fonts/"
FAILED_LOAD = "Failed to load resource: "


def unavailable(reason: str) -> None:
    """Skip the test, saying how to enable it; fail it instead where the browser tests must run."""
    if os.environ.get("PLANNER_BROWSER_TESTS") == "required":
        pytest.fail(f"{reason} (PLANNER_BROWSER_TESTS=required)", pytrace=False)
    pytest.skip(reason)


def buffered(app):
    """The app with each response read into memory and its file closed before sending.

    The browser drops connections whenever a test closes its page early; werkzeug's development
    server can then skip closing a file response (``send_from_directory``), and the leaked file's
    ResourceWarning fails a random later test. The assets are small, so buffering costs nothing.
    """

    def buffered_app(environ, start_response):
        chunks = app(environ, start_response)
        try:
            return [b"".join(chunks)]
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    return buffered_app


def require_assets(app) -> None:
    """Skip (or fail, where required) unless the NHS.UK assets the pages load are installed."""
    script = Path(app.config["PLANNER_ASSETS"]) / f"nhsuk-frontend-{FRONTEND_VERSION}.min.js"
    if not script.is_file():
        unavailable(
            f"browser tests need the NHS.UK assets ({script} is missing): run `npm ci` or `make assets`"
        )


def serve(app):
    """Serve the app on a free local port in a background thread: yields its base URL, then stops
    the server and closes the app's database connections."""
    require_assets(app)
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        from planner.db import db

        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The base URL of the real app, with the default framework, served on a free local port."""
    database = tmp_path_factory.mktemp("browser") / "planner.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        }
    )
    yield from serve(app)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    """The base URL of the real app in demo mode, on a database migrated to head and seeded with the
    demo organisation as of today, with CSRF checks and the sign-in rate limit on as in production.

    One per module: the tests that use it save ratings, plans and agreements, which no other
    module should see.
    """
    from flask_migrate import upgrade

    from planner.db import db
    from planner.demo import seed_demo

    database = tmp_path_factory.mktemp("demo") / "planner.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "PLANNER_DEMO": True,
        }
    )
    require_assets(app)  # before seeding, which takes a while
    with app.app_context():
        upgrade()
        seed_demo(app.extensions["planner_framework"], date.today())
        db.session.commit()
    yield from serve(app)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright, for the whole session."""
    chromium = shutil.which("chromium")
    if chromium is None:
        unavailable("browser tests need Debian's chromium: sudo apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable(
            "browser tests need Playwright: `.venv/bin/pip install -e '.[test]'` or `make install-test`"
        )

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture(scope="session")
def axe_source():
    """The source of axe-core, to evaluate in a page (a script tag would be refused by a strict CSP)."""
    if not AXE.is_file():
        unavailable(f"accessibility tests need axe-core ({AXE} is missing): run `npm ci` or `make assets`")
    return AXE.read_text(encoding="utf-8")


@dataclass
class Visit:
    """One page as a test opened it, and the errors its console showed that nothing explains."""

    page: Page
    url: str
    status: int
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser, live_server):
    """A callable: ``open_page(path, status=200, viewport=DESKTOP)`` loads the page in a fresh
    browser context (no cookies or storage from other tests), checks its status and returns a
    ``Visit`` whose ``errors`` keep filling while the test runs.

    Two console errors are expected and dropped, each matched exactly: a failed load of a font
    from the NHS CDN (blocked here), and, on a page meant to answer with an error status, the
    browser's note that the page itself answered with that status.
    """
    contexts = []

    def open_page(path: str, *, status: int = 200, viewport: dict = DESKTOP) -> Visit:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        context.route(FONT_CDN + "**", lambda route: route.abort())
        page = context.new_page()
        visit = Visit(page=page, url=live_server + path, status=status)

        def expected(message) -> bool:
            url = message.location.get("url", "")
            if not message.text.startswith(FAILED_LOAD):
                return False
            if url.startswith(FONT_CDN):
                return True
            own_status = f"{FAILED_LOAD}the server responded with a status of {status} "
            return status >= 400 and url == visit.url and message.text.startswith(own_status)

        def on_console(message) -> None:
            if message.type == "error" and not expected(message):
                visit.errors.append(f"console: {message.text} ({message.location.get('url')})")

        page.on("console", on_console)
        page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
        response = page.goto(visit.url)
        answered = response.status if response else None
        assert answered == status, f"{path} answered {answered}, not {status}"
        return visit

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def demo_page(browser, demo_server):
    """The demo server's sign-in page in a fresh browser context, as a ``Visit`` for a test to click
    on from there like a user. Its ``errors`` collect the console errors and uncaught errors of every
    page the test goes on to, all but the failed loads of the blocked NHS CDN fonts.
    """
    context = browser.new_context(viewport=DESKTOP)
    context.route(FONT_CDN + "**", lambda route: route.abort())
    page = context.new_page()
    visit = Visit(page=page, url=demo_server + "/sign-in", status=200)

    def on_console(message) -> None:
        url = message.location.get("url", "")
        blocked_font = message.text.startswith(FAILED_LOAD) and url.startswith(FONT_CDN)
        if message.type == "error" and not blocked_font:
            visit.errors.append(f"console: {message.text} ({url})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
    response = page.goto(visit.url)
    answered = response.status if response else None
    assert answered == 200, f"/sign-in answered {answered}, not 200"
    yield visit
    context.close()


@pytest.fixture
def axe(axe_source):
    """A callable: ``axe(page)`` runs axe-core's WCAG 2.2 A and AA rules on the page and returns its
    result (``violations`` with every element at fault; ``passes``, ... with one element each)."""

    def run(page) -> dict:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        # Only violations need every element: sending every passing element back from a long page
        # takes longer than the checks themselves.
        return page.evaluate(
            """() => axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
                resultTypes: ["violations"],
            })"""
        )

    return run


def wait_until(page, expression: str, timeout_ms: float = 5000) -> None:
    """Wait until a JavaScript expression is true in the page.

    Playwright's ``wait_for_function`` builds its predicate from the string with ``eval``, which the
    pages' Content-Security-Policy refuses; ``page.evaluate`` is not subject to it, so poll with that.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms:g} ms: {expression}")
        page.wait_for_timeout(50)


def resize(page, viewport: dict) -> None:
    """Give the page another viewport, and wait until the browser has laid the page out at it, so
    what is measured next is the page at that size."""
    page.set_viewport_size(viewport)
    wait_until(page, f"window.innerWidth === {viewport['width']}")
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
