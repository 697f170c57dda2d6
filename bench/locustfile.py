"""Simulated planner users for the load benchmark (``bench/load.py`` runs this with locust).

Each simulated user signs in as one of the demo accounts (many users share an account, as people
signed in on several devices do) and then, every 5 to 15 seconds, opens a page a person would:
their home, a self-assessment domain (sometimes saving a rating), their pathways, their plan as a
PDF and, for the manager, their teams. Now and then a user starts a new session and signs in
again. Nobody signs out: signing out ends every session of the account, and so those of every
other simulated user sharing it.

The users are locust's ``FastHttpUser``: its client takes a fraction of the CPU time of the
default one, and locust shares the machine with the server it measures.

Each request is named after the page, so the statistics read per page. A response counts as an
error when its status is not the one the page answers with, or when it lacks what the page shows.

Run by itself (with planner served in demo mode on the host)::

    locust -f bench/locustfile.py --headless -u 50 -r 10 --run-time 1m --host http://127.0.0.1:8000
"""

from __future__ import annotations

import itertools
import random
import re

from locust import FastHttpUser, between, task

from serving import DEMO_ACCOUNTS, DEMO_PASSWORD, PERSON_PATH, csrf_token  # bench/ is on the path: locust adds the locustfile's folder

MANAGER_ACCOUNTS = ("manager@demo.example",)
STAFF_ACCOUNTS = tuple(email for email in DEMO_ACCOUNTS if email not in MANAGER_ACCOUNTS)

DOMAIN_LINK = re.compile(r'href="(/people/\d+/assessment/[^"/?#]+)"')
LEVEL_FIELD = re.compile(r'name="(level_[A-Za-z0-9_]+)"')
PLAN_LINK = re.compile(r'href="/plans/(\d+)"')


class PlannerUser(FastHttpUser):
    """Someone signed in to planner as one of ``accounts``, taken in turn as users start."""

    abstract = True
    wait_time = between(5, 15)
    accounts: tuple[str, ...] = ()
    person_path = ""
    domains: list[str] = []
    plan_id: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._next_account = itertools.cycle(cls.accounts)

    def on_start(self) -> None:
        self.email = next(self._next_account)
        self.sign_in()
        self.find_pages()

    # -- the pages -----------------------------------------------------------------------------

    def sign_in(self) -> None:
        """The sign-in form, then the email and password with its CSRF token; a fresh session."""
        self.client.cookiejar.clear()
        with self.client.get("/sign-in", name="sign-in form", catch_response=True) as form:
            token = csrf_token(form.text)
            if form.status_code != 200 or not token:
                form.failure(f"sign-in form: status {form.status_code}, CSRF token {'found' if token else 'missing'}")
                return
        with self.client.post(
            "/sign-in", name="sign-in", data={"csrf_token": token, "email": self.email, "password": DEMO_PASSWORD},
            allow_redirects=False, catch_response=True,
        ) as signed:
            if signed.status_code != 302:
                signed.failure(f"sign-in as {self.email}: status {signed.status_code}, expected a redirect")
        with self.client.get("/me", name="my home (redirect)", allow_redirects=False, catch_response=True) as me:
            found = PERSON_PATH.search(me.headers.get("Location", ""))
            if me.status_code != 302 or not found:
                me.failure(f"/me did not lead to a person's home (status {me.status_code})")
                return
            self.person_path = f"/people/{found.group(1)}"

    def find_pages(self) -> None:
        """The domains to rate and the plan to print, read from the person's own pages."""
        if not self.person_path:
            return
        with self.client.get(f"{self.person_path}/assessment", name="self-assessment domains", catch_response=True) as page:
            self.domains = sorted(set(DOMAIN_LINK.findall(page.text)))
            if page.status_code != 200 or not self.domains:
                page.failure(f"self-assessment: status {page.status_code}, {len(self.domains)} domains listed")
        with self.client.get(f"{self.person_path}/plans", name="plans", catch_response=True) as page:
            plans = PLAN_LINK.findall(page.text)
            self.plan_id = plans[0] if plans else None
            if page.status_code != 200:
                page.failure(f"plans: status {page.status_code}")

    def page(self, path: str, name: str, expect: str) -> str:
        """GET a page; an error unless it answers 200 with ``expect`` in it. Returns its text."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code != 200 or expect not in response.text:
                response.failure(f"{name}: status {response.status_code}, {expect!r} {'found' if expect in response.text else 'missing'}")
            return response.text

    @task(4)
    def home(self) -> None:
        if self.person_path:
            self.page(self.person_path, "staff home", "Readiness is the share")

    @task(3)
    def assessment(self) -> None:
        """A domain page; one visit in three also saves a rating there, as the person's own."""
        if not self.domains:
            return
        domain = random.choice(self.domains)
        html = self.page(domain, "self-assessment domain", 'type="radio"')
        fields = LEVEL_FIELD.findall(html)
        if not fields or random.random() >= 1 / 3:
            return
        data = {"csrf_token": csrf_token(html), random.choice(fields): str(random.randint(0, 4))}
        with self.client.post(domain, name="self-assessment save", data=data, allow_redirects=False, catch_response=True) as saved:
            if saved.status_code != 302:
                saved.failure(f"saving a rating: status {saved.status_code}, expected a redirect")

    @task(2)
    def pathways(self) -> None:
        if self.person_path:
            self.page(f"{self.person_path}/pathways", "pathways", "Roles one move away")

    @task(1)
    def plan_pdf(self) -> None:
        if self.plan_id is None:
            return
        with self.client.get(f"/plans/{self.plan_id}/plan.pdf", name="plan PDF", catch_response=True) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"plan PDF: status {response.status_code}, {response.headers.get('Content-Type')}")

    @task(1)
    def new_session(self) -> None:
        """Come back another day: a new session, signed in afresh."""
        self.sign_in()


class StaffUser(PlannerUser):
    """A member of staff looking at their own record."""

    weight = 4
    accounts = STAFF_ACCOUNTS


class ManagerUser(PlannerUser):
    """A manager, who also looks at their teams."""

    weight = 1
    accounts = MANAGER_ACCOUNTS

    @task(4)
    def teams(self) -> None:
        self.page("/teams", "team view", "Members of")
