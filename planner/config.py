"""Configuration: safe defaults in code, each overridable by a ``PLANNER_*`` environment variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FRAMEWORK = PROJECT_ROOT / "competencies.yaml"


def default_config(instance_path: str) -> dict:
    """The configuration the app starts from, before the environment and tests override it."""
    return {
        # A fresh random key per start keeps development safe; production sets PLANNER_SECRET_KEY.
        "SECRET_KEY": secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "planner.db"),
        "PLANNER_FRAMEWORK": str(DEFAULT_FRAMEWORK),
        "PLANNER_ASSETS": str(PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 12 * 60 * 60,
        # Demo mode lists the demo sign-ins and lets `planner demo` seed the database; the demo
        # accounts cannot sign in outside it.
        "PLANNER_DEMO": False,
        "PLANNER_SIGN_IN_LIMIT": "10 per minute",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Printing many plans runs in a background thread of the web process ("thread"), or before
        # the request that asked for it returns ("inline"). A job not heard of for the given
        # seconds counts as stopped (its server restarted) and may be retried.
        "PLANNER_JOBS_MODE": "thread",
        "PLANNER_JOBS_STALE_AFTER": 120,
        "PLANNER_PRINT_JOBS_DIR": os.path.join(instance_path, "print-jobs"),
        # Printed files hold personal data: each is deleted this many days after its job ended.
        "PLANNER_PRINT_JOBS_KEEP_DAYS": 7,
    }


def flag(value: str) -> bool:
    """An environment variable's on/off value: 1, true, yes and on mean on."""
    return value.strip().lower() in {"1", "true", "yes", "on"}


ENVIRONMENT_KEYS = {
    "PLANNER_SECRET_KEY": "SECRET_KEY",
    "PLANNER_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PLANNER_FRAMEWORK": "PLANNER_FRAMEWORK",
    "PLANNER_ASSETS": "PLANNER_ASSETS",
    "PLANNER_DEMO": "PLANNER_DEMO",
    "PLANNER_SIGN_IN_LIMIT": "PLANNER_SIGN_IN_LIMIT",
    "PLANNER_JOBS_MODE": "PLANNER_JOBS_MODE",
    "PLANNER_JOBS_STALE_AFTER": "PLANNER_JOBS_STALE_AFTER",
    "PLANNER_PRINT_JOBS_DIR": "PLANNER_PRINT_JOBS_DIR",
    "PLANNER_PRINT_JOBS_KEEP_DAYS": "PLANNER_PRINT_JOBS_KEEP_DAYS",
}
FLAGS = {"PLANNER_DEMO"}


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """The settings named by ``PLANNER_*`` environment variables."""
    environ = os.environ if environ is None else environ
    return {
        key: flag(environ[name]) if name in FLAGS else environ[name]
        for name, key in ENVIRONMENT_KEYS.items()
        if environ.get(name)
    }

JOB_MODES = ("thread", "inline")


class SettingsError(ValueError):
    """A setting has a value planner cannot use; the message names it and says what it takes."""


def check_settings(settings: dict) -> None:
    """Refuse settings planner cannot run with, before anything relies on them; numbers given as
    text (as the environment gives them) become numbers."""
    mode = settings["PLANNER_JOBS_MODE"]
    if mode not in JOB_MODES:
        raise SettingsError(f"PLANNER_JOBS_MODE is {mode!r}; it must be one of: {', '.join(JOB_MODES)}.")
    for name, unit, example in (("PLANNER_JOBS_STALE_AFTER", "seconds", 120), ("PLANNER_PRINT_JOBS_KEEP_DAYS", "days", 7)):
        settings[name] = _positive(settings, name, unit, example)


def _positive(settings: dict, name: str, unit: str, example: int) -> float:
    """The setting as a number above 0, or a ``SettingsError`` saying what it must be."""
    value = settings[name]
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0:
        raise SettingsError(f"{name} is {value!r}; it must be a number of {unit} above 0, such as {example}.")
    return number


DEMO_EMAIL_DOMAIN = "demo.example"
"""Every demo account's email ends ``@demo.example``: such accounts sign in only in demo mode."""
