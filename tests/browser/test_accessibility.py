"""Accessibility of real pages in a real browser: axe-core's WCAG 2.2 A and AA rules, the keyboard
route past the header, the NHS.UK scripts starting without errors, and no sideways scrolling on a
phone."""

from __future__ import annotations

import pytest

PAGES = [
    pytest.param("/", 200, id="start-page"),
    pytest.param("/no-such-page", 404, id="not-found-page"),
]
BLOCKING = ("serious", "critical")
PHONES = [pytest.param(390, id="phone-390px"), pytest.param(320, id="reflow-320px")]


def describe(violations: list[dict]) -> str:
    """The violations as a reader can act on them: rule, impact, advice and the elements at fault."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"    {violation['helpUrl']}")
        lines.extend(f"    at {' '.join(map(str, node['target']))}" for node in violation["nodes"])
    return "\n".join(lines)


def blocking(violations: list[dict]) -> list[dict]:
    return [violation for violation in violations if violation["impact"] in BLOCKING]


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_page_has_no_serious_or_critical_axe_violations(open_page, axe, path, status):
    visit = open_page(path, status=status)

    result = axe(visit.page)

    assert result["passes"], "axe checked nothing: is the page empty?"
    found = blocking(result["violations"])
    assert not found, f"axe found on {path}:\n{describe(found)}"


def test_axe_check_reports_a_page_with_known_violations(browser, axe):
    page = browser.new_page()
    try:
        page.set_content('<img src="x.png">')
        found = blocking(axe(page)["violations"])
    finally:
        page.close()

    assert {violation["id"] for violation in found} >= {"image-alt", "html-has-lang", "document-title"}
    assert "img" in describe(found)


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_tab_reaches_the_skip_link_first_and_it_moves_focus_to_the_content(open_page, path, status):
    page = open_page(path, status=status).page
    skip_link = page.locator("a.nhsuk-skip-link")

    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 80)")
    assert page.evaluate("document.activeElement.matches('a.nhsuk-skip-link')"), f"Tab focused {focused}"
    assert skip_link.get_attribute("href") == "#maincontent"
    box = skip_link.bounding_box()
    assert box and box["width"] > 10 and box["height"] > 10, f"the focused skip link is not shown: {box}"

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "maincontent"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_nhsuk_scripts_start_every_component_without_console_errors(open_page, path, status):
    visit = open_page(path, status=status)
    page = visit.page

    classes = page.evaluate("[...document.body.classList]")
    assert "nhsuk-frontend-supported" in classes, f"body classes: {classes}"
    # initAll() marks each component it starts with data-<module>-init.
    modules = page.evaluate(
        """[...document.querySelectorAll("[data-module]")].map(({dataset, attributes}) => [
            dataset.module, attributes[`data-${dataset.module}-init`] !== undefined,
        ])"""
    )
    assert ["nhsuk-skip-link", True] in modules
    assert ["nhsuk-header", True] in modules
    assert all(started for _, started in modules), f"components not started: {modules}"
    assert visit.errors == []


def test_console_check_reports_errors_other_than_blocked_fonts(open_page):
    visit = open_page("/")
    page = visit.page

    with page.expect_event("console", lambda message: "no-such-icon" in message.location.get("url", "")):
        page.evaluate("fetch('/assets/images/no-such-icon.svg').catch(() => {})")
    with page.expect_event("pageerror"):
        page.evaluate("setTimeout(() => { throw new Error('broken component') })")

    missing_icon = [error for error in visit.errors if "no-such-icon.svg" in error]
    assert missing_icon and "status of 404" in missing_icon[0], visit.errors
    assert any("broken component" in error for error in visit.errors), visit.errors
    assert not any("assets.nhs.uk" in error for error in visit.errors), visit.errors


@pytest.mark.parametrize(("path", "status"), PAGES)
@pytest.mark.parametrize("width", PHONES)
def test_page_fits_a_phone_without_sideways_scrolling(open_page, path, status, width):
    page = open_page(path, status=status, viewport={"width": width, "height": 844}).page

    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")

    assert inner_width == width
    assert scroll_width <= inner_width, f"{path} is {scroll_width}px wide on a {width}px screen"
