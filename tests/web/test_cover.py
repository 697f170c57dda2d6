"""Team cover: the summary, the matrix, what-if, cross-training suggestions, and opting in to task sharing."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

import planner.web.cover
from planner.core.cover import Candidate, Member, Suggestion
from planner.db import db
from planner.models import Account, AuditEvent, Person, Rating, Team
from tests.web.conftest import PASSWORD, row_counts, sign_in
from tests.web.pages import outline
from tests.web.test_manager import _Tables

# Team A1 needs Rota rules (ROT-01) and Rota design (ROT-02) at 3 and Employment law (HRF-01) at 2:
# its manager is a Rota Lead. Rota rules is held by Manager and Staff, Rota design by Manager alone,
# Employment law by nobody. Other Team (A2) offered to share tasks and holds Employment law;
# Other Trust (trust B) offered too, but works in another trust.
LEVELS = {
    "manager": {"ROT-01": 3, "ROT-02": 3, "HRF-01": 1},
    "staff": {"ROT-01": 3, "ROT-02": 2},
    "peer": {"ROT-01": 1, "ROT-02": 2},
    "other_team": {"HRF-01": 2},
    "other_trust": {"HRF-01": 3, "ROT-02": 3},
    "other_manager": {"HRF-01": 3},
}
SHARERS = ("other_team", "other_trust")


@pytest.fixture
def team(web_app, world):
    """The world with the levels above rated and the two colleagues opted in."""
    with web_app.app_context():
        for name, levels in LEVELS.items():
            for competency, level in levels.items():
                db.session.add(
                    Rating(person_id=world.person[name], competency_id=competency, level=level, rater="self",
                           rated_by_id=world.person[name])
                )
        for name in SHARERS:
            db.session.get(Person, world.person[name]).shares_tasks = True
        db.session.commit()
    return world


def cover_url(world, team="A1", query="") -> str:
    return f"/teams/{world.team[team]}/cover{query}"


def sharing_url(world, name="staff") -> str:
    return f"/people/{world.person[name]}/task-sharing"


def page(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def sections(html: str) -> dict[str, str]:
    return {title: text for _, title, text in outline(html)}


def matrix(html: str) -> list[list[str]]:
    """The matrix's rows as text, its header row first."""
    parser = _Tables()
    parser.feed(html)
    return parser.rows


