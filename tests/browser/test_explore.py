"""The role explorer and the 'try before you buy' quiz in the browser, as an anonymous visitor.

Someone thinking of applying opens the list of roles, goes to the quiz, sends it unanswered and is
told what to fix, answers every question (the first by keyboard, the rest by clicking) in the way a
workforce information analyst might, sees that role ranked first with its reasons, and follows it
to the role's page. Every page passes axe-core with no serious or critical violation and logs no
console error; the role page fits a phone without the page scrolling sideways and prints without
the site's header. Screenshots of the quiz with its errors, the result and the role page go to the screenshots folder (``SCREENSHOTS`` in conftest.py) for a person to
look at.
"""

from __future__ import annotations


from planner.config import DEFAULT_FRAMEWORK
from planner.frameworks import load_framework
from tests.test_default_framework import answers_leaning_towards

from .conftest import SCREENSHOTS, resize
from .test_journey import Journey

ROLE = "workforce_information_analyst"
PHONE = {"width": 390, "height": 844}


def chosen_answers(framework, role_id: str) -> list[str]:
    """For each question in order, the text of the answer leaning most towards the role."""
    chosen = answers_leaning_towards(framework, role_id)
    return [next(a.text for a in question.answers if a.id == chosen[question.id]) for question in framework.quiz]


def test_a_visitor_takes_the_quiz_and_explores_the_role_it_suggests(open_page, axe):
    framework = load_framework(DEFAULT_FRAMEWORK)
    title = framework.role[ROLE].title
    journey = Journey(open_page("/roles"), axe)
    page = journey.page
    journey.check("Explore roles in medical staffing")
    assert page.get_by_role("link", name=title).is_visible()

    journey.follow(page.get_by_role("link", name="Take the 'try before you buy' quiz"))
    journey.check("Try before you buy")

    # Sent unanswered: the error summary takes the focus and links to each question.
    journey.follow(page.get_by_role("button", name="See the roles that suit me"))
    # A form with errors answers 400 by design, and the browser logs that status: expected.
    assert [error.partition(" (http")[0] for error in journey.visit.errors] == [
        "console: Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"
    ]
    journey.visit.errors.clear()
    journey.check("Try before you buy")
    assert page.title().startswith("Error: ")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.evaluate("element => element.contains(document.activeElement)")
    assert summary.get_by_role("link").count() == len(framework.quiz)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quiz-errors.png"))

    texts = chosen_answers(framework, ROLE)
    groups = page.get_by_role("group")
    # The first question by keyboard: arrow keys move the choice through its radios.
    first = groups.nth(0).get_by_role("radio")
    first.first.focus()
    page.keyboard.press("Space")
    names = [first.nth(n).get_attribute("value") for n in range(first.count())]
    wanted = [answer.id for answer in framework.quiz[0].answers if answer.text == texts[0]][0]
    for _ in range(names.index(wanted)):
        page.keyboard.press("ArrowDown")
    assert groups.nth(0).get_by_role("radio", name=texts[0]).is_checked()
    for number, text in enumerate(texts[1:], start=1):
        groups.nth(number).get_by_text(text, exact=True).click()
        assert groups.nth(number).get_by_role("radio", name=text).is_checked()
    journey.follow(page.get_by_role("button", name="See the roles that suit me"))
    journey.check("The roles that suit your answers")
    best = page.get_by_role("heading", level=3).first
    assert best.inner_text().strip() == f"1. {title}"
    assert "Nothing is stored" in page.get_by_role("main").inner_text()
    assert page.get_by_role("button", name="Save this result to my profile").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "quiz-result.png"), full_page=True)

    journey.follow(best.get_by_role("link", name=title))
    journey.check(title)
    assert page.get_by_role("heading", name="A day in the life").is_visible()
    assert page.get_by_role("img", name=f"Routes into and out of {title}").is_visible()
    assert page.get_by_role("button", name="Print this page").is_visible()  # shown by its script
    page.screenshot(path=str(SCREENSHOTS / "role-page.png"), full_page=True)

    # On a phone only the picture scrolls sideways, never the page.
    resize(page, PHONE)
    journey.check(title)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    resize(page, {"width": 1280, "height": 800})

    # On paper: no header, no buttons, and the picture within the page's width.
    page.emulate_media(media="print")
    assert not page.locator("header").first.is_visible()
    assert not page.get_by_role("button", name="Print this page").is_visible()
    picture, main = page.evaluate(
        """() => [document.querySelector(".planner-routes svg").getBoundingClientRect().width,
                  document.querySelector("main").getBoundingClientRect().width]"""
    )
    assert picture <= main
    page.screenshot(path=str(SCREENSHOTS / "role-page-print.png"), full_page=True)
