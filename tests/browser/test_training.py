"""Training records in the browser: Amira Shah (the demo staff sign-in) sees her protected learning
time on her home page, opens her training records, is told what to fix when the hours are wrong,
records a module with its hours and evidence, and her manager sees the team's learning time on
My teams. Every page passes axe-core with no serious or critical violation.

Screenshots of the training records and the team list go to the screenshots folder (``SCREENSHOTS`` in conftest.py) for a person to look at.
"""

from __future__ import annotations

from datetime import date

from .conftest import DESKTOP, SCREENSHOTS, wait_until
from .test_journey import MANAGER, STAFF, Journey
from .test_recognition import fill_date

MODULE = "Exception reporting under version 13: the HR and medical staffing part"


def fits_a_phone(page) -> None:
    """The page shown fits a phone's width, and the reflow width of 320 pixels, without sideways scrolling."""
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 844})
        wait_until(page, f"window.innerWidth === {width}")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{page.url} is {scroll_width}px wide on a {width}px screen"
    page.set_viewport_size(DESKTOP)


def test_a_person_records_training_and_her_manager_sees_the_teams_learning_time(demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page

    journey.sign_in(STAFF, "Amira Shah")
    panel = page.get_by_role("table", name="Hours of protected learning time planned and used each month")
    assert "(this month)" in panel.inner_text() and "Total" in panel.inner_text()
    fits_a_phone(page)

    journey.follow(page.get_by_role("link", name="See your training records"))
    journey.check("My training records")
    records = page.get_by_role("table", name="Training modules you completed, the latest first")
    assert "Recorded by Amira Shah" in records.inner_text()

    module = page.get_by_label("Module", exact=True)
    label = next(text for text in module.locator("option").all_inner_texts() if text.startswith(MODULE))
    module.select_option(label=label)
    fill_date(page, "When was it completed?", date.today())
    page.get_by_label("Hours of learning time (optional)").fill("0")
    journey.follow(page.get_by_role("button", name="Record the training"))
    # A form with errors answers 400 by design, and the browser logs that status: expected.
    assert [error.partition(" (http")[0] for error in journey.visit.errors] == [
        "console: Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    journey.visit.errors.clear()
    journey.check("My training records")
    assert page.title().startswith("Error: ")
    assert "The hours of learning time must be more than 0" in page.get_by_role("alert").inner_text()

    page.get_by_label("Hours of learning time (optional)").fill("2.5")
    page.get_by_label("Evidence (optional)").fill("Certificate from NHS Employers e-learning")
    journey.follow(page.get_by_role("button", name="Record the training"))
    journey.check("My training records")
    assert f"Recorded: {MODULE}, completed on {date.today().day} {date.today():%B %Y}, 2.5 hours." in journey.flash()
    assert "Certificate from NHS Employers e-learning" in records.inner_text()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "training-records.png", full_page=True)
    fits_a_phone(page)
    journey.sign_out()

    journey.sign_in(MANAGER, "Daniel Okafor")
    journey.menu("My teams")
    journey.check("My teams")
    team = page.get_by_role("table", name="Protected learning time in").first
    assert "Amira Shah" in team.inner_text() and "Team total" in team.inner_text()
    team.screenshot(path=SCREENSHOTS / "training-team-list.png")
    fits_a_phone(page)
