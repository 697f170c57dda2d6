"""Secondments: the open opportunities of a region, interest, posting, candidates, the planner and
confirming places."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import (
    Account,
    AuditEvent,
    IntegratedCareSystem,
    Person,
    Rating,
    Region,
    Secondment,
    SecondmentInterest,
    SecondmentOpportunity,
    Team,
    Trust,
)
from planner.web import secondments as module
from tests.web.conftest import password_hash, row_counts, sign_in
from tests.web.pages import outline

START = date(2031, 9, 1)


def add_opportunity(world, team: int, title: str, *, places=1, status="open", starts_on=START, months=6, develops=None):
    """Add an open opportunity hosted by ``team`` (a team id); its id."""
    row = SecondmentOpportunity(
        host_team_id=team,
        role_id="lead",
        title=title,
        description=f"About {title}",
        starts_on=starts_on,
        months=months,
        fte=0.6,
        places=places,
        develops=develops if develops is not None else {"ROT-02": 3},
        status=status,
        posted_by_id=world.account["trust_admin"],
    )
    db.session.add(row)
    db.session.flush()
    return row.id


def add_interest(world, opportunity: int, name: str, note="", withdrawn=False):
    db.session.add(
        SecondmentInterest(
            opportunity_id=opportunity,
            person_id=world.person[name],
            note=note,
            withdrawn_at=datetime(2026, 5, 1) if withdrawn else None,
        )
    )


def add_place(world, opportunity: int, name: str, place=1):
    db.session.add(
        Secondment(opportunity_id=opportunity, person_id=world.person[name], place=place, confirmed_by_id=world.account["manager"])
    )


def rate(world, name: str, competency: str, level: int):
    db.session.add(
        Rating(
            person_id=world.person[name],
            competency_id=competency,
            level=level,
            rater="manager",
            rated_by_id=world.person["manager"],
        )
    )


@pytest.fixture
def offers(web_app, world):
    """Opportunities: ``a2`` hosted by Team A2 (System A) and ``c1`` by Team C1 (System C, also in
    Region A, 2 places), both open; ``b1`` open in Region B; ``closed`` in Team A2, closed.
    Nobody has expressed interest yet. Their ids by name, with the world's."""
    with web_app.app_context():
        region = db.session.scalar(select(Region).where(Region.name == "Region A"))
        team_c = Team(name="Team C1", trust=Trust(name="Trust C", system=IntegratedCareSystem(name="System C", region=region)))
        db.session.add(team_c)
        db.session.flush()
        ids = {
            "c1": add_opportunity(world, team_c.id, "Rota lead, Trust C", places=2, starts_on=date(2031, 1, 1)),
            "a2": add_opportunity(world, world.team["A2"], "Rota lead, Team A2"),
            "b1": add_opportunity(world, world.team["B1"], "Rota lead, Trust B"),
            "closed": add_opportunity(world, world.team["A2"], "Old secondment", status="closed"),
        }
        db.session.commit()
    world.offer = ids
    return world


def page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def flashed(client) -> list[str]:
    """The messages waiting to be shown on the next page, taken."""
    with client.session_transaction() as session:
        return [message for _, message in session.pop("_flashes", [])]


# The list of open opportunities --------------------------------------------------------------


def test_staff_see_open_opportunities_of_their_region_own_system_first(web_app, web_client, offers):
    with web_app.app_context():
        add_interest(offers, offers.offer["a2"], "staff")
        add_interest(offers, offers.offer["c1"], "peer")
        db.session.commit()
    sign_in(web_client, offers, "staff")

    status, html = page(web_client, "/secondments")

    assert status == 200
    sections = {title: text for tag, title, text in outline(html) if tag in ("h2", "h3")}
    assert list(sections) == ["In System A", "Rota lead, Team A2", "Elsewhere in Region A", "Rota lead, Trust C"]
    assert sections["Rota lead, Team A2"].startswith("You expressed interest Host Team A2, Trust A Role Rota Lead (band 5)")
    assert "Starts 1 September 2031, for 6 months FTE 0.6 Places left 1 of 1 Develops Rota design to level 3" in sections["Rota lead, Team A2"]
    assert sections["Rota lead, Trust C"].startswith("No interest expressed")  # the peer's interest is the peer's
    assert "Trust B" not in html and "Old secondment" not in html
    assert "Post a secondment opportunity" not in html and "Plan secondments" not in html


