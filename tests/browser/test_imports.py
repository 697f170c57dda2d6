"""Importing from ESR in the browser: Helen Brennan (the demo trust admin at Northgate) follows the
link on her home, checks a staff list with a bad row (every problem listed, nothing imported), then
checks and imports a clean one. Every page passes axe-core with no serious or critical violation.

A screenshot of the list of problems goes to the screenshots folder (``SCREENSHOTS`` in
conftest.py) for a person to look at.
"""

from __future__ import annotations

from .conftest import SCREENSHOTS
from .test_journey import Journey


TRUST_ADMIN = "trust.admin@demo.example"
HEADER = "Assignment Number,Full Name,Email Address,Organisation,Position Title,Pay Band,Assignment Start Date\n"
CLEAN = HEADER + "40000001,Rhys Talbot,rhys.talbot@northgate.nhs.example,Medical staffing,Rota Coordinator,Band 4,01/09/2025\n"
DIRTY = CLEAN + "40000002,Sara Quayle,sara.quayle,Payroll,Rota Coordinator,Band 4,01/09/2025\n"


def choose_file(page, name: str, text: str) -> None:
    page.get_by_label("A staff list").check()
    page.locator("input[type=file]").set_input_files({"name": name, "mimeType": "text/csv", "buffer": text.encode()})


def test_a_trust_admin_checks_then_imports_a_staff_list(demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page
    journey.sign_in(TRUST_ADMIN, "Helen Brennan")
    journey.follow(page.get_by_role("link", name="Import from ESR"))
    journey.check("Import from ESR")

    choose_file(page, "dirty.csv", DIRTY)
    journey.follow(page.get_by_role("button", name="Check the file"))
    journey.check("Import from ESR")
    assert page.title().startswith("Error: ")
    problems = page.get_by_role("table", name="Rows of dirty.csv that cannot be imported, by line").inner_text()
    assert "This is not an email address" in problems and "'Payroll' is not a team of Northgate" in problems
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "imports-problems.png", full_page=True)

    choose_file(page, "clean.csv", CLEAN)
    journey.follow(page.get_by_role("button", name="Check the file"))
    journey.check("Import from ESR")
    assert "1 row is ready to import into Northgate Teaching Hospitals NHS Foundation Trust; nothing has been imported yet." in page.inner_text("main")

    choose_file(page, "clean.csv", CLEAN)
    journey.follow(page.get_by_role("button", name="Import", exact=True))
    journey.check("Import from ESR")
    assert "Imported clean.csv into Northgate Teaching Hospitals NHS Foundation Trust: 1 person added" in journey.flash()
