"""Who may see and change whose records: the one place the access rules live.

- Everyone sees and changes their own record.
- Managers see the people in the teams they manage, and validate their ratings and agree
  their plans.
- Trust admins see everyone in their trust, and change nothing of theirs.
- Nobody sees another trust's people.
- The teams an account is *in charge of* are those it manages and, for a trust admin, every team
  of their trust. For those it sees the team's cover, prints plans (a trust admin also the whole
  trust; a print job is seen by whoever started it and whoever could start it now) and posts
  secondments.
- A person's secondments are released by the managers of their team and the admins of their
  trust, never by the person; open secondments are seen by everyone in their host's region.

A person the signed-in account may not see is answered with 404, as if they did not exist;
an action on a person they may see but not change is answered with 403.
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import false, or_

from planner.db import db
from planner.models import Account, Person, PrintJob, SecondmentOpportunity, Team, Trust


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


def teams_in_charge(account: Account) -> list[Team]:
    """The teams an account is in charge of, by name: those it manages, and for a trust admin every
    team of its trust. None for an account without a person record."""
    person, roles = account.person, account.roles
    teams: list[Team] = []
    if person is not None and "trust_admin" in roles:
        teams += person.trust.teams
    if person is not None and "manager" in roles:
        teams += [team for team in person.managed_teams if team not in teams]
    return sorted(teams, key=lambda team: (team.name, team.id))


def visible_team(team_id: int) -> Team:
    """The team with this id, when the signed-in account is in charge of it; 404 otherwise."""
    team = db.session.get(Team, team_id)
    if team is None or team not in teams_in_charge(current_user):
        abort(404)
    return team


def printable_scopes(account: Account) -> list[Team | Trust]:
    """What an account may print: the teams it is in charge of, and for a trust admin the trust."""
    whole = [account.person.trust] if account.person is not None and "trust_admin" in account.roles else []
    return [*teams_in_charge(account), *whole]


def may_print(account: Account, job: PrintJob) -> bool:
    """Whether the account could start this job now."""
    return (job.team or job.trust) in printable_scopes(account)


def releases(account: Account, person: Person) -> bool:
    """Whether the account releases ``person`` for secondments: manages their team or administers
    their trust, and is not them."""
    return not is_self(account, person) and (manages(account, person) or administers(account, person))


def released_people(account: Account):
    """The same rule as ``releases``, as a condition on ``Person`` for a query."""
    person, roles = account.person, account.roles
    conditions = []
    if "manager" in roles:
        conditions.append(Person.team_id.in_([team.id for team in person.managed_teams]))
    if "trust_admin" in roles:
        conditions.append(Person.trust_id == person.trust_id)
    return (or_(*conditions) if conditions else false()) & (Person.id != person.id)


def plans_secondments(account: Account) -> bool:
    """Whether the account plans secondments: managers and trust admins with a person record."""
    return account.person is not None and bool({"manager", "trust_admin"} & account.roles)


def region_id(trust: Trust) -> int:
    """The id of the NHS England region a trust is in."""
    return trust.system.region_id


def seen_opportunity(opportunity_id: int) -> SecondmentOpportunity:
    """The opportunity, when the signed-in account may see it (open in their region, or hosted by a
    team they may post for); 404 otherwise."""
    person = signed_in_person()
    opportunity = db.session.get(SecondmentOpportunity, opportunity_id)
    if opportunity is None:
        abort(404)
    seekable = opportunity.status == "open" and region_id(opportunity.host_team.trust) == region_id(person.trust)
    if not (seekable or opportunity.host_team in teams_in_charge(current_user)):
        abort(404)
    return opportunity
