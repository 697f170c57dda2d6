"""Recording training completed: the record, the self-ratings it proposes and their audit events.

One place for it, so a record entered on the training page and one imported from an ESR
completions file are kept the same way. Nothing here commits: the caller commits once, so a
whole import is saved or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from planner.core.framework import Framework
from planner.core.training import HOURS_MAX, proposed_levels
from planner.db import db
from planner.models import TRAINING_SOURCES, Account, Person, Rating, TrainingRecord, audit, current_levels, rating_facts
from planner.times import long_date

__all__ = ["EVIDENCE_MAX", "HOURS_MAX", "Completion", "record_completion"]

EVIDENCE_MAX = 1000
"""The longest evidence note a training record keeps, in characters."""


@dataclass(frozen=True)
class Completion:
    """A training record just added, and the levels it proposed as self-ratings (competency id to level)."""

    record: TrainingRecord
    proposed: dict[str, int]


def recorder_name(account: Account) -> str:
    """Who recorded something, as people know them: their name, else their account's email."""
    return account.person.name if account.person is not None else account.email


def record_completion(
    framework: Framework,
    person: Person,
    module_id: str,
    completed_on: date,
    hours: float,
    evidence: str,
    *,
    source: str,
    recorded_by: Account,
) -> Completion:
    """Add a training record for ``person`` and the self-ratings completing the module proposes;
    the record and the levels proposed, for the message after saving.

    For each level the module raises above the level that counts for the person now (and not
    already awaiting validation at that level or higher), a self-rating is added in the person's
    own name, its evidence naming the module, the date and who recorded it; it awaits their
    manager's validation like any self-rating. The record and every rating get an audit event
    naming ``recorded_by``. The ratings see records added earlier in the same session, so several
    completions of one person in one import propose each level once.

    Nothing is committed: the caller commits once. The caller checks its input first:
    ``module_id`` must be a module of ``framework`` (``KeyError`` otherwise), ``completed_on``
    not in the future, ``hours`` above 0 and at most ``HOURS_MAX``, ``evidence`` at most
    ``EVIDENCE_MAX`` characters (may be empty), ``source`` ``"recorded"`` or ``"imported"``
    (``ValueError`` otherwise), and ``recorded_by`` the account that recorded or imported it.
    """
    if source not in TRAINING_SOURCES:
        raise ValueError(f"source must be one of {', '.join(TRAINING_SOURCES)}, not {source!r}")
    module = framework.module[module_id]
    record = TrainingRecord(
        person=person,
        module_id=module_id,
        completed_on=completed_on,
        hours=hours,
        evidence=evidence,
        source=source,
        recorded_by=recorded_by,
    )
    db.session.add(record)
    audit(
        recorded_by,
        "training_record",
        record,
        person=person,
        module=module_id,
        completed_on=completed_on.isoformat(),
        hours=hours,
        source=source,
    )
    levels = current_levels(rating_facts(person))
    current = {competency_id: level.level for competency_id, level in levels.items()}
    awaiting = {
        competency_id: level.level if level.source == "self" else level.pending
        for competency_id, level in levels.items()
        if level.source == "self" or level.pending is not None
    }
    proposed = proposed_levels(framework, module_id, current, awaiting)
    how = "imported from ESR" if source == "imported" else "recorded"
    note = f"Proposed on completing {module.title} on {long_date(completed_on)}, {how} by {recorder_name(recorded_by)}."
    for competency_id, level in proposed.items():
        rating = Rating(
            person=person, competency_id=competency_id, level=level, rater="self", rated_by=person, evidence=note
        )
        db.session.add(rating)
        previous = levels[competency_id].level if competency_id in levels else None
        audit(
            recorded_by,
            "self_rating",
            rating,
            person=person,
            competency=competency_id,
            level=level,
            previous=previous,
            training_record=record.id,
        )
    return Completion(record, proposed)