class _Form(HTMLParser):
    """The error summary's links and the checkboxes ticked."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.ticked: list[tuple[str, str]] = []
        self.href: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href", "").startswith("#"):
            self.href = attributes["href"]
            self.links.append((self.href, ""))
        elif tag == "input" and attributes.get("type") == "checkbox" and "checked" in attributes:
            self.ticked.append((attributes["name"], attributes["value"]))

    def handle_endtag(self, tag):
        if tag == "a":
            self.href = None

    def handle_data(self, data):
        if self.href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, " ".join((text + data).split()))


def read_form(html: str) -> _Form:
    parser = _Form()
    parser.feed(html)
    return parser


def set_person(web_app, world, name, **values) -> None:
    with web_app.app_context():
        person = db.session.get(Person, world.person[name])
        for key, value in values.items():
            setattr(person, key, value)
        db.session.commit()


# The cover page ------------------------------------------------------------------------------


def test_the_summary_names_the_gaps_and_single_points_of_failure_first(web_client, team):
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team)))

    headings = [(tag, title) for tag, title, _ in outline(html)]
    assert headings[:4] == [
        ("h1", "Team cover: Team A1"),
        ("h2", "Gaps and single points of failure"),
        ("h3", "Gaps: nobody holds these (1)"),
        ("h3", "Single points of failure: only one person holds these (1)"),
    ]
    text = sections(html)
    assert "Of the 3 competencies Team A1 needs, 1 has no cover and 1 is held by only one person." in text[
        "Gaps and single points of failure"
    ]
    assert text["Gaps: nobody holds these (1)"] == "Employment law, level 2 needed"
    singles = text["Single points of failure: only one person holds these (1)"]
    assert singles == "Rota design, level 3 needed: only Manager"
    assert 'href="/static/css/cover.css"' in html


def test_the_matrix_is_a_table_of_competencies_by_member(web_client, team):
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team)))

    rows = matrix(html)
    assert rows[0] == ["Competency", "Level needed", "Cover", "Manager", "Peer", "Staff"]
    assert rows[1:] == [
        ["Employment law", "2", "Gap", "1 below", "0 below", "0 below"],
        ["Rota design", "3", "Only one person", "3 ✓ meets", "2 below", "2 below"],
        ["Rota rules", "3", "Covered by 2", "3 ✓ meets", "1 below", "3 ✓ meets"],
    ]
    assert '<caption id="matrix-caption"' in html
    assert html.count('scope="col"') == 6 and html.count('scope="row"') == 3
    region = 'role="region" aria-labelledby="matrix-caption" tabindex="0"'  # scrolls on a phone, by keyboard too
    assert f'class="nhsuk-table-container planner-cover-matrix" {region}' in html
    assert "nhsuk-tag--red" in html and "nhsuk-tag--orange" in html and "nhsuk-tag--green" in html


def test_what_if_shows_the_cover_each_competency_loses(web_client, team):
    sign_in(web_client, team, "manager")
    query = f"?away={team.person['manager']}&away={team.person['staff']}"

    html = page(web_client.get(cover_url(team, query=query)))

    text = sections(html)
    assert "Gaps and single points of failure while Manager and Staff are away" in text
    assert text["If Manager and Staff are away"].startswith(
        "2 competencies lose cover: Rota rules: from 2 to 0, a gap Rota design: from 1 to 0, a gap"
    )
    rows = matrix(html)
    assert rows[0][3:] == ["Manager (away)", "Peer", "Staff (away)"]
    assert [row[:3] for row in rows[1:]] == [
        ["Rota rules", "3", "Gap"],
        ["Rota design", "3", "Gap"],
        ["Employment law", "2", "Gap"],
    ]
    assert rows[1][3:] == ["3 ✓ meets, away", "1 below", "3 ✓ meets, away"]
    assert read_form(html).ticked == [("away", str(team.person["manager"])), ("away", str(team.person["staff"]))]
    assert 'href="/teams/{}/cover">Show the whole team'.format(team.team["A1"]) in html


def test_what_if_can_find_nothing_lost(web_client, team):
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team, query=f"?away={team.person['peer']}")))

    text = sections(html)
    assert text["If Peer is away"].startswith("No competency loses cover.")


def test_what_if_that_leaves_one_of_two_says_only_one_person(web_client, team):
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team, query=f"?away={team.person['staff']}")))

    lost = sections(html)["If Staff is away"]
    assert lost.startswith("1 competency loses cover: Rota rules: from 2 to 1, only one person")


@pytest.mark.parametrize("away", ["999999", "abc", "other_team", ""])
def test_what_if_refuses_anyone_not_in_the_team(web_app, web_client, team, away):
    sign_in(web_client, team, "manager")
    value = str(team.person[away]) if away in team.person else away
    before = row_counts(web_app)

    html = page(web_client.get(cover_url(team, query=f"?away={team.person['staff']}&away={value}")), status=400)

    assert "<title>Error: Team cover: Team A1" in html
    assert ("#away", "Choose who is away from the list of team members") in read_form(html).links
    assert "If Staff" not in html  # nothing is worked out from a bad answer
    assert "Other Team (away)" not in html
    assert row_counts(web_app) == before


def test_suggestions_include_a_task_sharing_colleague_of_the_trust_only(web_client, team):
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team)))

    text = sections(html)
    assert text["Employment law"].startswith("Gap Level 2 needed.")
    assert "Manager: level 1, 1 level short. Training: Employment law update; 3 hours in all." in text["Employment law"]
    assert "Already holds it and offered to share tasks: Other Team (Team A2)." in text["Employment law"]
    design = text["Rota design"]
    assert design.startswith("Only one person Level 3 needed.")
    assert "Other Team (task-sharing colleague, Team A2): level 0, 3 levels short." in design
    assert "Training: Rota rules essentials, Rota design workshop; 13 hours in all." in design
    assert "Rota rules" not in [title for tag, title, _ in outline(html) if tag == "h3"]
    for outsider in ("Other Trust", "Other Manager"):  # another trust's; a colleague who did not opt in
        assert outsider not in html


def test_a_colleague_who_stopped_sharing_tasks_is_no_longer_suggested(web_app, web_client, team):
    set_person(web_app, team, "other_team", shares_tasks=False)
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team)))

    assert "Other Team" not in html


def test_a_candidate_no_training_can_help_is_shown_with_the_reason(web_client, team, monkeypatch):
    member = Member(team.person["peer"], "Peer", "rota", {})
    stuck = Candidate(member, False, 0, 4, (), 0.0, "no module raises Rota rules to 4")
    suggestion = Suggestion("ROT-01", 4, 0, (stuck,), ())
    monkeypatch.setattr(planner.web.cover, "cross_training", lambda *args, **kwargs: (suggestion,))
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team)))

    said = "Peer: level 0, 4 levels short. No training in the framework closes this gap: no module raises Rota rules to 4."
    assert said in sections(html)["Rota rules"]


def test_a_team_everyone_covers_has_nothing_to_suggest(web_app, web_client, world):
    with web_app.app_context():
        for name in ("manager", "staff", "peer"):
            for competency, level in {"ROT-01": 3, "ROT-02": 3, "HRF-01": 2}.items():
                db.session.add(Rating(person_id=world.person[name], competency_id=competency, level=level,
                                      rater="self", rated_by_id=world.person[name]))
        db.session.commit()
    sign_in(web_client, world, "manager")

    text = sections(page(web_client.get(cover_url(world))))

    assert text["Gaps: nobody holds these (0)"] == "None: every competency the team needs is held by someone."
    singles = text["Single points of failure: only one person holds these (0)"]
    assert singles == "None: no competency depends on one person alone."
    nothing = "Nothing to suggest: every competency the team needs is held by two or more people."
    assert nothing in text["Who could cover the thin spots"]


def test_a_competency_only_someone_away_holds_has_no_one_else_to_suggest(web_app, web_client, world):
    with web_app.app_context():
        team_a3 = Team(name="Team A3", trust_id=world.trust["A"])
        manager, peer = db.session.get(Person, world.person["manager"]), db.session.get(Person, world.person["peer"])
        manager.managed_teams.append(team_a3)
        peer.team = team_a3
        db.session.commit()
        team_id = team_a3.id
    sign_in(web_client, world, "manager")

    html = page(web_client.get(f"/teams/{team_id}/cover?away={world.person['peer']}"))

    assert sections(html)["Rota rules"] == (
        "Gap Level 2 needed. No one else to suggest: there is no one else in the team who is not away "
        "without it, and no colleague who offered to share tasks lacks it."
    )


def test_an_empty_team_needs_no_cover(web_app, web_client, world):
    with web_app.app_context():
        manager = db.session.get(Person, world.person["manager"])
        manager.managed_teams.append(Team(name="Team A3", trust_id=world.trust["A"]))
        db.session.commit()
        team_id = db.session.scalar(select(Team.id).where(Team.name == "Team A3"))
    sign_in(web_client, world, "manager")

    html = page(web_client.get(f"/teams/{team_id}/cover"))

    assert "No one is in Team A3 yet, so it needs no cover yet." in html
    assert "<table" not in html


def test_a_role_the_framework_lacks_is_explained(web_app, web_client, team):
    set_person(web_app, team, "peer", role_id="gone")
    sign_in(web_client, team, "manager")

    html = page(web_client.get(cover_url(team)))

    said = sections(html)["Team cover: Team A1"]
    assert said.startswith("planner cannot work out the cover of Team A1: unknown role 'gone'")
    assert "<table" not in html


@pytest.mark.parametrize(("name", "status"), [
    ("manager", 200),
    ("trust_admin", 200),
    ("other_manager", 404),
    ("far_manager", 404),
    # Accounts that run no team are refused every team's cover (planner.web.permissions).
    ("staff", 403),
    ("region_lead", 403),
    ("admin", 403),
])
def test_only_the_teams_managers_and_trust_admins_see_its_cover(web_client, team, name, status):
    sign_in(web_client, team, name)

    response = web_client.get(cover_url(team))

    assert response.status_code == status
    assert ("Rota design" in response.get_data(as_text=True)) == (status == 200)


def test_a_trust_admin_sees_no_team_of_another_trust(web_client, team):
    sign_in(web_client, team, "trust_admin")

    assert web_client.get(cover_url(team, "B1")).status_code == 404
    assert web_client.get(cover_url(team, "A2")).status_code == 200


def test_a_team_that_does_not_exist_is_not_found(web_client, team):
    sign_in(web_client, team, "manager")

    assert web_client.get("/teams/999999/cover").status_code == 404


def test_an_account_without_a_person_is_not_found(web_app, web_client, team):
    with web_app.app_context():
        db.session.get(Account, team.account["manager"]).person_id = None
        db.session.commit()
    web_client.post("/sign-in", data={"email": team.email("manager"), "password": PASSWORD})

    assert web_client.get(cover_url(team)).status_code == 404


def test_cover_asks_signed_out_visitors_to_sign_in(web_client, team):
    response = web_client.get(cover_url(team))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


# Opting in to task sharing --------------------------------------------------------------------


def sharing_events(web_app) -> list[tuple[int | None, dict]]:
    with web_app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "task_sharing"))
        return [(event.person_id, event.detail) for event in events]


def shares(web_app, world, name="staff") -> bool:
    with web_app.app_context():
        return db.session.get(Person, world.person[name]).shares_tasks


def test_my_task_sharing_page_explains_who_sees_what(web_client, world):
    sign_in(web_client, world, "staff")

    html = page(web_client.get(sharing_url(world)))

    text = sections(html)
    assert "Covering tasks in other teams" in text
    shown = "name, team and levels in the competencies that team needs are shown to the managers and trust admins of Trust A"
    assert shown in text["Covering tasks in other teams"]
    assert "I&#39;m willing to cover medical staffing tasks in my trust when a team is short" in html
    assert 'name="shares_tasks" type="checkbox" value="y"' in html
    assert read_form(html).ticked == []


def test_opting_in_saves_audits_and_confirms(web_app, web_client, world):
    sign_in(web_client, world, "staff")

    response = web_client.post(sharing_url(world), data={"shares_tasks": "y"})

    assert response.status_code == 302 and response.headers["Location"] == sharing_url(world)
    assert shares(web_app, world)
    assert sharing_events(web_app) == [(world.person["staff"], {"shares_tasks": True})]
    html = page(web_client.get(sharing_url(world)))
    assert "Saved: you are willing to cover medical staffing tasks in Trust A when a team is short." in html
    assert read_form(html).ticked == [("shares_tasks", "y")]


def test_opting_out_saves_and_audits(web_app, web_client, world):
    set_person(web_app, world, "staff", shares_tasks=True)
    sign_in(web_client, world, "staff")

    response = web_client.post(sharing_url(world), data={})

    assert response.status_code == 302
    assert not shares(web_app, world)
    assert sharing_events(web_app) == [(world.person["staff"], {"shares_tasks": False})]
    html = page(web_client.get(sharing_url(world)))
    assert "Saved: you are not offering to cover tasks in other teams." in html


def test_sending_the_same_answer_again_changes_nothing(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    web_client.post(sharing_url(world), data={})

    assert row_counts(web_app) == before
    assert "Nothing changed: you are not offering" in page(web_client.get(sharing_url(world)))


def test_an_answer_that_is_not_the_box_is_refused_and_saves_nothing(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    html = page(web_client.post(sharing_url(world), data={"shares_tasks": "maybe"}), status=400)

    assert "<title>Error: Covering tasks in other teams" in html
    message = "Tick the box if you are willing to cover tasks, or leave it empty if not"
    assert read_form(html).links[1:] == [("#shares_tasks", message)]  # after the skip link
    assert row_counts(web_app) == before and not shares(web_app, world)


@pytest.mark.parametrize("name", ["manager", "trust_admin"])
def test_others_who_see_the_person_read_their_choice_but_cannot_change_it(web_app, web_client, world, name):
    set_person(web_app, world, "staff", shares_tasks=True)
    sign_in(web_client, world, name)

    html = page(web_client.get(sharing_url(world)))

    assert "Task sharing: Staff" in html
    said = "Staff is willing to cover medical staffing tasks in Trust A when a team is short. Only Staff can change this."
    assert said in html
    assert "<form method=\"post\"" not in html
    before = row_counts(web_app)
    assert web_client.post(sharing_url(world), data={}).status_code == 403
    assert row_counts(web_app) == before and shares(web_app, world)


@pytest.mark.parametrize("name", ["peer", "other_manager", "far_manager"])
def test_people_who_may_not_see_the_person_get_404(web_app, web_client, world, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    assert web_client.get(sharing_url(world)).status_code == 404
    assert web_client.post(sharing_url(world), data={"shares_tasks": "y"}).status_code == 404
    assert row_counts(web_app) == before
