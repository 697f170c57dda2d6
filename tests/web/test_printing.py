"""Plans on paper: the PDF download and the print view show the saved plan, to whoever may see it."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

import planner.web.plans
from planner.db import db
from planner.models import MentorRequest, Person, Plan, Rating, Secondment, SecondmentOpportunity
from planner.pdf import render_plan
from planner.printing import NOT_YET_AGREED, pdf_filename, printable_from_current, printable_from_saved, rag
from tests.web.conftest import sign_in
from tests.web.pages import outline

TODAY = date(2026, 11, 15)
SECTIONS = ["About this plan", "Where I am", "The route to Rota Lead", "Gaps", "Training", "Objectives and reviews", "Sign-off"]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every plan is made on 15 November 2026, so its months are known."""
    monkeypatch.setattr(planner.web.plans, "today", lambda: TODAY)


def client_of(web_app, world, name: str):
    client = web_app.test_client()
    sign_in(client, world, name)
    return client


def make_plan(web_app, world, name: str = "staff", target: str = "lead") -> int:
    """A draft plan made by ``name`` for themselves; its id."""
    response = client_of(web_app, world, name).post(f"/people/{world.person[name]}/plans", data={"target": target, "route": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.fullmatch(r"/plans/(\d+)", response.headers["Location"])[1])


def agree(web_app, world, plan_id: int, *names: str) -> None:
    """Agree the plan as each of ``names``, sending what the agree buttons send."""
    with web_app.app_context():
        seen = {"made_at": db.session.get(Plan, plan_id).created_at.isoformat()}
    for name in names:
        assert client_of(web_app, world, name).post(f"/plans/{plan_id}/agree", data=seen).status_code == 302
    with web_app.app_context():
        assert db.session.get(Plan, plan_id).status == "agreed"


def rate(web_app, world, levels: dict[str, int], name: str = "staff") -> None:
    """Manager-validated levels for ``name``."""
    with web_app.app_context():
        for competency, level in levels.items():
            db.session.add(Rating(person_id=world.person[name], competency_id=competency, level=level, rater="manager", rated_by_id=world.person["manager"]))
        db.session.commit()


def pdf_of(response) -> PdfReader:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def text_of(reader: PdfReader) -> str:
    """The PDF's text, every run of spaces and line breaks made one space."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def saved(web_app, plan_id: int):
    """The saved plan as printed, read in its own app context."""
    with web_app.app_context():
        return printable_from_saved(db.session.get(Plan, plan_id), web_app.extensions["planner_framework"])


def test_the_pdf_shows_the_whole_plan_with_its_metadata_and_outline(web_app, world):
    rate(web_app, world, {"HRF-01": 2})
    plan_id = make_plan(web_app, world)

    response = client_of(web_app, world, "staff").get(f"/plans/{plan_id}/plan.pdf")

    reader = pdf_of(response)
    assert response.headers["Content-Disposition"] == 'attachment; filename="development-plan-staff-v1.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert 1 <= len(reader.pages) <= 3
    text = text_of(reader)
    printable = saved(web_app, plan_id)
    for expected in ("Development plan: Staff, version 1", "Trust A", "Team A1", "Rota Coordinator (band 4)", "Rota Lead (band 5)", "Draft, version 1", "Framework version test-1", "15 November 2026"):
        assert expected in text
    assert printable.gaps and all(need["name"] in text for need in printable.gaps)
    for step in printable.steps:
        assert f"{step['source']['title']} to {step['target']['title']}: promotion" in text
    assert "Rota Coordinator (current role): 0% ready." in text and "Rota Lead (target): 18% ready." in text
    assert "Red 3 levels short critical" in text and "Already met (1): Employment law." in text
    assert "1 move from Rota Coordinator to Rota Lead: no more time in role needed and 16 hours of training." in text
    assert "Move to Rota Lead (band 5) in 1 move, with no more time in role needed." in text
    assert "Rota rules essentials: 4 hours" in text and "4 of 4" in text
    assert "15 February 2027" in text
    assert f"Page 1 of {len(reader.pages)}" in text and f"Page {len(reader.pages)} of {len(reader.pages)}" in text
    meta = reader.metadata
    assert meta.title == "Development plan: Staff, version 1" and meta.author == "Staff" and "Rota Lead" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert [entry.title for entry in reader.outline] == SECTIONS


def test_the_print_view_shows_the_same_plan(web_app, world):
    rate(web_app, world, {"HRF-01": 2})
    plan_id = make_plan(web_app, world)
    printable = saved(web_app, plan_id)

    response = client_of(web_app, world, "staff").get(f"/plans/{plan_id}/print")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    sections = {title: text for _, title, text in outline(html)}
    assert list(sections)[:1] == ["Development plan: Staff, version 1"]
    assert [title for title in sections if title in SECTIONS or title.startswith("The route")] == SECTIONS[1:]
    assert '<link rel="stylesheet" media="print" href="/static/css/print.css">' in html
    assert f'href="/plans/{plan_id}/plan.pdf">Download as PDF</a>' in html
    assert "Current role Rota Coordinator (band 4)" in sections["Development plan: Staff, version 1"]
    assert "Rota Coordinator (current role) 0% ready Rota Lead (target) 18% ready" in sections["Where I am"]
    for step in printable.steps:
        assert f"{step['source']['title']} to {step['target']['title']}: promotion" in sections["The route to Rota Lead"]
    for need in printable.gaps:
        assert need["name"] in sections["Gaps"]
    assert "Rota rules (critical) Needed first for Rota design Rotas 0 3 3 Red: 3 levels short, critical" in sections["Gaps"]
    assert "Already met (1): Employment law." in sections["Gaps"]
    assert "Rota rules essentials: 4 hours 4 of 4" in sections["Training"]
    assert all(objective in sections["Objectives and reviews"] for objective in printable.objectives)


def test_the_print_view_is_linked_from_the_plan_page(web_app, world):
    plan_id = make_plan(web_app, world)

    html = client_of(web_app, world, "staff").get(f"/plans/{plan_id}").get_data(as_text=True)

    assert f'<a href="/plans/{plan_id}/plan.pdf">Download as PDF</a>' in html
    assert f'<a href="/plans/{plan_id}/print">Print view</a>' in html


def test_a_draft_has_blank_lines_to_sign(web_app, world):
    plan_id = make_plan(web_app, world)
    client = client_of(web_app, world, "staff")

    text = text_of(pdf_of(client.get(f"/plans/{plan_id}/plan.pdf")))
    html = client.get(f"/plans/{plan_id}/print").get_data(as_text=True)

    assert re.search(r"Staff member Name: Staff Signature: _{10,} Date: _{10,}", text)
    assert re.search(r"Manager Name: _{10,} Signature: _{10,} Date: _{10,}", text)
    assert "Agreed by" not in text
    sign_off = {title: text for _, title, text in outline(html)}
    assert sign_off["Staff member"] == "Name Staff Signature Not yet signed Date Not yet signed"
    assert sign_off["Manager"].startswith("Name Not yet signed Signature Not yet signed Date Not yet signed")
    assert html.count('class="planner-blank-line"') == 5


def test_an_agreed_plan_shows_who_agreed_it_and_when(web_app, world):
    plan_id = make_plan(web_app, world)
    agree(web_app, world, plan_id, "staff", "manager")
    client = client_of(web_app, world, "manager")

    text = text_of(pdf_of(client.get(f"/plans/{plan_id}/plan.pdf")))
    html = client.get(f"/plans/{plan_id}/print").get_data(as_text=True)

    pattern = r"Agreed by {} on \d+ \w+ 20\d\d at \d{{1,2}}:\d\d[ap]m"
    for shown in (text, html):
        assert re.search(pattern.format("Staff"), shown) and re.search(pattern.format("Manager"), shown)
    assert "Agreed, version 1" in text and "Signature" not in text
    assert "planner-blank-line" not in html and "Agreed by the staff member and their manager." in html


def test_a_plan_for_the_current_role_with_nothing_to_learn(web_app, world):
    rate(web_app, world, {"ROT-01": 3, "ROT-02": 3})
    plan_id = make_plan(web_app, world, target="")
    client = client_of(web_app, world, "staff")

    reader = pdf_of(client.get(f"/plans/{plan_id}/plan.pdf"))
    html = client.get(f"/plans/{plan_id}/print").get_data(as_text=True)

    text = text_of(reader)
    assert len(reader.pages) <= 2
    assert "Target role None: this plan is for the current role" in text
    assert "Rota Coordinator (current role): 100% ready." in text and "(target)" not in text
    for shown in (text, html):
        assert "This plan is for Rota Coordinator, the current role: no move is planned." in shown
        assert "No gaps: every level Rota Coordinator asks for is already held." in shown
        assert "No training is needed." in shown and "Keep every level Rota Coordinator asks for." in shown
    assert [entry.title for entry in reader.outline][2] == "The route"


def test_a_longer_route_without_training_on_a_step(web_app, world):
    rate(web_app, world, {"ROT-01": 3, "ROT-02": 3, "HRF-01": 3}, name="other_team")
    plan_id = make_plan(web_app, world, name="other_team")

    text = text_of(pdf_of(client_of(web_app, world, "trust_admin").get(f"/plans/{plan_id}/plan.pdf")))

    assert "2 moves from Administrator to Rota Lead: about 18 months in role and 0 hours of training." in text
    assert "Administrator to Rota Coordinator: promotion, band 3 to band 4, no more time in role needed, no training needed." in text
    assert "Rota Coordinator to Rota Lead: promotion, band 4 to band 5, after 18 more months in role, no training needed." in text
    assert "1. promotion, no wait" in text and "2. promotion, after 18 months" in text
    assert "Move to Rota Lead (band 5) in 2 moves" in text


@pytest.mark.parametrize("path", ["/plan.pdf", "/print"])
@pytest.mark.parametrize(
    ("name", "status"),
    [("staff", 200), ("manager", 200), ("trust_admin", 200), ("peer", 404), ("other_manager", 404), ("other_trust", 404), ("far_manager", 404), ("admin", 404)],
)
def test_only_people_who_may_see_the_plan_may_print_it(web_app, world, path, name, status):
    plan_id = make_plan(web_app, world)

    response = client_of(web_app, world, name).get(f"/plans/{plan_id}{path}")

    assert response.status_code == status
    if status == 404:
        assert b"Rota Lead" not in response.data


@pytest.mark.parametrize("path", ["/plan.pdf", "/print"])
def test_signed_out_visitors_are_sent_to_sign_in_and_unknown_plans_are_404(web_app, world, path):
    plan_id = make_plan(web_app, world)

    response = web_app.test_client().get(f"/plans/{plan_id}{path}")

    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert client_of(web_app, world, "staff").get(f"/plans/{plan_id + 1}{path}").status_code == 404


def test_the_same_plan_gives_the_same_bytes_when_invariant(web_app, world):
    printable = saved(web_app, make_plan(web_app, world))

    assert render_plan(printable, invariant=True) == render_plan(printable, invariant=True)


def test_a_plan_from_current_data_is_marked_not_yet_agreed(web_app, world):
    rate(web_app, world, {"ROT-01": 1})
    with web_app.app_context():
        person = db.session.get(Person, world.person["staff"])
        person.target_role_id = "lead"
        printable = printable_from_current(person, web_app.extensions["planner_framework"], TODAY)

    assert (printable.status, printable.version, printable.made_by) == (NOT_YET_AGREED, None, None)
    assert (printable.role_readiness, printable.target_readiness) == (33, 18)
    assert printable.target_title == "Rota Lead" and printable.plan_date == TODAY
    assert [a.at for a in printable.agreements] == [None, None]
    assert pdf_filename(printable) == "development-plan-staff.pdf"
    reader = PdfReader(io.BytesIO(render_plan(printable)))
    assert reader.metadata.title == "Development plan: Staff" and reader.metadata.author == "Staff"
    assert "Not yet agreed" in text_of(reader)


def test_readiness_is_not_measured_for_a_role_the_framework_no_longer_has(web_app, world):
    plan_id = make_plan(web_app, world)
    with web_app.app_context():
        row = db.session.get(Plan, plan_id)
        row.result = {**row.result, "target": {**row.result["target"], "id": "retired"}}
        printable = printable_from_saved(row, web_app.extensions["planner_framework"])
        db.session.rollback()

    assert printable.role_readiness is not None and printable.target_readiness is None
    text = text_of(PdfReader(io.BytesIO(render_plan(printable))))
    assert "Rota Lead (target): not measured, as the framework no longer has this role." in text
    gone = replace(printable, role_readiness=None)
    assert "Current role" not in text_of(PdfReader(io.BytesIO(render_plan(gone)))).split("Where I am")[1].split("The route")[0]


@pytest.mark.parametrize(
    ("need", "expected"),
    [
        ({"gap": 0, "critical": True}, ("green", "Green: met")),
        ({"gap": 1, "critical": False}, ("amber", "Amber: 1 level short")),
        ({"gap": 1, "critical": True}, ("red", "Red: 1 level short, critical")),
        ({"gap": 3, "critical": False}, ("red", "Red: 3 levels short")),
    ],
)
def test_ratings_are_given_in_words(need, expected):
    assert rag(need) == expected


@pytest.mark.parametrize(
    ("name", "version", "expected"),
    [
        ("Amira Shah", 1, "development-plan-amira-shah-v1.pdf"),
        ("Zoë O'Brien-Smith", 12, "development-plan-zoe-o-brien-smith-v12.pdf"),
        ("王芳", None, "development-plan-person.pdf"),
    ],
)
def test_file_names_are_plain_ascii(web_app, world, name, version, expected):
    printable = saved(web_app, make_plan(web_app, world))

    assert pdf_filename(replace(printable, person=name, version=version)) == expected


def arrange_development(web_app, world) -> None:
    """A confirmed secondment for ``staff`` with team A2, and ``peer`` agreed to mentor them."""
    with web_app.app_context():
        opportunity = SecondmentOpportunity(
            host_team_id=world.team["A2"], role_id="lead", title="Rota lead cover", starts_on=date(2027, 1, 4),
            months=6, fte=0.6, places=1, develops={"ROT-02": 3}, posted_by_id=world.account["other_manager"],
        )
        db.session.add(opportunity)
        db.session.add(Secondment(opportunity=opportunity, person_id=world.person["staff"], place=1,
                                  confirmed_by_id=world.account["manager"]))
        db.session.add(MentorRequest(seeker_id=world.person["staff"], mentor_id=world.person["peer"],
                                     competency_id="ROT-01", status="accepted"))
        db.session.add(MentorRequest(seeker_id=world.person["other_team"], mentor_id=world.person["staff"],
                                     competency_id="ROT-01", status="declined"))
        db.session.commit()


def test_secondments_and_mentoring_appear_on_the_plan_its_pdf_print_view_and_pathways(web_app, world):
    plan_id = make_plan(web_app, world)
    arrange_development(web_app, world)
    client = client_of(web_app, world, "staff")
    secondment = "Secondment: Rota lead cover (Rota Lead, band 5) with Team A2, Trust A, from 4 January 2027 for 6 months at 0.6 FTE."
    mentoring = "Mentoring: Peer (Trust A) mentors Staff in Rota rules."

    text = text_of(pdf_of(client.get(f"/plans/{plan_id}/plan.pdf")))
    assert "Secondments and mentoring" in text and secondment in text and mentoring in text
    for path in (f"/plans/{plan_id}", f"/plans/{plan_id}/print"):
        page = client.get(path).get_data(as_text=True)
        assert "Secondments and mentoring" in page and secondment in page and mentoring in page
    # The declined request is not on anyone's plan.
    assert "Other Team" not in text
    pathways = client.get(f"/people/{world.person['staff']}/pathways").get_data(as_text=True)
    assert "Secondments confirmed" in pathways and secondment in pathways and "Mentoring:" not in pathways


def test_a_mentor_sees_whom_they_mentor_and_a_plan_without_either_has_no_such_section(web_app, world):
    arrange_development(web_app, world)
    with web_app.app_context():
        peer = db.session.get(Person, world.person["peer"])
        printable = printable_from_current(peer, web_app.extensions["planner_framework"], TODAY)
        alone = printable_from_current(db.session.get(Person, world.person["manager"]), web_app.extensions["planner_framework"], TODAY)
    assert printable.notes == ("Mentoring: Peer mentors Staff (Trust A) in Rota rules.",)
    assert "Secondments and mentoring" in text_of(PdfReader(io.BytesIO(render_plan(printable))))
    assert alone.notes == () and "Secondments and mentoring" not in text_of(PdfReader(io.BytesIO(render_plan(alone))))


def test_a_plan_downloaded_again_unchanged_is_not_drawn_again_but_a_changed_one_is(web_app, world, monkeypatch):
    import planner.web.printing
    from planner.recent import Recent

    drawn = []
    monkeypatch.setattr(planner.web.printing, "pdfs", Recent(8))
    monkeypatch.setattr(planner.web.printing, "render_plan", lambda printable: drawn.append(printable.status) or render_plan(printable))
    plan_id = make_plan(web_app, world)
    staff, manager = client_of(web_app, world, "staff"), client_of(web_app, world, "manager")
    first = staff.get(f"/plans/{plan_id}/plan.pdf").data
    assert manager.get(f"/plans/{plan_id}/plan.pdf").data == first  # the same plan, whoever asks
    assert drawn == ["Draft"]
    agree(web_app, world, plan_id, "staff", "manager")
    agreed = text_of(pdf_of(staff.get(f"/plans/{plan_id}/plan.pdf")))
    assert drawn == ["Draft", "Agreed"] and "Agreed, version 1" in agreed
