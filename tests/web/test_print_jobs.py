"""Printing a team's or trust's plans from the web, as a background job: the form, the job's page
and its progress, the download, a failure and its retry, a job whose thread died, and the thread."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

import planner.bulk
import planner.jobs
from planner.core.errors import PlanningError
from planner.db import db
from planner.jobs import STOPPED, UNEXPECTED, run_print_job, start_print_job
from planner.models import Account, AuditEvent, Person, PrintJob, Team, utcnow
from planner.web.print_jobs import progress_text
from tests.web.conftest import sign_in
from tests.web.pages import outline

BIG = 50


@pytest.fixture(autouse=True)
def jobs_here(web_app, tmp_path):
    """Jobs run before the request returns, and write under the test's own folder."""
    web_app.config.update(PLANNER_JOBS_MODE="inline", PLANNER_PRINT_JOBS_DIR=str(tmp_path / "print-jobs"))


@pytest.fixture
def big_team(web_app, world) -> tuple[int, list[str]]:
    """Team Big in trust A: fifty people, managed by ``manager``; its id and the names in print order."""
    with web_app.app_context():
        manager = db.session.get(Person, world.person["manager"])
        team = Team(name="Team Big", trust_id=manager.trust_id)
        team.managers.append(manager)
        names = [f"Member {number:02d}" for number in range(1, BIG + 1)]
        for number, name in enumerate(names):
            db.session.add(Person(
                name=name, email=f"member{number}@trust.nhs.example", trust_id=manager.trust_id, team=team,
                role_id="rota", band=manager.band, started_in_role=date(2025, 3, 1), protected_hours=4,
            ))
        db.session.commit()
        return team.id, names


def client_of(web_app, world, name: str):
    client = web_app.test_client()
    sign_in(client, world, name)
    return client


def start(client, scope: str, format: str = "pdf") -> int:
    """Ask for a print job on the form; the new job's id."""
    response = client.post("/print-plans", data={"scope": scope, "format": format})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/print-jobs/(\d+)", response.headers["Location"])[1])


def job_row(web_app, job_id: int) -> PrintJob:
    with web_app.app_context():
        job = db.session.get(PrintJob, job_id)
        db.session.expunge(job)
        return job


def download(client, job_id: int) -> tuple[bytes, dict]:
    """The job's file and the download's headers."""
    with client.get(f"/print-jobs/{job_id}/download") as response:
        assert response.status_code == 200, response.status
        return response.get_data(), dict(response.headers)


def bookmarked_people(reader: PdfReader) -> list[str]:
    """The titles of the outline's top-level entries but the contents page's: one per person
    (nested lists hold each entry's children)."""
    return [item.title for item in reader.outline if not isinstance(item, list)]


def test_a_manager_chooses_among_the_teams_they_manage(web_app, world, big_team):
    client = client_of(web_app, world, "manager")

    html = client.get(f"/print-plans?scope=team-{big_team[0]}").get_data(as_text=True)

    assert [(tag, title) for tag, title, _ in outline(html)][:1] == [("h1", "Print plans")]
    assert re.findall(r'name="scope" type="radio" value="([^"]+)"', html) == [f"team-{world.team['A1']}", f"team-{big_team[0]}"]
    assert re.search(rf'value="team-{big_team[0]}" checked', html)
    assert re.search(r'name="format" type="radio" value="pdf" checked', html)
    assert "Team A2" not in html and "whole trust" not in html


def test_a_trust_admin_chooses_a_team_of_their_trust_or_the_whole_trust(web_app, world):
    html = client_of(web_app, world, "trust_admin").get("/print-plans").get_data(as_text=True)

    scopes = re.findall(r'name="scope" type="radio" value="([^"]+)"', html)
    assert scopes == [f"team-{world.team['A1']}", f"team-{world.team['A2']}", f"trust-{world.trust['A']}"]
    assert "Trust A (the whole trust)" in html and "Team B1" not in html


