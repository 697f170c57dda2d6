"""A development plan ready to print: every value a printed plan or its print view shows.

A printed plan shows the saved snapshot (``planner.plans.load_plan``) and what surrounds it: who
the person is and where they work, the plan's status, how ready the person was for their role and
their target, and who agreed the plan when. ``printable_from_saved`` gathers these from a saved
plan; ``printable_from_current`` assembles a plan from a person's data today, for printing people
who have no saved plan (marked "Not yet agreed"). ``planner.pdf`` and the print view render what
these return, so paper and screen say the same.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select

from planner.core.framework import Framework
from planner.core.pathways import readiness
from planner.core.plan import assemble_plan
from planner.db import db
from planner.graphics import MOVE_WORDS
from planner.models import MentorRequest, Person, Plan, Secondment, current_levels, person_to_core, rating_facts
from planner.plans import load_plan, plan_to_dict
from planner.qualifications import route_qualification_notes

NOT_YET_AGREED = "Not yet agreed"
"""The status of a plan assembled for printing from current data rather than a saved plan."""
STATUS_TEXT = {"draft": "Draft", "agreed": "Agreed"}



@dataclass(frozen=True)
class Agreement:
    """One party's agreement to the plan: ``at`` is None (and ``name`` may be) until they agree."""

    party: str
    name: str | None
    at: datetime | None


@dataclass(frozen=True)
class PrintablePlan:
    """Everything a printed plan shows. ``plan`` is the snapshot as ``load_plan`` gives it; it is
    read, never changed. Readiness is a percentage, or None when the framework no longer has the role.
    """

    person: str
    trust: str
    team: str
    version: int | None
    status: str
    plan: dict
    role_readiness: int | None
    target_readiness: int | None
    agreements: tuple[Agreement, ...]
    made_by: str | None = None
    notes: tuple[str, ...] = ()
    """Secondments confirmed and mentoring agreed for the person, in sentences (none when empty)."""
    qualifications: tuple[str, ...] = ()
    """The professional qualifications that help on the route, held or not, in sentences."""

    @property
    def role_title(self) -> str:
        return self.plan["role"]["title"]

    @property
    def role_band(self) -> str:
        return self.plan["role"]["band"]

    @property
    def target_title(self) -> str | None:
        return self.plan["target"]["title"] if self.plan["target"] else None

    @property
    def target_band(self) -> str | None:
        return self.plan["target"]["band"] if self.plan["target"] else None

    @property
    def goal(self) -> str:
        """The role the plan works towards: the target, or the current role without one."""
        return self.target_title or self.role_title

    @property
    def plan_date(self) -> date:
        return self.plan["plan_date"]

    @property
    def framework_version(self) -> str:
        return self.plan["framework_version"]

    @property
    def protected_hours(self) -> float:
        return self.plan["protected_hours"]

    @property
    def gaps(self) -> list[dict]:
        """The needs not yet met, most urgent first."""
        return [need for need in self.plan["needs"] if need["gap"]]

    @property
    def met(self) -> list[dict]:
        """The needs already met."""
        return [need for need in self.plan["needs"] if not need["gap"]]

    @property
    def steps(self) -> list[dict]:
        """The route's moves, in order; empty for a plan for the current role."""
        return self.plan["pathway"]["steps"] if self.plan["pathway"] else []

    @property
    def title(self) -> str:
        """The document's title, as the PDF's metadata and the print view's heading give it."""
        version = f", version {self.version}" if self.version else ""
        return f"Development plan: {self.person}{version}"

    @property
    def objectives(self) -> tuple[str, ...]:
        """What the plan sets out to do, in sentences, from its target, gaps and training."""
        said = []
        if self.target_title:
            moves = len(self.steps)
            said.append(
                f"Move to {self.target_title} (band {self.target_band}) in {moves} move{'s' if moves != 1 else ''}, "
                f"with {time_in_role(self.plan['pathway']['months'])}."
            )
        gaps = self.gaps
        critical = sum(1 for need in gaps if need["critical"])
        if gaps:
            first = f", the {critical} critical one{'s' if critical != 1 else ''} first" if critical else ""
            said.append(f"Close the {len(gaps)} gap{'s' if len(gaps) != 1 else ''} for {self.goal}{first}.")
        else:
            said.append(f"Keep every level {self.goal} asks for.")
        if self.plan["modules"]:
            said.append(
                f"Complete {self.plan['total_hours']:g} hours of training by {self.plan['completion']:%B %Y}, "
                f"within {self.protected_hours:g} hours of protected learning time a month."
            )
        return tuple(said)


def printable_from_saved(row: Plan, framework: Framework) -> PrintablePlan:
    """A saved plan as printed: its snapshot, its status and agreement, readiness from its saved levels."""
    plan = load_plan(row.result)
    levels = {competency: item["level"] for competency, item in row.inputs["levels"].items()}
    person = row.person
    return PrintablePlan(
        person=person.name,
        trust=person.trust.name,
        team=person.team.name,
        version=row.version,
        status=STATUS_TEXT[row.status],
        plan=plan,
        role_readiness=_readiness(framework, levels, plan["role"]),
        target_readiness=_readiness(framework, levels, plan["target"]),
        agreements=(
            Agreement("Staff member", person.name, row.staff_agreed_at),
            Agreement("Manager", row.manager_agreed_by.name if row.manager_agreed_by else None, row.manager_agreed_at),
        ),
        made_by=row.created_by.name,
        notes=development_notes(person, framework),
        qualifications=route_qualification_notes(person, framework, plan),
    )


