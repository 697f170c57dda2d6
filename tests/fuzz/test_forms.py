"""Fuzzing every form the app shows: no submission, however mangled, gets an answer of 500 or
more, and a submission the app refuses changes no row.

The forms are found by crawling the app as each kind of account (``crawl.py``), not listed by
hand, and a test fails when an endpoint accepts POST but no page shows a form for it.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from planner import create_app
from tests.conftest import TEST_DATABASE_URL
from tests.fuzz.conftest import CI, changed_tables, fingerprint, fuzz_config, make_fuzz_app, reset_world, signed_in_client
from tests.fuzz.crawl import crawl, form_at, post_endpoints
from tests.fuzz.html_forms import read_page
from tests.fuzz.strategies import submissions


# Each accepted example puts the seeded SQLite file back, which takes milliseconds; rebuilding a
# PostgreSQL schema instead would take the run past an hour. The forms and views are the same on
# both databases, and the checks that differ between them (NUL characters, ids past 2**31) are
# made before any query.
pytestmark = pytest.mark.skipif(
    bool(TEST_DATABASE_URL), reason="the fuzz suite runs on SQLite only: it restores the seeded database file after each accepted example"
)


def app_endpoints() -> dict[str, str]:
    """The endpoints that accept POST in the app as built now, with their rules."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        return post_endpoints(create_app(fuzz_config("sqlite://", Path(folder))))


POST_ENDPOINTS = app_endpoints()


@pytest.fixture(scope="session")
def found(tmp_path_factory):
    """The forms every kind of account finds in a world of their own (on SQLite: the crawl only
    says which page shows which form, and the same world gets the same ids everywhere)."""
    folder = tmp_path_factory.mktemp("crawl")
    app = make_fuzz_app("sqlite:///" + str(folder / "crawl.db"), folder)
    try:
        return crawl(app)
    finally:
        with app.app_context():
            from planner.db import db

            db.engine.dispose()


def test_every_endpoint_that_accepts_post_has_a_form_the_suite_fuzzes(found):
    missing = {endpoint: rule for endpoint, rule in POST_ENDPOINTS.items() if endpoint not in found.sites}
    assert not missing, (
        "These endpoints accept POST but no page the crawl reached shows a form for them, so they are not fuzzed:\n"
        + "\n".join(f"  {endpoint} ({rule})" for endpoint, rule in sorted(missing.items()))
        + "\nLink the page with the form from a page already reached, or give it something to act on in "
        "tests/fuzz/conftest.py seed(); a form reached only by posting another goes in crawl.SUBMITTED."
    )


def test_every_page_the_crawl_reached_rendered(found):
    assert not found.broken, "These pages failed while the fuzz suite looked for forms:\n" + "\n".join(found.broken)


def rejected(response) -> bool:
    """Whether the app refused the submission: a 4xx, or the form again with an error summary."""
    if 400 <= response.status_code < 500:
        return True
    return response.status_code == 200 and response.mimetype == "text/html" and read_page(response.get_data(as_text=True)).has_error_summary


@pytest.mark.parametrize("endpoint", sorted(POST_ENDPOINTS))
def test_fuzzing_a_form_never_fails_and_a_refusal_changes_nothing(endpoint, found, database_url, tmp_path, renders):
    # `renders` stands in quick PDFs for the plans a print job makes: what is fuzzed is the form,
    # and a real plan for each accepted example would take most of the run.
    sites = found.sites.get(endpoint)
    if not sites:
        pytest.fail(f"No page shows a form for {endpoint} ({POST_ENDPOINTS[endpoint]}): see the test of every endpoint above.")
    app = make_fuzz_app(database_url, tmp_path)
    try:
        Fuzzer(app).run(sites)
    finally:
        with app.app_context():
            from planner.db import db

            db.engine.dispose()


class Fuzzer:
    """Posts fuzzed submissions of a form, keeping what it can between examples: a refused
    submission changes nothing, so the form, the signed-in client and the fingerprint still hold;
    after an accepted one the seeded world is put back."""

    def __init__(self, app):
        self.app = app
        self.clients: dict = {}
        self.forms: dict = {}
        self.state = fingerprint(app)

    def client(self, account):
        if account not in self.clients:
            self.clients[account] = signed_in_client(self.app, account)
        return self.clients[account]

    def form(self, site):
        """The site's form as shown now."""
        if site not in self.forms:
            form, _ = form_at(self.client(site.account), site)
            assert form is not None, f"{site.page} shows no form posting to {site.action} in the seeded world"
            self.forms[site] = form
            self.state = fingerprint(self.app)  # signing in and reading pages are audited
        return self.forms[site]

    def run(self, sites) -> None:
        @CI
        @given(data=st.data())
        def example(data):
            site = data.draw(st.sampled_from(sites), label="site")
            form = self.form(site)
            submission = data.draw(submissions(form), label="submission")
            response = self.client(site.account).post(site.action, data=MultiDict(submission))
            assert response.status_code < 500, f"{site.action} answered {response.status_code}"
            after = fingerprint(self.app)
            if rejected(response):
                assert after == self.state, (
                    f"{site.action} refused the submission ({response.status_code}) yet changed "
                    f"{changed_tables(self.state, after)}"
                )
            else:
                # Accepted, or a redirect saying why not: start the next example from the seeded
                # world again, so every example sees the same forms (Hypothesis needs that to
                # replay and shrink a failure) and a form that has done its work comes back.
                reset_world(self.app)
                self.forms.clear()
                self.clients.clear()

        example()
