"""The 'try before you buy' quiz on the web: taken without signing in, nothing stored, and a result
saved only when a signed-in person asks.

The tests run on the small framework with the ten-question quiz of ``frameworks/quiz.yaml``
appended; the small framework alone has no quiz.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import Account, AuditEvent, QuizResult
from tests.web.conftest import PASSWORD, SMALL, password_hash, row_counts, sign_in
from tests.web.pages import outline

QUIZ = Path(__file__).resolve().parent.parent / "frameworks" / "quiz.yaml"
QUESTIONS = [f"q{n:02}" for n in range(1, 11)]


@pytest.fixture
def small_config(small_config, tmp_path):
    """The small framework with the quiz appended, in a file of its own."""
    path = tmp_path / "small-with-quiz.yaml"
    path.write_text(SMALL.read_text() + QUIZ.read_text())
    return {**small_config, "PLANNER_FRAMEWORK": str(path)}


def summary_links(html: str) -> list[tuple[str, str]]:
    """The error summary's links: (target, text)."""
    return re.findall(r'<a href="#([\w-]+)"\s*>\s*(Choose[^<]*?)\s*</a>', html)


def answers(**chosen: str) -> dict[str, str]:
    """Form data answering every question with ``a``, except those given."""
    return {f"answer-{q}": chosen.get(q, "a") for q in QUESTIONS}


def test_the_quiz_is_one_page_of_radios_without_signing_in(web_client):
    response = web_client.get("/quiz")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = [title for _, title, _ in outline(html)]
    assert headings[0] == "Try before you buy: which role suits you?"
    assert headings[1:] == [f"Question {n} of 10" for n in range(1, 11)]
    assert html.count('type="radio"') == 30
    assert len(re.findall(r'class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s"\s*>\s*Situation', html)) == 10
    assert "Situation 3 in the rota team." in html and "Nothing you answer is stored." in html


def test_unanswered_questions_come_back_with_an_error_summary_answers_kept(web_app, web_client):
    before = row_counts(web_app)
    data = answers(q02="b")
    del data["answer-q01"], data["answer-q07"]
    response = web_client.post("/quiz", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: Try before you buy" in html
    assert summary_links(html) == [("answer-q01", "Choose an answer to question 1"), ("answer-q07", "Choose an answer to question 7")]
    assert html.count("Choose an answer to question") == 4  # summary and inline, for each
    assert 'id="answer-q02-2" name="answer-q02" type="radio" value="b" checked' in html
    assert row_counts(web_app) == before


def test_an_answer_that_is_not_offered_is_refused(web_client):
    response = web_client.post("/quiz", data=answers(q05="z"))
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True)) == [("answer-q05", "Choose an answer to question 5")]


def test_the_result_ranks_roles_with_reasons_and_stores_nothing_for_an_anonymous_visitor(web_app, web_client):
    before = row_counts(web_app)
    response = web_client.post("/quiz", data=answers(q01="b", q02="b", q03="c"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    sections = outline(html)
    assert [title for tag, title, _ in sections if tag == "h3"] == ["1. Rota Coordinator", "2. Rota Lead", "3. Administrator"]
    cards = {title: text for _, title, text in sections}
    # Rota: 23 of 30 points; its heavier reason first.
    assert cards["1. Rota Coordinator"] == (
        "77% match · band 4 · £27,485 to £30,162 (2025/26, full time) Why it suits you: You like filling gaps.You like leading."
    )
    assert cards["2. Rota Lead"].startswith("20% match") and cards["3. Administrator"].startswith("10% match")
    assert 'href="/roles/rota"' in html
    assert "Nothing is stored" in html and "Save this result" not in html
    assert row_counts(web_app) == before


def test_a_signed_in_person_saves_the_result_scored_again_on_the_server(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    result = web_client.post("/quiz", data=answers(q01="b", q02="b", q03="c")).get_data(as_text=True)
    assert "Save this result to my profile" in result and "Nothing is stored" not in result
    assert '<input type="hidden" name="answer-q03" value="c">' in result
    response = web_client.post("/quiz/save", data={**answers(q01="b", q02="b", q03="c"), "ranking": "admin"})
    assert response.status_code == 302 and response.headers["Location"] == "/quiz/saved"
    with web_app.app_context():
        (saved,) = db.session.scalars(select(QuizResult)).all()
        assert saved.person_id == world.person["staff"]
        assert saved.ranking == ["rota", "lead", "admin"]
        assert saved.answers == {q: {"q01": "b", "q02": "b", "q03": "c"}.get(q, "a") for q in QUESTIONS}
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "quiz_result_saved")).one()
        assert (event.record_id, event.person_id, event.account_id) == (saved.id, world.person["staff"], world.account["staff"])
    page = web_client.get("/quiz/saved")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Saved: your quiz result, with Rota Coordinator as the best match." in html
    mine = {title: text for _, title, text in outline(html)}["My saved quiz results"]
    assert "Rota Coordinator Rota Lead Administrator" in mine


def test_no_one_else_sees_a_saved_result(web_app, world):
    owner = web_app.test_client()
    sign_in(owner, world, "staff")
    assert owner.post("/quiz/save", data=answers()).status_code == 302
    for name in ("peer", "manager", "trust_admin"):
        other = web_app.test_client()
        sign_in(other, world, name)
        html = other.get("/quiz/saved").get_data(as_text=True)
        assert "You have not saved a quiz result yet." in html and "Rota Coordinator" not in html


def test_saving_incomplete_answers_stores_nothing(web_app, web_client, world):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)
    data = answers()
    del data["answer-q10"]
    response = web_client.post("/quiz/save", data=data)
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True)) == [("answer-q10", "Choose an answer to question 10")]
    assert row_counts(web_app) == before