def test_the_list_says_when_there_is_nothing_open(web_client, world):
    sign_in(web_client, world, "other_trust")

    status, html = page(web_client, "/secondments")

    assert status == 200
    assert "No open secondments here right now." in html
    assert "No open secondments elsewhere in the region right now." in html


def test_the_list_shows_a_confirmed_place_and_the_managers_links(web_app, web_client, offers):
    with web_app.app_context():
        add_interest(offers, offers.offer["a2"], "manager")
        add_place(offers, offers.offer["a2"], "manager")
        db.session.commit()
    sign_in(web_client, offers, "manager")

    html = page(web_client, "/secondments")[1]

    sections = {title: text for tag, title, text in outline(html) if tag == "h3"}
    assert sections["Rota lead, Team A2"].startswith("Your place is confirmed")
    assert "Places left None: every place is confirmed" in sections["Rota lead, Team A2"]
    assert 'href="/secondments/new"' in html and 'href="/secondments/plan"' in html


def test_the_secondment_pages_ask_anonymous_users_to_sign_in(web_client, offers):
    for url in ("/secondments", "/secondments/new", "/secondments/plan", f"/secondments/{offers.offer['a2']}"):
        response = web_client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in"), url


def test_an_account_without_a_person_record_is_refused(web_app, web_client, world):
    with web_app.app_context():
        account = Account(email="robot@trust.nhs.example", password_hash=password_hash())
        account.roles = ("staff", "manager", "trust_admin")
        db.session.add(account)
        db.session.commit()
    web_client.post("/sign-in", data={"email": "robot@trust.nhs.example", "password": "correct horse battery"})

    assert [web_client.get(url).status_code for url in ("/secondments", "/secondments/new", "/secondments/plan")] == [403] * 3


# One opportunity and interest ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "offer", "status"),
    [
        ("staff", "a2", 200),
        ("staff", "c1", 200),
        ("staff", "b1", 404),
        ("staff", "closed", 404),
        ("other_trust", "a2", 404),
        ("other_manager", "closed", 200),
        ("trust_admin", "closed", 200),
        ("manager", "closed", 404),
        ("far_manager", "closed", 404),
    ],
)
def test_who_sees_an_opportunity(web_client, offers, name, offer, status):
    sign_in(web_client, offers, name)

    got, html = page(web_client, f"/secondments/{offers.offer[offer]}")

    assert got == status
    if status == 404:
        assert "About " not in html


def test_an_unknown_opportunity_is_not_found(web_client, world):
    sign_in(web_client, world, "staff")

    assert page(web_client, "/secondments/4242")[0] == 404


def test_staff_express_interest_with_a_note_and_withdraw_it(web_app, web_client, offers):
    sign_in(web_client, offers, "staff")
    url = f"/secondments/{offers.offer['a2']}"

    status, html = page(web_client, url)
    assert status == 200 and "Express interest" in html and "Candidates you release" not in html

    response = web_client.post(url + "/interest", data={"note": "  I would like to learn rota leadership. "})
    assert response.status_code == 302 and response.headers["Location"] == url
    assert flashed(web_client) == ["Your interest in Rota lead, Team A2 is recorded. Your manager can now see it."]
    html = page(web_client, url)[1]
    assert "You expressed interest on" in html and "Your note: I would like to learn rota leadership." in html

    web_client.post(url + "/withdraw")
    assert flashed(web_client) == ["Your interest in Rota lead, Team A2 is withdrawn."]
    html = page(web_client, url)[1]
    assert "Express interest again" in html

    web_client.post(url + "/interest", data={"note": ""})
    with web_app.app_context():
        rows = db.session.scalars(select(SecondmentInterest)).all()
        assert [(r.person_id, r.note, r.withdrawn_at) for r in rows] == [(offers.person["staff"], "", None)]
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.record_type == "secondment_interests")).all()
        assert actions == ["secondment_interest", "secondment_interest_withdrawn", "secondment_interest"]


def test_a_note_too_long_is_refused_and_nothing_saved(web_app, web_client, offers):
    sign_in(web_client, offers, "staff")
    before = row_counts(web_app)

    response = web_client.post(f"/secondments/{offers.offer['a2']}/interest", data={"note": "x" * 501})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Rota lead, Team A2 – planner</title>" in html
    assert 'href="#note"' in html and "Your note must be 500 characters or fewer" in html
    assert row_counts(web_app) == before


