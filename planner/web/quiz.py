"""The 'try before you buy' quiz (Recruit and retain): scenarios from a medical staffing week that
suggest which roles suit someone, for anyone to take without signing in.

Nothing is stored when the quiz is taken. A signed-in person may save a result to their profile:
the save form carries the answers back, and the server scores them again rather than trusting a
ranking sent by the browser.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from planner.core.framework import Framework
from planner.core.quiz import QuizOutcome, score_quiz
from planner.db import db
from planner.models import QuizResult, audit
from planner.web.access import refuse_changes_if_restricted, signed_in_person
from planner.web.context import framework

bp = Blueprint("quiz", __name__, url_prefix="/quiz")

TOP = 5
"""How many of the best matches the result shows first, in full."""


def answer_name(question_id: str) -> str:
    """The form field that holds the answer to a question."""
    return f"answer-{question_id}"


class QuizForm(FlaskForm):
    """Every question of the quiz as a set of radios; each must be answered."""

    questions: tuple = ()

    def answers(self) -> dict[str, str]:
        """The answers given: question id to answer id."""
        return {question.id: self[answer_name(question.id)].data for question in self.questions}

    def fields(self) -> list:
        """The question fields, in the quiz's order, each with its question."""
        return [(question, self[answer_name(question.id)]) for question in self.questions]


def quiz_form(fw: Framework) -> QuizForm:
    """The form for the framework's quiz, read from the request when it was posted."""
    fields: dict[str, object] = {"questions": fw.quiz}
    for number, question in enumerate(fw.quiz, start=1):
        unanswered = f"Choose an answer to question {number}"
        fields[answer_name(question.id)] = RadioField(
            f"Question {number}",
            choices=[SelectChoice(answer.id, answer.text) for answer in question.answers],
            invalid_choice_message=unanswered,
        )
    return type("QuizForm", (QuizForm,), fields)()


def may_save() -> bool:
    """Whether the visitor may save a result: signed in, with a person record to keep it on."""
    return current_user.is_authenticated and current_user.person is not None


def show_quiz(fw: Framework, form: QuizForm, status: int = 200):
    return render_template("quiz/quiz.html", framework=fw, form=form), status


def show_result(fw: Framework, form: QuizForm, outcome: QuizOutcome):
    return render_template(
        "quiz/result.html", framework=fw, form=form, outcome=outcome, top=TOP, may_save=may_save()
    )


@bp.route("", methods=["GET", "POST"])
def quiz():
    """The quiz on one page; posted, the roles ranked for the answers (nothing is stored)."""
    fw = framework()
    form = quiz_form(fw)
    if not fw.quiz or not form.is_submitted():  # a framework without a quiz says so on the page
        return show_quiz(fw, form)
    if not form.validate():
        return show_quiz(fw, form, 400)
    return show_result(fw, form, score_quiz(fw, form.answers()))


@bp.post("/save")
@login_required
def save():
    """Keep the result of the answers posted on the signed-in person's profile, scored afresh."""
    person = signed_in_person()
    refuse_changes_if_restricted(person)
    fw = framework()
    if not fw.quiz:
        abort(404)
    form = quiz_form(fw)
    if not form.validate():
        return show_quiz(fw, form, 400)
    outcome = score_quiz(fw, form.answers())
    result = QuizResult(person_id=person.id, answers=outcome.answers, ranking=list(outcome.ranking))
    db.session.add(result)
    audit(current_user, "quiz_result_saved", result, person=person, top=list(outcome.ranking[:3]))
    db.session.commit()
    flash(f"Saved: your quiz result, with {fw.role[outcome.ranking[0]].title} as the best match.")
    return redirect(url_for(".saved"))


@bp.get("/saved")
@login_required
def saved():
    """The quiz results the signed-in person saved, newest first."""
    person = signed_in_person()
    query = select(QuizResult).where(QuizResult.person_id == person.id)
    results = db.session.scalars(query.order_by(QuizResult.taken_at.desc(), QuizResult.id.desc())).all()
    return render_template("quiz/saved.html", framework=framework(), results=results, top=3)
