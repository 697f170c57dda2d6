"""The access rules, as a matrix: every route × every kind of account × whose record it is × method.

What each cell should answer is read from the permission table (``planner.web.permissions``):
the roles a row names and the scope it gives, which ``SCOPE_ANSWERS`` below turns into "allowed",
403 or 404 for each account of the test world. Every refused cell answers 403 or 404 (an
anonymous one is sent to sign in), shows nothing of the person, changes no row and writes exactly
one audit event. The routes are read from the app, so a new route fails
``test_every_route_is_classified`` until the table has a row for it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import url_for
from sqlalchemy import func, select

from planner.db import db
from planner.models import Account, AuditEvent, MentorRequest, Person, Plan, PrintJob, Rating, SecondmentOpportunity, Team
from planner.web import permissions as table
from planner.web.permissions import PERMISSIONS, PUBLIC, SCOPES
from tests.web.conftest import MANAGERS, PEOPLE, row_counts, sign_in

SEEKER, MENTOR = "staff", "other_trust"
ACCOUNTS = [name for name, (_, _, roles) in PEOPLE.items() if roles]
# Beyond the world's accounts: a client holding the live cookie of an account since deactivated,
# and the manager of team A1 removed from its managers after signing in.
DEACTIVATED, MOVED = "deactivated", "moved_manager"
PRINCIPALS = ["anonymous", *ACCOUNTS]
MATRIX_PRINCIPALS = [*PRINCIPALS, DEACTIVATED, MOVED]
TARGETS = ["staff", "other_team", "other_trust"]
SECRET_NAME = "Zelda Quarterman"
ALLOWED = "allowed"
ANSWERED = (200, 302, 400, 409)
"""What an allowed request may answer: the page, a redirect after saving, or a form's error."""
NOT_FOUND_WHEN_ALLOWED = {"quiz.save": "the small framework has no quiz to save"}

# Which scopes of aggregate training needs each account reaches, in the world's organisations
# (trust A in region A, trust B in region B; the region lead and trust admin work in trust A).
INSIGHT_REACH = {
    "admin": {"all", "region-A", "ics-A", "trust-A", "team-A1", "team-A2", "region-B", "ics-B", "trust-B", "team-B1"},
    "region_lead": {"region-A", "ics-A", "trust-A", "team-A1", "team-A2"},
    "trust_admin": {"trust-A", "team-A1", "team-A2"},
    "manager": {"team-A1"},
    "other_manager": {"team-A2"},
    "far_manager": {"team-B1"},
}
INSIGHT_SCOPES = sorted(INSIGHT_REACH["admin"])


def roles_of(principal: str) -> set[str]:
    """The account roles a principal holds (the moved manager keeps theirs)."""
    return set(PEOPLE["manager" if principal == MOVED else principal][2])


def managers_of(team: str, principal: str) -> set[str]:
    """Who manages ``team`` as ``principal`` sees the world: the moved manager manages nothing."""
    return {MANAGERS[team]} - ({"manager", MOVED} if principal == MOVED else set())


def relation(principal: str, target: str) -> set[str]:
    """What ``principal`` is to ``target``: themselves, their manager, their trust admin."""
    team = PEOPLE[target][0]
    kinds = set()
    if principal == target:
        kinds.add("self")
    if principal in managers_of(team, principal) and principal != target:
        kinds.add("manager")
    if "trust_admin" in roles_of(principal) and PEOPLE[principal][0][0] == team[0]:
        kinds.add("trust_admin")
    return kinds


def in_charge(principal: str, team: str) -> bool:
    """Whether the principal manages ``team`` or is a trust admin of its trust."""
    return principal in managers_of(team, principal) or ("trust_admin" in roles_of(principal) and PEOPLE[principal][0][0] == team[0])


def person_rule(*kinds: str) -> Callable:
    """The answer of a person's page open to these relations: 403 for others who see the person,
    404 for anyone else."""

    def answer(principal: str, target: str, args: dict) -> str | int:
        seen = relation(principal, target)
        return ALLOWED if seen & set(kinds) else (403 if seen else 404)

    return answer


