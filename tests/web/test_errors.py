"""Error pages: NHS-styled, the right status, and never a traceback."""

from __future__ import annotations

import pytest

from planner import create_app
from tests.web.pages import outline


def test_unknown_page_is_a_styled_404(small_client):
    response = small_client.get("/no-such-page")

    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert outline(html)[0][:2] == ("h1", "Page not found")
    assert "check you copied the entire address" in html
    assert "<title>Page not found – planner</title>" in html
    assert 'class="nhsuk-header' in html
    assert '<link rel="stylesheet" href="/assets/nhsuk-frontend-10.6.1.min.css">' in html
    assert "Traceback" not in html


@pytest.fixture
def failing_client(small_config, monkeypatch):
    """A client for an app with one route that fails, as the server would run it (no propagation)."""
    from planner.web.permissions import ANYONE, PERMISSIONS

    app = create_app(small_config | {"PROPAGATE_EXCEPTIONS": False})
    monkeypatch.setitem(PERMISSIONS, "fail", {"GET": ANYONE})

    @app.get("/fail")
    def fail():
        raise RuntimeError("secret detail from deep inside")

    return app.test_client()


def test_an_error_is_a_styled_500_without_details(failing_client, caplog):
    response = failing_client.get("/fail")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert outline(html)[0][:2] == ("h1", "Sorry, there is a problem with the service")
    assert 'class="nhsuk-header' in html
    for leak in ("Traceback", "RuntimeError", "secret detail"):
        assert leak not in html
    # The details go to the log instead.
    assert "secret detail from deep inside" in caplog.text


def test_a_wrong_method_is_a_styled_405_that_says_what_happened(small_client):
    response = small_client.post("/")

    assert response.status_code == 405
    html = response.get_data(as_text=True)
    assert outline(html)[0][:2] == ("h1", "Method Not Allowed")
    assert "The method is not allowed for the requested URL." in html
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert 'class="nhsuk-header' in html and "Traceback" not in html


def test_a_failed_database_statement_still_gets_the_styled_500(web_app, world, monkeypatch, caplog):
    from sqlalchemy import text

    import planner.web.staff
    from planner.db import db
    from tests.web.conftest import sign_in

    def broken(*args, **kwargs):
        db.session.execute(text("select * from no_such_table"))

    web_app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(planner.web.staff, "overview", broken)
    client = web_app.test_client()
    sign_in(client, world, "staff")
    response = client.get("/me", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and "no_such_table" not in page
    assert "Staff" in page  # the header still shows who is signed in


def test_a_nul_character_in_a_form_is_refused_and_nothing_is_saved(web_app, world):
    from tests.web.conftest import row_counts, sign_in

    client = web_app.test_client()
    sign_in(client, world, "staff")
    before = row_counts(web_app)
    response = client.post(
        f"/people/{world.person['staff']}/assessment/ROT", data={"level_ROT_h01": "2", "note_ROT_h01": "a\x00b"}
    )
    assert response.status_code == 400
    assert "cannot be stored (NUL)" in response.get_data(as_text=True)
    assert row_counts(web_app) == before
    assert client.get("/sign-in?next=%00").status_code in (302, 400)
