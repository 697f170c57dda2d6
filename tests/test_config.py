"""Settings from the environment: each PLANNER_* variable reaches the app, flags read as on or off."""

from __future__ import annotations

import pytest

from planner import create_app
from planner.config import SettingsError, check_settings, default_config, from_environment


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


def test_job_settings_from_the_environment_are_checked_and_made_numbers(tmp_path):
    settings = default_config(str(tmp_path)) | from_environment({"PLANNER_JOBS_MODE": "inline", "PLANNER_JOBS_STALE_AFTER": "300"})
    check_settings(settings)
    assert settings["PLANNER_JOBS_MODE"] == "inline" and settings["PLANNER_JOBS_STALE_AFTER"] == 300.0


@pytest.mark.parametrize(
    "variable, value, says",
    [
        ("PLANNER_JOBS_MODE", "queue", "PLANNER_JOBS_MODE is 'queue'; it must be one of: thread, inline, rq."),
        ("PLANNER_JOBS_STALE_AFTER", "two minutes", "PLANNER_JOBS_STALE_AFTER is 'two minutes'; it must be a number of seconds above 0"),
        ("PLANNER_JOBS_STALE_AFTER", "-5", "PLANNER_JOBS_STALE_AFTER is '-5'"),
        ("PLANNER_PRINT_JOBS_KEEP_DAYS", "0", "PLANNER_PRINT_JOBS_KEEP_DAYS is '0'; it must be a number of days above 0, such as 7."),
    ],
)
def test_a_wrong_job_setting_stops_start_up_saying_what_it_takes(monkeypatch, tmp_path, variable, value, says):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    assert str(raised.value).startswith(says)
