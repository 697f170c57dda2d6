"""Printing a team's plans from the browser: Daniel Okafor, the demo manager, asks for his team's
plans as one PDF, watches the job's page until the download appears, and opens the file: one
bookmark for each member of his team. The pages pass axe-core with no serious or critical
violation, and the job runs in a background thread as it does in production."""

from __future__ import annotations

import time

import pytest
from pypdf import PdfReader

import planner.jobs
import planner.pdf

from .conftest import wait_until
from .test_journey import MANAGER, Journey

TEAM = "Medical workforce and rotas"
MANAGER_NAME = "Daniel Okafor"
PRINTING_TIMEOUT_MS = 120_000


@pytest.fixture
def job_files(monkeypatch, tmp_path):
    """The server (in this process) keeps job files in the test's folder, not the instance folder."""
    monkeypatch.setattr(planner.jobs, "job_folder", lambda job_id: tmp_path / "print-jobs" / str(job_id))


@pytest.fixture
def unhurried(monkeypatch):
    """Each plan takes a little longer to render, so the job is still running when its page opens
    and the page must follow it by itself."""
    render = planner.pdf.render_plan

    def slower(*args, **kwargs):
        time.sleep(0.4)
        return render(*args, **kwargs)

    monkeypatch.setattr(planner.pdf, "render_plan", slower)


def test_a_manager_prints_their_team_as_one_pdf(demo_page, axe, job_files, unhurried):
    journey = Journey(demo_page, axe)
    page = journey.page
    journey.sign_in(MANAGER, MANAGER_NAME)
    journey.menu("My teams")
    journey.check("My teams")
    members = page.get_by_role("table", name=f"Members of {TEAM}").get_by_role("rowheader").all_inner_texts()
    team = sorted([name.strip() for name in members] + [MANAGER_NAME])

    journey.menu("Print plans")
    journey.check("Print plans")
    page.get_by_role("radio", name=TEAM, exact=True).check()
    page.get_by_role("radio", name="One PDF, with a contents page and a bookmark for each person").check()
    journey.follow(page.get_by_role("button", name="Print the plans"))

    assert page.get_by_role("progressbar", name="People printed").is_visible()
    journey.check(TEAM)
    link = page.get_by_role("link", name="Download the plans (PDF)")
    assert link.count() == 0, "the job finished before its page opened: the page's updating went untested"
    # The page moves the bar as people are printed, then reloads itself with the download link.
    wait_until(page, "document.getElementById('print-job-bar').value > 0", PRINTING_TIMEOUT_MS)
    link.wait_for(timeout=PRINTING_TIMEOUT_MS)
    journey.check(TEAM)
    assert page.get_by_text(f"{len(team)} of {len(team)} people", exact=True).first.is_visible()
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.startswith("development-plans-medical-workforce-and-rotas-northgate")
    reader = PdfReader(download.path())
    people = [item.title for item in reader.outline if not isinstance(item, list)]
    assert sorted(people) == team and len(people) == len(set(people))
    assert journey.visit.errors == []
