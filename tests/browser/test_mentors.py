"""The mentor search in a real browser: Amira Shah (the demo staff sign-in) looks for a mentor for
one of her gaps and sees mentors in her trust, her ICS and the rest of her region; the page passes
axe-core's WCAG 2.2 A and AA rules with no serious or critical violation, logs no console error
and fits a phone's screen without sideways scrolling.

This module's server replaces the demo's mentor offers with its own, so it knows whom the search
must show: for the first of Amira's gaps that people in her region hold at level 3 or above, one
offer from a holder in each of the nearest trusts.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from planner import create_app
from planner.core.mentors import MENTOR_LEVEL
from planner.db import db
from planner.demo import DEMO_PASSWORD
from planner.models import Account, MentorOffer, MentorRequest, Person, current_levels, ratings_of
from planner.web.mentors import gaps_of, levels_of

from .conftest import DESKTOP, FONT_CDN, serve
from .test_accessibility import blocking, describe

STAFF = "staff@demo.example"
MENTORS_WANTED = 4


def offer_mentoring(amira: Person) -> tuple[str, list[str]]:
    """Offers from people in Amira's region for her first gap that any of them hold at level 3 or
    above, at most one a trust, her own trust first: the competency and the mentors' names."""
    region_id = amira.trust.system.region_id
    others = [
        p for p in db.session.scalars(select(Person).order_by(Person.id))
        if p.id != amira.id and p.trust.system.region_id == region_id
    ]
    levels = {p.id: {c: current.level for c, current in current_levels(ratings_of(p)).items()} for p in others}
    others.sort(key=lambda p: (p.trust_id != amira.trust_id, p.trust.system_id != amira.trust.system_id, p.id))
    for need in gaps_of(amira, levels_of(amira)):
        holders, trusts = [], set()
        for person in others:
            if levels[person.id].get(need.competency, 0) >= MENTOR_LEVEL and person.trust_id not in trusts:
                holders.append(person)
                trusts.add(person.trust_id)
        if len(holders) >= 2:
            chosen = holders[:MENTORS_WANTED]
            db.session.add_all(MentorOffer(person=p, competency_id=need.competency) for p in chosen)
            return need.competency, [p.name for p in chosen]
    raise AssertionError("no gap of Amira's has two mentors in her region in the demo data")


@pytest.fixture(scope="module")
def mentoring_server(tmp_path_factory):
    """The demo server of ``demo_server``, with mentor offers for one of Amira's gaps; yields its
    base URL, Amira's person id, the competency's name and the mentors' names."""
    from flask_migrate import upgrade

    from planner.demo import seed_demo

    database = tmp_path_factory.mktemp("mentors") / "planner.db"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "browser-tests", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "PLANNER_DEMO": True}
    )
    with app.app_context():
        upgrade()
        framework = app.extensions["planner_framework"]
        seed_demo(framework, date.today())
        db.session.commit()
        amira = db.session.scalars(select(Account).where(Account.email == STAFF)).one().person
        db.session.execute(delete(MentorRequest))
        db.session.execute(delete(MentorOffer))
        competency, names = offer_mentoring(amira)
        db.session.commit()
        found = (amira.id, framework.competency[competency].name, names)
    for base in serve(app):
        yield (base, *found)


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 390, "height": 844}], ids=["desktop", "phone-390px"])
def test_the_mentor_search_with_results_is_accessible(browser, axe, mentoring_server, viewport):
    base, amira_id, competency, names = mentoring_server
    context = browser.new_context(viewport=viewport)
    context.route(FONT_CDN + "**", lambda route: route.abort())
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and not message.location.get("url", "").startswith(FONT_CDN)
            and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(base + "/sign-in")
        page.get_by_label("Email address").fill(STAFF)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        with page.expect_event("load"):
            page.get_by_role("button", name="Sign in").click()
        page.goto(f"{base}/people/{amira_id}/mentors")
        option = page.locator("#competency option", has_text=competency).first.get_attribute("value")
        page.get_by_label("The gap you want help with").select_option(option)
        with page.expect_event("load"):
            page.get_by_role("button", name="Find mentors").click()

        assert page.get_by_role("heading", level=2, name=f"Mentors for {competency}").is_visible()
        shown = [text.strip() for text in page.get_by_role("heading", level=4).all_inner_texts()]
        assert sorted(shown) == sorted(names), f"expected the mentors {names}, got {shown}"
        result = axe(page)
        assert result["passes"], "axe checked nothing: is the page empty?"
        found = blocking(result["violations"])
        assert not found, f"axe found on the mentor search:\n{describe(found)}"
        scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, f"the mentor search is {scroll_width}px wide on a {inner_width}px screen"
        assert errors == []
    finally:
        context.close()
