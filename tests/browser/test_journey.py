"""The whole journey of a staff member and her manager, through the real pages in a real browser.

Amira Shah (the demo staff sign-in, a rota coordinator aiming for medical workforce advisor) rates
herself in a domain she had left unrated, sees her training needs change, picks her target role and
makes and agrees a plan from a route to it. Daniel Okafor, her manager, validates the rating she
made and agrees the plan; she then sees it agreed and read-only. Every step is a click or a typed
answer on the pages as a user meets them, with CSRF checks on; every page on the way must pass
axe-core's WCAG 2.2 A and AA rules with no serious or critical violation and log no console error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.demo import DEMO_PASSWORD

from .test_accessibility import blocking, describe

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Locator, Page

    from .conftest import Visit

STAFF = "staff@demo.example"
MANAGER = "manager@demo.example"
TARGET = "Medical Workforce Advisor"
TARGET_OPTION = "Medical Workforce Advisor (band 5)"
OTHER_OPTION = "Senior Rota Coordinator (band 5)"
DOMAIN = "HR foundations and employment law"
# HRF-01: unrated in the demo data, and needed at level 2 for the target role.
COMPETENCY = "Employment law essentials"
LEVEL = "2 – Practitioner"


@dataclass
class Journey:
    """One browser tab clicked through the journey, checking each page it reaches."""

    visit: Visit
    axe: Callable[[Page], dict]

    @property
    def page(self) -> Page:
        return self.visit.page

    def follow(self, target: Locator) -> None:
        """Click a link or button and wait until the page it leads to has loaded."""
        with self.page.expect_event("load"):
            target.click()

    def menu(self, text: str) -> None:
        """Follow a link of the header's navigation."""
        self.follow(self.page.get_by_role("navigation", name="Menu").get_by_role("link", name=text, exact=True))

    def check(self, heading: str) -> None:
        """The page now shown has this main heading, no serious or critical axe violation and no
        console error so far."""
        shown = self.page.get_by_role("heading", level=1).inner_text().strip()
        assert shown.startswith(heading), f"expected the page {heading!r}, got {shown!r} at {self.page.url}"
        result = self.axe(self.page)
        assert result["passes"], f"axe checked nothing on {heading!r}: is the page empty?"
        found = blocking(result["violations"])
        assert not found, f"axe found on {heading!r} ({self.page.url}):\n{describe(found)}"
        assert self.visit.errors == [], f"console errors by {heading!r} ({self.page.url})"

    def flash(self) -> str:
        """The message the page shows about what the last action did."""
        return " ".join(self.page.get_by_role("status").all_inner_texts())

    def sign_in(self, email: str, name: str) -> None:
        """Sign in on the sign-in page shown, and land on the home page as the person named."""
        page = self.page
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        self.follow(page.get_by_role("button", name="Sign in"))
        self.check("My home")
        assert name in page.get_by_role("navigation", name="Account").inner_text()

    def sign_out(self) -> None:
        """Sign out through the header's link and the sign-out page's button."""
        self.follow(self.page.get_by_role("navigation", name="Account").get_by_role("link", name="Sign out"))
        self.check("Sign out")
        self.follow(self.page.get_by_role("button", name="Sign out"))
        self.check("Sign in")
        assert "You have signed out." in self.flash()

    def summary_value(self, key: str) -> str:
        """The value beside a key of the page's summary lists."""
        values = self.page.evaluate(
            """key => [...document.querySelectorAll(".nhsuk-summary-list__row")]
                .filter(row => row.querySelector("dt").textContent.trim() === key)
                .map(row => row.querySelector("dd").innerText.trim())""",
            key,
        )
        assert len(values) == 1, f"{len(values)} summary rows named {key!r} on {self.page.url}"
        return values[0]


def need_cells(table: Locator, competency: str) -> list[str] | None:
    """The Now, Needed and Gap cells of a competency's row in a needs table, or None without such a row."""
    name = re.compile(f"^{re.escape(competency)}")
    row = table.get_by_role("row").filter(has=table.page.get_by_role("cell", name=name))
    if row.count() == 0:
        return None
    return [text.strip() for text in row.get_by_role("cell").all_inner_texts()[2:]]


def gap_table(page: Page) -> tuple[int, Locator]:
    """The number of gaps for the target role and the table listing them."""
    table = page.get_by_role("table", name=re.compile(f"gaps? for {TARGET}, most urgent first"))
    caption = table.locator("caption").inner_text()
    return int(caption.split()[0]), table


def met_summary(page: Page) -> Locator:
    """The summary that opens the table of needs already met, which names how many there are."""
    return page.get_by_text(re.compile(r"Needs already met \(\d+\)"))


def first_number(text: str) -> int:
    """The first whole number in a text, such as a count in a heading."""
    return int(re.search(r"\d+", text).group())


