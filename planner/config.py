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
    }


ENVIRONMENT_KEYS = {
    "PLANNER_SECRET_KEY": "SECRET_KEY",
    "PLANNER_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "PLANNER_FRAMEWORK": "PLANNER_FRAMEWORK",
    "PLANNER_ASSETS": "PLANNER_ASSETS",
}


def from_environment(environ: dict[str, str] | None = None) -> dict:
    """The settings named by ``PLANNER_*`` environment variables."""
    environ = os.environ if environ is None else environ
    return {key: environ[name] for name, key in ENVIRONMENT_KEYS.items() if environ.get(name)}
