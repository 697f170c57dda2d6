"""What planner keeps in its database, one module per part: organisations (regions to teams),
people and their accounts, the records of their development (ratings, plans, the audit trail),
print jobs, secondments, mentoring, check-ins with the training people have done, and profiles
(professional qualifications, saved quiz results), and each person's stored needs (the analysis
for their role, kept for adding up in SQL). Everything is importable from here, as ``from planner.models import Person``.
"""

from __future__ import annotations

from planner.models.checkins import TRAINING_SOURCES, Checkin, TrainingRecord
from planner.models.insight import PersonModule, PersonNeed, PersonNeedsSummary
from planner.models.mentoring import REQUEST_STATUSES, MentorOffer, MentorRequest
from planner.models.organisations import IntegratedCareSystem, Region, Team, Trust
from planner.models.people import ACCOUNT_ROLES, Account, Person
from planner.models.print_jobs import PrintJob
from planner.models.profile import ProfessionalQualification, QuizResult
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
    rating_facts,
    ratings_of,
)
from planner.models.secondments import OPPORTUNITY_STATUSES, Secondment, SecondmentInterest, SecondmentOpportunity
from planner.times import utcnow

__all__ = [
    "ACCOUNT_ROLES", "EVIDENCE_MAX", "OPPORTUNITY_STATUSES", "PLAN_STATUSES", "RATERS",
    "REQUEST_STATUSES", "TRAINING_SOURCES",
    "Account", "AuditEvent", "Checkin", "CurrentLevel", "IntegratedCareSystem", "MentorOffer", "MentorRequest",
    "Person", "PersonModule", "PersonNeed", "PersonNeedsSummary", "Plan", "PrintJob", "ProfessionalQualification", "QuizResult", "Rating", "Region", "Secondment", "SecondmentInterest",
    "SecondmentOpportunity", "Team", "TrainingRecord", "Trust",
    "audit", "current_levels", "person_to_core", "rating_facts", "ratings_of", "utcnow",
]
