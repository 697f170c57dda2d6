"""The access rules, as a matrix: every route × every kind of account × whose record it is, GET and POST.

Every refused cell answers 403 or 404, shows nothing of the person, and changes no row. The
routes are read from the app, so a new route fails ``test_every_route_is_in_the_matrix`` until it
is classified here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import MentorRequest, Person, Plan, Rating
from tests.web.conftest import MANAGERS, PEOPLE, row_counts, sign_in

PUBLIC = {"home.index", "assets.asset", "static", "auth.sign_in", "explore.roles", "explore.role", "quiz.quiz"}
# Pages that name no one in their address; those for managers or trust admins alone refuse others
# with 403, and each feature's tests check who sees what on them.
SIGNED_IN = {
    "staff.home", "auth.sign_out", "manager.teams", "checkins.team_checkins",
    "secondments.index", "secondments.new", "secondments.plan", "imports.index",
    "quiz.save", "quiz.saved",
}
# Pages about one person, by who may do what: GET by anyone who can see the person; POST by
# the person ("self"), by a manager of theirs ("manager"), or by either ("self or manager").
PERSON_ROUTES = {
    # endpoint: (path after the person's id or None for a plan route, GET rule, POST rule)
    "staff.person_home": ("", "see", None),
    "assessment.domains": ("/assessment", "see", None),
    "assessment.domain": ("/assessment/ROT", "see", "self"),
    "assessment.history": ("/history/ROT-01", "see", None),
    "needs.needs": ("/needs", "see", "self"),
    "pathways.pathways": ("/pathways", "see", None),
    "pathways.set_target": ("/target", None, "self"),
    "plans.plans": ("/plans", "see", None),
    "plans.create": ("/plans", None, "self"),
    "manager.validate": ("/validate", "manager", "manager"),
    "plans.plan": (None, "see", None),
    "plans.agree": (None, None, "self or manager"),
    "printing.plan_pdf": (None, "see", None),
    "printing.print_view": (None, "see", None),
    "cover.task_sharing": ("/task-sharing", "see", "self"),
    "checkins.person_checkins": ("/checkins", "see", "manager"),
    "training.training": ("/training", "see", "self or manager"),
    "mentors.mentoring": ("/mentoring", "see", "self"),
    "mentors.find": ("/mentors", "self", None),
    "mentors.request_mentor": ("/mentors/request", None, "self"),
    "recognition.achievements": ("/achievements", "see", None),
    "recognition.certificate": ("/achievements/certificate.pdf", "see", None),
    "recognition.badge": ("/achievements/ROT-01.json", "see", None),
    "qualifications.qualifications": ("/qualifications", "see", "self or manager"),
    "qualifications.remove": ("/qualifications/remove", None, "self or manager"),
}
PLAN_PATHS = {"plans.plan": "", "plans.agree": "/agree", "printing.plan_pdf": "/plan.pdf", "printing.print_view": "/print"}
# Printing many plans: the form is for managers and trust admins (403 for others); a job is for
# the account that started it and anyone who could start it now, and does not exist for others (404).
PRINT_ROUTES = {"print_jobs.print_plans", "print_jobs.job", "print_jobs.status", "print_jobs.retry", "print_jobs.download"}
PRINTERS = {"manager", "other_manager", "far_manager", "trust_admin"}
JOB_PATHS = {"print_jobs.job": ("GET", ""), "print_jobs.status": ("GET", "/status.json"), "print_jobs.download": ("GET", "/download"), "print_jobs.retry": ("POST", "/retry")}
# A team's cover: for its managers and its trust's admins; to everyone else the team is not there (404).
TEAM_ROUTES = {"cover.cover": "/cover"}
# One secondment: seen by people in its region and by whoever may post for its host team (404 for
# others); interest by the person themselves; a place confirmed by the person's manager or trust
# admin. tests/web/test_secondments.py checks every one of these cells.
SECONDMENT_ROUTES = {"secondments.opportunity", "secondments.interest", "secondments.withdraw", "secondments.confirm"}
# Answering a mentoring request: the mentor asked accepts or declines, the person who asked
# withdraws (a wrong action of theirs is refused with a message, not a status); anyone else who
# can see either of them is refused (403); to everyone else the request does not exist (404).
MENTOR_REQUEST_ROUTES = {"mentors.answer"}
MENTOR_REQUEST_ACTIONS = ("accept", "decline", "withdraw")
# Training needs in aggregate: a scope in reach is seen, one outside it does not exist (404);
# accounts that see no aggregates at all are refused every page (403).
# tests/web/test_insight.py checks what each page shows.
INSIGHT_ROUTES = {"insight.index", "insight.needs", "insight.commissioning", "insight.download"}
INSIGHT_PATHS = ("", "/commissioning", "/modules.csv", "/heatmap.xlsx")
SEEKER, MENTOR = "staff", "other_trust"
PRINCIPALS = ["anonymous", *[name for name, (_, _, roles) in PEOPLE.items() if roles]]
TARGETS = ["staff", "other_team", "other_trust"]
SECRET_NAME = "Zelda Quarterman"


def test_every_route_is_in_the_matrix(web_app):
    endpoints = {rule.endpoint for rule in web_app.url_map.iter_rules()}
    assert endpoints == (
        PUBLIC | SIGNED_IN | set(PERSON_ROUTES) | PRINT_ROUTES | set(TEAM_ROUTES) | SECONDMENT_ROUTES | MENTOR_REQUEST_ROUTES
        | INSIGHT_ROUTES
    )
    assert set(JOB_PATHS) == PRINT_ROUTES - {"print_jobs.print_plans"}


def relation(principal: str, target: str) -> set[str]:
    """What ``principal`` is to ``target``: themselves, their manager, their trust admin."""
    team = PEOPLE[target][0]
    kinds = set()
    if principal == target:
        kinds.add("self")
    if MANAGERS[team] == principal and principal != target:
        kinds.add("manager")
    if "trust_admin" in PEOPLE[principal][2] and PEOPLE[principal][0][0] == team[0]:
        kinds.add("trust_admin")
    return kinds


def expected(rule: str | None, kinds: set[str]) -> str:
    """"allowed", or the refusal: 403 for someone who can see the person, else 404."""
    if rule == "see":
        allowed = bool(kinds)
    else:
        allowed = bool(kinds & set(rule.split(" or ")))
    return "allowed" if allowed else (403 if kinds else 404)


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


def cells(world, plans):
    """Every (target person, endpoint, method, URL, rule) of the matrix."""
    for target in TARGETS:
        for endpoint, (path, get_rule, post_rule) in PERSON_ROUTES.items():
            if path is None:
                url = f"/plans/{plans[target]}{PLAN_PATHS[endpoint]}"
            else:
                url = f"/people/{world.person[target]}{path}"
            for method, rule in (("GET", get_rule), ("POST", post_rule)):
                if rule:
                    yield target, endpoint, method, url, rule


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_access_matrix(web_app, world, plans, principal):
    """One account against the records of a person in its team, in another team and in another trust."""
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    wrong = []
    for target, endpoint, method, url, rule in cells(world, plans):
        kinds = relation(principal, target) if principal != "anonymous" else set()
        before = row_counts(web_app) if method == "POST" else None
        response = client.open(url, method=method, data={})
        body = response.get_data().decode(errors="replace")  # a PDF download is not text
        if principal == "anonymous":
            want = "sign-in"
            ok = response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        else:
            want = expected(rule, kinds)
            if want == "allowed":
                ok = response.status_code in (200, 302, 400, 409)
            else:
                # The header names the signed-in person, so only someone else's name is a leak.
                ok = response.status_code == want and (principal == target or f"{SECRET_NAME} {target}" not in body)
        if ok and method == "POST" and want != "allowed":
            ok = row_counts(web_app) == before
        if not ok:
            wrong.append(f"{method} {url} ({endpoint}, {target}'s): wanted {want}, got {response.status_code}")
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


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_only_managers_and_trust_admins_may_print(web_app, world, principal, tmp_path):
    web_app.config.update(PLANNER_JOBS_MODE="inline", PLANNER_PRINT_JOBS_DIR=str(tmp_path / "print-jobs"))
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    before = row_counts(web_app)
    for method in ("GET", "POST"):
        response = client.open("/print-plans", method=method, data={"scope": f"team-{world.team['A1']}", "format": "pdf"})
        if principal == "anonymous":
            assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        elif principal in PRINTERS:
            assert response.status_code in (200, 302, 400), (method, response.status_code)
        else:
            assert response.status_code == 403, (method, response.status_code)
    if principal not in PRINTERS:
        assert row_counts(web_app) == before


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


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_a_teams_cover_is_for_its_managers_and_its_trust_admins(web_app, world, principal):
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    for team, manager in MANAGERS.items():
        for endpoint, path in TEAM_ROUTES.items():
            response = client.get(f"/teams/{world.team[team]}{path}")
            if principal == "anonymous":
                assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
                continue
            admin = "trust_admin" in PEOPLE[principal][2] and PEOPLE[principal][0][0] == team[0]
            want = 200 if principal == manager or admin else 404
            assert response.status_code == want, (principal, team, endpoint, response.status_code)


@pytest.fixture
def mentor_request(web_app, world):
    """The id of a request from staff (trust A) to other_trust (trust B), waiting for an answer."""
    with web_app.app_context():
        asked = MentorRequest(seeker_id=world.person[SEEKER], mentor_id=world.person[MENTOR], competency_id="ROT-01")
        db.session.add(asked)
        db.session.commit()
        return asked.id


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


# Importing from ESR: for trust admins (into their own trust) and admins (any trust); 403 for others.
IMPORTERS = {"trust_admin", "admin"}


@pytest.mark.parametrize("principal", PRINCIPALS)
def test_only_trust_admins_and_admins_import(web_app, world, principal):
    client = web_app.test_client()
    if principal != "anonymous":
        sign_in(client, world, principal)
    before = row_counts(web_app)
    for method in ("GET", "POST"):
        response = client.open("/imports", method=method, data={"kind": "staff", "action": "import"})
        if principal == "anonymous":
            assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        elif principal in IMPORTERS:
            assert response.status_code in (200, 400), (method, response.status_code)
        else:
            assert response.status_code == 403, (method, response.status_code)
    assert row_counts(web_app) == before


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