@pytest.mark.parametrize(("name", "offer"), [("staff", "b1"), ("staff", "closed"), ("other_manager", "closed")])
def test_interest_only_in_open_opportunities_of_the_region(web_app, web_client, offers, name, offer):
    sign_in(web_client, offers, name)
    before = row_counts(web_app)

    response = web_client.post(f"/secondments/{offers.offer[offer]}/interest", data={"note": ""})

    assert response.status_code == 404
    assert row_counts(web_app) == before


def test_a_closed_opportunity_takes_no_interest(web_client, offers):
    sign_in(web_client, offers, "other_manager")

    html = page(web_client, f"/secondments/{offers.offer['closed']}")[1]

    assert "This secondment is closed to new interest." in html and "Secondment (closed)" in html


def test_withdrawing_without_interest_or_with_a_place_changes_nothing(web_app, web_client, offers):
    with web_app.app_context():
        add_interest(offers, offers.offer["a2"], "staff")
        add_place(offers, offers.offer["a2"], "staff")
        db.session.commit()
    sign_in(web_client, offers, "staff")
    before = row_counts(web_app)

    web_client.post(f"/secondments/{offers.offer['c1']}/withdraw")
    assert flashed(web_client) == ["You had not expressed interest in Rota lead, Trust C; nothing was changed."]
    web_client.post(f"/secondments/{offers.offer['a2']}/withdraw")
    assert flashed(web_client) == [
        "Your place on Rota lead, Team A2 is confirmed, so your interest stays. Ask your manager about changing it."
    ]

    assert row_counts(web_app) == before
    html = page(web_client, f"/secondments/{offers.offer['a2']}")[1]
    assert "Your place is confirmed: place 1 of 1, confirmed by Manager on" in html


# Candidates, ranked, for the people a manager releases ---------------------------------------


@pytest.fixture
def interested(web_app, offers):
    """Staff, peer (team A1) and other team (A2) want ``a2``; team A1 holds Rota rules at 3 twice
    (staff and the manager), so staff going away leaves one. Staff's value: Rota design to 3 saves
    the 7-hour workshop of the 13 hours to Rota Coordinator."""
    with web_app.app_context():
        for name in ("staff", "peer", "other_team"):
            add_interest(offers, offers.offer["a2"], name, note=f"{name} wants it")
        rate(offers, "staff", "ROT-01", 3)
        rate(offers, "manager", "ROT-01", 3)
        rate(offers, "peer", "ROT-02", 3)
        db.session.commit()
    return offers


def candidate_rows(html: str) -> list[str]:
    """The candidate table's rows as text (the rows after its header)."""
    table = html.split("Interested candidates for", 1)[1].split("</table>", 1)[0]
    rows = table.split('<tr class="nhsuk-table__row"')[2:]
    return [" ".join(_text("<tr" + row).split()) for row in rows]


def _text(html: str) -> str:
    """The text of a piece of HTML, each tag read as a space."""
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_a_manager_sees_ranked_candidates_from_the_teams_they_manage(web_client, interested):
    sign_in(web_client, interested, "manager")

    html = page(web_client, f"/secondments/{interested.offer['a2']}")[1]

    rows = candidate_rows(html)
    assert rows[0].startswith(
        "Name Staff Home team Team A1, Trust A Development value Saves 7 hours of training towards Rota Coordinator "
        "Cover lost at home while away Single point of failure: Rota rules (from cover 2) Their note staff wants it"
    )
    # Peer already holds Rota design at 3, the only one in the team who does: nothing saved, and a gap.
    assert rows[1].startswith("Name Peer Home team Team A1, Trust A Development value Saves 0 hours")
    assert "Gap: Rota design (from cover 1)" in rows[1]
    assert len(rows) == 2 and "Other Team" not in html


@pytest.mark.parametrize(
    ("name", "shown"),
    [("other_manager", ["Other Team"]), ("trust_admin", ["Other Team", "Peer", "Staff"]), ("far_manager", [])],
)
def test_candidates_are_only_the_people_the_account_releases(web_client, interested, name, shown):
    sign_in(web_client, interested, name)

    status, html = page(web_client, f"/secondments/{interested.offer['a2']}")

    if name == "far_manager":
        assert status == 404
        return
    assert sorted(row.split(" Home team")[0].removeprefix("Name ") for row in candidate_rows(html)) == shown


