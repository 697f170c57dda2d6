"""The manager's pages: my teams, and validating a team member's self-assessment."""

from __future__ import annotations

from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import AuditEvent, Person, Plan, Rating, Team, current_levels, ratings_of
from planner.web.manager import field_keys
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline


class _Tables(HTMLParser):
    """Each table row's cells as text, spaces squeezed (header rows included)."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    """Each body row of the page's tables by its first cell (the person's name, without its label)."""
    parser = _Tables()
    parser.feed(html)
    return {row[0].removeprefix("Name "): row[1:] for row in parser.rows if row and row[0].startswith("Name ")}


def add_rating(world, name, competency, level, rater, when, evidence="", by=None):
    """Add one rating of ``name`` (by themselves, or by ``by``) made at ``when``."""
    rater_name = by or (name if rater == "self" else "manager")
    db.session.add(
        Rating(
            person_id=world.person[name],
            competency_id=competency,
            level=level,
            rater=rater,
            rated_by_id=world.person[rater_name],
            evidence=evidence,
            created_at=when,
        )
    )


@pytest.fixture
def rated(web_app, world):
    """Staff has 2 self-ratings awaiting validation and 1 validated; peer has none awaiting.

    Staff: Rota rules self 2 (no manager rating); Rota design self 1 then manager 1; Employment law
    manager 1 then a newer self 2. Peer: Rota rules self 1, manager 1, then self 1 again.
    Staff aims at Rota Lead and has a plan they agreed; peer's plan awaits their own agreement.
    """
    with web_app.app_context():
        add_rating(world, "staff", "ROT-01", 2, "self", datetime(2026, 5, 1, 9), "Built the winter rota")
        add_rating(world, "staff", "ROT-02", 1, "self", datetime(2026, 5, 1, 9))
        add_rating(world, "staff", "ROT-02", 1, "manager", datetime(2026, 5, 2, 9), "Seen in practice")
        add_rating(world, "staff", "HRF-01", 1, "manager", datetime(2026, 5, 2, 9))
        add_rating(world, "staff", "HRF-01", 2, "self", datetime(2026, 5, 3, 9), "Did the CIPD course")
        add_rating(world, "peer", "ROT-01", 1, "self", datetime(2026, 5, 1, 9))
        add_rating(world, "peer", "ROT-01", 1, "manager", datetime(2026, 5, 2, 9))
        add_rating(world, "peer", "ROT-01", 1, "self", datetime(2026, 5, 3, 9))
        db.session.get(Person, world.person["staff"]).target_role_id = "lead"
        for name, agreed in (("staff", datetime(2026, 5, 4)), ("peer", None)):
            db.session.add(
                Plan(
                    person_id=world.person[name],
                    version=1,
                    framework_version="test-1",
                    plan_date=date(2026, 5, 4),
                    inputs={},
                    result={},
                    created_by_id=world.person[name],
                    staff_agreed_at=agreed,
                    staff_agreed_by_id=world.person[name] if agreed else None,
                )
            )
        db.session.commit()
    return world


def staff_levels(web_app, world):
    with web_app.app_context():
        return current_levels(ratings_of(db.session.get(Person, world.person["staff"])))


def manager_ratings(web_app):
    with web_app.app_context():
        return [
            (r.competency_id, r.level, r.rated_by.name, r.evidence)
            for r in db.session.scalars(select(Rating).where(Rating.rater == "manager").order_by(Rating.id))
        ]


# The teams page ------------------------------------------------------------------------------


def test_teams_lists_my_team_members_only(web_client, rated):
    sign_in(web_client, rated, "manager")

    response = web_client.get("/teams")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert [title for tag, title, _ in outline(html) if tag in ("h1", "h2")] == ["My teams", "Team A1, Trust A"]
    rows = table_rows(html)
    assert sorted(rows) == ["Peer", "Staff"]
    assert f'href="/people/{rated.person["staff"]}"' in html
    assert f'href="/people/{rated.person["manager"]}"' not in html
    for outsider in ("Other Team", "Other Trust", "Far Manager"):
        assert outsider not in html
    assert 'href="/teams"' in html  # the "My teams" navigation link


def test_teams_shows_readiness_gaps_and_what_awaits(web_client, rated):
    sign_in(web_client, rated, "manager")

    rows = table_rows(web_client.get("/teams").get_data(as_text=True))

    role, months, readiness, gaps, awaiting, plan, _retention = rows["Staff"]
    assert role == "Role and band Rota Coordinator, band 4"
    assert months.startswith("Months in role ") and months.split()[-1].isdigit()
    # Rota Coordinator: Rota rules 2/2 (critical, counts double), Rota design 1/2 -> 5/6.
    # Rota Lead: Rota rules 2/3 (x2), Rota design 1/3, Employment law 1/2 -> 6/11.
    assert readiness == "Readiness 83% for Rota Coordinator (current role) 55% for Rota Lead (target)"
    assert gaps == "Largest gaps Rota rules Rota design Employment law"
    assert awaiting.startswith("Self-ratings to validate 2 awaiting Validate")
    assert plan.startswith("Plan Awaits your agreement")

    peer = rows["Peer"]
    # Rota rules 1/2 (x2) of 6 wanted.
    assert peer[2] == "Readiness 33% for Rota Coordinator (current role) No target role chosen"
    assert peer[3] == "Largest gaps Rota rules Rota design"
    assert peer[4].startswith("Self-ratings to validate None awaiting Review")
    assert peer[5] == "Plan Nothing to agree"


def test_teams_counts_every_self_rating_without_a_manager_rating(web_app, web_client, world):
    with web_app.app_context():
        for competency in ("ROT-01", "ROT-02", "HRF-01"):
            add_rating(world, "peer", competency, 4, "self", datetime(2026, 5, 1))
        db.session.commit()
    sign_in(web_client, world, "manager")

    rows = table_rows(web_client.get("/teams").get_data(as_text=True))

    assert rows["Peer"][3] == "Largest gaps None"
    assert rows["Peer"][4].startswith("Self-ratings to validate 3 awaiting")
    assert rows["Staff"][4].startswith("Self-ratings to validate None awaiting")


def test_teams_says_when_a_role_is_not_in_the_framework(web_app, web_client, world, monkeypatch):
    monkeypatch.setattr("planner.web.manager.today", lambda: date(2025, 11, 10))  # 8 months in role
    with web_app.app_context():
        db.session.get(Person, world.person["peer"]).role_id = "gone"
        db.session.commit()
    sign_in(web_client, world, "manager")

    rows = table_rows(web_client.get("/teams").get_data(as_text=True))

    assert rows["Peer"][0] == "Role and band gone, band 4"
    assert rows["Peer"][2].startswith("Readiness Cannot be worked out: unknown role 'gone'")
    assert rows["Peer"][3] == "Largest gaps Not known"
    assert rows["Peer"][-1].startswith("Retention At risk of leaving")  # the flag needs no role


def test_teams_shows_every_team_managed_even_an_empty_one(web_app, web_client, world):
    with web_app.app_context():
        manager = db.session.get(Person, world.person["manager"])
        manager.managed_teams.append(Team(name="Team A3", trust_id=world.trust["A"]))
        db.session.commit()
    sign_in(web_client, world, "manager")

    html = web_client.get("/teams").get_data(as_text=True)

    sections = {title: text for tag, title, text in outline(html) if tag == "h2"}
    assert list(sections) == ["Team A1, Trust A", "Team A3, Trust A"]
    assert sections["Team A3, Trust A"].startswith("No one else is in Team A3 yet.")


def test_teams_of_a_manager_with_no_team(web_app, web_client, world):
    with web_app.app_context():
        other_manager = db.session.get(Person, world.person["other_manager"])
        other_manager.managed_teams.clear()
        db.session.commit()
    sign_in(web_client, world, "other_manager")

    html = web_client.get("/teams").get_data(as_text=True)

    assert "You do not manage any teams yet." in html
    assert "<table" not in html


@pytest.mark.parametrize("name", ["staff", "trust_admin", "region_lead", "admin"])
def test_teams_is_refused_without_the_manager_role(web_client, world, name):
    sign_in(web_client, world, name)

    response = web_client.get("/teams")

    assert response.status_code == 403
    assert "You cannot do that" in response.get_data(as_text=True)


def test_teams_asks_anonymous_users_to_sign_in(web_client, world):
    response = web_client.get("/teams")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


# The validate page ---------------------------------------------------------------------------


def test_validate_lists_awaiting_then_validated_self_ratings(web_client, rated):
    sign_in(web_client, rated, "manager")

    response = web_client.get(f"/people/{rated.person['staff']}/validate")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = [(tag, title) for tag, title, _ in outline(html)]
    assert headings == [
        ("h1", "Validate Staff's self-assessment"),
        ("h2", "Awaiting validation (2)"),
        ("h3", "Rota rules (critical)"),
        ("h3", "Employment law"),
        ("h2", "Already validated (1)"),
        ("h3", "Rota design"),
    ]
    sections = {title: text for _, title, text in outline(html)}
    rules = sections["Rota rules (critical)"]
    assert "Self-rating 2 – Practitioner, on 1 May 2026" in rules
    assert "Their evidence Built the winter rota" in rules
    assert "Validated level Not validated yet" in rules
    assert "Level the role needs 2 – Practitioner for Rota Coordinator" in rules
    assert "Accept 2 – Practitioner" in rules and "Set another level" in rules
    law = sections["Employment law"]
    assert "Self-rating 2 – Practitioner, on 3 May 2026" in law
    assert "Validated level 1 – Aware, by Manager on 2 May 2026" in law
    assert "Level the role needs Not required for Rota Coordinator" in law
    assert "Their evidence Seen in practice" not in sections["Rota design"]
    assert "Validated level 1 – Aware, by Manager on 2 May 2026" in sections["Rota design"]
    assert "<title>Validate Staff's self-assessment – planner</title>" in html


def test_validate_says_when_there_is_nothing_to_validate(web_client, world):
    sign_in(web_client, world, "manager")

    html = web_client.get(f"/people/{world.person['peer']}/validate").get_data(as_text=True)

    assert "Peer has not rated any competencies yet" in html
    assert "<form method=\"post\"" not in html


def test_validate_with_only_validated_ratings_says_nothing_awaits(web_app, web_client, world):
    with web_app.app_context():
        add_rating(world, "peer", "ROT-01", 1, "self", datetime(2026, 5, 1))
        add_rating(world, "peer", "ROT-01", 1, "manager", datetime(2026, 5, 2))
        db.session.get(Person, world.person["peer"]).role_id = "gone"
        db.session.commit()
    sign_in(web_client, world, "manager")

    html = web_client.get(f"/people/{world.person['peer']}/validate").get_data(as_text=True)

    sections = {title: text for _, title, text in outline(html)}
    assert sections["Awaiting validation (0)"] == "Nothing awaits validation: every self-rating has been validated."
    assert "Level the role needs Not required for their role" in sections["Rota rules (critical)"]


def test_accepting_writes_manager_ratings_equal_to_the_self_levels(web_app, web_client, rated):
    sign_in(web_client, rated, "manager")
    url = f"/people/{rated.person['staff']}/validate"
    before = row_counts(web_app)

    response = web_client.post(url, data={"c_rot_01_decision": "accept", "c_hrf_01_decision": "accept"})

    assert response.status_code == 302
    assert response.headers["Location"] == url
    after = row_counts(web_app)
    assert after["ratings"] == before["ratings"] + 2
    assert after["audit_events"] == before["audit_events"] + 2
    assert manager_ratings(web_app)[-2:] == [("ROT-01", 2, "Manager", ""), ("HRF-01", 2, "Manager", "")]
    levels = staff_levels(web_app, rated)
    assert (levels["ROT-01"].level, levels["ROT-01"].source) == (2, "manager")
    assert (levels["HRF-01"].level, levels["HRF-01"].source, levels["HRF-01"].pending) == (2, "manager", None)
    html = web_client.get(url).get_data(as_text=True)
    assert "Validated for Staff: Rota rules: accepted 2; Employment law: accepted 2" in html
    assert "Awaiting validation (0)" in html and "Already validated (3)" in html


def test_each_validation_is_audited(web_app, web_client, rated):
    sign_in(web_client, rated, "manager")

    web_client.post(f"/people/{rated.person['staff']}/validate", data={"c_rot_01_decision": "accept"})

    with web_app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        rating = db.session.get(Rating, event.record_id)
        assert (event.action, event.record_type, event.person_id, event.account_id) == (
            "manager_rating",
            "ratings",
            rated.person["staff"],
            rated.account["manager"],
        )
        assert event.detail == {"competency": "ROT-01", "level": 2, "self_level": 2}
        assert (rating.rater, rating.rated_by_id) == ("manager", rated.person["manager"])


def test_setting_another_level_needs_a_note(web_app, web_client, rated):
    sign_in(web_client, rated, "manager")
    before = row_counts(web_app)

    response = web_client.post(
        f"/people/{rated.person['staff']}/validate",
        data={"c_rot_01_decision": "other", "c_rot_01_level": "1", "c_hrf_01_decision": "accept"},
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    message = "Enter a note saying why Rota rules is level 1: a level different from the self-rating (2) needs a note"
    assert html.count(message) == 2  # in the summary and at the field
    assert 'href="#c_rot_01_note"' in html
    assert "<title>Error: Validate Staff's self-assessment – planner</title>" in html
    assert row_counts(web_app) == before


def test_setting_another_level_with_a_note_saves_and_counts(web_app, web_client, rated):
    sign_in(web_client, rated, "manager")
    staff = rated.person["staff"]
    with web_app.app_context():
        seen = db.session.scalar(select(Rating.id).where(Rating.person_id == staff, Rating.competency_id == "ROT-01"))

    response = web_client.post(
        f"/people/{staff}/validate",
        data={
            "c_rot_01_seen": str(seen),
            "c_rot_01_decision": "other",
            "c_rot_01_level": "1",
            "c_rot_01_note": "  Still learns the rest rules.  ",
            "c_rot_02_decision": "other",
            "c_rot_02_level": "1",
        },
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Validated for Staff: Rota rules: set to 1 (self-rated 2); Rota design: accepted 1" in response.get_data(as_text=True)
    assert manager_ratings(web_app)[-2:] == [("ROT-01", 1, "Manager", "Still learns the rest rules."), ("ROT-02", 1, "Manager", "")]
    levels = staff_levels(web_app, rated)
    assert (levels["ROT-01"].level, levels["ROT-01"].source, levels["ROT-01"].pending) == (1, "manager", None)
    assert levels["HRF-01"].pending == 2  # left untouched: still awaits validation


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"c_rot_01_decision": "maybe"}, "c_rot_01_decision", "Choose Accept 2 or Set another level for Rota rules"),
        ({"c_rot_01_decision": "other", "c_rot_01_level": "9"}, "c_rot_01_level", "Choose a level from 0 to 4 for Rota rules"),
        ({"c_rot_01_decision": "other", "c_rot_01_level": "two"}, "c_rot_01_level", "Choose a level from 0 to 4 for Rota rules"),
        (
            {"c_rot_01_decision": "other", "c_rot_01_level": "1", "c_rot_01_note": "x" * 2001},
            "c_rot_01_note",
            "The note on Rota rules must be 2,000 characters or fewer",
        ),
        (
            {"c_rot_01_decision": "accept", "c_rot_01_seen": "999999"},
            "c_rot_01_decision",
            "Rota rules was self-rated again (2) since this page opened: check it and choose again",
        ),
    ],
)
def test_invalid_validation_shows_the_error_and_saves_nothing(web_app, web_client, rated, data, field, message):
    sign_in(web_client, rated, "manager")
    before = row_counts(web_app)

    response = web_client.post(f"/people/{rated.person['staff']}/validate", data={**data, "c_hrf_01_decision": "accept"})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'href="#{field}"' in html
    assert message in html
    assert row_counts(web_app) == before


def test_a_note_within_the_limit_is_kept_whole(web_app, web_client, rated):
    sign_in(web_client, rated, "manager")

    web_client.post(
        f"/people/{rated.person['staff']}/validate",
        data={"c_rot_01_decision": "other", "c_rot_01_level": "3", "c_rot_01_note": "y" * 2000},
    )

    assert manager_ratings(web_app)[-1] == ("ROT-01", 3, "Manager", "y" * 2000)


def test_saving_with_no_decision_writes_nothing(web_app, web_client, rated):
    sign_in(web_client, rated, "manager")
    before = row_counts(web_app)

    response = web_client.post(f"/people/{rated.person['staff']}/validate", data={}, follow_redirects=True)

    assert response.status_code == 200
    assert "Nothing saved: choose Accept or Set another level for at least one competency." in response.get_data(as_text=True)
    assert row_counts(web_app) == before


def test_field_keys_are_safe_and_distinct():
    assert field_keys(["ROT-01", "rot_01", "Ünits & Co.", "rot-01-1", "Rot 01"]) == {
        "ROT-01": "c_rot_01",
        "rot_01": "c_rot_01_1",
        "Ünits & Co.": "c_nits_co",
        "rot-01-1": "c_rot_01_1_1",
        "Rot 01": "c_rot_01_2",
    }


# Who may validate ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "whose", "status"),
    [
        ("staff", "staff", 403),
        ("manager", "manager", 403),
        ("trust_admin", "staff", 403),
        # Accounts without the manager role are refused before the person is looked up.
        ("peer", "staff", 403),
        ("other_manager", "staff", 404),
        ("far_manager", "staff", 404),
        ("region_lead", "staff", 403),
        ("admin", "staff", 403),
        ("staff", "other_trust", 403),
    ],
)
def test_validate_is_refused_to_all_but_the_persons_manager(web_app, web_client, rated, name, whose, status):
    sign_in(web_client, rated, name)
    url = f"/people/{rated.person[whose]}/validate"
    before = row_counts(web_app)

    got = web_client.get(url)
    posted = web_client.post(url, data={"c_rot_01_decision": "accept"})

    assert (got.status_code, posted.status_code) == (status, status)
    for response in (got, posted):
        html = response.get_data(as_text=True)
        assert "Built the winter rota" not in html and "Rota rules" not in html
    assert row_counts(web_app) == before


def test_validate_asks_anonymous_users_to_sign_in(web_app, web_client, rated):
    before = row_counts(web_app)
    url = f"/people/{rated.person['staff']}/validate"

    for response in (web_client.get(url), web_client.post(url, data={"c_rot_01_decision": "accept"})):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/sign-in")
    assert row_counts(web_app) == before


def test_validate_of_an_unknown_person_is_not_found(web_client, world):
    sign_in(web_client, world, "manager")

    assert web_client.get("/people/999999/validate").status_code == 404
