"""Saved plans as plain JSON: what a plan was made from and what it said, kept so it can be shown again.

A saved plan keeps two dicts. ``plan_inputs`` records what went in (framework version, target,
route, the levels counted and where each came from, protected hours, months in role, the date);
``plan_to_dict`` records what came out, with every role and module title, so the plan page can
show exactly what was agreed even after the ratings or the framework change. ``load_plan`` turns
the stored result back into values a template can format (dates as dates). ``changes_since``
says how today's inputs differ from the saved ones.
"""

from __future__ import annotations

from copy import deepcopy
from datetime import date

from planner.core.framework import Framework, Module
from planner.core.pathways import Pathway
from planner.core.plan import Plan
from planner.core.tna import Need


def plan_inputs(
    framework_version: str,
    target: str | None,
    route: int,
    levels: dict,
    protected_hours: float,
    months_in_role: int,
    plan_date: date,
) -> dict:
    """What a plan is made from, as JSON: ``levels`` maps competency ids to items with ``level`` and ``source``."""
    return {
        "framework_version": framework_version,
        "target": target,
        "route": route,
        "levels": {
            competency: {"level": current.level, "source": current.source}
            for competency, current in sorted(levels.items())
        },
        "protected_hours": protected_hours,
        "months_in_role": months_in_role,
        "plan_date": plan_date.isoformat(),
    }


def plan_to_dict(plan: Plan, framework: Framework) -> dict:
    """The plan as JSON-able values: dates as ISO strings, every id with its title."""
    return {
        "framework_version": framework.version,
        "plan_date": plan.today.isoformat(),
        "person": plan.person.name,
        "role": _role(framework, plan.role),
        "target": _role(framework, plan.target) if plan.target else None,
        "protected_hours": plan.person.protected_hours_per_month,
        "months_in_role": plan.person.months_in_role,
        "pathway": _pathway(framework, plan.pathway) if plan.pathway else None,
        "needs": [_need(framework, need) for need in plan.needs],
        "modules": [
            {**_module(scheduled.module), "step": scheduled.step, "start": scheduled.start.isoformat(), "end": scheduled.end.isoformat()}
            for scheduled in plan.modules
        ],
        "months": [
            {
                "month": month.month.isoformat(),
                "hours": [
                    {"module": module_id, "title": framework.module[module_id].title, "hours": hours}
                    for module_id, hours in month.hours
                ],
                "total": round(month.total, 2),
            }
            for month in plan.months
        ],
        "total_hours": plan.total_hours,
        "completion": plan.completion.isoformat(),
        "reviews": [review.isoformat() for review in plan.reviews],
    }


def load_plan(data: dict) -> dict:
    """A saved plan's result ready to show: a copy with its ISO dates turned back into dates."""
    shown = deepcopy(data)
    for key in ("plan_date", "completion"):
        shown[key] = date.fromisoformat(shown[key])
    shown["reviews"] = [date.fromisoformat(review) for review in shown["reviews"]]
    for module in shown["modules"]:
        module["start"] = date.fromisoformat(module["start"])
        module["end"] = date.fromisoformat(module["end"])
    for month in shown["months"]:
        month["month"] = date.fromisoformat(month["month"])
    return shown


def changes_since(saved: dict, now: dict) -> list[str]:
    """What differs between a saved plan's inputs and today's, in words (empty when nothing does).

    Only what changes the plan counts: the framework, the levels, the protected hours.
    """
    changes = []
    if saved["framework_version"] != now["framework_version"]:
        changes.append(f"the framework changed from version {saved['framework_version']} to {now['framework_version']}")
    old_levels = {c: item["level"] for c, item in saved["levels"].items()}
    new_levels = {c: item["level"] for c, item in now["levels"].items()}
    changed = sorted(c for c in old_levels.keys() | new_levels.keys() if old_levels.get(c, 0) != new_levels.get(c, 0))
    if changed:
        changes.append(f"{len(changed)} level{'s' if len(changed) > 1 else ''} changed ({', '.join(changed)})")
    if saved["protected_hours"] != now["protected_hours"]:
        changes.append(f"protected learning time changed from {saved['protected_hours']:g} to {now['protected_hours']:g} hours a month")
    return changes


def _role(framework: Framework, role_id: str) -> dict:
    role = framework.role[role_id]
    return {"id": role.id, "title": role.title, "band": role.band}


def _module(module: Module) -> dict:
    return {"id": module.id, "title": module.title, "hours": module.hours, "mode": module.mode, "provider": module.provider}


def _need(framework: Framework, need: Need) -> dict:
    competency = framework.competency[need.competency]
    return {
        "competency": need.competency,
        "name": competency.name,
        "domain": competency.domain,
        "domain_name": framework.domain[competency.domain].name,
        "current": need.current,
        "required": need.required,
        "gap": need.gap,
        "critical": need.critical,
        "priority": need.priority,
        "prerequisite_for": [
            {"competency": dependant, "name": framework.competency[dependant].name} for dependant in need.prerequisite_for
        ],
    }


def _pathway(framework: Framework, pathway: Pathway) -> dict:
    return {
        "training_hours": pathway.training_hours,
        "months": pathway.months,
        "total_months": pathway.total_months,
        "steps": [
            {
                "source": _role(framework, step.source),
                "target": _role(framework, step.target),
                "kind": step.kind,
                "months": step.months,
                "band_from": step.band_from,
                "band_to": step.band_to,
                "band_change": step.band_change,
                "hours": step.hours,
                "modules": [_module(module) for module in step.modules],
            }
            for step in pathway.steps
        ],
    }
