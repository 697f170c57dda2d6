"""Training needs in aggregate on the web: what each scope's pages show, suppression above trust
level, the commissioning view, and the CSV and XLSX files of every table.

Who may open which scope is checked for every kind of account in tests/web/test_access.py.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from planner.db import db
from planner.exports import SUPPRESSED, cell_value
from planner.insight import ModuleDemand, Scope, find_scope, training_needs
from planner.models import Person, Rating, Region, Team, Trust
from planner.times import uk_today
from planner.web.insight import TABLES, headline
from tests.web.conftest import sign_in
from tests.web.pages import outline
from tests.web.test_manager import _Tables

FORMULA = '=HYPERLINK("http://attacker.example","Click")'


@pytest.fixture
def crowd(web_app, world):
    """Eight more Rota Coordinators in team A1: five hold Rota rules at 2 and Rota design at 1 (a
    gap of 1), three have rated nothing (gaps of 2); and three Rota Leads of trust A hold Employment
    law at the level they need. Region A then has 16 people, so some counts there reach 5 and others
    (3 lacking Employment law) do not."""
    with web_app.app_context():
        for name in ("manager", "other_manager", "trust_admin"):
            db.session.add(Rating(person_id=world.person[name], competency_id="HRF-01", level=2, rater="self",
                                  rated_by_id=world.person[name]))
        a1 = db.session.get(Team, world.team["A1"])
        for n in range(8):
            person = Person(name=f"Crowd {n}", email=f"crowd{n}@trust.nhs.example", trust=a1.trust, team=a1,
                            role_id="rota", band="4", started_in_role=date(2025, 1, 1), protected_hours=4)
            db.session.add(person)
            db.session.flush()
            if n < 5:
                for competency, level in (("ROT-01", 2), ("ROT-02", 1)):
                    db.session.add(Rating(person_id=person.id, competency_id=competency, level=level, rater="self",
                                          rated_by_id=person.id))
        db.session.commit()
    return world


def organisation_id(web_app, model, name: str) -> int:
    with web_app.app_context():
        return db.session.scalar(select(model.id).where(model.name == name))


def needs_of(web_app, kind: str, ident: int | None):
    """What the pages of that scope show, worked out directly."""
    with web_app.app_context():
        return training_needs(web_app.extensions["planner_framework"], find_scope(kind, ident))


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def table_rows(html: str) -> list[list[str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.rows


def signed_in(web_app, world, name: str):
    client = web_app.test_client()
    sign_in(client, world, name)
    return client


def test_the_region_lead_goes_straight_to_their_region(web_app, world):
    client = signed_in(web_app, world, "region_lead")
    region = organisation_id(web_app, Region, "Region A")
    response = client.get("/insight")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/insight/region/{region}"


def test_an_admin_goes_straight_to_all_organisations_and_sees_each_region_below(web_app, world):
    client = signed_in(web_app, world, "admin")
    assert client.get("/insight").headers["Location"] == "/insight/all"
    html = page(client, "/insight/all")
    sections = dict((title, text) for _, title, text in outline(html))
    assert "Training needs: All organisations" in sections
    assert sections["Regions"] == "Region A Region B"
    assert 'href="/insight/region/' in html


def test_an_account_reaching_several_separate_scopes_chooses_one(web_app, world):
    with web_app.app_context():
        manager, team = db.session.get(Person, world.person["manager"]), db.session.get(Team, world.team["B1"])
        team.managers.append(manager)
        db.session.commit()
    client = signed_in(web_app, world, "manager")
    html = page(client, "/insight")
    sections = {title: text for _, title, text in outline(html)}
    assert sections["Teams"].startswith("Team A1, Trust A Team B1, Trust B ")
    assert f'href="/insight/team/{world.team["B1"]}"' in html


def test_the_staff_home_links_to_aggregates_only_for_those_who_see_them(web_app, world):
    for name, shown in (("region_lead", True), ("manager", True), ("staff", False)):
        client = signed_in(web_app, world, name)
        html = page(client, f"/people/{world.person[name]}")
        assert ('href="/insight"' in html) == shown, name


def test_a_region_shows_its_headline_figures_children_heatmap_and_downloads(web_app, crowd):
    region = organisation_id(web_app, Region, "Region A")
    needs = needs_of(web_app, "region", region)
    assert needs.people == 16
    html = page(signed_in(web_app, crowd, "region_lead"), f"/insight/region/{region}")
    sections = {title: text for _, title, text in outline(html)}
    summary = sections["Training needs: Region A"]
    assert "Above trust level, a count of fewer than 5 people is shown as \"fewer than 5\"" in summary
    assert f"People 16 People with at least one gap {needs.people_with_gaps}" in summary
    assert f"Training to close every gap {needs.total_hours:g} hours" in summary
    assert sections["Integrated care systems"] == "System A"
    assert sections["Trusts"] == "Trust A"
    assert f'href="/insight/region/{region}/commissioning"' in html
    # The heatmap: one image with its title, and the same figures in a table beside it.
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "Share of people with a gap in each domain, by trust" in html
    rows = table_rows(html)
    heading = next(row for row in rows if row and row[0] == "Domain")
    assert heading == ["Domain", "Trust A (System A)"]
    assert ["All people (headcount)", "16"] in rows
    for table in TABLES:
        for file_format in ("csv", "xlsx"):
            assert f'href="/insight/region/{region}/{table}.{file_format}"' in html


def test_above_trust_level_small_counts_read_fewer_than_5(web_app, crowd):
    region = organisation_id(web_app, Region, "Region A")
    needs = needs_of(web_app, "region", region)
    html = page(signed_in(web_app, crowd, "region_lead"), f"/insight/region/{region}")
    rows = {row[0]: row[1:] for row in table_rows(html)}
    withheld = [c for c in needs.competencies if c.people is None]
    shown = [c for c in needs.competencies if c.people is not None]
    assert withheld and shown, "the crowd gives both kinds of count"
    for competency in needs.competencies:
        sizes = dict(competency.by_size)
        name = competency.name + (" Critical" if competency.critical else "")
        expected = [competency.people, competency.total_gap, *(sizes[s] for s in range(1, 5))]
        assert rows[name] == [SUPPRESSED if v is None else str(v) for v in expected], name
    for competency in withheld:
        assert competency.total_gap is None  # a total would give the withheld count away
    # Gap sizes below 5 are withheld too, even beside a count that is shown.
    assert any(count is None for c in shown for _, count in c.by_size)


@pytest.mark.parametrize("kind", ["trust", "team"])
def test_a_region_lead_sees_a_trust_or_team_with_small_counts_withheld(web_app, crowd, kind):
    # Only those in charge inside a trust see its small counts; a region lead looks in from above.
    ident = crowd.trust["A"] if kind == "trust" else crowd.team["A2"]
    html = page(signed_in(web_app, crowd, "region_lead"), f"/insight/{kind}/{ident}")
    assert "Outside your own trust, a count of fewer than 5 people is shown as" in html
    assert SUPPRESSED in html
    rows = {row[0]: row[1:] for row in table_rows(html)}
    assert not any("0" in cells for cells in rows.values())


@pytest.mark.parametrize("kind", ["trust", "team"])
def test_at_trust_and_team_level_every_count_is_shown(web_app, crowd, kind):
    ident = crowd.trust["A"] if kind == "trust" else crowd.team["A2"]
    html = page(signed_in(web_app, crowd, "trust_admin"), f"/insight/{kind}/{ident}")
    assert SUPPRESSED not in html
    assert "Above trust level" not in html
    needs = needs_of(web_app, kind, ident)
    assert all(c.people is not None and c.people > 0 for c in needs.competencies)
    rows = {row[0]: row[1:] for row in table_rows(html)}
    # Counts of 0 are shown as 0 at these levels.
    assert any("0" in cells for cells in rows.values())


def test_the_trust_heatmap_has_a_column_per_team_and_the_team_heatmap_the_team_alone(web_app, crowd):
    client = signed_in(web_app, crowd, "trust_admin")
    rows = table_rows(page(client, f"/insight/trust/{crowd.trust['A']}"))
    assert ["Domain", "Team A1", "Team A2"] in rows
    assert ["All people (headcount)", "11", "5"] in rows
    rows = table_rows(page(client, f"/insight/team/{crowd.team['A2']}"))
    assert ["Domain", "Team A2"] in rows
    # Everyone in A2 lacks Rota rules; three of the five lack Employment law (HR foundations).
    assert ["Rotas", "5 (100%)"] in rows
    assert ["HR foundations", "3 (60%)"] in rows


def test_a_team_page_has_nothing_below_it(web_app, world):
    html = page(signed_in(web_app, world, "manager"), f"/insight/team/{world.team['A1']}")
    assert "Look closer" not in html


def test_the_gaps_can_be_shown_for_one_domain(web_app, crowd):
    client = signed_in(web_app, crowd, "trust_admin")
    url = f"/insight/trust/{crowd.trust['A']}"
    html = page(client, url + "?domain=HRF")
    assert 'id="gaps-HRF"' in html and 'id="gaps-ROT"' not in html
    assert '<option value="HRF" selected' in html
    html = page(client, url + "?domain=NOPE")
    assert 'id="gaps-HRF"' in html and 'id="gaps-ROT"' in html


def test_a_trust_with_nobody_in_it_says_so(web_app, world):
    with web_app.app_context():
        trust = Trust(name="Trust C", system=db.session.get(Trust, world.trust["B"]).system)
        db.session.add(trust)
        db.session.commit()
        ident = trust.id
    html = page(signed_in(web_app, world, "admin"), f"/insight/trust/{ident}")
    assert "Nobody in Trust C has a gap for their current role." in html
    assert "Nobody works in Trust C yet." in html
    assert "Trust C has no teams with people to show." in html
    html = page(signed_in(web_app, world, "admin"), f"/insight/trust/{ident}/commissioning")
    assert "Nobody in Trust C needs a module" in html


def test_the_commissioning_view_lists_modules_most_learners_first_with_headlines(web_app, crowd):
    region = organisation_id(web_app, Region, "Region A")
    needs = needs_of(web_app, "region", region)
    html = page(signed_in(web_app, crowd, "region_lead"), f"/insight/region/{region}/commissioning")
    sections = {title: text for _, title, text in outline(html)}
    assert "Modules to commission" in sections
    top = needs.modules[0]
    assert top.learners is not None
    trusts = "1 trust" if top.trusts == 1 else f"{top.trusts} trusts"
    expected = f"{top.title}: {top.learners} learners in {trusts} of this region, {top.learner_hours:g} hours"
    assert expected in sections["Most needed"]
    rows = table_rows(html)
    assert rows[0] == ["Module", "Provider", "Mode", "Hours per learner", "Learners", "Trusts", "Total hours"]
    assert [row[0] for row in rows[1:]] == [m.title for m in needs.modules]
    learners = [m.learners for m in needs.modules]
    assert rows[1][4] == str(learners[0])
    assert f'href="/insight/region/{region}/modules.xlsx"' in html


@pytest.mark.parametrize(
    ("kind", "learners", "trusts", "expected"),
    [
        ("team", 1, 1, "Rota rules essentials: 1 learner in this team, 6 hours"),
        ("trust", 7, 1, "Rota rules essentials: 7 learners in this trust, 42 hours"),
        ("ics", 12, 5, "Rota rules essentials: 12 learners in 5 trusts of this ICS, 72 hours"),
        ("region", 47, 12, "Rota rules essentials: 47 learners in 12 trusts of this region, 282 hours"),
        ("region", None, 2, "Rota rules essentials: fewer than 5 learners in 2 trusts of this region"),
        ("all", 1234, 1, "Rota rules essentials: 1,234 learners in 1 trust, 7,404 hours"),
    ],
)
def test_a_headline_says_learners_trusts_and_hours(kind, learners, trusts, expected):
    hours = None if learners is None else learners * 6.0
    module = ModuleDemand("T01", "Rota rules essentials", "e-learning", "NHS Employers", 6.0, learners, trusts, hours)
    assert headline(Scope(kind, 1, "Somewhere"), module) == expected


# --- the files ----------------------------------------------------------------------------------


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def xlsx_rows(body: bytes) -> list[list]:
    return [[cell.value for cell in row] for row in load_workbook(io.BytesIO(body)).active.iter_rows()]


def as_csv_text(value) -> str:
    value = cell_value(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("kind", ["region", "trust"])
def test_the_modules_file_has_the_figures_of_the_page(web_app, crowd, kind):
    ident = organisation_id(web_app, Region, "Region A") if kind == "region" else crowd.trust["A"]
    needs = needs_of(web_app, kind, ident)
    # Those in charge inside the trust see its figures in full, as needs_of works them out.
    client = signed_in(web_app, crowd, "region_lead" if kind == "region" else "trust_admin")
    expected = [
        [m.module_id, m.title, m.provider, m.mode, m.hours, m.learners, m.trusts, m.learner_hours] for m in needs.modules
    ]
    rows = csv_rows(download(client, f"/insight/{kind}/{ident}/modules.csv").data)
    assert rows[0] == ["Module ID", "Module", "Provider", "Mode", "Hours per learner", "Learners (people)",
                       "Trusts with learners", "Total hours (learners × hours)"]
    assert rows[1:] == [[as_csv_text(v) for v in row] for row in expected]
    rows = xlsx_rows(download(client, f"/insight/{kind}/{ident}/modules.xlsx").data)
    assert rows[1:] == [[SUPPRESSED if v is None else v for v in row] for row in expected]


def test_the_competency_gaps_file_has_the_figures_of_the_page(web_app, crowd):
    region = organisation_id(web_app, Region, "Region A")
    needs = needs_of(web_app, "region", region)
    client = signed_in(web_app, crowd, "region_lead")
    html_rows = {row[0]: row[1:] for row in table_rows(page(client, f"/insight/region/{region}"))}
    rows = csv_rows(download(client, f"/insight/region/{region}/competency-gaps.csv").data)
    assert rows[0][:6] == ["Domain", "Competency ID", "Competency", "Critical", "People with a gap", "Total gap (levels)"]
    assert rows[0][6:] == [f"People with a gap of {n} level{'s' if n > 1 else ''}" for n in range(1, 5)]
    assert [row[1] for row in rows[1:]] == [c.competency_id for c in needs.competencies]
    for row in rows[1:]:
        name = row[2] + (" Critical" if row[3] == "Yes" else "")
        assert row[4:] == html_rows[name], name
    xlsx = xlsx_rows(download(client, f"/insight/region/{region}/competency-gaps.xlsx").data)
    assert [[str(v) for v in row] for row in xlsx] == rows


@pytest.mark.parametrize("table", ["readiness", "heatmap"])
def test_the_readiness_and_heatmap_files_agree_with_each_other_and_the_figures(web_app, crowd, table):
    trust = crowd.trust["A"]
    needs = needs_of(web_app, "trust", trust)
    client = signed_in(web_app, crowd, "trust_admin")
    rows = csv_rows(download(client, f"/insight/trust/{trust}/{table}.csv").data)
    xlsx = xlsx_rows(download(client, f"/insight/trust/{trust}/{table}.xlsx").data)
    assert [[as_csv_text(v) for v in row] for row in xlsx] == rows
    if table == "readiness":
        assert rows[0] == ["Role ID", "Role", "People", "Readiness Under 50% (people)", "Readiness 50% to 74% (people)",
                           "Readiness 75% to 99% (people)", "Readiness 100% (people)"]
        assert rows[1:] == [[r.role_id, r.title, str(r.people), *(str(n) for _, n in r.bands)] for r in needs.readiness]
    else:
        assert rows[0] == ["Team", "Headcount (people)", "Domain", "People with a gap in the domain",
                           "Share of headcount with a gap (%)"]
        assert ["Team A2", "5", "Rotas", "5", "100"] in rows
        assert ["Team A2", "5", "HR foundations", "3", "60"] in rows
        assert len(rows) == 1 + len(needs.heatmap.cells)


def test_a_file_is_an_attachment_named_by_scope_table_and_date(web_app, world):
    client = signed_in(web_app, world, "trust_admin")
    today = uk_today().isoformat()
    response = download(client, f"/insight/trust/{world.trust['A']}/modules.xlsx")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f'attachment; filename="training-needs-trust-a-modules-{today}.xlsx"'
    response = download(client, f"/insight/team/{world.team['A1']}/competency-gaps.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="training-needs-team-a1-trust-a-competency-gaps-{today}.csv"'
    )
    assert client.get(f"/insight/trust/{world.trust['A']}/modules.pdf").status_code == 404
    assert client.get(f"/insight/trust/{world.trust['A']}/people.csv").status_code == 404


def test_a_team_name_that_is_a_formula_is_escaped_in_both_files(web_app, crowd):
    with web_app.app_context():
        db.session.get(Team, crowd.team["A2"]).name = FORMULA
        db.session.commit()
    client = signed_in(web_app, crowd, "trust_admin")
    trust = crowd.trust["A"]
    rows = csv_rows(download(client, f"/insight/trust/{trust}/heatmap.csv").data)
    names = {row[0] for row in rows[1:]}
    assert names == {"Team A1", "'" + FORMULA}
    body = download(client, f"/insight/trust/{trust}/heatmap.xlsx").data
    sheet = load_workbook(io.BytesIO(body)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {cell.value for cell in cells} == {"Team A1", "'" + FORMULA}
    assert all(cell.data_type == "s" for cell in cells)
    # On the page the name is text, escaped like any other.
    html = page(client, f"/insight/trust/{trust}")
    assert "=HYPERLINK(&#34;http://attacker.example&#34;,&#34;Click&#34;)" in html


def test_looking_at_aggregates_keeps_the_needs_it_refreshed(web_app, world):
    from planner.models import PersonNeedsSummary

    with web_app.app_context():
        db.session.execute(PersonNeedsSummary.__table__.delete())
        db.session.commit()
    page(signed_in(web_app, world, "admin"), "/insight/all")
    with web_app.app_context():
        stored = db.session.scalar(select(db.func.count()).select_from(PersonNeedsSummary))
        assert stored == len(world.person)
