"""Team cover in the browser: Helen Brennan (the demo trust admin, in Northgate's other team) offers
to share tasks; Daniel Okafor, the demo manager, opens his team's cover page, finds its gaps and
single points of failure, sees Helen among those who could cover, and asks what the team loses
while two members are away. Every page passes axe-core with no serious or critical violation, at
desktop width and on a 390 px phone, where the matrix scrolls inside its own region and the page
itself never scrolls sideways."""

from __future__ import annotations

import re

from .conftest import resize
from .test_journey import MANAGER, Journey
from .test_print_jobs import MANAGER_NAME, TEAM

TRUST_ADMIN = "trust.admin@demo.example"
COLLEAGUE = "Helen Brennan"
COLLEAGUE_TEAM = "Medical staffing"
PHONE = {"width": 390, "height": 844}


def team_id(journey: Journey) -> str:
    """The id of the manager's team, read from the print page's choice of team."""
    journey.menu("Print plans")
    value = journey.page.get_by_role("radio", name=TEAM, exact=True).get_attribute("value")
    return value.removeprefix("team-")


def check_on_a_phone(journey: Journey, heading: str) -> None:
    """The page passes axe at 390 px wide, and only the matrix scrolls sideways."""
    page = journey.page
    resize(page, PHONE)
    journey.check(heading)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_manager_finds_the_thin_spots_and_who_could_cover(demo_server, demo_page, axe):
    journey = Journey(demo_page, axe)
    page = journey.page

    # Helen offers to cover tasks in other teams of her trust.
    journey.sign_in(TRUST_ADMIN, COLLEAGUE)
    journey.follow(page.get_by_role("navigation", name="Menu").get_by_role("link", name="My home", exact=True))
    page.goto(page.url + "/task-sharing")
    journey.check("Covering tasks in other teams")
    page.get_by_label("I'm willing to cover medical staffing tasks in my trust when a team is short").check()
    journey.follow(page.get_by_role("button", name="Save"))
    journey.check("Covering tasks in other teams")
    assert "Saved: you are willing" in journey.flash()
    journey.sign_out()

    # Daniel opens his team's cover page.
    journey.sign_in(MANAGER, MANAGER_NAME)
    page.goto(f"{demo_server}/teams/{team_id(journey)}/cover")
    journey.check(f"Team cover: {TEAM}")
    singles = re.compile(r"^Single points of failure: only one person holds these \(\d+\)$")
    assert page.get_by_role("heading", name=singles).is_visible()
    matrix = page.get_by_role("table", name=re.compile(f"competencies {TEAM} needs, by member"))
    members = [name.strip() for name in matrix.get_by_role("columnheader").all_inner_texts()[3:]]
    assert MANAGER_NAME in members and len(members) >= 5
    # Helen is suggested: as someone to train, or as someone who already holds a competency.
    suggested = re.compile(f"{COLLEAGUE} \\((task-sharing colleague, )?{COLLEAGUE_TEAM}\\)")
    assert suggested.search(page.get_by_role("main").inner_text())
    check_on_a_phone(journey, f"Team cover: {TEAM}")

    # What if two of the team are away?
    away = [name for name in members if name != MANAGER_NAME][:2]
    for name in away:
        page.get_by_role("checkbox", name=name, exact=True).check()
    journey.follow(page.get_by_role("button", name="Show cover without them"))
    journey.check(f"Team cover: {TEAM}")
    result = page.get_by_role("heading", name=f"If {away[0]} and {away[1]} are away")
    assert result.is_visible()
    assert matrix.get_by_role("columnheader", name=f"{away[0]} (away)").is_visible()
    check_on_a_phone(journey, f"Team cover: {TEAM}")