def test_a_manager_of_no_team_is_told_so(web_app, world):
    with web_app.app_context():
        team = db.session.get(Team, world.team["B1"])
        team.managers.clear()
        db.session.commit()

    html = client_of(web_app, world, "far_manager").get("/print-plans").get_data(as_text=True)

    assert "You do not manage any teams yet" in html and 'name="scope"' not in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"format": "pdf"}, "Choose a team, or the whole trust, to print"),
        ({"scope": "A2", "format": "pdf"}, "Choose one of the teams listed, or the whole trust"),
        ({"scope": "A1", "format": "tar"}, "Choose one PDF or a zip file of PDFs"),
        ({"scope": "A1"}, "Choose one PDF or a zip file of PDFs"),
    ],
)
def test_the_form_says_what_to_fix_and_starts_nothing(web_app, world, data, message):
    client = client_of(web_app, world, "manager")
    data = {key: f"team-{world.team[value]}" if key == "scope" else value for key, value in data.items()}

    response = client.post("/print-plans", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and message in html
    assert "<title>Error: Print plans" in html
    with web_app.app_context():
        assert db.session.scalars(select(PrintJob)).all() == []


def test_a_team_prints_as_one_pdf_with_a_bookmark_for_each_person(web_app, world, big_team, renders):
    client = client_of(web_app, world, "manager")

    job_id = start(client, f"team-{big_team[0]}")

    job = job_row(web_app, job_id)
    assert (job.status, job.done, job.total, job.error) == ("done", BIG, BIG, None)
    assert job.started_at <= job.finished_at and job.updated_at == job.finished_at
    page = client.get(f"/print-jobs/{job_id}").get_data(as_text=True)
    assert "Ready to download" in page and f"{BIG} of {BIG} people" in page
    assert f'href="/print-jobs/{job_id}/download"' in page and "print-job.js" not in page
    assert client.get(f"/print-jobs/{job_id}/status.json").get_json() == {
        "status": "done", "done": BIG, "total": BIG, "text": f"{BIG} of {BIG} people",
        "download": f"/print-jobs/{job_id}/download",
    }
    body, headers = download(client, job_id)
    today = date.today().isoformat()
    assert headers["Content-Disposition"] == f"attachment; filename=development-plans-team-big-trust-a-{today}.pdf"
    assert headers["Content-Type"] == "application/pdf" and headers["Cache-Control"] == "no-store"
    assert bookmarked_people(PdfReader(io.BytesIO(body))) == big_team[1]
    assert renders.calls == big_team[1]
    with web_app.app_context():
        assert not (planner.jobs.job_folder(job_id) / "work").exists()
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.record_type == "print_jobs")).all()
        assert [(e.action, e.record_id, e.detail) for e in events] == [
            ("print_job_started", job_id, {"team": big_team[0], "trust": None, "format": "pdf"})
        ]


def test_a_team_prints_as_a_zip_of_one_pdf_for_each_person(web_app, world, big_team, renders):
    client = client_of(web_app, world, "manager")

    job_id = start(client, f"team-{big_team[0]}", "zip")

    body, headers = download(client, job_id)
    assert headers["Content-Type"] == "application/zip"
    assert headers["Content-Disposition"].endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        names = archive.namelist()
        assert len(names) == BIG and names[0] == "0001-member-01.pdf"
        assert all(len(PdfReader(io.BytesIO(archive.read(name))).pages) == 1 for name in names)


def test_a_trust_admin_prints_the_whole_trust(web_app, world, renders):
    client = client_of(web_app, world, "trust_admin")

    job_id = start(client, f"trust-{world.trust['A']}")

    body, headers = download(client, job_id)
    assert "development-plans-trust-a-" in headers["Content-Disposition"]
    with web_app.app_context():
        in_trust = sorted(db.session.scalars(select(Person.name).where(Person.trust_id == world.trust["A"])))
    assert sorted(bookmarked_people(PdfReader(io.BytesIO(body)))) == in_trust


def test_a_failed_job_says_why_and_a_retry_renders_only_the_rest(web_app, world, big_team, renders, caplog):
    client = client_of(web_app, world, "manager")
    renders.fail_at = 30

    job_id = start(client, f"team-{big_team[0]}")

    job = job_row(web_app, job_id)
    assert (job.status, job.done, job.error) == ("failed", 29, UNEXPECTED)
    assert "the renderer broke" in caplog.text and "Traceback" in caplog.text
    page = client.get(f"/print-jobs/{job_id}").get_data(as_text=True)
    assert "The plans were not printed" in page and UNEXPECTED in page and "the renderer broke" not in page
    assert "29 of 50 people" in page and 'action="/print-jobs/%d/retry"' % job_id in page
    assert client.get(f"/print-jobs/{job_id}/status.json").get_json()["status"] == "failed"
    assert client.get(f"/print-jobs/{job_id}/download").status_code == 404

    renders.calls.clear()
    response = client.post(f"/print-jobs/{job_id}/retry")

    assert response.status_code == 302 and response.headers["Location"] == f"/print-jobs/{job_id}"
    assert renders.calls == big_team[1][29:]
    job = job_row(web_app, job_id)
    assert (job.status, job.done, job.error) == ("done", BIG, None)
    titles = bookmarked_people(PdfReader(io.BytesIO(download(client, job_id)[0])))
    assert titles == big_team[1] and len(set(titles)) == BIG
    with web_app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "print_jobs", AuditEvent.record_id == job_id)).all()
        assert actions == ["print_job_started", "print_job_retried"]


