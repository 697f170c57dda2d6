"""Who may see and change whose records: the one place the access rules live.

- Everyone sees and changes their own record.
- Managers see the people in the teams they manage, and validate their ratings and agree
  their plans.
- Trust admins see everyone in their trust, and change nothing of theirs.
- Nobody sees another trust's people.
- Managers print the plans of the teams they manage; trust admins, of any team of their trust or
  the whole trust. A print job is seen by whoever started it and whoever could start it now.

A person the signed-in account may not see is answered with 404, as if they did not exist;
an action on a person they may see but not change is answered with 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from planner.db import db
from planner.models import Account, Person, PrintJob, Team, Trust


def signed_in_person() -> Person:
    """The person behind the signed-in account; 403 for an account without a person record."""
    person = current_user.person if current_user.is_authenticated else None
    if person is None:
        abort(403)
    return person


def is_self(account: Account, person: Person) -> bool:
    """Whether ``person`` is the account holder."""
    return account.person_id is not None and account.person_id == person.id


def manages(account: Account, person: Person) -> bool:
    """Whether the account is a manager of a team ``person`` belongs to (never of themselves)."""
    if "manager" not in account.roles or account.person is None or is_self(account, person):
        return False
    return person.team_id in {team.id for team in account.person.managed_teams}


def administers(account: Account, person: Person) -> bool:
    """Whether the account is a trust admin of the trust ``person`` works in."""
    return "trust_admin" in account.roles and account.person is not None and account.person.trust_id == person.trust_id


def can_see(account: Account, person: Person) -> bool:
    """Whether the account may see ``person``'s record at all."""
    return is_self(account, person) or manages(account, person) or administers(account, person)


def visible_person(person_id: int) -> Person:
    """The person with this id, when the signed-in account may see them; 404 otherwise."""
    person = db.session.get(Person, person_id)
    if person is None or not can_see(current_user, person):
        abort(404)
    return person


def require(allowed: bool) -> None:
    """Refuse the request with 403 unless ``allowed``."""
    if not allowed:
        abort(403)


def printable_scopes(account: Account) -> list[Team | Trust]:
    """The teams and trusts an account with a person may print: its managed teams, and for a trust
    admin every team of their trust and the trust itself."""
    person, roles = account.person, account.roles
    scopes: list[Team | Trust] = []
    if "trust_admin" in roles:
        scopes += [*person.trust.teams, person.trust]
    if "manager" in roles:
        scopes += [team for team in person.managed_teams if team not in scopes]
    return scopes


def may_print(account: Account, job: PrintJob) -> bool:
    """Whether the account could start this job now."""
    person, roles = account.person, account.roles
    if person is None:
        return False
    if "trust_admin" in roles and job.scope_trust_id == person.trust_id:
        return True
    return "manager" in roles and job.team_id in {team.id for team in person.managed_teams}