def test_a_candidate_whose_value_cannot_be_worked_out_says_why(web_app, web_client, interested):
    with web_app.app_context():
        db.session.get(Person, interested.person["peer"]).role_id = "gone"
        db.session.commit()
    sign_in(web_client, interested, "manager")

    rows = candidate_rows(page(web_client, f"/secondments/{interested.offer['a2']}")[1])

    assert rows[-1].startswith(
        "Name Peer Home team Team A1, Trust A Development value Not known "
        "Cover lost at home while away Cannot be worked out: unknown role 'gone'; the roles are: admin, lead, rota"
    )


def test_a_manager_with_no_candidates_is_told_so(web_client, offers):
    sign_in(web_client, offers, "manager")

    html = page(web_client, f"/secondments/{offers.offer['a2']}")[1]

    assert "No one you release has expressed interest in this secondment." in html


# Posting an opportunity ----------------------------------------------------------------------

GOOD = {
    "title": "Rota lead secondment",
    "role": "lead",
    "start_day": "1",
    "start_month": "9",
    "start_year": "2031",
    "months": "6",
    "fte": "0.5",
    "places": "2",
    "description": "Lead the winter rota.",
    "competency_1": "ROT-02",
    "level_1": "3",
    "competency_3": "HRF-01",
    "level_3": "2",
}


def test_a_manager_posts_an_opportunity_for_their_team(web_app, web_client, world):
    sign_in(web_client, world, "manager")
    status, html = page(web_client, "/secondments/new")
    assert status == 200
    assert "Team A1, Trust A" in html and "Team A2" not in html

    response = web_client.post("/secondments/new", data={**GOOD, "host_team": str(world.team["A1"])})

    assert response.status_code == 302
    with web_app.app_context():
        row = db.session.scalar(select(SecondmentOpportunity))
        assert response.headers["Location"] == f"/secondments/{row.id}"
        assert (row.host_team_id, row.title, row.role_id, row.starts_on, row.months, row.fte, row.places, row.develops, row.status) == (
            world.team["A1"], "Rota lead secondment", "lead", date(2031, 9, 1), 6, 0.5, 2, {"ROT-02": 3, "HRF-01": 2}, "open"
        )
        assert row.posted_by_id == world.account["manager"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.record_type == "secondment_opportunities"))
        assert (event.action, event.record_id, event.account_id) == ("secondment_posted", row.id, world.account["manager"])
    assert flashed(web_client) == ["Posted: Rota lead secondment. People in Region A can now express interest."]


def test_a_trust_admin_posts_for_any_team_of_their_trust(web_client, world):
    sign_in(web_client, world, "trust_admin")

    html = page(web_client, "/secondments/new")[1]

    assert "Team A1, Trust A" in html and "Team A2, Trust A" in html and "Team B1" not in html
    assert web_client.post("/secondments/new", data={**GOOD, "host_team": str(world.team["A1"])}).status_code == 302


