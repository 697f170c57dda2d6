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
        # A session ends after this long without a request, and this long after signing in.
        "PLANNER_SESSION_IDLE_MINUTES": 30,
        "PLANNER_SESSION_MAX_HOURS": 12,
        # Flask-Login's "remember me" cookie is never set; were it ever, it would be as guarded.
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Demo mode lists the demo sign-ins and lets `planner demo` seed the database; the demo
        # accounts cannot sign in outside it.
        "PLANNER_DEMO": False,
        "PLANNER_SIGN_IN_LIMIT": "10 per minute",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Printing many plans runs in a background thread of the web process ("thread"), before
        # the request that asked for it returns ("inline"), or on an RQ queue that `planner worker`
        # serves ("rq"). Unset, it is "rq" when PLANNER_REDIS_URL is set, else "thread". A job not
        # heard of for the given seconds counts as stopped (its server restarted) and may be retried.
        "PLANNER_JOBS_MODE": None,
        "PLANNER_JOBS_STALE_AFTER": 120,
        "PLANNER_PRINT_JOBS_DIR": os.path.join(instance_path, "print-jobs"),
        # Printed files hold personal data: each is deleted this many days after its job ended.
        "PLANNER_PRINT_JOBS_KEEP_DAYS": 7,
        # Redis, shared by every app server and worker: the print-job queue and the sign-in counts.
        "PLANNER_REDIS_URL": None,
        # Seconds to wait for PostgreSQL to answer a new connection before showing the outage page.
        "PLANNER_DB_CONNECT_TIMEOUT": 5,
        # How many reverse proxies in front of planner set X-Forwarded-For and X-Forwarded-Proto;
        # 0 trusts none of those headers.
        "PLANNER_TRUSTED_PROXIES": 0,
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
    "PLANNER_SESSION_IDLE_MINUTES": "PLANNER_SESSION_IDLE_MINUTES",
    "PLANNER_SESSION_MAX_HOURS": "PLANNER_SESSION_MAX_HOURS",
    "PLANNER_JOBS_MODE": "PLANNER_JOBS_MODE",
    "PLANNER_JOBS_STALE_AFTER": "PLANNER_JOBS_STALE_AFTER",
    "PLANNER_PRINT_JOBS_DIR": "PLANNER_PRINT_JOBS_DIR",
    "PLANNER_PRINT_JOBS_KEEP_DAYS": "PLANNER_PRINT_JOBS_KEEP_DAYS",
    "PLANNER_REDIS_URL": "PLANNER_REDIS_URL",
    "PLANNER_DB_CONNECT_TIMEOUT": "PLANNER_DB_CONNECT_TIMEOUT",
    "PLANNER_TRUSTED_PROXIES": "PLANNER_TRUSTED_PROXIES",
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

JOB_MODES = ("thread", "inline", "rq")
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class SettingsError(ValueError):
    """A setting has a value planner cannot use; the message names it and says what it takes."""


def check_settings(settings: dict) -> None:
    """Refuse settings planner cannot run with, before anything relies on them; numbers given as
    text (as the environment gives them) become numbers."""
    _check_redis(settings)
    for name, unit, example in (
        ("PLANNER_JOBS_STALE_AFTER", "seconds", 120),
        ("PLANNER_PRINT_JOBS_KEEP_DAYS", "days", 7),
        ("PLANNER_SESSION_IDLE_MINUTES", "minutes", 30),
        ("PLANNER_SESSION_MAX_HOURS", "hours", 12),
        ("PLANNER_DB_CONNECT_TIMEOUT", "seconds", 5),
    ):
        settings[name] = _positive(settings, name, unit, example)
    settings["PLANNER_TRUSTED_PROXIES"] = _proxy_count(settings["PLANNER_TRUSTED_PROXIES"])


def _check_redis(settings: dict) -> None:
    """Choose the jobs mode (``rq`` when Redis is set and no mode is), refuse a mode or Redis URL
    that cannot work, and keep the sign-in counts in Redis when it is set."""
    url, mode = settings.get("PLANNER_REDIS_URL"), settings["PLANNER_JOBS_MODE"]
    if url and not str(url).startswith(REDIS_SCHEMES):
        raise SettingsError(
            f"PLANNER_REDIS_URL is {url!r}; it must be a Redis URL starting with redis://, rediss:// or unix://, "
            "such as redis://127.0.0.1:6379/0."
        )
    if mode is None:
        mode = settings["PLANNER_JOBS_MODE"] = "rq" if url else "thread"
    if mode not in JOB_MODES:
        raise SettingsError(f"PLANNER_JOBS_MODE is {mode!r}; it must be one of: {', '.join(JOB_MODES)}.")
    if mode == "rq" and not url:
        raise SettingsError(
            "PLANNER_JOBS_MODE is 'rq' but PLANNER_REDIS_URL is not set; set it to your Redis server, "
            "such as redis://127.0.0.1:6379/0, or choose the mode thread."
        )
    if url and settings.get("RATELIMIT_STORAGE_URI", "memory://") == "memory://":
        # Counts kept in one process's memory would let each app server allow the limit again.
        settings["RATELIMIT_STORAGE_URI"] = url


def _proxy_count(value) -> int:
    """PLANNER_TRUSTED_PROXIES as a whole number from 0, or a ``SettingsError`` saying what it takes."""
    text = str(value).strip()
    if not text.isdigit():
        raise SettingsError(
            f"PLANNER_TRUSTED_PROXIES is {value!r}; it must be a whole number of proxies from 0 (none) upwards, "
            "such as 1 for one reverse proxy."
        )
    return int(text)


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
