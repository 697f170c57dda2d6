"""The secondment pages in a real browser: Daniel Okafor, the demo manager, plans two secondments
for his team from the demo's open opportunities and confirms them one place at a time. Every page
on the way must pass axe-core's WCAG 2.2 A and AA rules with no serious or critical violation, log
no console error, and fit a phone's width.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from planner import create_app
from planner.demo import DEMO_PASSWORD

from .conftest import require_assets, resize, serve
from .test_journey import Journey

MANAGER = "manager@demo.example"
OPPORTUNITY = "Rota lead for the August changeover"
PROPOSALS = "Proposed secondments, with why and what each costs the home team"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def secondment_server(tmp_path_factory):
    """A demo server of its own, as ``demo_server``, since confirming places changes its data: the
    demo holds two open secondments at Northgate with interest from Daniel Okafor's team."""
    from flask_migrate import upgrade

    from planner.db import db
    from planner.demo import seed_demo

    database = tmp_path_factory.mktemp("secondments") / "planner.db"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-tests", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "PLANNER_DEMO": True}
    )
    require_assets(app)
    with app.app_context():
        upgrade()
        seed_demo(app.extensions["planner_framework"], date.today())
        db.session.commit()
    yield from serve(app)


def test_the_manager_plans_secondments_on_accessible_pages(browser, secondment_server, axe):
    from .conftest import DESKTOP, FONT_CDN, Visit

    context = browser.new_context(viewport=DESKTOP)
    context.route(FONT_CDN + "**", lambda route: route.abort())
    page = context.new_page()
    visit = Visit(page=page, url=secondment_server + "/sign-in", status=200)
    page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" and FONT_CDN not in m.location.get("url", "") else None)
    page.on("pageerror", lambda error: visit.errors.append(f"uncaught: {error}"))
    journey = Journey(visit, axe)
    try:
        page.goto(visit.url)
        page.get_by_label("Email address").fill(MANAGER)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        journey.follow(page.get_by_role("button", name="Sign in"))

        journey.page.goto(secondment_server + "/secondments")
        journey.check("Secondments")
        journey.follow(page.get_by_role("link", name=OPPORTUNITY))
        journey.check(OPPORTUNITY)
        assert page.get_by_role("table", name=f"Interested candidates for {OPPORTUNITY}, ranked").is_visible()

        journey.follow(page.get_by_role("link", name="Plan every open secondment at once"))
        journey.check("Plan secondments")
        proposals = page.get_by_role("table", name=PROPOSALS)
        assert proposals.get_by_role("row").count() >= 2, "nothing proposed"
        assert_fits_a_phone(page)

        # Two secondments planned, one place at a time.
        for number in (1, 2):
            journey.follow(page.get_by_role("table", name=PROPOSALS).get_by_role("button").first)
            journey.check("Plan secondments")
            assert re.search(r"Confirmed: .+ has place \d of \d on ", journey.flash()), journey.flash()
            confirmed = page.get_by_role("table", name="Places confirmed for the people you release")
            assert confirmed.get_by_role("row").count() == number + 1

        journey.page.goto(secondment_server + "/secondments/new")
        journey.check("Post a secondment opportunity")
        journey.follow(page.get_by_role("button", name="Post the opportunity"))
        # A form with errors answers 400 by design, and the browser logs that status: expected.
        assert visit.errors == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"]
        visit.errors.clear()
        journey.check("Post a secondment opportunity")
        assert page.title().startswith("Error: ")
        assert page.get_by_role("alert").get_by_role("link", name="Choose the host team").is_visible()
        assert_fits_a_phone(page)
    finally:
        context.close()


def assert_fits_a_phone(page) -> None:
    """The page, laid out again at a phone's width, needs no sideways scrolling."""
    size = page.viewport_size
    resize(page, PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"
    finally:
        page.set_viewport_size(size)