def sees_person(principal: str, target: str, args: dict) -> str | int:
    return ALLOWED if relation(principal, target) else 404


def releases(principal: str, target: str, args: dict) -> str | int:
    seen = relation(principal, target)
    return ALLOWED if seen & {"manager", "trust_admin"} else (403 if seen else 404)


def team_in_address(principal: str, target: str, args: dict) -> str | int:
    return ALLOWED if in_charge(principal, PEOPLE[target][0]) else 404


def posting(principal: str, target: str, args: dict) -> str | int:
    return ALLOWED if any(in_charge(principal, team) for team in MANAGERS) else 403


def print_job(principal: str, target: str, args: dict) -> str | int:
    """The job was started by the manager of team A1, which the trust admin of trust A may print too."""
    return ALLOWED if principal in ("manager", MOVED, "trust_admin") else 404


def opportunity(principal: str, target: str, args: dict) -> str | int:
    """The opportunity is hosted by team A1, open to everyone in region A."""
    return ALLOWED if PEOPLE["manager" if principal == MOVED else principal][0][0] == "A" else 404


def mentor_request(principal: str, target: str, args: dict) -> str | int:
    if principal in (SEEKER, MENTOR):
        return ALLOWED
    return 403 if relation(principal, SEEKER) | relation(principal, MENTOR) else 404


def insight(principal: str, target: str, args: dict) -> str | int:
    reach = None if principal == MOVED else INSIGHT_REACH.get(principal)
    if not reach:
        return 403
    if "kind" not in args:
        return ALLOWED
    return ALLOWED if f"team-{PEOPLE[target][0]}" in reach else 404


def accounts(principal: str, target: str, args: dict) -> str | int:
    if "account_id" not in args or "admin" in roles_of(principal):
        return ALLOWED
    return ALLOWED if relation(principal, target) & {"trust_admin"} else 404


def data_rights(principal: str, target: str, args: dict) -> str | int:
    if "admin" in roles_of(principal) or "trust_admin" in relation(principal, target):
        return ALLOWED
    return 403 if relation(principal, target) else 404


def allowed(principal: str, target: str, args: dict) -> str:
    """The account's roles alone decide (the table's role check)."""
    return ALLOWED


# What each scope of the table answers each principal of the world: one function per scope, so a
# new scope fails test_every_scope_has_an_answer until its answer is written here.
SCOPE_ANSWERS: dict[str, Callable] = {
    table.SIGNED_IN: allowed,
    table.OWN: allowed,
    table.OWN_TEAMS: allowed,
    table.SEES_PERSON: sees_person,
    table.SELF: person_rule("self"),
    table.MANAGER: person_rule("manager"),
    table.SELF_OR_MANAGER: person_rule("self", "manager"),
    table.RELEASER: releases,
    table.TEAM: team_in_address,
    table.POSTING: posting,
    table.PRINTABLE: allowed,
    table.PRINT_JOB: print_job,
    table.SECONDMENT_PLANNER: allowed,
    table.OPPORTUNITY: opportunity,
    table.MENTOR_REQUEST: mentor_request,
    table.INSIGHT: insight,
    table.IMPORTS: allowed,
    table.ACCOUNTS: accounts,
    table.DATA_RIGHTS: data_rights,
}


def expected(endpoint: str, method: str, principal: str, target: str, args: dict) -> str | int:
    """What the table says the cell answers: "open" (public), "sign-in", "allowed", 403 or 404."""
    cell = PERMISSIONS[endpoint][method]
    if cell.scope == PUBLIC:
        return "open"
    if principal in ("anonymous", DEACTIVATED):
        return "sign-in"
    if cell.roles.isdisjoint(roles_of(principal)):
        return 403
    return SCOPE_ANSWERS[cell.scope](principal, target, args)


