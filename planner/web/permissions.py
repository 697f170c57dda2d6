"""Who may do what: one row per endpoint, the single source of truth for access.

Each row of ``PERMISSIONS`` says, for each method an endpoint answers, which account roles could
ever be allowed and on which *scope* (whose record, which organisation). ``SCOPES`` says what each
scope means and names the rules in ``planner.web.access`` (or, where a rule lives with its pages,
in their module) that decide it for a given record. Two checks enforce the table:

- before every request, ``refuse_what_the_table_forbids`` looks up the matched endpoint: an
  endpoint or method missing from the table is refused outright (404, logged as an error: fail
  closed); an anonymous request for a page that needs an account is sent to sign in; a signed-in
  account holding none of the roles the row names is refused with 403, whatever record the
  address names, so the answer tells nothing of who exists;
- inside the view, the access rules the scope names decide whose record it is (404 for a person
  the account may not see, 403 for an action on a person it sees but may not change).

Refusals are audited: each writes one ``AuditEvent`` (action ``"refused"``, record type
``"route"``, detail: endpoint, method, status, path). Only requests for an endpoint that is not
public count: a 403 or 404 there (``planner.web.errors``) or an anonymous request sent to sign in
(here). Unknown addresses, missing assets and "not found" on public pages are not refusals, and
auditing them would let anyone fill the audit with junk.

A new endpoint must have a row before it answers anyone; ``tests/web/test_access.py`` fails until
it has one and checks every row against every kind of account.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from planner.db import db
from planner.models import ACCOUNT_ROLES, AuditEvent

EVERY_ROLE = frozenset(ACCOUNT_ROLES)


@dataclass(frozen=True)
class Scope:
    """What a scope covers, in words, and the access rules that decide it for one record.

    ``rules`` name functions as ``module.function`` within ``planner.web``; none when the account's
    roles alone decide.
    """

    means: str
    rules: tuple[str, ...] = ()


PUBLIC = "public"
SIGNED_IN = "signed in"
OWN = "own record"
OWN_TEAMS = "teams they manage"
SEES_PERSON = "sees the person"
SELF = "self"
MANAGER = "person's manager"
SELF_OR_MANAGER = "self or person's manager"
RELEASER = "releases the person"
TEAM = "team in charge of"
POSTING = "teams they post for"
PRINTABLE = "teams or trust they may print"
PRINT_JOB = "job starter or printer"
SECONDMENT_PLANNER = "plans secondments"
OPPORTUNITY = "opportunity in region or hosted"
MENTOR_REQUEST = "party to the request"
INSIGHT = "insight scope"
IMPORTS = "trusts they import into"
DATA_RIGHTS = "person's trust admin or an admin"
ACCOUNTS = "accounts they manage"

SCOPES: dict[str, Scope] = {
    PUBLIC: Scope("anyone, signed in or not"),
    SIGNED_IN: Scope("any signed-in account, about that account only"),
    OWN: Scope("the signed-in person's own record (403 for an account without one)", ("access.signed_in_person",)),
    OWN_TEAMS: Scope("the teams the signed-in manager manages", ("access.signed_in_person",)),
    SEES_PERSON: Scope(
        "the person, a manager of their team, or a trust admin of their trust (404 for anyone else)",
        ("access.visible_person", "access.can_see"),
    ),
    SELF: Scope("the person themselves (403 for others who see them)", ("access.visible_person", "access.is_self")),
    MANAGER: Scope("a manager of the person's team (403 for others who see them)", ("access.visible_person", "access.manages")),
    SELF_OR_MANAGER: Scope(
        "the person or a manager of their team (403 for others who see them)",
        ("access.visible_person", "access.is_self", "access.manages"),
    ),
    RELEASER: Scope(
        "a manager of the person's team or a trust admin of their trust, not the person",
        ("access.visible_person", "access.releases"),
    ),
    TEAM: Scope("a manager of the team or a trust admin of its trust (404 for anyone else)", ("access.visible_team",)),
    POSTING: Scope("the teams the account is in charge of (403 for an account in charge of none)", ("access.teams_in_charge",)),
    PRINTABLE: Scope("the teams the account is in charge of and, for a trust admin, the trust", ("access.printable_scopes",)),
    PRINT_JOB: Scope("whoever started the job or could start it now (404 for anyone else)", ("access.may_print",)),
    SECONDMENT_PLANNER: Scope("managers and trust admins with a person record", ("access.plans_secondments",)),
    OPPORTUNITY: Scope(
        "an opportunity open in the account's region, or hosted by a team it is in charge of (404 otherwise)",
        ("access.seen_opportunity",),
    ),
    MENTOR_REQUEST: Scope(
        "the mentor asked or the person who asked (403 for others who see either, 404 for anyone else)",
        ("access.can_see", "mentors.actor"),
    ),
    INSIGHT: Scope(
        "aggregates of the organisations within the account's reach (404 for others)",
        ("access.sees_insight", "access.visible_scope", "access.reaches"),
    ),
    IMPORTS: Scope("every trust for an admin, their own for a trust admin", ("access.import_trusts",)),
    DATA_RIGHTS: Scope(
        "a trust admin of the person's (or trust's) trust, or an admin (403 for others who see the person, 404 for anyone else)",
        ("rights.data_subject", "rights.administers_trust"),
    ),
    ACCOUNTS: Scope(
        "every account for an admin, those of their trust's people for a trust admin (404 for others); a change"
        " to their own account, or to one holding a role they may not grant, is refused (403)",
        ("account.manages_accounts", "account.visible_account", "account.may_manage", "account.why_unchangeable"),
    ),
}


@dataclass(frozen=True)
class Allow:
    """Who may use an endpoint with one method: an account holding one of ``roles``, within ``scope``.

    A public scope needs no account at all, whatever ``roles`` says.
    """

    scope: str
    roles: frozenset[str] = EVERY_ROLE


def allow(scope: str, *roles: str) -> Allow:
    """A table cell: ``scope`` for accounts holding any of ``roles`` (every role when none are named)."""
    return Allow(scope, frozenset(roles) or EVERY_ROLE)


ANYONE = allow(PUBLIC)
LEADERS = ("manager", "trust_admin")
"""The roles that run teams: post secondments, print plans, see a team's cover."""
INSIGHT_ROLES = ("admin", "region_lead", "trust_admin", "manager")

