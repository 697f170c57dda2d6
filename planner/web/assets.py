"""The compiled NHS.UK frontend assets (CSS, JS, images, manifest), served at ``/assets``.

They come from the npm package ``nhsuk-frontend`` (``npm ci``), whose ``dist/nhsuk`` folder is
``PLANNER_ASSETS``. The CSS and the page template ask for ``/assets/images/...`` and
``/assets/manifest.json``, which live in ``dist/nhsuk/assets/``; the compiled bundles sit one
level up, in ``dist/nhsuk/`` itself. Without ``npm ci`` every request here is a plain 404.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, current_app, send_from_directory

FRONTEND_VERSION = "10.6.1"
"""The nhsuk-frontend release pinned in package.json (a test keeps the two equal)."""

STYLESHEET = f"nhsuk-frontend-{FRONTEND_VERSION}.min.css"
BUNDLE = re.compile(r"nhsuk-frontend(-[0-9.]+)?\.min\.(css|js)(\.map)?")
YEAR = 365 * 24 * 60 * 60
WEEK = 7 * 24 * 60 * 60

bp = Blueprint("assets", __name__, url_prefix="/assets")


@bp.get("/<path:filename>")
def asset(filename: str):
    """One asset file, cached for long: a year for versioned bundles, a week for the rest."""
    root = Path(current_app.config["PLANNER_ASSETS"])
    folder = root if BUNDLE.fullmatch(filename) else root / "assets"
    # A versioned name never changes content; images keep their names across releases.
    versioned = FRONTEND_VERSION in filename
    response = send_from_directory(folder, filename, max_age=YEAR if versioned else WEEK)
    response.cache_control.public = True
    response.cache_control.immutable = versioned
    return response


@bp.errorhandler(404)
def missing(error):
    """A missing asset: a bare 404, not a whole page, since no one reads it."""
    return "Not found\n", 404, {"Content-Type": "text/plain; charset=utf-8"}


@bp.app_context_processor
def asset_names() -> dict:
    """The stylesheet's name, for the page template's head."""
    return {"nhsuk_stylesheet": STYLESHEET}
