"""Scoring the 'try before you buy' quiz: scores, matches, the order of roles and the reasons."""

from __future__ import annotations

import pytest

from planner.core.errors import PlanningError
from planner.core.framework import QuizAnswer, QuizQuestion
from planner.core.quiz import score_quiz
from tests.core.mini import mini_framework


def question(ident: str, *answers: tuple) -> QuizQuestion:
    """A question from (answer id, weights, reason) triples; each answer's text is its id."""
    return QuizQuestion(ident, f"Scenario {ident}", tuple(QuizAnswer(a, a, weights, reason) for a, weights, reason in answers))


# Roles r1 (band 3), r2 (band 4), r3 and r4 (band 5). Most: r1 6, r2 6, r3 4, r4 4.
QUIZ = (
    question("q1", ("a", {"r1": 3}, "Strongly r1."), ("b", {"r2": 2, "r3": 1}, "Leans r2."), ("c", {"r4": 1}, "A little r4.")),
    question("q2", ("a", {"r1": 1, "r2": 1}, "Shared."), ("b", {"r3": 3}, "Strongly r3.")),
    question("q3", ("a", {"r1": 2}, "Strongly r1."), ("b", {"r2": 3, "r4": 3}, "Both.")),
)
# r3 can score 2 at most, r4 4.
SCORES = (
    question("q1", ("a", {"r3": 1, "r4": 2}, "Both."), ("b", {"r3": 2}, "r3.")),
    question("q2", ("a", {"r4": 2}, "r4."), ("b", {"r1": 1}, "r1.")),
)
# Every role can score 3 at most, from one question each.
EVEN = (
    question("q1", ("a", {"r1": 3}, "r1."), ("b", {"r2": 3}, "r2.")),
    question("q2", ("a", {"r3": 3}, "r3."), ("b", {"r4": 3}, "r4.")),
)


def case(name, quiz, answers, expected, roles=None):
    return pytest.param(quiz, answers, expected, roles, id=name)


CASES = [
    case("one-role-gets-every-point", QUIZ, {"q1": "a", "q2": "a", "q3": "a"},
         [("r1", 6, 100), ("r2", 1, 17), ("r3", 0, 0), ("r4", 0, 0)]),
    case("a-share-of-a-smaller-most-ranks-higher", QUIZ, {"q1": "b", "q2": "b", "q3": "b"},
         [("r3", 4, 100), ("r2", 5, 83), ("r4", 3, 75), ("r1", 0, 0)]),
    case("equal-share-the-higher-score-first", SCORES, {"q1": "a", "q2": "b"},
         [("r1", 1, 100), ("r4", 2, 50), ("r3", 1, 50), ("r2", 0, 0)]),
    case("equal-share-and-score-the-framework-order-within-a-band", EVEN, {"q1": "a", "q2": "b"},
         [("r1", 3, 100), ("r4", 3, 100), ("r2", 0, 0), ("r3", 0, 0)]),
    case("equal-share-and-score-the-lower-band-first", EVEN, {"q1": "b", "q2": "a"},
         [("r2", 3, 100), ("r3", 3, 100), ("r1", 0, 0), ("r4", 0, 0)], roles="reversed"),
    case("a-role-the-quiz-never-mentions-matches-nothing", (question("q1", ("a", {"r1": 1}, "r1."), ("b", {"r2": 1}, "r2.")),),
         {"q1": "a"}, [("r1", 1, 100), ("r2", 0, 0), ("r3", 0, 0), ("r4", 0, 0)]),
]


@pytest.mark.parametrize(("quiz", "answers", "expected", "roles"), CASES)
def test_roles_are_ranked_by_match_then_score_then_band_then_framework_order(quiz, answers, expected, roles):
    framework = mini_framework(quiz=quiz)
    if roles == "reversed":
        framework = mini_framework(quiz=quiz, roles=tuple(reversed(framework.roles)))
    outcome = score_quiz(framework, answers)
    assert [(m.role, m.score, m.percent) for m in outcome.matches] == expected
    assert outcome.ranking == tuple(role for role, _, _ in expected)
    assert outcome.answers == answers


def test_reasons_come_heaviest_first_then_in_question_order_each_once():
    outcome = score_quiz(mini_framework(quiz=QUIZ), {"q1": "a", "q2": "a", "q3": "a"})
    reasons = {m.role: m.reasons for m in outcome.matches}
    # r1: q1 (3) and q3 (2) give the same reason, kept once; q2 (1) last.
    assert reasons == {"r1": ("Strongly r1.", "Shared."), "r2": ("Shared.",), "r3": (), "r4": ()}
    outcome = score_quiz(mini_framework(quiz=QUIZ), {"q1": "b", "q2": "a", "q3": "b"})
    assert outcome.matches[0].role == "r2"
    assert outcome.matches[0].reasons == ("Both.", "Leans r2.", "Shared.")


@pytest.mark.parametrize(
    ("quiz", "answers", "message"),
    [
        pytest.param((), {}, "the framework has no quiz", id="no-quiz"),
        pytest.param(QUIZ, {"q1": "a", "q2": "a", "q3": "a", "q9": "a", "q0": "b"}, "unknown quiz question(s): q0, q9", id="unknown-questions"),
        pytest.param(QUIZ, {"q1": "z", "q2": "a", "q3": "y"}, "unknown answer(s): 'y' to q3, 'z' to q1", id="unknown-answers"),
        pytest.param(QUIZ, {"q2": "a"}, "unanswered quiz question(s): q1, q3", id="unanswered"),
    ],
)
def test_answers_that_do_not_fit_the_quiz_are_refused_naming_them(quiz, answers, message):
    with pytest.raises(PlanningError) as raised:
        score_quiz(mini_framework(quiz=quiz), answers)
    assert str(raised.value) == message