@pytest.mark.parametrize("name", ["staff", "region_lead", "admin"])
def test_staff_cannot_post_an_opportunity(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    assert web_client.get("/secondments/new").status_code == 403
    assert web_client.post("/secondments/new", data={**GOOD, "host_team": str(world.team["A1"])}).status_code == 403
    assert row_counts(web_app) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"host_team": ""}, "host_team", "Choose the host team"),
        ({"host_team": "A2"}, "host_team", "Choose a host team from the list"),
        ({"title": " "}, "title", "Enter a title"),
        ({"title": "x" * 201}, "title", "The title must be 200 characters or fewer"),
        ({"role": ""}, "role", "Choose the role"),
        ({"role": "pilot"}, "role", "Choose a role from the list"),
        ({"start_day": "", "start_month": "", "start_year": ""}, "start_day", "Enter the start date"),
        ({"start_month": ""}, "start_day", "The start date must include a month"),
        ({"start_day": "", "start_year": " "}, "start_day", "The start date must include a day and a year"),
        ({"start_day": "31", "start_month": "2"}, "start_day", "The start date must be a real date, like 1 9 2026"),
        ({"start_day": "first"}, "start_day", "The start date must be a real date, like 1 9 2026"),
        ({"start_year": "2020"}, "start_day", "The start date must be today or later (today is"),
        ({"months": "0"}, "months", "Enter how many months it lasts, as a whole number from 1 to 36"),
        ({"months": "6.5"}, "months", "Enter how many months it lasts, as a whole number from 1 to 36"),
        ({"fte": "1.5"}, "fte", "Enter the FTE as a number from 0.1 to 1, like 0.6"),
        ({"fte": "half"}, "fte", "Enter the FTE as a number from 0.1 to 1, like 0.6"),
        ({"fte": "NaN"}, "fte", "Enter the FTE as a number from 0.1 to 1, like 0.6"),
        ({"places": "51"}, "places", "Enter how many places there are, as a whole number from 1 to 50"),
        ({"description": "x" * 2001}, "description", "The description must be 2,000 characters or fewer"),
        ({"level_1": ""}, "level_1", "Choose the level Rota design takes people to"),
        ({"competency_3": ""}, "competency_3", "Choose the competency for level 2, or set the level to None"),
        ({"competency_3": "ROT-02"}, "competency_3", "Rota design is chosen twice: choose it once"),
        ({"competency_1": "", "level_1": "", "competency_3": "", "level_3": ""}, "competency_1", "Choose at least one competency"),
        ({"competency_1": "XYZ-99"}, "competency_1", "Choose a competency from the list"),
        ({"level_3": "9"}, "level_3", "Choose a level from the list"),
    ],
)
def test_a_form_with_a_mistake_says_what_to_fix_and_saves_nothing(web_app, web_client, world, changes, field, message):
    sign_in(web_client, world, "manager")
    before = row_counts(web_app)

    response = web_client.post("/secondments/new", data={**GOOD, "host_team": str(world.team["A1"]), **changes})

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error: Post a secondment opportunity – planner</title>" in html
    assert f'href="#{field}"' in html and message in html
    assert row_counts(web_app) == before


def test_a_manager_may_not_post_for_another_managers_team(web_app, web_client, world):
    sign_in(web_client, world, "manager")
    before = row_counts(web_app)

    response = web_client.post("/secondments/new", data={**GOOD, "host_team": str(world.team["A2"])})

    assert response.status_code == 400 and "Choose a host team from the list" in response.get_data(as_text=True)
    assert row_counts(web_app) == before


# The planner ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["staff", "region_lead", "admin"])
def test_only_managers_and_trust_admins_plan(web_client, world, name):
    sign_in(web_client, world, name)

    assert web_client.get("/secondments/plan").status_code == 403


def test_the_plan_proposes_only_people_who_expressed_interest(web_client, interested):
    sign_in(web_client, interested, "manager")

    status, html = page(web_client, "/secondments/plan")

    assert status == 200
    sections = {title: text for tag, title, text in outline(html) if tag == "h2"}
    proposed = sections["Proposed secondments"]
    assert "Staff to Rota lead, Team A2: saves 7 hours of training towards Rota Coordinator, and costs the home team 1 in cover." not in proposed
    # 7 hours saved less 20 for the single point of failure: not worth it; the peer saves nothing.
    assert proposed.startswith("Nothing to propose")
    assert sections["Not proposed"] == (
        "Staff is not proposed: no secondment they asked for saves more training than it costs in cover. "
        "Peer is not proposed: no secondment they asked for saves more training than it costs in cover."
    )
    assert "Other Team" not in html
    assert sections["Confirmed secondments"].startswith("No places are confirmed yet for the people you release.")


@pytest.fixture
def worth_it(web_app, interested):
    """As ``interested``, with the peer also holding Rota rules at 3, so staff going leaves cover 2;
    and people who did not express interest in ``c1`` (the peer withdrew)."""
    with web_app.app_context():
        rate(interested, "peer", "ROT-01", 3)
        add_interest(interested, interested.offer["c1"], "peer", withdrawn=True)
        db.session.commit()
    return interested


def test_the_plan_proposes_a_secondment_worth_its_cover_and_explains_it(web_client, worth_it):
    sign_in(web_client, worth_it, "manager")

    html = page(web_client, "/secondments/plan")[1]

    sections = {title: text for tag, title, text in outline(html) if tag == "h2"}
    proposed = sections["Proposed secondments"]
    assert "Name Staff Team A1 Secondment Rota lead, Team A2 1 September 2031, for 6 months" in proposed
    assert "Why Staff to Rota lead, Team A2: saves 7 hours of training towards Rota Coordinator, and leaves the home team's cover unchanged." in proposed
    assert "Cover lost at home while away No competency falls to cover 0 or 1" in proposed
    assert "Confirm Staff" in proposed
    assert "Rota lead, Trust C" not in proposed  # nobody with standing interest
    assert "Peer is not proposed" in sections["Not proposed"]


