"""What every view gathers the same way: the loaded framework and today's date in the UK."""

from __future__ import annotations

from datetime import date

from flask import current_app

from planner.core.framework import Framework
from planner.times import uk_today


def framework() -> Framework:
    """The framework the app loaded and checked at start-up."""
    return current_app.extensions["planner_framework"]


def today() -> date:
    """Today's date in the UK: the one reading of the clock a request makes, passed on to the core."""
    return uk_today()