def test_saving_needs_a_sign_in_and_a_person_record(web_app, web_client, world):
    before = row_counts(web_app)
    response = web_client.post("/quiz/save", data=answers())
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert web_client.get("/quiz/saved").headers["Location"].startswith("/sign-in")
    with web_app.app_context():
        account = Account(email="nobody@trust.nhs.example", password_hash=password_hash())
        account.roles = ("admin",)
        db.session.add(account)
        db.session.commit()
    signed_in = web_client.post("/sign-in", data={"email": "nobody@trust.nhs.example", "password": PASSWORD})
    assert signed_in.status_code == 302
    before = row_counts(web_app)
    assert "Save this result" not in web_client.post("/quiz", data=answers()).get_data(as_text=True)
    assert web_client.post("/quiz/save", data=answers()).status_code == 403
    assert web_client.get("/quiz/saved").status_code == 403
    assert row_counts(web_app) == before


def test_a_saved_role_the_framework_no_longer_has_is_named_by_its_id(web_app, web_client, world):
    with web_app.app_context():
        db.session.add(QuizResult(person_id=world.person["staff"], answers={}, ranking=["astronaut", "rota"]))
        db.session.commit()
    sign_in(web_client, world, "staff")
    html = web_client.get("/quiz/saved").get_data(as_text=True)
    assert "astronaut (no longer in the framework)" in html and 'href="/roles/rota"' in html


def test_the_save_form_carries_a_csrf_token(small_config):
    """With CSRF on, as in production, the result's save form holds its token."""
    from planner import create_app

    app = create_app({**small_config, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        from tests.web.conftest import build_world

        world = build_world(app.extensions["planner_framework"])
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/sign-in", data={"email": world.email("staff"), "password": "correct horse battery", "csrf_token": token})
    quiz = client.get("/quiz").get_data(as_text=True)
    token = quiz.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    result = client.post("/quiz", data={**answers(), "csrf_token": token}).get_data(as_text=True)
    assert result.count('name="csrf_token"') == 1
    assert client.post("/quiz/save", data=answers()).status_code == 400  # no token: refused
    token = result.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/quiz/save", data={**answers(), "csrf_token": token}).status_code == 302
    with app.app_context():
        assert len(db.session.scalars(select(QuizResult)).all()) == 1
    with app.app_context():  # a context of its own, so the session above has handed back its connection
        db.engine.dispose()


def test_a_framework_without_a_quiz_says_so(web_app, web_client, world):
    from dataclasses import replace

    web_app.extensions["planner_framework"] = replace(web_app.extensions["planner_framework"], quiz=())
    for response in (web_client.get("/quiz"), web_client.post("/quiz", data=answers())):
        assert response.status_code == 200
        assert "This framework has no quiz yet." in response.get_data(as_text=True)
    sign_in(web_client, world, "staff")
    assert web_client.post("/quiz/save", data=answers()).status_code == 404


def test_the_staff_home_links_to_the_saved_results(web_client, world):
    sign_in(web_client, world, "staff")
    html = web_client.get("/me", follow_redirects=True).get_data(as_text=True)
    assert 'href="/quiz/saved"' in html


def test_a_person_whose_record_is_restricted_cannot_save_a_result(web_app, web_client, world):
    with web_app.app_context():
        from datetime import datetime

        from planner.models import Person

        db.session.get(Person, world.person["staff"]).restricted_at = datetime(2026, 11, 1)
        db.session.commit()
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)
    response = web_client.post("/quiz/save", data=answers(q01="b", q02="b", q03="c"))
    assert response.status_code == 403 and "record is restricted" in response.get_data(as_text=True)
    assert row_counts(web_app) == before
    with web_app.app_context():
        [refused] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refused")).all()
        assert (refused.account_id, refused.detail["endpoint"], refused.detail["status"]) == (world.account["staff"], "quiz.save", 403)