def test_colleagues_confirmed_away_at_the_same_time_count_against_a_secondment(web_app, web_client, worth_it):
    # The peer is confirmed on c1 (January to July 2031); a2 starts in September: no overlap yet.
    with web_app.app_context():
        add_place(worth_it, worth_it.offer["c1"], "peer")
        db.session.commit()
    sign_in(web_client, worth_it, "manager")
    assert "Confirm Staff" in page(web_client, "/secondments/plan")[1]

    with web_app.app_context():
        db.session.get(SecondmentOpportunity, worth_it.offer["c1"]).months = 12  # now to January 2032
        db.session.commit()

    html = page(web_client, "/secondments/plan")[1]
    assert "Confirm Staff" not in html
    candidates = " ".join(_text(page(web_client, f"/secondments/{worth_it.offer['a2']}")[1]).split())
    assert "Single point of failure: Rota rules (from cover 2)" in candidates
    # The peer, confirmed and away, is not proposed again, and appears among the confirmed.
    sections = {title: text for tag, title, text in outline(html) if tag == "h2"}
    assert "Peer" not in sections.get("Not proposed", "")
    assert "Name Peer Secondment Rota lead, Trust C, Trust C When 1 January 2031, for 12 months Place 1 of 2" in sections["Confirmed secondments"]


def test_a_colleague_away_does_not_count_twice_for_a_competency_already_thin(web_app, worth_it):
    """Competencies already thin with the colleague away count only when the person thins them further."""
    with web_app.app_context():
        fw = web_app.extensions["planner_framework"]
        members = [
            module.Member(1, "A", "lead", {"ROT-01": 3, "ROT-02": 3}),
            module.Member(2, "B", "lead", {"ROT-01": 3}),
            module.Member(3, "C", "lead", {"ROT-01": 3, "ROT-02": 3}),
        ]
        # Without anyone away, A going leaves ROT-02 with C alone.
        assert [loss.now.competency for loss in module.thinned_cover(fw, members, set(), 1)] == ["ROT-02"]
        # With C away, ROT-02 is already down to A alone: A going makes it a gap; ROT-01 falls to 1.
        lost = module.thinned_cover(fw, members, {3}, 1)
        assert [(loss.now.competency, loss.before, loss.now.cover) for loss in lost] == [("ROT-02", 1, 0), ("ROT-01", 2, 1)]
        # D holds nothing: with C away, ROT-02 is thin already and D going changes nothing.
        members.append(module.Member(4, "D", "lead", {}))
        assert module.thinned_cover(fw, members, {3}, 4) == ()


def test_the_plan_leaves_out_full_opportunities_and_problem_candidates(web_app, web_client, worth_it):
    with web_app.app_context():
        add_interest(worth_it, worth_it.offer["c1"], "staff")
        add_place(worth_it, worth_it.offer["a2"], "other_team")
        odd = add_opportunity(worth_it, worth_it.team["A2"], "Retired framework", develops={"GONE-01": 2})
        add_interest(worth_it, odd, "peer")
        db.session.commit()
    sign_in(web_client, worth_it, "manager")

    html = page(web_client, "/secondments/plan")[1]

    sections = {title: text for tag, title, text in outline(html) if tag == "h2"}
    # a2 is full; staff is proposed for c1 instead. The peer's secondment develops a competency
    # the framework lost: left out of the plan, and shown as a problem to the manager.
    assert "Secondment Rota lead, Trust C" in sections["Proposed secondments"]
    assert "Rota lead, Team A2" not in sections["Proposed secondments"]
    assert "Peer" not in html
    candidates = page(web_client, f"/secondments/{odd}")[1]
    assert "Cannot be worked out: the secondment develops GONE-01, which the framework does not define" in candidates


def test_a_trust_admin_plans_for_their_whole_trust(web_client, worth_it):
    sign_in(web_client, worth_it, "trust_admin")

    sections = {title: text for tag, title, text in outline(page(web_client, "/secondments/plan")[1]) if tag == "h2"}

    assert "Confirm Staff" in sections["Proposed secondments"]
    # Rota design is not asked of an administrator: nothing saved, so not proposed.
    assert "Other Team is not proposed: no secondment they asked for saves more training" in sections["Not proposed"]