# To add an endpoint: one line, "blueprint.view": {"METHOD": allow(SCOPE, "role", ...), ...}, with
# every method its route accepts (HEAD and OPTIONS follow GET). Choose an existing scope or add one
# to SCOPES naming the rule in access.py that decides it.
PERMISSIONS: dict[str, dict[str, Allow]] = {
    # Open to everyone.
    "static": {"GET": ANYONE},
    "assets.asset": {"GET": ANYONE},
    "home.index": {"GET": ANYONE},
    "auth.sign_in": {"GET": ANYONE, "POST": ANYONE},
    "explore.roles": {"GET": ANYONE},
    "explore.role": {"GET": ANYONE},
    "quiz.quiz": {"GET": ANYONE, "POST": ANYONE},
    # The signed-in account's own pages: no one is named in the address.
    "auth.sign_out": {"GET": allow(SIGNED_IN), "POST": allow(SIGNED_IN)},
    "account.password": {"GET": allow(SIGNED_IN), "POST": allow(SIGNED_IN)},
    "staff.home": {"GET": allow(OWN)},
    "quiz.save": {"POST": allow(OWN)},
    "quiz.saved": {"GET": allow(OWN)},
    "secondments.index": {"GET": allow(OWN)},
    "manager.teams": {"GET": allow(OWN_TEAMS, "manager")},
    "checkins.team_checkins": {"GET": allow(OWN_TEAMS, "manager")},
    # One person's records, by the person's id in the address.
    "staff.person_home": {"GET": allow(SEES_PERSON)},
    "assessment.domains": {"GET": allow(SEES_PERSON)},
    "assessment.domain": {"GET": allow(SEES_PERSON), "POST": allow(SELF)},
    "assessment.history": {"GET": allow(SEES_PERSON)},
    "needs.needs": {"GET": allow(SEES_PERSON), "POST": allow(SELF)},
    "pathways.pathways": {"GET": allow(SEES_PERSON)},
    "pathways.set_target": {"POST": allow(SELF)},
    "plans.plans": {"GET": allow(SEES_PERSON)},
    "plans.create": {"POST": allow(SELF)},
    "manager.validate": {"GET": allow(MANAGER, "manager"), "POST": allow(MANAGER, "manager")},
    "cover.task_sharing": {"GET": allow(SEES_PERSON), "POST": allow(SELF)},
    "checkins.person_checkins": {"GET": allow(SEES_PERSON), "POST": allow(MANAGER, "manager")},
    "training.training": {"GET": allow(SEES_PERSON), "POST": allow(SELF_OR_MANAGER)},
    "mentors.mentoring": {"GET": allow(SEES_PERSON), "POST": allow(SELF)},
    "mentors.find": {"GET": allow(SELF)},
    "mentors.request_mentor": {"POST": allow(SELF)},
    "recognition.achievements": {"GET": allow(SEES_PERSON)},
    "recognition.certificate": {"GET": allow(SEES_PERSON)},
    "recognition.badge": {"GET": allow(SEES_PERSON)},
    "qualifications.qualifications": {"GET": allow(SEES_PERSON), "POST": allow(SELF_OR_MANAGER)},
    "qualifications.remove": {"POST": allow(SELF_OR_MANAGER)},
    # One plan, by its id: the rules of the person it belongs to.
    "plans.plan": {"GET": allow(SEES_PERSON)},
    "plans.agree": {"POST": allow(SELF_OR_MANAGER)},
    "printing.plan_pdf": {"GET": allow(SEES_PERSON)},
    "printing.print_view": {"GET": allow(SEES_PERSON)},
    # Teams, printing many plans, secondments.
    "cover.cover": {"GET": allow(TEAM, *LEADERS)},
    "print_jobs.print_plans": {"GET": allow(PRINTABLE, *LEADERS), "POST": allow(PRINTABLE, *LEADERS)},
    # A job stays its starter's after they lose the role that let them start it.
    "print_jobs.job": {"GET": allow(PRINT_JOB)},
    "print_jobs.status": {"GET": allow(PRINT_JOB)},
    "print_jobs.download": {"GET": allow(PRINT_JOB)},
    "print_jobs.retry": {"POST": allow(PRINT_JOB)},
    "secondments.new": {"GET": allow(POSTING, *LEADERS), "POST": allow(POSTING, *LEADERS)},
    "secondments.plan": {"GET": allow(SECONDMENT_PLANNER, *LEADERS)},
    "secondments.opportunity": {"GET": allow(OPPORTUNITY)},
    "secondments.interest": {"POST": allow(OPPORTUNITY)},
    "secondments.withdraw": {"POST": allow(OPPORTUNITY)},
    "secondments.confirm": {"POST": allow(RELEASER, *LEADERS)},
    "mentors.answer": {"POST": allow(MENTOR_REQUEST)},
    # Organisations: aggregates and imports.
    "insight.index": {"GET": allow(INSIGHT, *INSIGHT_ROLES)},
    "insight.needs": {"GET": allow(INSIGHT, *INSIGHT_ROLES)},
    "insight.commissioning": {"GET": allow(INSIGHT, *INSIGHT_ROLES)},
    "insight.download": {"GET": allow(INSIGHT, *INSIGHT_ROLES)},
    "imports.index": {"GET": allow(IMPORTS, "trust_admin", "admin"), "POST": allow(IMPORTS, "trust_admin", "admin")},
    # Data rights: subject access, restriction, erasure and retention.
    "rights.person_data": {"GET": allow(DATA_RIGHTS, "trust_admin", "admin")},
    "rights.download": {"GET": allow(DATA_RIGHTS, "trust_admin", "admin")},
    "rights.restrict_person": {"POST": allow(DATA_RIGHTS, "trust_admin", "admin")},
    "rights.lift": {"POST": allow(DATA_RIGHTS, "trust_admin", "admin")},
    "rights.erase_person": {"POST": allow(DATA_RIGHTS, "trust_admin", "admin")},
    "rights.retention": {"POST": allow(DATA_RIGHTS, "trust_admin", "admin")},
    "account.accounts": {"GET": allow(ACCOUNTS, "trust_admin", "admin")},
    "account.account": {"GET": allow(ACCOUNTS, "trust_admin", "admin"), "POST": allow(ACCOUNTS, "trust_admin", "admin")},
}