def printable_from_current(person: Person, framework: Framework, today: date) -> PrintablePlan:
    """A plan assembled from the person's data today towards their target, marked "Not yet agreed".

    For printing people without a saved plan; a ``PlanningError`` from the core passes through.
    """
    levels = current_levels(rating_facts(person))
    core_person = person_to_core(person, today, levels)
    plan = load_plan(plan_to_dict(assemble_plan(framework, core_person, person.target_role_id, today), framework))
    return PrintablePlan(
        person=person.name,
        trust=person.trust.name,
        team=person.team.name,
        version=None,
        status=NOT_YET_AGREED,
        plan=plan,
        role_readiness=_readiness(framework, core_person.levels, plan["role"]),
        target_readiness=_readiness(framework, core_person.levels, plan["target"]),
        agreements=(Agreement("Staff member", person.name, None), Agreement("Manager", None, None)),
        notes=development_notes(person, framework),
        qualifications=route_qualification_notes(person, framework, plan),
    )


def development_notes(person: Person, framework: Framework) -> tuple[str, ...]:
    """The person's confirmed secondments and agreed mentoring, each as a sentence for their plan."""
    return secondment_notes(person, framework) + mentoring_notes(person, framework)


def secondment_notes(person: Person, framework: Framework) -> tuple[str, ...]:
    """The person's confirmed secondments, each as a sentence: what, where, when, how long."""
    notes = []
    for placement in db.session.scalars(
        select(Secondment).where(Secondment.person_id == person.id).order_by(Secondment.confirmed_at, Secondment.id)
    ):
        opportunity = placement.opportunity
        role = framework.role.get(opportunity.role_id)
        notes.append(
            f"Secondment: {opportunity.title}"
            + (f" ({role.title}, band {role.band})" if role else "")
            + f" with {opportunity.host_team.name}, {opportunity.host_team.trust.name}, from "
            f"{opportunity.starts_on:%-d %B %Y} for {opportunity.months} month{'s' if opportunity.months != 1 else ''}"
            f" at {opportunity.fte:g} FTE."
        )
    return tuple(notes)


def mentoring_notes(person: Person, framework: Framework) -> tuple[str, ...]:
    """The mentoring agreed with the person, as mentee or as mentor, each as a sentence."""
    notes = []
    pairs = select(MentorRequest).where(
        MentorRequest.status == "accepted", or_(MentorRequest.seeker_id == person.id, MentorRequest.mentor_id == person.id)
    )
    for pair in db.session.scalars(pairs.order_by(MentorRequest.decided_at, MentorRequest.id)):
        competency = framework.competency.get(pair.competency_id)
        subject = competency.name if competency else pair.competency_id
        if pair.seeker_id == person.id:
            notes.append(f"Mentoring: {pair.mentor.name} ({pair.mentor.trust.name}) mentors {person.name} in {subject}.")
        else:
            notes.append(f"Mentoring: {person.name} mentors {pair.seeker.name} ({pair.seeker.trust.name}) in {subject}.")
    return tuple(notes)


def header_rows(printable: PrintablePlan) -> list[tuple[str, str]]:
    """The header block's rows: who, where, what towards, when, and on which framework."""
    target = printable.target_title and f"{printable.target_title} (band {printable.target_band})"
    return [
        ("Name", printable.person),
        ("Trust", printable.trust),
        ("Team", printable.team),
        ("Current role", f"{printable.role_title} (band {printable.role_band})"),
        ("Target role", target or "None: this plan is for the current role"),
        ("Plan date", f"{printable.plan_date:%-d %B %Y}"),
        ("Status", printable.status + (f", version {printable.version}" if printable.version else "")),
        ("Protected learning time", f"{printable.protected_hours:g} hours a month"),
        ("Framework version", printable.framework_version),
    ]


def rag(need: dict) -> tuple[str, str]:
    """A need's red, amber or green rating and its words, as the pages give them: green when met,
    amber for one level short, red for two or more or for any gap in a critical competency."""
    if need["gap"] == 0:
        return "green", "Green: met"
    if need["gap"] == 1 and not need["critical"]:
        return "amber", "Amber: 1 level short"
    levels = f"{need['gap']} level{'s' if need['gap'] > 1 else ''} short"
    return "red", f"Red: {levels}{', critical' if need['critical'] else ''}"


def time_in_role(months: int) -> str:
    """The months in role a route still waits for, in words."""
    return f"about {months} month{'s' if months != 1 else ''} in role" if months else "no more time in role needed"


def move_words(kind: str) -> str:
    """A kind of move in words, such as "acting up"."""
    return MOVE_WORDS.get(kind, kind)


def pdf_filename(printable: PrintablePlan) -> str:
    """A download's file name, such as ``development-plan-amira-shah-v1.pdf`` (ASCII only)."""
    version = f"-v{printable.version}" if printable.version else ""
    return f"development-plan-{slug(printable.person)}{version}.pdf"


def slug(name: str) -> str:
    """A name as lower-case ASCII words joined by hyphens, for a file name: "Siân O'Brien" gives
    ``sian-o-brien``; a name with no such letters gives ``person``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "person"


def _readiness(framework: Framework, levels: dict[str, int], role: dict | None) -> int | None:
    """Readiness for a role of the snapshot, or None without a role or when the framework lost it."""
    if role is None or role["id"] not in framework.role:
        return None
    return readiness(framework, levels, framework.role[role["id"]].requires)
