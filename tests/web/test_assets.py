"""The NHS.UK assets at /assets, and the pinned pair of Python macros and npm assets."""

from __future__ import annotations

import configparser
import json
import re
from importlib.metadata import version

import pytest

from planner import create_app
from planner.config import PROJECT_ROOT
from planner.web.assets import FRONTEND_VERSION

STYLESHEET = f"/assets/nhsuk-frontend-{FRONTEND_VERSION}.min.css"
SCRIPT = f"/assets/nhsuk-frontend-{FRONTEND_VERSION}.min.js"
needs_assets = pytest.mark.skipif(
    not (PROJECT_ROOT / "node_modules" / "nhsuk-frontend").is_dir(),
    reason="node_modules/nhsuk-frontend is missing: run `npm ci` (or `make assets`)",
)


def get(client, url):
    """Status, headers and body of a GET, with the file closed."""
    with client.get(url) as response:
        return response.status_code, response.headers, response.get_data()


@needs_assets
def test_stylesheet_is_served_and_cached_for_a_year(small_client):
    status, headers, body = get(small_client, STYLESHEET)

    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b".nhsuk-header" in body
    assert "max-age=31536000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]


@needs_assets
def test_every_image_the_stylesheet_asks_for_is_served(small_client):
    body = get(small_client, STYLESHEET)[2].decode()
    urls = sorted(set(re.findall(r"url\((/assets/[^)]+)\)", body)))

    assert urls, "the stylesheet should ask for icons under /assets"
    for url in urls:
        status, headers, _ = get(small_client, url)
        assert status == 200, url
        assert headers["Content-Type"].startswith("image/svg+xml"), url
        assert "max-age=604800" in headers["Cache-Control"], url


@needs_assets
def test_frontend_script_is_a_javascript_module(small_client):
    status, headers, body = get(small_client, SCRIPT)

    assert status == 200
    # Browsers refuse a module served with any other type.
    assert headers["Content-Type"].startswith("text/javascript")
    assert b"initAll" in body


@needs_assets
@pytest.mark.parametrize(
    "url", ["/assets/images/favicon.ico", "/assets/images/nhsuk-icon-180.png", "/assets/manifest.json"]
)
def test_icons_and_manifest_from_the_page_head_are_served(small_client, url):
    assert get(small_client, url)[0] == 200


@pytest.mark.parametrize(
    "url",
    [
        "/assets/images/no-such-icon.svg",
        "/assets/index.scss",
        "/assets/../package.json",
        "/assets/%2e%2e/%2e%2e/package.json",
    ],
)
def test_anything_else_is_a_plain_404(small_client, url):
    status, headers, body = get(small_client, url)

    assert status == 404
    assert headers["Content-Type"].startswith("text/plain")
    assert body == b"Not found\n"


def test_without_assets_the_page_still_renders(small_config, tmp_path):
    app = create_app(small_config | {"PLANNER_ASSETS": str(tmp_path / "absent")})
    client = app.test_client()

    status, _, body = get(client, "/")
    assert status == 200
    assert b"Rota Coordinator" in body
    assert get(client, STYLESHEET)[0] == 404


def test_macros_and_assets_are_a_matching_pinned_pair():
    setup = configparser.ConfigParser()
    setup.read(PROJECT_ROOT / "setup.cfg")
    package = json.loads((PROJECT_ROOT / "package.json").read_text())
    lock = json.loads((PROJECT_ROOT / "package-lock.json").read_text())
    init = (PROJECT_ROOT / "planner" / "static" / "js" / "init.js").read_text()

    assert "nhsuk-frontend-jinja==0.10.2" in setup["options"]["install_requires"].split()
    assert version("nhsuk-frontend-jinja") == "0.10.2"
    assert package["dependencies"] == {"nhsuk-frontend": "10.6.1"}
    assert lock["packages"][""]["dependencies"] == {"nhsuk-frontend": "10.6.1"}
    assert lock["packages"]["node_modules/nhsuk-frontend"]["version"] == "10.6.1"
    assert FRONTEND_VERSION == "10.6.1"
    assert '"/assets/nhsuk-frontend-10.6.1.min.js"' in init


@needs_assets
def test_installed_assets_are_the_pinned_release():
    installed = json.loads((PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "package.json").read_text())

    assert installed["version"] == FRONTEND_VERSION
