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
- Training needs in aggregate are seen by admins for every organisation, by region leads for
  their region and everything in it, by trust admins for their trust and its teams, and by
  managers for the teams they manage; nobody else sees any.

A person the signed-in account may not see is answered with 404, as if they did not exist;
an action on a person they may see but not change is answered with 403, as is any change to a
person whose processing is restricted. Every person, team or scope let through here on a GET is
noted as read, for the audit trail (``planner.web.rights`` writes the events).

Which page applies which of these rules, for which account roles, is the permission table in
``planner.web.permissions``.
"""

from __future__ import annotations

from flask import abort, request
from flask_login import current_user
from sqlalchemy import false, or_, select

from planner.db import db
from planner.insight import ALL_ORGANISATIONS, Scope, find_scope
from planner.models import Account, IntegratedCareSystem, Person, PrintJob, Region, SecondmentOpportunity, Team, Trust
from planner.models.records import note_read


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
    # An erased person's pseudonymous row is there only for the records others made.
    if person is None or person.erased_at is not None or not can_see(current_user, person):
        abort(404)
    refuse_changes_if_restricted(person)
    note_read("people", person.id, person=person)
    return person


def refuse_changes_if_restricted(person: Person) -> None:
    """Refuse (403) any change to a person whose processing is restricted; reading stays allowed."""
    if person.restricted_at is not None and request.method not in ("GET", "HEAD"):
        abort(403, description="This person's record is restricted: nothing in it can be changed until a trust admin lifts the restriction.")


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
    note_read("teams", team.id)
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


# Aggregate training needs: an admin sees everyone; a region lead their trust's region and every
# ICS, trust and team in it; a trust admin their trust and its teams; a manager the teams they
# manage. Reach passes downwards, so every part of a scope an account sees is seen too.


def sees_insight(account: Account) -> bool:
    """Whether the account may see aggregate training needs at all (others get 403 on every page)."""
    roles, person = account.roles, account.person
    if "admin" in roles:
        return True
    if person is None:
        return False
    return bool({"region_lead", "trust_admin"} & roles) or ("manager" in roles and bool(person.managed_teams))


def _as_scopes(kind: str, organisations) -> list[Scope]:
    """Organisations of one kind as scopes, by name; a team is named with its trust, as most
    trusts have a "Medical staffing" team."""
    if kind == "team":
        named = sorted((f"{team.name}, {team.trust.name}", team.id) for team in organisations)
    else:
        named = sorted((organisation.name, organisation.id) for organisation in organisations)
    return [Scope(kind, ident, name) for name, ident in named]


def _reached(account: Account) -> tuple[list[Region], list[Trust], list[Team]]:
    """The regions, trusts and teams an account reaches directly (not through a wider one)."""
    roles, person = account.roles, account.person
    regions: list[Region] = []
    if "admin" in roles:
        regions = list(db.session.scalars(select(Region)))
    elif person is not None and "region_lead" in roles:
        regions = [person.trust.system.region]
    covered = {trust.id for region in regions for system in region.systems for trust in system.trusts}
    trusts = [person.trust] if person is not None and "trust_admin" in roles and person.trust_id not in covered else []
    covered |= {trust.id for trust in trusts}
    managed = person.managed_teams if person is not None and "manager" in roles else []
    return regions, trusts, [team for team in managed if team.trust_id not in covered]


def widest_scopes(account: Account) -> list[Scope]:
    """The scopes that together hold everyone the account may see, none inside another: "all" for
    an admin, else their region, their trust, or the teams they manage."""
    if "admin" in account.roles:
        return [Scope("all", None, ALL_ORGANISATIONS)]
    regions, trusts, teams = _reached(account)
    return _as_scopes("region", regions) + _as_scopes("trust", trusts) + _as_scopes("team", teams)


def insight_scopes(account: Account) -> list[Scope]:
    """Every scope of aggregate training needs the account may see: widest kind first ("all",
    regions, ICSs, trusts, teams), each kind by name."""
    regions, trusts, teams = _reached(account)
    systems = [system for region in regions for system in region.systems]
    trusts = [trust for system in systems for trust in system.trusts] + trusts
    teams = [team for trust in trusts for team in trust.teams] + teams
    scopes = [Scope("all", None, ALL_ORGANISATIONS)] if "admin" in account.roles else []
    for kind, organisations in (("region", regions), ("ics", systems), ("trust", trusts), ("team", teams)):
        scopes += _as_scopes(kind, organisations)
    return scopes


def scopes_within(scope: Scope) -> list[Scope]:
    """The scopes one level down from ``scope`` (for a region, its ICSs and its trusts): whoever
    sees a scope sees every one of these."""
    if scope.kind == "all":
        return _as_scopes("region", db.session.scalars(select(Region)))
    if scope.kind == "region":
        systems = db.session.get(Region, scope.id).systems
        return _as_scopes("ics", systems) + _as_scopes("trust", [t for system in systems for t in system.trusts])
    if scope.kind == "ics":
        return _as_scopes("trust", db.session.get(IntegratedCareSystem, scope.id).trusts)
    if scope.kind == "trust":
        return _as_scopes("team", db.session.get(Trust, scope.id).teams)
    return []


def _region_of(kind: str, ident: int) -> int | None:
    """The id of the region an organisation of this kind is in."""
    if kind == "region":
        return ident
    query = select(IntegratedCareSystem.region_id)
    if kind in ("trust", "team"):
        query = query.join(Trust, Trust.system_id == IntegratedCareSystem.id)
    if kind == "team":
        query = query.join(Team, Team.trust_id == Trust.id).where(Team.id == ident)
    elif kind == "trust":
        query = query.where(Trust.id == ident)
    else:
        query = query.where(IntegratedCareSystem.id == ident)
    return db.session.scalar(query)


def reaches(account: Account, scope: Scope) -> bool:
    """Whether ``scope`` (an existing organisation, or everyone) is within the account's reach."""
    roles, person = account.roles, account.person
    if "admin" in roles:
        return True
    if person is None or scope.kind == "all":
        return False
    if "region_lead" in roles and _region_of(scope.kind, scope.id) == region_id(person.trust):
        return True
    return works_within(account, scope)


def works_within(account: Account, scope: Scope) -> bool:
    """Whether the account is in charge inside ``scope``: a trust admin of that trust (or of the
    team's trust), or a manager of that team. Only they see a trust's or a team's small counts;
    anyone looking in from above (a region lead, an admin) sees them withheld, as above trust level."""
    roles, person = account.roles, account.person
    if person is None:
        return False
    if scope.kind == "trust":
        return "trust_admin" in roles and scope.id == person.trust_id
    if scope.kind != "team":
        return False
    team = db.session.get(Team, scope.id)
    administered = "trust_admin" in roles and team.trust_id == person.trust_id
    return administered or ("manager" in roles and team in person.managed_teams)


def visible_scope(kind: str, ident: int | None) -> Scope:
    """The scope of that kind and id, when the signed-in account may see it: 403 for an account that
    sees no aggregates at all, 404 for a scope outside its reach or one that does not exist."""
    require(sees_insight(current_user))
    scope = find_scope(kind, ident)
    if scope is None or not reaches(current_user, scope):
        abort(404)
    note_read("scope", scope.id, kind=scope.kind)
    return scope


def import_trusts(account: Account) -> list[Trust]:
    """The trusts an account imports ESR staff lists and training completions into: every trust for
    an admin, their own for a trust admin, none for anyone else."""
    if "admin" in account.roles:
        return list(db.session.scalars(select(Trust).order_by(Trust.name)))
    if "trust_admin" in account.roles and account.person is not None:
        return [account.person.trust]
    return []
