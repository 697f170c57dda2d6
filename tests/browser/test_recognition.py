"""Recognition in the browser: Amira Shah (the demo staff sign-in, who holds manager-validated
levels of 3 in two rota competencies and the CIPD level 3 certificate) opens her achievements,
downloads the certificate and an Open Badge, records the CIPD level 5 diploma on her
qualifications page (after a date in the future is refused), and sees it marked held on her route
to HR Advisor. Every page passes axe-core with no serious or critical violation, and the
qualifications page fits a 390 px phone.

Screenshots of the achievements page, the qualifications page and the route's steps go to
the screenshots folder (``SCREENSHOTS`` in conftest.py) for a person to look at.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from planner.core.tna import add_months

from .conftest import DESKTOP, SCREENSHOTS, resize
from .test_journey import STAFF, Journey

STAFF_NAME = "Amira Shah"
QUALIFICATION = "CIPD Level 5 Associate Diploma in People Management"
TARGET_OPTION = "HR Advisor (band 5)"
PHONE = {"width": 390, "height": 844}


def fill_date(page, legend: str, day: date) -> None:
    """Type a date into the three boxes of the NHS.UK date input under ``legend``."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_person_downloads_her_achievements_and_records_a_qualification(demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    journey.sign_in(STAFF, STAFF_NAME)
    journey.follow(page.get_by_role("link", name="Your specialist achievements"))
    journey.check("My specialist achievements")
    qualifications = page.get_by_role("table", name="Professional qualifications you hold, the latest awarded first")
    assert "CIPD Level 3 Foundation Certificate in People Practice" in qualifications.inner_text()
    page.screenshot(path=SCREENSHOTS / "recognition-achievements.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the certificate (PDF)").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the Open Badge").first.click()
    credential = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert "OpenBadgeCredential" in credential["type"]
    assert journey.visit.errors == []

    journey.follow(page.get_by_role("link", name="Record or remove your professional qualifications"))
    journey.check("My professional qualifications")
    page.get_by_label("Qualification", exact=True).select_option(label=QUALIFICATION)
    fill_date(page, "When was it awarded?", date.today() + timedelta(days=30))
    journey.follow(page.get_by_role("button", name="Record the qualification"))
    # A form with errors answers 400 by design, and the browser logs that status: expected.
    assert [error.partition(" (http")[0] for error in journey.visit.errors] == [
        "console: Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    journey.visit.errors.clear()
    journey.check("My professional qualifications")
    assert page.title().startswith("Error: ")
    assert "The date it was awarded must be today or in the past" in page.get_by_role("alert").inner_text()

    awarded = add_months(date.today(), -1)
    fill_date(page, "When was it awarded?", awarded)
    journey.follow(page.get_by_role("button", name="Record the qualification"))
    journey.check("My professional qualifications")
    assert f"Recorded: {QUALIFICATION}, awarded on {awarded.day} {awarded:%B %Y}." in journey.flash()
    assert page.get_by_role("button", name=f"Remove {QUALIFICATION}").is_visible()
    page.screenshot(path=SCREENSHOTS / "recognition-qualifications.png", full_page=True)
    # On a phone the table scrolls inside its own region; the page never scrolls sideways.
    resize(page, PHONE)
    journey.check("My professional qualifications")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    resize(page, DESKTOP)

    journey.follow(page.get_by_role("link", name="See the pathways"))
    page.get_by_label("Target role").select_option(label=TARGET_OPTION)
    journey.follow(page.get_by_role("button", name="Show routes"))
    journey.check("My pathways")
    route = page.get_by_role("table", name="The steps of route 1")
    assert "Qualifications that help" in route.inner_text()
    assert f"Held {QUALIFICATION}, awarded on {awarded.day} {awarded:%B %Y}" in route.inner_text()
    route.scroll_into_view_if_needed()
    route.screenshot(path=SCREENSHOTS / "recognition-pathway-step.png")
