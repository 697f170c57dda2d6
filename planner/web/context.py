"""What every view gathers the same way: the loaded framework and today's date."""

from __future__ import annotations

from datetime import date

from flask import current_app

from planner.core.framework import Framework


def framework() -> Framework:
    """The framework the app loaded and checked at start-up."""
    return current_app.extensions["planner_framework"]


def today() -> date:
    """Today's date: the one reading of the clock a request makes, passed on to the core."""
    return date.today()
