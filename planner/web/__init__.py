"""The web layer: one blueprint per feature."""

from __future__ import annotations

from flask import Flask


def register_blueprints(app: Flask) -> None:
    """Register every feature's blueprint on the app."""
    from planner.web import assets, errors, home

    app.register_blueprint(assets.bp)
    app.register_blueprint(errors.bp)
    app.register_blueprint(home.bp)