def test_every_route_is_classified(web_app):
    """The app's routes and the table's rows are the same, method for method."""
    routes: dict[str, set[str]] = {}
    for rule in web_app.url_map.iter_rules():
        routes.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    problems = [
        f'{endpoint} answers {", ".join(sorted(methods))} but has no row for '
        f'{", ".join(sorted(methods - set(PERMISSIONS.get(endpoint, {}))))}: add '
        f'"{endpoint}": {{"GET": allow(SCOPE, "role", ...), ...}} to PERMISSIONS in planner/web/permissions.py'
        for endpoint, methods in sorted(routes.items())
        if methods - set(PERMISSIONS.get(endpoint, {}))
    ]
    problems += [
        f"{endpoint} has a row for {method}, which no route of the app answers: remove it from PERMISSIONS"
        for endpoint, cells in sorted(PERMISSIONS.items())
        for method in sorted(cells)
        if method not in routes.get(endpoint, set())
    ]
    assert not problems, "\n".join(problems)


def test_every_scope_has_an_answer_and_every_row_a_known_scope_and_roles():
    assert set(SCOPE_ANSWERS) == set(SCOPES) - {PUBLIC}, "add the new scope's answer to SCOPE_ANSWERS"
    for endpoint, cells in PERMISSIONS.items():
        for method, cell in cells.items():
            assert cell.scope in SCOPES, (endpoint, method)
            assert cell.roles and cell.roles <= table.EVERY_ROLE, (endpoint, method)


@pytest.fixture
def plans(web_app, world):
    """A draft plan for each target person, made by themselves; its id by person name."""
    for name in TARGETS:
        client = web_app.test_client()
        sign_in(client, world, name)
        assert client.post(f"/people/{world.person[name]}/plans", data={"target": "", "route": "0"}).status_code == 302
    with web_app.app_context():
        for name in TARGETS:
            db.session.get(Person, world.person[name]).name = f"{SECRET_NAME} {name}"
            # A validated level 3: an achievement, so the certificate and credential exist.
            manager = world.person[MANAGERS[PEOPLE[name][0]]]
            db.session.add(Rating(person_id=world.person[name], competency_id="ROT-01", level=3, rater="manager", rated_by_id=manager))
        db.session.commit()
        return {name: db.session.scalar(select(Plan.id).where(Plan.person_id == world.person[name])) for name in TARGETS}


@pytest.fixture
def records(web_app, world, plans, tmp_path) -> dict[str, int]:
    """One of every record an address can name, besides people and plans: a finished print job of
    team A1 started by its manager, an open secondment hosted by team A1, and a mentoring request
    from staff (trust A) to other_trust (trust B)."""
    web_app.config.update(PLANNER_JOBS_MODE="inline", PLANNER_PRINT_JOBS_DIR=str(tmp_path / "print-jobs"))
    client = web_app.test_client()
    sign_in(client, world, "manager")
    assert client.post("/print-plans", data={"scope": f"team-{world.team['A1']}", "format": "zip"}).status_code == 302
    with web_app.app_context():
        opening = SecondmentOpportunity(
            host_team_id=world.team["A1"], role_id="lead", title="Acting rota lead", starts_on=date(2027, 1, 4),
            months=6, posted_by_id=world.account["manager"],
        )
        asked = MentorRequest(seeker_id=world.person[SEEKER], mentor_id=world.person[MENTOR], competency_id="ROT-01")
        db.session.add_all([opening, asked])
        db.session.commit()
        job = db.session.scalar(select(PrintJob.id).where(PrintJob.status == "done"))
        return {"job_id": job, "opportunity_id": opening.id, "request_id": asked.id}


def url_args(rule, world, plans, records, target: str) -> dict:
    """The arguments of a route's address for a cell about ``target``: their person, plan, team,
    account, and the world's other records."""
    team = PEOPLE[target][0]
    known = {
        "person_id": world.person[target],
        "plan_id": plans[target],
        "team_id": world.team[team],
        "trust_id": world.trust[team[0]],
        "account_id": world.account[target],
        "ident": world.team[team],
        "domain_id": "ROT",
        "competency_id": "ROT-01",
        "role_id": "rota",
        "table": "modules",
        "file_format": "csv",
        "action": "accept",
        "filename": "nhsuk-frontend-10.6.1.min.css",
        "kind": "team" if rule.endpoint.startswith("insight.") else "json",
        **records,
    }
    missing = rule.arguments - set(known) - set(rule.defaults or {})
    assert not missing, f"{rule.endpoint}: say in url_args which record {', '.join(sorted(missing))} names"
    query = {"person": world.person[target]} if rule.endpoint == "rights.retention" else {}  # the page it returns to
    return {name: known[name] for name in rule.arguments if name not in (rule.defaults or {})} | query