# Confirming places ---------------------------------------------------------------------------


def confirm(client, world, offer: str, name: str):
    return client.post(f"/secondments/{world.offer[offer]}/confirm", data={"person_id": str(world.person[name])})


def places(web_app, world, offer: str) -> list[tuple[str, int]]:
    with web_app.app_context():
        rows = db.session.scalars(select(Secondment).where(Secondment.opportunity_id == world.offer[offer]).order_by(Secondment.place))
        return [(row.person.name, row.place) for row in rows]


def test_confirming_fills_the_places_then_refuses_with_the_message(web_app, web_client, worth_it):
    sign_in(web_client, worth_it, "manager")

    response = confirm(web_client, worth_it, "a2", "staff")
    assert response.status_code == 302 and response.headers["Location"] == "/secondments/plan"
    assert flashed(web_client) == ["Confirmed: Staff has place 1 of 1 on Rota lead, Team A2."]

    before = row_counts(web_app)
    confirm(web_client, worth_it, "a2", "peer")
    assert flashed(web_client) == [module.FULL]
    assert row_counts(web_app) == before
    assert places(web_app, worth_it, "a2") == [("Staff", 1)]
    with web_app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "secondment_confirmed"))
        assert (event.person_id, event.detail) == (worth_it.person["staff"], {"opportunity": worth_it.offer["a2"], "place": 1})

    sections = {title: text for tag, title, text in outline(page(web_client, "/secondments/plan")[1]) if tag == "h2"}
    assert "Place 1 of 1" in sections["Confirmed secondments"]


def test_places_are_numbered_in_turn(web_app, web_client, worth_it):
    with web_app.app_context():
        add_interest(worth_it, worth_it.offer["c1"], "staff")
        add_interest(worth_it, worth_it.offer["c1"], "other_team")
        db.session.commit()
    sign_in(web_client, worth_it, "trust_admin")

    confirm(web_client, worth_it, "c1", "staff")
    confirm(web_client, worth_it, "c1", "other_team")

    assert places(web_app, worth_it, "c1") == [("Staff", 1), ("Other Team", 2)]


@pytest.mark.parametrize(
    ("offer", "name", "message"),
    [
        ("c1", "peer", "Peer has not expressed interest in Rota lead, Trust C, so no place was confirmed."),
        ("c1", "staff", "Staff has not expressed interest in Rota lead, Trust C, so no place was confirmed."),
        ("closed", "staff", "Old secondment is closed: no places can be confirmed."),
    ],
)
def test_confirming_needs_standing_interest_in_an_open_opportunity(web_app, web_client, worth_it, offer, name, message):
    with web_app.app_context():
        add_interest(worth_it, worth_it.offer["closed"], "staff")
        db.session.commit()
    sign_in(web_client, worth_it, "manager")
    before = row_counts(web_app)

    confirm(web_client, worth_it, offer, name)

    assert flashed(web_client) == [message]
    assert row_counts(web_app) == before


def test_a_place_is_confirmed_once(web_app, web_client, worth_it):
    with web_app.app_context():
        db.session.get(SecondmentOpportunity, worth_it.offer["a2"]).places = 2
        db.session.commit()
    sign_in(web_client, worth_it, "manager")
    confirm(web_client, worth_it, "a2", "staff")
    flashed(web_client)

    confirm(web_client, worth_it, "a2", "staff")

    assert flashed(web_client) == ["Staff already has a place on Rota lead, Team A2."]
    assert places(web_app, worth_it, "a2") == [("Staff", 1)]


@pytest.mark.parametrize(
    ("name", "whose", "status"),
    [
        ("far_manager", "staff", 404),
        ("other_manager", "staff", 404),
        # Accounts that release no one are refused before the person is looked up.
        ("peer", "staff", 403),
        ("staff", "staff", 403),
        ("manager", "manager", 403),
        ("trust_admin", "trust_admin", 403),
        ("region_lead", "staff", 403),
    ],
)
def test_only_the_persons_manager_or_trust_admin_confirms(web_app, web_client, worth_it, name, whose, status):
    with web_app.app_context():
        for person in ("manager", "trust_admin"):
            add_interest(worth_it, worth_it.offer["a2"], person)
        db.session.commit()
    sign_in(web_client, worth_it, name)
    before = row_counts(web_app)

    assert confirm(web_client, worth_it, "a2", whose).status_code == status
    assert row_counts(web_app) == before


