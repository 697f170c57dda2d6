"""The planner command through Click's runner, on the default framework."""

from __future__ import annotations

import json
import math
import os

import pytest
from click.testing import CliRunner
from flask.cli import NoAppException
from sqlalchemy import select

from planner.cli import _create_app, cli

ROTA = """\
name: Asha Patel
role: rota_coordinator
protected_hours_per_month: 4
months_in_role: 8
levels:
  ROT-01: 2
  ROT-04: 3
  ROT-07: 3
  ROT-05: 1
  WIS-01: 2
"""


@pytest.fixture
def person_file(tmp_path):
    path = tmp_path / "asha.yaml"
    path.write_text(ROTA)
    return str(path)


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output + result.stderr
    return result


def test_check_framework_on_the_default_file_prints_the_counts():
    result = run("check-framework")
    assert result.exit_code == 0
    assert result.output.startswith("OK ") and "competencies.yaml" in result.output
    assert "66 competencies" in result.output and "roles" in result.output


def test_check_framework_on_a_broken_file_lists_problems_and_exits_1(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\n")
    result = run("check-framework", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:1:10: 'version' must be text" in result.stderr
    assert "missing required key 'scale'" in result.stderr


def test_roles_lists_every_role_with_band_and_pay():
    result = run("roles")
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if line.startswith("rota_coordinator "))
    assert "Rota Coordinator" in line and " 4 " in line and "£27,485 to £30,162 (2025/26)" in line
    assert len(result.output.splitlines()) >= 13


def test_analyse_text_shows_needs_modules_completion_and_routes(person_file):
    result = run("analyse", "--person", person_file, "--target", "medical_workforce_advisor", "--today", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    out = result.output
    assert out.startswith("Asha Patel: Rota Coordinator (band 4)")
    assert "Needs for Medical Workforce Advisor (band 5):" in out
    assert "   1. " in out and "Recommended training" in out and "Routes:" in out
    assert "Route 1:" in out and "Rota Coordinator ->" in out


def test_analyse_json_has_the_documented_shape(person_file):
    result = run("analyse", "--person", person_file, "--target", "medical_workforce_advisor", "--format", "json", "--today", "2026-11-24")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert set(data) == {"person", "role", "target", "needs", "modules", "total_hours", "completion", "pathways"}
    assert {frozenset(n) for n in data["needs"]} == {
        frozenset({"competency", "current", "required", "gap", "priority", "critical", "prerequisite_for"})
    }
    assert {frozenset(m) for m in data["modules"]} == {frozenset({"id", "hours", "raises"})}
    assert {frozenset(p) for p in data["pathways"]} == {frozenset({"steps", "training_hours", "months", "total_months"})}
    assert {frozenset(s) for p in data["pathways"] for s in p["steps"]} == {frozenset({"from", "to", "kind"})}
    assert [p["total_months"] for p in data["pathways"]] == sorted(p["total_months"] for p in data["pathways"])
    assert (data["person"], data["role"], data["target"]) == ("Asha Patel", "rota_coordinator", "medical_workforce_advisor")
    gaps = [n for n in data["needs"] if n["gap"]]
    assert [n["priority"] for n in gaps] == list(range(1, len(gaps) + 1))
    assert all(n["gap"] == max(n["required"] - n["current"], 0) for n in data["needs"])
    assert data["total_hours"] == sum(m["hours"] for m in data["modules"])
    assert all(isinstance(m["hours"], int) for m in data["modules"])  # whole hours print as 7, not 7.0
    months = math.ceil(data["total_hours"] / 4)
    year, month = divmod(2026 * 12 + 10 + months - 1, 12)
    assert data["completion"] == f"{year}-{month + 1:02d}"
    assert 1 <= len(data["pathways"]) <= 5
    for route in data["pathways"]:
        assert route["steps"][0]["from"] == "rota_coordinator"
        assert route["steps"][-1]["to"] == "medical_workforce_advisor"


def test_analyse_without_target_lists_the_current_roles_needs(person_file):
    data = json.loads(run("analyse", "--person", person_file, "--format", "json", "--today", "2026-11-24").output)
    assert data["target"] is None and data["pathways"] == []
    assert {n["competency"] for n in data["needs"]} >= {"ROT-01", "ROT-04", "ROT-05"}


def test_analyse_towards_an_unreachable_role_still_analyses_and_names_the_closest(tmp_path):
    path = tmp_path / "lead.yaml"
    path.write_text("name: Kim\nrole: system_medical_workforce_lead\n")
    result = run("analyse", "--person", str(path), "--target", "medical_staffing_administrator")
    assert result.exit_code == 0
    assert "closest role you can reach" in result.output


def test_analyse_with_an_unknown_target_exits_2(person_file):
    result = run("analyse", "--person", person_file, "--target", "astronaut")
    assert result.exit_code == 2
    assert "unknown role 'astronaut'" in result.stderr


def test_pathways_prints_readable_routes():
    result = run("pathways", "--from", "rota_coordinator", "--to", "head_of_medical_workforce")
    assert result.exit_code == 0, result.stderr
    out = result.output
    assert out.startswith("Routes from Rota Coordinator to Head of")
    assert out.count("Route ") == 5
    assert "band 4 to 5" in out


def test_pathways_with_a_person_uses_their_levels(person_file):
    with_levels = run("pathways", "--from", "rota_coordinator", "--to", "senior_rota_coordinator", "--person", person_file, "-k", "1")
    without = run("pathways", "--from", "rota_coordinator", "--to", "senior_rota_coordinator", "-k", "1")
    assert with_levels.exit_code == without.exit_code == 0
    assert with_levels.output != without.output


def test_pathways_to_an_unreachable_role_exits_1():
    result = run("pathways", "--from", "head_of_medical_workforce", "--to", "medical_staffing_administrator")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no route leads from Head of")


@pytest.mark.parametrize("option", ["--from", "--to"])
def test_pathways_with_an_unknown_role_exits_2(option):
    args = {"--from": "rota_coordinator", "--to": "hr_advisor"}
    args[option] = "nobody"
    result = run("pathways", *[x for pair in args.items() for x in pair])
    assert result.exit_code == 2
    assert "unknown role 'nobody'" in result.stderr


def test_commands_refuse_a_broken_framework_with_status_1(tmp_path, person_file):
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [\n")
    result = run("roles", "--framework", str(broken))
    assert result.exit_code == 1
    assert f"{broken}:" in result.stderr and "YAML syntax error" in result.stderr


def test_the_app_refuses_to_start_on_a_broken_framework(tmp_path, monkeypatch):
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\n")
    monkeypatch.setenv("PLANNER_FRAMEWORK", str(broken))
    with pytest.raises(NoAppException, match="the framework file has problems"):
        _create_app()


def test_the_app_refuses_to_start_on_a_wrong_setting(monkeypatch):
    monkeypatch.setenv("PLANNER_JOBS_MODE", "later")
    with pytest.raises(NoAppException, match="a setting is wrong: PLANNER_JOBS_MODE is 'later'"):
        _create_app()


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("name: Kim\nrole: [\n", "YAML syntax error", id="bad-yaml"),
        pytest.param("name: Kim\nrole: astronaut\n", "unknown role 'astronaut'", id="unknown-role"),
        pytest.param("name: Kim\nrole: rota_coordinator\nlevels: {ROT-99: 2}\n", "unknown competency 'ROT-99' in levels", id="unknown-competency"),
        pytest.param("name: Kim\nrole: rota_coordinator\nlevels: {ROT-01: 7}\n", "ROT-01 is 7, outside the scale (0 to 4)", id="level-off-the-scale"),
        pytest.param("name: Kim\nrole: rota_coordinator\nhours: 4\n", "unknown key 'hours'", id="unknown-key"),
    ],
)
def test_a_bad_person_file_names_the_key_to_fix_and_exits_2(tmp_path, text, message):
    path = tmp_path / "kim.yaml"
    path.write_text(text)
    result = run("analyse", "--person", str(path))
    assert result.exit_code == 2
    assert f"{path}:" in result.stderr and message in result.stderr
    assert result.stdout == ""


def test_analyse_json_towards_an_unreachable_role_keeps_stdout_json_and_explains_on_stderr(tmp_path):
    path = tmp_path / "lead.yaml"
    path.write_text("name: Kim\nrole: system_medical_workforce_lead\n")
    result = run("analyse", "--person", str(path), "--target", "medical_staffing_administrator", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["pathways"] == []
    assert "closest role you can reach" in result.stderr


def test_analyse_for_someone_who_meets_every_requirement_recommends_no_training(tmp_path, framework):
    levels = ", ".join(f"{c}: {level}" for c, level in framework.role["rota_coordinator"].requires.items())
    path = tmp_path / "done.yaml"
    path.write_text(f"name: Kim\nrole: rota_coordinator\nlevels: {{{levels}}}\n")
    result = run("analyse", "--person", str(path))
    assert result.exit_code == 0
    assert "Every requirement is met." in result.output and "Recommended training" not in result.output


def test_the_console_script_runs_the_command_group(monkeypatch, capsys):
    from planner.cli import main

    monkeypatch.setattr("sys.argv", ["planner", "roles"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 0
    assert "rota_coordinator" in capsys.readouterr().out


def test_pathways_with_a_person_counts_their_months_in_the_starting_role(tmp_path):
    def first_wait(months):
        path = tmp_path / f"kim{months}.yaml"
        path.write_text(f"name: Kim\nrole: rota_coordinator\nmonths_in_role: {months}\n")
        result = run("pathways", "--from", "rota_coordinator", "--to", "senior_rota_coordinator", "--person", str(path), "-k", "1")
        assert result.exit_code == 0, result.stderr
        return result.output.split("after about ")[1].split(" months")[0]

    assert int(first_wait(0)) > int(first_wait(60)) == 0


def test_analyse_a_plan_that_would_run_past_the_calendar_exits_1_with_a_message(person_file):
    result = run("analyse", "--person", person_file, "--today", "9999-12-01")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: a plan starting in December 9999 would run past the year 9999")


ADMIN_PASSWORD = "a long and unusual passphrase"


def _accounts(app):
    from planner.db import db
    from planner.models import Account, AuditEvent

    with app.app_context():
        accounts = [(a.email, a.roles, a.person_id, a.check_password(ADMIN_PASSWORD)) for a in db.session.scalars(select(Account))]
        events = [e.action for e in db.session.scalars(select(AuditEvent))]
    return accounts, events


@pytest.fixture
def upgraded(app):
    """The app with its tables made (as ``planner db upgrade`` makes them)."""
    from planner.db import db

    # Not by running the migrations here: Alembic's logging set-up would silence the app's logger
    # for the tests that follow in this process.
    with app.app_context():
        db.create_all()
    return app


def test_create_admin_asks_for_the_password_twice_and_adds_an_admin_account(upgraded, runner):
    result = runner.invoke(cli, ["create-admin", "--email", " IT.Admin@trust.nhs.example "], input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output and ADMIN_PASSWORD not in result.output
    assert "Added the admin account IT.Admin@trust.nhs.example; sign in with it at /sign-in." in result.output
    accounts, events = _accounts(upgraded)
    assert accounts == [("IT.Admin@trust.nhs.example", frozenset({"admin"}), None, True)]
    assert events == ["account_created"]


def test_create_admin_takes_the_password_from_the_environment_for_a_script(upgraded, runner):
    result = runner.invoke(cli, ["create-admin", "--email", "it.admin@trust.nhs.example"], env={"PLANNER_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert result.exit_code == 0, result.output
    assert _accounts(upgraded)[0][0][3] is True


def test_create_admin_refuses_an_email_already_used_whatever_its_capitals(upgraded, runner):
    first = runner.invoke(cli, ["create-admin", "--email", "it.admin@trust.nhs.example"], env={"PLANNER_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert first.exit_code == 0
    again = runner.invoke(cli, ["create-admin", "--email", "IT.ADMIN@trust.nhs.example"], env={"PLANNER_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert again.exit_code == 1
    assert "an account with the email address IT.ADMIN@trust.nhs.example already exists; give another address" in again.output
    assert len(_accounts(upgraded)[0]) == 1


@pytest.mark.parametrize(
    "email, password, says",
    [
        ("it.admin@trust.nhs.example", "short", "Error: Enter a password of at least 8 characters."),
        ("it.admin", ADMIN_PASSWORD, "Error: --email 'it.admin' is not an email address"),
        ("admin@demo.example", ADMIN_PASSWORD, "is a demo address, which signs in only in demo mode"),
    ],
)
def test_create_admin_refuses_what_cannot_sign_in_and_adds_nothing(upgraded, runner, email, password, says):
    result = runner.invoke(cli, ["create-admin", "--email", email], env={"PLANNER_ADMIN_PASSWORD": password})
    assert result.exit_code == 2
    assert says in result.output
    assert _accounts(upgraded) == ([], [])


def test_create_admin_asks_for_the_database_to_be_prepared_first(app, runner):
    result = runner.invoke(cli, ["create-admin", "--email", "it.admin@trust.nhs.example"], env={"PLANNER_ADMIN_PASSWORD": ADMIN_PASSWORD})
    assert result.exit_code == 1
    assert "run 'planner db upgrade' first" in result.output


def test_the_worker_refuses_to_start_without_redis(app, runner):
    result = runner.invoke(cli, ["worker", "--burst"])
    assert result.exit_code == 1
    assert "print jobs run in mode 'thread'; set PLANNER_REDIS_URL" in result.output


def test_the_worker_says_when_redis_cannot_be_reached(app, runner):
    app.config.update(PLANNER_JOBS_MODE="rq", PLANNER_REDIS_URL="redis://127.0.0.1:1/0")
    result = runner.invoke(cli, ["worker", "--burst"])
    assert result.exit_code == 1
    assert "Error: cannot reach Redis at PLANNER_REDIS_URL (" in result.output and "start Redis or correct the setting" in result.output
    app.extensions["planner_print_queue"].connection.close()


@pytest.mark.skipif(not os.environ.get("PLANNER_TEST_REDIS_URL"), reason="needs Redis: set PLANNER_TEST_REDIS_URL")
def test_the_worker_in_burst_mode_stops_once_the_queue_is_empty(upgraded, runner):
    import signal

    from redis import Redis

    url = os.environ["PLANNER_TEST_REDIS_URL"]
    Redis.from_url(url).flushdb()
    upgraded.config.update(PLANNER_JOBS_MODE="rq", PLANNER_REDIS_URL=url)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = runner.invoke(cli, ["worker", "--burst"])
    finally:  # the worker takes over these signals to stop cleanly; give them back to pytest
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert result.exit_code == 0, result.output
    upgraded.extensions["planner_print_queue"].connection.close()
