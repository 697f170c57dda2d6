"""Fixtures for the web tests: an app on the small test framework, so they do not depend on the
default framework file."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner import create_app

SMALL = Path(__file__).resolve().parent.parent / "frameworks" / "small.yaml"


@pytest.fixture
def small_config(database_url):
    """Settings for a test app on the small framework and an empty test database."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PLANNER_FRAMEWORK": str(SMALL),
    }


@pytest.fixture
def small_app(small_config):
    """A fresh app on the small framework."""
    return create_app(small_config)


@pytest.fixture
def small_client(small_app):
    return small_app.test_client()
