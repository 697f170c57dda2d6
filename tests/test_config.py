"""Settings from the environment: each PLANNER_* variable reaches the app, flags read as on or off."""

from __future__ import annotations

import pytest

from planner.config import from_environment


def test_each_variable_sets_its_setting():
    settings = from_environment(
        {
            "PLANNER_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "PLANNER_SECRET_KEY": "k",
            "PLANNER_SIGN_IN_LIMIT": "5 per minute",
            "UNRELATED": "x",
        }
    )
    assert settings == {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@h/db",
        "SECRET_KEY": "k",
        "PLANNER_SIGN_IN_LIMIT": "5 per minute",
    }


@pytest.mark.parametrize("value, on", [("1", True), ("true", True), (" Yes ", True), ("on", True), ("0", False), ("no", False)])
def test_demo_mode_is_a_flag(value, on):
    assert from_environment({"PLANNER_DEMO": value}) == {"PLANNER_DEMO": on}


def test_empty_variables_are_ignored():
    assert from_environment({"PLANNER_DEMO": "", "PLANNER_FRAMEWORK": ""}) == {}
