"""Fuzzing every address with parameters, and the query strings pages read: whatever is put in a
URL, the answer is never 500 or more, and an address the app refuses changes no row."""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import CI, EXAMPLES_PER_ROUTE, changed_tables, fingerprint, make_fuzz_app, signed_in_client
from tests.fuzz.strategies import NUMBERS, STRANGE

PARAMETER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# Parameter values nobody would type: numbers past every limit, words, path tricks, encodings.
ODD_PARTS = (
    "0", "-1", "2147483648", "9223372036854775808", "1" + "0" * 60, "1.5", "abc", "😀", "..", "../..",
    "%00", "%2e%2e%2f", "a/b", "x" * 3000, "%", "%zz", "\u202e", " ", "1;DROP TABLE people", "csv", "xlsx",
)
QUERY_KEYS = ("next", "format", "page", "scope", "target", "competency", "kind", "team", "away", "exclude_own_trust", "q")
ACCOUNTS = (None, "staff", "manager", "trust_admin", "admin")


def get_rules() -> list[tuple[str, str]]:
    """Every GET rule with parameters, as (endpoint, rule); the files of the assets are left out."""
    import tempfile
    from pathlib import Path

    from planner import create_app
    from tests.fuzz.conftest import fuzz_config

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(fuzz_config("sqlite://", Path(folder)))
    return sorted(
        (rule.endpoint, rule.rule)
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.arguments
    )


GET_RULES = get_rules()


def seeded_values(app) -> dict[str, list[str]]:
    """Sensible values for each parameter name: the world's ids, and the framework's ids."""
    world, framework = app.world, app.extensions["planner_framework"]
    people = [str(i) for i in world.person.values()]
    return {
        "person_id": people,
        "team_id": [str(i) for i in world.team.values()],
        "trust_id": [str(i) for i in world.trust.values()],
        "ident": [str(i) for i in world.team.values()],
        "kind": ["team", "trust", "ics", "region"],
        "domain_id": [d.id for d in framework.domains],
        "competency_id": [c.id for c in framework.competencies],
        "role_id": [r.id for r in framework.roles],
        "table": ["competency-gaps", "modules", "readiness", "heatmap"],
        "file_format": ["csv", "xlsx"],
        "action": ["accept", "decline", "withdraw"],
        "filename": ["nhsuk-frontend.min.css", "js/print-job.js"],
    }


def part(sensible: list[str]) -> st.SearchStrategy[str]:
    """One parameter's value: sensible (often an id of the world, or 1), or odd, percent-encoded or raw."""
    odd = st.one_of(st.sampled_from(ODD_PARTS), st.sampled_from(NUMBERS).map(lambda v: quote(v, safe="")),
                    st.integers().map(str), st.text(max_size=30).map(lambda v: quote(v, safe="")))
    return st.one_of(st.sampled_from(sensible or ["1"]), st.sampled_from(sensible or ["1"]), odd)


query = st.lists(
    st.tuples(st.sampled_from(QUERY_KEYS), st.one_of(st.sampled_from(STRANGE[:-4] + NUMBERS), st.text(max_size=20))),
    max_size=3,
).map(lambda pairs: ("?" + urlencode(pairs)) if pairs else "")


@pytest.mark.parametrize(("endpoint", "rule"), GET_RULES, ids=[endpoint for endpoint, _ in GET_RULES])
def test_fuzzing_an_address_never_fails_and_a_refusal_changes_nothing(endpoint, rule, database_url, tmp_path, renders):
    app = make_fuzz_app(database_url, tmp_path)
    values = seeded_values(app)
    clients = {name: signed_in_client(app, name) for name in ACCOUNTS}
    state = {"rows": fingerprint(app)}

    @settings(CI, max_examples=EXAMPLES_PER_ROUTE)
    @given(data=st.data())
    def example(data):
        url = PARAMETER.sub(lambda m: data.draw(part(values.get(m.group(1), [])), label=m.group(1)), rule)
        url += data.draw(query, label="query")
        account = data.draw(st.sampled_from(ACCOUNTS), label="account")
        response = clients[account].get(url)
        response.close()  # a file sent is closed here, as a server would
        assert response.status_code < 500, f"GET {url} as {account} answered {response.status_code}"
        after = fingerprint(app)
        if 400 <= response.status_code < 500:
            assert after == state["rows"], f"GET {url} was refused ({response.status_code}) yet changed {changed_tables(state['rows'], after)}"
        state["rows"] = after

    try:
        example()
    finally:
        with app.app_context():
            from planner.db import db

            db.engine.dispose()