@pytest.mark.parametrize("person_id", ["", "abc", "0", "99999999999999999999", "٣"])
def test_confirming_an_unknown_person_is_not_found(web_client, worth_it, person_id):
    sign_in(web_client, worth_it, "manager")

    response = web_client.post(f"/secondments/{worth_it.offer['a2']}/confirm", data={"person_id": person_id})

    assert response.status_code == 404


def test_confirming_on_an_unknown_opportunity_is_not_found(web_client, worth_it):
    sign_in(web_client, worth_it, "manager")

    assert web_client.post("/secondments/4242/confirm", data={"person_id": str(worth_it.person["staff"])}).status_code == 404


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        ("a2", module.FULL),
        ("c1", "That place has just been taken by another confirmation. Places remain: confirm Staff again."),
    ],
)
def test_when_the_database_refuses_the_place_the_confirmation_is_rolled_back(web_app, web_client, worth_it, monkeypatch, offer, message):
    """Another confirmation took place 1 between this one's count and its insert: the unique place
    number refuses it; the answer is a message, never an error page."""
    with web_app.app_context():
        add_interest(worth_it, worth_it.offer["c1"], "staff")
        add_interest(worth_it, worth_it.offer["c1"], "other_team")
        add_place(worth_it, worth_it.offer[offer], "other_team")
        db.session.commit()
    monkeypatch.setattr(module, "confirmed_counts", lambda ids: dict.fromkeys(ids, 0))  # the count read before the other's commit
    sign_in(web_client, worth_it, "manager")
    before = row_counts(web_app)

    response = confirm(web_client, worth_it, offer, "staff")

    assert response.status_code == 302
    assert flashed(web_client) == [message]
    assert row_counts(web_app) == before


# For the plan and pathway pages --------------------------------------------------------------


def test_confirmed_secondments_lists_a_persons_places_soonest_first(web_app, worth_it):
    with web_app.app_context():
        add_place(worth_it, worth_it.offer["a2"], "staff")
        add_place(worth_it, worth_it.offer["c1"], "staff")
        add_place(worth_it, worth_it.offer["c1"], "peer", place=2)
        db.session.commit()
        titles = [s.opportunity.title for s in module.confirmed_secondments(worth_it.person["staff"])]
        assert titles == ["Rota lead, Trust C", "Rota lead, Team A2"]
        assert module.confirmed_secondments(worth_it.person["manager"]) == []


def test_the_confirmed_list_macro_renders_a_persons_secondments(web_app, worth_it):
    with web_app.test_request_context():
        add_place(worth_it, worth_it.offer["a2"], "staff")
        db.session.commit()
        template = web_app.jinja_env.from_string(
            '{% from "secondments/_parts.html" import confirmed_list %}{{ confirmed_list(rows, framework) }}'
        )
        html = template.render(rows=module.confirmed_secondments(worth_it.person["staff"]), framework=web_app.extensions["planner_framework"])
        empty = template.render(rows=[], framework=web_app.extensions["planner_framework"])
    text = " ".join(_text(html).split())
    assert text == (
        "Confirmed secondments Rota lead, Team A2 with Team A2, Trust A: from 1 September 2031, for 6 months at 0.6 FTE. "
        "Develops Rota design to level 3."
    )
    assert empty.strip() == ""


def test_a_person_whose_record_is_restricted_can_neither_express_nor_withdraw_interest(web_app, web_client, offers):
    with web_app.app_context():
        add_interest(offers, offers.offer["c1"], "staff", note="Before the restriction")
        db.session.get(Person, offers.person["staff"]).restricted_at = datetime(2026, 11, 1)
        db.session.commit()
    sign_in(web_client, offers, "staff")
    for url in (f"/secondments/{offers.offer['a2']}/interest", f"/secondments/{offers.offer['c1']}/withdraw"):
        response = web_client.post(url, data={"note": "Let me go"})
        assert response.status_code == 403 and "record is restricted" in response.get_data(as_text=True)
    with web_app.app_context():
        rows = db.session.scalars(select(SecondmentInterest)).all()
        assert [(r.opportunity_id, r.note, r.withdrawn_at) for r in rows] == [(offers.offer["c1"], "Before the restriction", None)]