def test_a_plan_that_cannot_be_made_is_named_in_the_failure(web_app, world, big_team, monkeypatch):
    def refuse(person, framework, today):
        raise PlanningError("the role 'rota' is not in the framework")

    monkeypatch.setattr(planner.bulk, "printable_from_current", refuse)
    job_id = start(client_of(web_app, world, "manager"), f"team-{big_team[0]}")

    assert job_row(web_app, job_id).error == (
        "A plan could not be made: Member 01: the role 'rota' is not in the framework. Put that right, then retry."
    )


def test_a_file_that_cannot_be_written_is_a_failure_that_says_so(web_app, world, monkeypatch):
    def full_disk(batch, path, progress, work_dir):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(planner.jobs, "write_combined", full_disk)
    job_id = start(client_of(web_app, world, "manager"), f"team-{world.team['A1']}")

    job = job_row(web_app, job_id)
    assert job.status == "failed"
    assert job.error.startswith("The file could not be written: No space left on device. Retry later")


def test_a_team_of_no_one_fails_with_nothing_to_print(web_app, world):
    with web_app.app_context():
        team = Team(name="Team Empty", trust_id=world.trust["A"])
        db.session.add(team)
        db.session.commit()
        team_id = team.id

    job_id = start(client_of(web_app, world, "trust_admin"), f"team-{team_id}")

    job = job_row(web_app, job_id)
    assert (job.status, job.total) == ("failed", 0)
    assert job.error == "No one is in Team Empty, Trust A, so there is nothing to print. Choose another team."


def queued_job(web_app, world, *, minutes_ago: float = 0, status: str = "queued") -> int:
    """A job for team A1 by ``manager``, last heard of ``minutes_ago``; its id."""
    with web_app.app_context():
        then = utcnow() - timedelta(minutes=minutes_ago)
        job = PrintJob(
            account_id=world.account["manager"], team_id=world.team["A1"], format="pdf", status=status,
            done=1 if status == "running" else 0, total=3 if status == "running" else 0,
            created_at=then, updated_at=then,
        )
        db.session.add(job)
        db.session.commit()
        return job.id


def test_an_unfinished_job_shows_its_progress_and_updates_itself(web_app, world):
    client = client_of(web_app, world, "manager")
    job_id = queued_job(web_app, world, status="running")

    page = client.get(f"/print-jobs/{job_id}").get_data(as_text=True)

    assert "Printing" in page and "1 of 3 people" in page
    assert '<progress class="planner-progress" id="print-job-bar" max="3" value="1">1 of 3 people</progress>' in page
    assert f'data-status-url="/print-jobs/{job_id}/status.json"' in page
    assert '<script type="module" src="/static/js/print-job.js"></script>' in page
    assert f'href="/print-jobs/{job_id}">Refresh this page' in page
    assert "http-equiv" not in page and "/download" not in page
    assert client.get(f"/print-jobs/{job_id}/download").status_code == 404
    status = client.get(f"/print-jobs/{job_id}/status.json")
    assert status.headers["Cache-Control"] == "no-store"
    assert status.get_json() == {"status": "running", "done": 1, "total": 3, "text": "1 of 3 people", "download": None}


def test_the_page_script_polls_the_status(web_client):
    with web_client.get("/static/js/print-job.js") as response:
        script = response.get_data(as_text=True)
    assert response.mimetype == "text/javascript"
    assert "fetch(statusUrl" in script and "aria-live" in script and "window.location.reload()" in script


def test_a_queued_job_is_waiting_and_its_download_is_not_found(web_app, world):
    client = client_of(web_app, world, "manager")
    job_id = queued_job(web_app, world)

    page = client.get(f"/print-jobs/{job_id}").get_data(as_text=True)

    assert page.count("Waiting to start") >= 2 and '<progress class="planner-progress" id="print-job-bar" max="1">' in page
    assert client.get(f"/print-jobs/{job_id}/download").status_code == 404
    response = client.post(f"/print-jobs/{job_id}/retry", follow_redirects=True)
    assert "Nothing to retry: the job has not failed or stopped." in response.get_data(as_text=True)
    assert job_row(web_app, job_id).status == "queued"


def test_a_job_whose_thread_died_shows_as_stopped_and_can_be_retried(web_app, world, renders):
    client = client_of(web_app, world, "manager")
    job_id = queued_job(web_app, world, minutes_ago=3, status="running")

    page = client.get(f"/print-jobs/{job_id}").get_data(as_text=True)

    assert "Stopped" in page and STOPPED in page and "print-job.js" not in page
    assert client.get(f"/print-jobs/{job_id}/status.json").get_json()["status"] == "stopped"
    assert "Stopped" in client.get("/print-plans").get_data(as_text=True)
    assert client.post(f"/print-jobs/{job_id}/retry").status_code == 302
    job = job_row(web_app, job_id)
    assert (job.status, job.done, job.total) == ("done", 3, 3)


