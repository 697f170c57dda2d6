"""The 'try before you buy' quiz (THREAD's *Recruit and retain*): which roles suit the answers given.

Each answer to a scenario leans towards some roles with a weight of 1 (a little) to 3 (strongly).
The rules:

1. **Answers.** Every question of the framework's quiz is answered with one of its answers. An
   unknown question or answer, or a question left out, is refused with a message naming them.
2. **Score.** A role's score is the sum of the weights the chosen answers give it.
3. **Percent.** A role's match is its score as a share of the most it could score: the sum, over
   the questions, of the largest weight any answer to that question gives it. A role the quiz
   never leans towards matches 0%. Dividing by each role's own maximum keeps a role that few
   answers mention from always trailing a role that many mention.
4. **Ranking.** Roles by match, highest first (compared exactly, not as rounded percentages);
   then by score; then the lower band first, so an equal match points to the easier way in; then
   the framework's order of roles.
5. **Reasons.** For each role, the reasons of the chosen answers that lean towards it: the
   heaviest weight first, then in question order, each reason once.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from planner.core.errors import PlanningError
from planner.core.framework import Framework


@dataclass(frozen=True)
class RoleMatch:
    """How well one role matches the answers: its score, its match in percent and why."""

    role: str
    score: int
    percent: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class QuizOutcome:
    """The roles ranked for one set of answers, best match first, with the answers scored."""

    answers: dict[str, str]
    matches: tuple[RoleMatch, ...]

    @property
    def ranking(self) -> tuple[str, ...]:
        """The role ids, best match first."""
        return tuple(match.role for match in self.matches)


def score_quiz(framework: Framework, answers: dict[str, str]) -> QuizOutcome:
    """Rank the framework's roles for ``answers`` (question id to answer id); see the module's rules."""
    check_answers(framework, answers)
    rank = framework.band_rank
    position = {role.id: index for index, role in enumerate(framework.roles)}
    scores = dict.fromkeys(position, 0)
    most = dict.fromkeys(position, 0)
    leanings: dict[str, list[tuple[int, int, str]]] = {role_id: [] for role_id in position}
    for number, question in enumerate(framework.quiz):
        for role_id in position:
            most[role_id] += max(answer.weights.get(role_id, 0) for answer in question.answers)
        chosen = next(answer for answer in question.answers if answer.id == answers[question.id])
        for role_id, weight in chosen.weights.items():
            scores[role_id] += weight
            leanings[role_id].append((-weight, number, chosen.reason))

    def share(role_id: str) -> Fraction:
        return Fraction(scores[role_id], most[role_id]) if most[role_id] else Fraction(0)

    def order(role_id: str) -> tuple:
        return (-share(role_id), -scores[role_id], rank[framework.role[role_id].band], position[role_id])

    matches = tuple(
        RoleMatch(role_id, scores[role_id], round(share(role_id) * 100), _unique(reason for *_, reason in sorted(leanings[role_id])))
        for role_id in sorted(position, key=order)
    )
    return QuizOutcome(dict(answers), matches)


def check_answers(framework: Framework, answers: dict[str, str]) -> None:
    """Refuse, naming them, unknown questions, unknown answers and questions left unanswered."""
    if not framework.quiz:
        raise PlanningError("the framework has no quiz")
    questions = {question.id: question for question in framework.quiz}
    unknown = [question_id for question_id in answers if question_id not in questions]
    if unknown:
        raise PlanningError(f"unknown quiz question(s): {', '.join(sorted(unknown))}")
    wrong = [
        f"'{answer_id}' to {question_id}"
        for question_id, answer_id in answers.items()
        if answer_id not in {answer.id for answer in questions[question_id].answers}
    ]
    if wrong:
        raise PlanningError(f"unknown answer(s): {', '.join(sorted(wrong))}")
    missing = [question.id for question in framework.quiz if question.id not in answers]
    if missing:
        raise PlanningError(f"unanswered quiz question(s): {', '.join(missing)}")


def _unique(texts) -> tuple[str, ...]:
    """The texts in order, each once."""
    return tuple(dict.fromkeys(texts))
