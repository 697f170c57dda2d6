"""What planner keeps in its database, one module per part: organisations (regions to teams),
people and their accounts, the records of their development (ratings, plans, the audit trail),
and print jobs. Everything is importable from here, as ``from planner.models import Person``.
"""

from __future__ import annotations

from planner.models.organisations import IntegratedCareSystem, Region, Team, Trust
from planner.models.people import ACCOUNT_ROLES, PASSWORD_METHOD, Account, Person
from planner.models.print_jobs import PrintJob
from planner.models.records import (
    EVIDENCE_MAX,
    PLAN_STATUSES,
    RATERS,
    AuditEvent,
    CurrentLevel,
    Plan,
    Rating,
    audit,
    current_levels,
    person_to_core,
    ratings_of,
)
from planner.times import utcnow

__all__ = [
    "ACCOUNT_ROLES", "EVIDENCE_MAX", "PASSWORD_METHOD", "PLAN_STATUSES", "RATERS",
    "Account", "AuditEvent", "CurrentLevel", "IntegratedCareSystem", "Person", "Plan", "PrintJob",
    "Rating", "Region", "Team", "Trust",
    "audit", "current_levels", "person_to_core", "ratings_of", "utcnow",
]