def test_how_long_a_job_may_be_silent_is_a_setting(web_app, world):
    client = client_of(web_app, world, "manager")
    job_id = queued_job(web_app, world, minutes_ago=3, status="running")
    web_app.config["PLANNER_JOBS_STALE_AFTER"] = 600

    assert client.get(f"/print-jobs/{job_id}/status.json").get_json()["status"] == "running"
    client.post(f"/print-jobs/{job_id}/retry")
    assert job_row(web_app, job_id).status == "running"


def test_a_finished_job_is_not_run_again(web_app, world, renders):
    job_id = start(client_of(web_app, world, "manager"), f"team-{world.team['A1']}")
    renders.calls.clear()

    with web_app.app_context():
        run_print_job(job_id)

    assert renders.calls == [] and job_row(web_app, job_id).status == "done"


def test_files_are_deleted_some_days_after_their_job_and_the_page_says_to_print_again(web_app, world, renders):
    client = client_of(web_app, world, "manager")
    old = start(client, f"team-{world.team['A1']}")
    with web_app.app_context():
        db.session.get(PrintJob, old).finished_at = utcnow() - timedelta(days=7, minutes=1)
        db.session.commit()
        old_folder = planner.jobs.job_folder(old)
    recent = start(client, f"team-{world.team['A1']}")

    assert not old_folder.exists()
    page = client.get(f"/print-jobs/{old}").get_data(as_text=True)
    assert "No longer kept" in page and "each file is deleted 7 days after it was made" in page
    assert f'href="/print-plans?scope=team-{world.team["A1"]}">Print these plans again' in page
    assert f"/print-jobs/{old}/download" not in page and "Retry" not in page
    assert client.get(f"/print-jobs/{old}/download").status_code == 404
    assert client.get(f"/print-jobs/{old}/status.json").get_json()["download"] is None
    # The newer job keeps its file.
    assert PdfReader(io.BytesIO(download(client, recent)[0])).pages


def test_the_print_page_lists_the_accounts_recent_jobs(web_app, world, renders):
    client = client_of(web_app, world, "manager")
    done = start(client, f"team-{world.team['A1']}")
    waiting = queued_job(web_app, world)

    html = client.get("/print-plans").get_data(as_text=True)

    table = html[html.index("Your recent printing"):]
    assert table.index(f'href="/print-jobs/{waiting}"') < table.index(f'href="/print-jobs/{done}"')
    assert "Ready to download" in table and "3 of 3 people" in table and "Waiting to start" in table
    assert "Your recent printing" not in client_of(web_app, world, "trust_admin").get("/print-plans").get_data(as_text=True)


def test_jobs_run_in_a_thread_of_their_own_by_default(web_app, world, renders):
    web_app.config["PLANNER_JOBS_MODE"] = "thread"
    client = client_of(web_app, world, "manager")
    job_id = queued_job(web_app, world)

    thread = start_print_job(web_app, job_id)
    thread.join(timeout=60)

    assert not thread.is_alive() and thread.daemon
    assert job_row(web_app, job_id).status == "done"
    started = start(client, f"team-{world.team['A1']}")
    for running in threading.enumerate():
        if running.name == f"print-job-{started}":
            running.join(timeout=60)
    job = job_row(web_app, started)
    assert (job.status, job.done, job.total) == ("done", 3, 3)


def test_progress_in_words():
    assert progress_text(PrintJob(status="queued", done=0, total=0)) == "Waiting to start"
    assert progress_text(PrintJob(status="running", done=0, total=1)) == "0 of 1 person"
    assert progress_text(PrintJob(status="running", done=12, total=20)) == "12 of 20 people"


def test_managers_and_trust_admins_find_print_plans_in_the_menu(web_app, world):
    for name, shown in (("manager", True), ("trust_admin", True), ("staff", False), ("region_lead", False)):
        html = client_of(web_app, world, name).get("/me", follow_redirects=True).get_data(as_text=True)
        assert ('href="/print-plans"' in html) == shown, name


def test_the_teams_page_links_each_team_to_printing(web_app, world):
    html = client_of(web_app, world, "manager").get("/teams").get_data(as_text=True)

    assert f'href="/print-plans?scope=team-{world.team["A1"]}">Print the plans of Team A1</a>' in html


def test_an_account_without_a_person_prints_nothing_and_sees_no_job(web_app, world):
    from tests.web.conftest import PASSWORD, password_hash

    job_id = queued_job(web_app, world)
    with web_app.app_context():
        account = Account(email="ops@trust.nhs.example", password_hash=password_hash())
        account.roles = {"admin", "trust_admin", "manager"}
        db.session.add(account)
        db.session.commit()
    client = web_app.test_client()
    assert client.post("/sign-in", data={"email": "ops@trust.nhs.example", "password": PASSWORD}).status_code == 302

    assert client.get("/print-plans").status_code == 403
    assert client.get(f"/print-jobs/{job_id}").status_code == 404