def test_staff_member_and_manager_go_from_self_assessment_to_an_agreed_plan(demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page
    journey.check("Sign in")

    # Amira signs in and looks at her training needs before rating anything.
    journey.sign_in(STAFF, "Amira Shah")
    journey.menu("Training needs")
    journey.check("My training needs")
    gaps_before, table = gap_table(page)
    assert need_cells(table, COMPETENCY) == ["0", "2", "Red: 2 levels short"]
    met_before = first_number(met_summary(page).inner_text())

    # She rates herself in the one competency, at the level her target asks for.
    journey.menu("Self-assessment")
    journey.check("Self-assessment")
    journey.follow(page.get_by_role("link", name=DOMAIN, exact=True))
    journey.check(DOMAIN)
    levels = page.get_by_role("group", name=f"Your level in {COMPETENCY}", exact=True)
    assert not levels.get_by_role("radio").evaluate_all("radios => radios.some(radio => radio.checked)")
    levels.get_by_label(LEVEL, exact=True).check()
    journey.follow(page.get_by_role("button", name=f"Save {DOMAIN}"))
    journey.check(DOMAIN)
    assert f"Saved: {COMPETENCY}: not rated → 2." in journey.flash()
    assert levels.get_by_label(LEVEL, exact=True).is_checked()

    # Her needs now count that level: one gap fewer, and the competency among the needs met.
    journey.menu("Training needs")
    journey.check("My training needs")
    gaps_after, table = gap_table(page)
    assert gaps_after == gaps_before - 1
    assert need_cells(table, COMPETENCY) is None
    assert first_number(met_summary(page).inner_text()) == met_before + 1
    met_summary(page).click()
    met = page.get_by_role("table", name=f"Levels already held for {TARGET}")
    met.wait_for()
    assert need_cells(met, COMPETENCY) == ["2", "2", "Green: met"]

    # She looks at other routes, comes back to her target, and makes a plan from its fastest route.
    journey.menu("Pathways")
    journey.check("My pathways")
    assert page.get_by_role("heading", name=f"Routes to {TARGET_OPTION}").is_visible()
    page.get_by_label("Target role").select_option(label=OTHER_OPTION)
    journey.follow(page.get_by_role("button", name="Show routes"))
    journey.check("My pathways")
    assert page.get_by_role("heading", name=f"Routes to {OTHER_OPTION}").is_visible()
    page.get_by_label("Target role").select_option(label=TARGET_OPTION)
    journey.follow(page.get_by_role("button", name="Show routes"))
    journey.check("My pathways")
    assert page.get_by_role("heading", name=f"Routes to {TARGET_OPTION}").is_visible()
    assert page.get_by_label("Target role").input_value() == "medical_workforce_advisor"
    journey.follow(page.get_by_role("button", name="Make this my plan (route 1)"))
    journey.check("Plan version 1")
    assert "Draft" in page.get_by_role("heading", level=1).inner_text()
    assert "Draft plan version 1 saved." in journey.flash()
    assert journey.summary_value("Status") == "Draft"
    assert journey.summary_value("Towards") == TARGET_OPTION

    # She agrees it; it waits for her manager.
    journey.follow(page.get_by_role("button", name="I agree this plan"))
    journey.check("Plan version 1")
    assert "Your agreement to plan version 1 is recorded." in journey.flash()
    assert journey.summary_value("Status") == "Draft"
    assert journey.summary_value("Amira Shah").startswith("Agreed by Amira Shah on ")
    assert journey.summary_value("Manager") == "Not yet agreed"
    assert page.get_by_role("button", name="I agree this plan").count() == 0
    journey.sign_out()

    # Daniel, her manager, finds her in his team and validates the rating she made.
    journey.sign_in(MANAGER, "Daniel Okafor")
    journey.menu("My teams")
    journey.check("My teams")
    amira = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Amira Shah", exact=True))
    assert "Awaits your agreement" in amira.inner_text()
    journey.follow(amira.get_by_role("link", name="Validate Amira Shah's ratings"))
    journey.check("Validate Amira Shah's self-assessment")
    awaiting = first_number(page.get_by_role("heading", name=re.compile(r"^Awaiting validation")).inner_text())
    decision = page.get_by_role("group", name=f"Your decision on {COMPETENCY}", exact=True)
    decision.get_by_label(f"Accept {LEVEL}", exact=True).check()
    journey.follow(page.get_by_role("button", name="Save validations"))
    journey.check("Validate Amira Shah's self-assessment")
    assert f"Validated for Amira Shah: {COMPETENCY}: accepted 2" in journey.flash()
    after = first_number(page.get_by_role("heading", name=re.compile(r"^Awaiting validation")).inner_text())
    assert after == awaiting - 1

    # He opens her plan from his team's page and agrees it as her manager.
    journey.menu("My teams")
    journey.check("My teams")
    journey.follow(amira.get_by_role("link", name="See the plan of Amira Shah"))
    journey.check("Plans: Amira Shah")
    journey.follow(page.get_by_role("link", name="Version 1", exact=True))
    journey.check("Plan version 1")
    journey.follow(page.get_by_role("button", name="Agree as manager"))
    journey.check("Plan version 1")
    assert "Plan version 1 is now agreed by Amira Shah and their manager." in journey.flash()
    assert journey.summary_value("Status") == "Agreed"
    assert journey.summary_value("Manager").startswith("Agreed by Daniel Okafor on ")
    assert page.get_by_role("button", name="Agree as manager").count() == 0
    journey.sign_out()

    # Amira sees the plan agreed by both, and read-only.
    journey.sign_in(STAFF, "Amira Shah")
    journey.menu("Plans")
    journey.check("My plans")
    version = page.get_by_role("row").filter(has=page.get_by_role("link", name="Version 1", exact=True))
    assert "Agreed" in version.inner_text()
    journey.follow(version.get_by_role("link", name="Version 1", exact=True))
    journey.check("Plan version 1")
    assert "Agreed" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_text("This plan is agreed by you and your manager, so it is read-only.").is_visible()
    assert journey.summary_value("Status") == "Agreed"
    assert journey.summary_value("Amira Shah").startswith("Agreed by Amira Shah on ")
    assert journey.summary_value("Manager").startswith("Agreed by Daniel Okafor on ")
    assert page.get_by_role("button", name="I agree this plan").count() == 0
    assert page.get_by_role("button", name="Agree as manager").count() == 0
    assert page.get_by_role("button", name="Start a new version").is_visible()
