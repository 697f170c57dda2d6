"""The print view of a plan in a real browser: the accessible form of the printed plan must pass
axe-core's WCAG 2.2 A and AA rules with no serious or critical violation, and log no console error."""

from __future__ import annotations

from planner.demo import DEMO_PASSWORD

from .test_accessibility import blocking, describe

STAFF = "staff@demo.example"


def test_the_print_view_of_a_plan_has_no_serious_or_critical_axe_violations(demo_page, axe):
    page = demo_page.page
    page.get_by_label("Email address").fill(STAFF)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    with page.expect_event("load"):
        page.get_by_role("button", name="Sign in").click()
    with page.expect_event("load"):
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Pathways", exact=True).click()
    with page.expect_event("load"):
        page.get_by_role("button", name="Make this my plan (route 1)").click()
    with page.expect_event("load"):
        page.get_by_role("link", name="Print view").click()

    assert page.get_by_role("heading", level=1).inner_text().startswith("Development plan: Amira Shah")
    assert page.get_by_role("heading", name="Gaps").is_visible()
    assert page.get_by_role("link", name="Download as PDF").is_visible()
    result = axe(page)
    assert result["passes"], "axe checked nothing: is the page empty?"
    found = blocking(result["violations"])
    assert not found, f"axe found on the print view ({page.url}):\n{describe(found)}"
    assert demo_page.errors == []