def matrix_cells(app, world, plans, records):
    """Every (endpoint, method, target, URL, address arguments) of the matrix: one target when the
    address names no one, else each target; signing out comes last."""
    return sorted(_cells(app, world, plans, records), key=lambda cell: cell[:2] == ("auth.sign_out", "POST"))


def _cells(app, world, plans, records):
    seen = set()
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule)):
            if rule.defaults:  # the "/all" form of an insight page: the same endpoint as a scope's
                continue
            for target in TARGETS:
                args = url_args(rule, world, plans, records, target)
                url = url_for(rule.endpoint, **args)
                for method in sorted(PERMISSIONS[rule.endpoint]):
                    if (method, url) not in seen:
                        seen.add((method, url))
                        yield rule.endpoint, method, target, url, args


def refusals(app, *, count: bool = False, after: int = 0):
    """The audit's refusal events after the first ``after`` of them, or how many there are."""
    query = select(AuditEvent).where(AuditEvent.action == "refused")
    with app.app_context():
        if count:
            return db.session.scalar(select(func.count()).select_from(query.subquery()))
        return list(db.session.scalars(query.order_by(AuditEvent.id).offset(after)))


def become(app, world, principal: str):
    """A client signed in as the principal; the deactivated and moved accounts are changed in the
    database after signing in, their cookie kept."""
    client = app.test_client()
    if principal == "anonymous":
        return client
    sign_in(client, world, {DEACTIVATED: "peer", MOVED: "manager"}.get(principal, principal))
    with app.app_context():
        if principal == DEACTIVATED:
            db.session.get(Account, world.account["peer"]).active = False
        if principal == MOVED:
            team = db.session.get(Team, world.team["A1"])
            team.managers.remove(db.session.get(Person, world.person["manager"]))
        db.session.commit()
    return client


def signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("principal", MATRIX_PRINCIPALS)
def test_access_matrix(web_app, world, plans, records, principal):
    """Every route and method, against the records of a person in the principal's team, in another
    team and in another trust: what the table says, one audit event for each refusal, nothing of
    the person shown and no row changed."""
    client = become(web_app, world, principal)
    account_id = world.account.get({DEACTIVATED: None, MOVED: "manager"}.get(principal, principal))
    wrong = []
    for endpoint, method, target, url, args in matrix_cells(web_app, world, plans, records):
        want = expected(endpoint, method, principal, target, args)
        counts = row_counts(web_app) if want not in ("open", ALLOWED) else None
        refused_before = refusals(web_app, count=True)
        data = {"person_id": world.person[target]}  # the person a secondment place is confirmed for
        with client.open(url, method=method, data=data) as response:
            status, body = response.status_code, response.get_data().decode(errors="replace")
            went_to_sign_in = signed_out(response)
        new = refusals(web_app, after=refused_before)
        if want == "open":
            ok = status not in (401, 403) and not went_to_sign_in and not new
        elif want == ALLOWED:
            # Signing out ends on the sign-in page.
            answered = status in ANSWERED and (not went_to_sign_in or endpoint == "auth.sign_out")
            ok = (answered and not new) or (status == 404 and endpoint in NOT_FOUND_WHEN_ALLOWED)
            # The session of a manager moved off a team may have been ended by the move.
            ok = ok or (principal == MOVED and went_to_sign_in)
        else:
            # A moved manager may have been signed out by the move: refused just the same.
            ok = (went_to_sign_in if want == "sign-in" else status == want) or (principal == MOVED and went_to_sign_in)
            ok = ok and (principal == target or not any(text in body for text in (f"{SECRET_NAME} {target}", world.email(target))))
            # Refusal (and read) events aside, no table gained or lost a row.
            ok = ok and counts == row_counts(web_app) and len(new) == 1
            ok = ok and new[0].detail == {"endpoint": endpoint, "method": method, "status": status, "path": url.partition("?")[0]}
            ok = ok and new[0].account_id == (None if went_to_sign_in else account_id)
        if not ok:
            events = [(event.account_id, event.detail) for event in new]
            wrong.append(f"{method} {url} ({endpoint}, {target}'s): wanted {want}, got {status}; refusals recorded: {events}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("principal", PRINCIPALS[1:])
def test_the_team_page_lists_only_teams_the_account_manages(web_app, world, plans, principal):
    client = web_app.test_client()
    sign_in(client, world, principal)
    response = client.get("/teams")
    if "manager" not in PEOPLE[principal][2]:
        assert response.status_code == 403
        return
    body = response.get_data(as_text=True)
    managed = {team for team, manager in MANAGERS.items() if manager == principal}
    for name in TARGETS:
        shown = f"{SECRET_NAME} {name}" in body
        assert shown == (PEOPLE[name][0] in managed), f"{principal} sees {name}: {shown}"


def test_an_id_too_large_for_the_database_is_simply_not_found(web_client, world):
    sign_in(web_client, world, "staff")
    assert web_client.get("/people/99999999999999999999").status_code == 404
    assert web_client.get("/plans/0").status_code == 404


@pytest.fixture
def print_jobs(web_app, world, tmp_path):
    """Two jobs of team A1 started by its manager, run inline: one done (its file written), one
    failed; their ids by status."""
    from planner.models import PrintJob

    web_app.config.update(PLANNER_JOBS_MODE="inline", PLANNER_PRINT_JOBS_DIR=str(tmp_path / "print-jobs"))
    client = web_app.test_client()
    sign_in(client, world, "manager")
    assert client.post("/print-plans", data={"scope": f"team-{world.team['A1']}", "format": "zip"}).status_code == 302
    with web_app.app_context():
        failed = PrintJob(account_id=world.account["manager"], team_id=world.team["A1"], format="pdf", status="failed", error="Broken")
        db.session.add(failed)
        db.session.commit()
        done = db.session.scalar(select(PrintJob.id).where(PrintJob.status == "done"))
        return {"done": done, "failed": failed.id}


@pytest.mark.parametrize(
    ("principal", "scopes"),
    [
        ("manager", ["team-A2", "team-B1", "trust-A", "trust-B"]),
        ("far_manager", ["team-A1", "trust-A", "trust-B"]),
        ("trust_admin", ["team-B1", "trust-B"]),
    ],
)
def test_no_one_prints_plans_beyond_their_teams_or_trust(web_app, world, principal, scopes):
    client = web_app.test_client()
    sign_in(client, world, principal)
    before = row_counts(web_app)
    for scope in scopes:
        kind, name = scope.split("-")
        ident = world.team[name] if kind == "team" else world.trust[name]
        response = client.post("/print-plans", data={"scope": f"{kind}-{ident}", "format": "pdf"})
        assert response.status_code == 400, scope
        assert "Choose one of the teams listed" in response.get_data(as_text=True)
    assert row_counts(web_app) == before


JOB_PATHS = {"print_jobs.job": ("GET", ""), "print_jobs.status": ("GET", "/status.json"), "print_jobs.download": ("GET", "/download"), "print_jobs.retry": ("POST", "/retry")}


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_a_job_is_only_for_who_started_it_or_could_start_it(web_app, world, print_jobs, principal):
    """The manager of team A1 started both jobs; the trust admin of trust A may print team A1 too."""
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    allowed = principal in ("manager", "trust_admin")
    wrong = []
    for endpoint, (method, path) in JOB_PATHS.items():
        for status, job_id in print_jobs.items():
            before = row_counts(web_app)
            with client.open(f"/print-jobs/{job_id}{path}", method=method) as response:
                body = response.get_data()
            if principal == "anonymous":
                ok = response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
            elif not allowed:
                ok = response.status_code == 404 and b"Team A1" not in body and row_counts(web_app) == before
            elif endpoint == "print_jobs.download":
                ok = response.status_code == (200 if status == "done" else 404)
            else:
                ok = response.status_code in (200, 302)
            if not ok:
                wrong.append(f"{method} {endpoint} of the {status} job: got {response.status_code}")
    assert not wrong, "\n".join(wrong)


@pytest.fixture
def mentor_request(web_app, world):
    """The id of a request from staff (trust A) to other_trust (trust B), waiting for an answer."""
    with web_app.app_context():
        asked = MentorRequest(seeker_id=world.person[SEEKER], mentor_id=world.person[MENTOR], competency_id="ROT-01")
        db.session.add(asked)
        db.session.commit()
        return asked.id


MENTOR_REQUEST_ACTIONS = ("accept", "decline", "withdraw")


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_a_mentoring_request_is_answered_only_by_its_two_people(web_app, world, mentor_request, principal):
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    kinds = set() if principal == "anonymous" else relation(principal, SEEKER) | relation(principal, MENTOR)
    wrong = []
    for action in MENTOR_REQUEST_ACTIONS:
        before = row_counts(web_app)
        response = client.post(f"/mentor-requests/{mentor_request}/{action}")
        if principal == "anonymous":
            want, ok = "sign-in", response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        elif principal in (SEEKER, MENTOR):
            want, ok = "allowed", response.status_code == 302
        else:
            want = 403 if kinds else 404
            ok = response.status_code == want
        if ok and want != "allowed":
            ok = row_counts(web_app) == before
        if not ok:
            wrong.append(f"POST {action}: wanted {want}, got {response.status_code}")
    assert not wrong, "\n".join(wrong)


INSIGHT_PATHS = ("", "/commissioning", "/modules.csv", "/heatmap.xlsx")


def insight_urls(web_app, world) -> dict[str, tuple[str, str]]:
    """Each scope of the world: its address and the name its pages show."""
    from planner.models import IntegratedCareSystem, Region

    with web_app.app_context():
        ids = {
            **{f"team-{name}": ident for name, ident in world.team.items()},
            **{f"trust-{name}": ident for name, ident in world.trust.items()},
            **{f"ics-{s.name[-1]}": s.id for s in db.session.scalars(select(IntegratedCareSystem))},
            **{f"region-{r.name[-1]}": r.id for r in db.session.scalars(select(Region))},
        }
    urls = {"all": ("/insight/all", "All organisations")}
    for scope, ident in ids.items():
        kind, name = scope.split("-")
        shown = {"team": f"Team {name}", "trust": f"Trust {name}", "ics": f"System {name}", "region": f"Region {name}"}[kind]
        urls[scope] = (f"/insight/{kind}/{ident}", shown)
    return urls


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_training_needs_in_aggregate_are_seen_only_within_reach(web_app, world, principal):
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    reach = INSIGHT_REACH.get(principal)
    wrong = []
    urls = insight_urls(web_app, world)
    for scope in [*INSIGHT_SCOPES, "missing"]:
        base, name = urls.get(scope, ("/insight/trust/99999", "no such trust"))
        for path in INSIGHT_PATHS:
            response = client.get(base + path)
            body = response.get_data().decode(errors="replace")
            if principal == "anonymous":
                want, ok = "sign-in", response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
            elif reach is None:
                want, ok = 403, response.status_code == 403
            elif scope in reach:
                want, ok = 200, response.status_code == 200
            else:
                want, ok = 404, response.status_code == 404 and name not in body
            if not ok:
                wrong.append(f"GET {base}{path} ({scope}): wanted {want}, got {response.status_code}")
    response = client.get("/insight")
    if principal == "anonymous":
        ok = response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    else:
        ok = response.status_code == (403 if reach is None else 302)
    if not ok:
        wrong.append(f"GET /insight: got {response.status_code}")
    assert not wrong, "\n".join(wrong)