METHOD_AS = {"HEAD": "GET", "OPTIONS": "GET"}
"""Methods Flask answers by itself, checked as the method they stand in for."""


def rule_for(endpoint: str | None, method: str) -> Allow | None:
    """The table's cell for an endpoint and method; None when the table has none (refused)."""
    return PERMISSIONS.get(endpoint or "", {}).get(METHOD_AS.get(method, method))


def is_public(endpoint: str | None) -> bool:
    """Whether every method of the endpoint is open to anyone (its refusals are not audited)."""
    cells = PERMISSIONS.get(endpoint or "")
    return bool(cells) and all(cell.scope == PUBLIC for cell in cells.values())


def refuse_what_the_table_forbids():
    """Before each request: refuse what the table rules out for the matched endpoint and method.

    Unmatched addresses pass, for routing to answer 404 or 405.
    """
    if request.url_rule is None:
        return None
    cell = rule_for(request.endpoint, request.method)
    if cell is None:
        current_app.logger.error(
            "Refused %s %s: endpoint %r has no row for %s in planner.web.permissions.PERMISSIONS",
            request.method, request.path, request.endpoint, request.method,
        )
        abort(404)
    if cell.scope == PUBLIC:
        return None
    if not current_user.is_authenticated:
        audit_refusal(302)
        return current_app.login_manager.unauthorized()
    if cell.roles.isdisjoint(current_user.roles):
        abort(403)
    return None


def audit_refusal(status: int) -> None:
    """Record that this request was refused with ``status``, when it asked for a page that is not
    public; whatever the request had changed is dropped first. A failure to record is logged, and
    the refusal still answered."""
    if request.url_rule is None or is_public(request.endpoint):
        return
    account_id = current_user.id if current_user.is_authenticated else None
    db.session.rollback()
    detail = {"endpoint": request.endpoint, "method": request.method, "status": status, "path": request.path}
    db.session.add(AuditEvent(account_id=account_id, action="refused", record_type="route", record_id=None, detail=detail))
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not record the refusal of %s %s", request.method, request.path)
