"""Professional qualifications a person holds, set beside those the framework says help on a route.

Roles and moves in the framework list the qualifications that help (``desirable``; never
required). The pathways page and the printed plan mark each one held, with its date, or not held,
from the qualifications recorded on the person's profile.
"""

from __future__ import annotations

from sqlalchemy import select

from planner.core.framework import Framework, Move
from planner.db import db
from planner.models import Person, ProfessionalQualification


def held_qualifications(person: Person) -> dict[str, ProfessionalQualification]:
    """The qualifications recorded for ``person``, by qualification id, the latest awarded first."""
    query = select(ProfessionalQualification).where(ProfessionalQualification.person_id == person.id)
    query = query.order_by(ProfessionalQualification.awarded_on.desc(), ProfessionalQualification.id.desc())
    return {held.qualification_id: held for held in db.session.scalars(query)}


def moves_by_step(framework: Framework) -> dict[tuple[str, str, str], Move]:
    """The framework's moves by (from role, to role, kind): how a pathway's step names its move."""
    return {(move.source, move.target, move.kind): move for move in framework.moves}


def route_qualification_notes(person: Person, framework: Framework, plan: dict) -> tuple[str, ...]:
    """The qualifications that help on a saved plan's route, one sentence each, in the order the
    route meets them: where each helps, and whether the person holds it now.

    ``plan`` is a plan as ``planner.plans.load_plan`` gives it. Roles, moves and qualifications the
    framework no longer has are left out.
    """
    if not plan["pathway"]:
        return ()
    moves, roles = moves_by_step(framework), framework.role
    helps: dict[str, list[str]] = {}
    for step in plan["pathway"]["steps"]:
        move = moves.get((step["source"]["id"], step["target"]["id"], step["kind"]))
        for qualification_id in move.desirable if move else ():
            helps.setdefault(qualification_id, []).append(
                f"on the move from {step['source']['title']} to {step['target']['title']}"
            )
    target = roles.get(plan["target"]["id"])
    for qualification_id in target.desirable if target else ():
        helps.setdefault(qualification_id, []).append(f"as {target.title}")
    held = held_qualifications(person)
    notes = []
    for qualification_id, places in helps.items():
        if qualification_id not in framework.qualification:
            continue
        record = held.get(qualification_id)
        status = f"held, awarded on {record.awarded_on.day} {record.awarded_on:%B %Y}" if record else "not held"
        title = framework.qualification[qualification_id].title
        notes.append(f"{title} helps {' and '.join(places)}: {status}.")
    return tuple(notes)
