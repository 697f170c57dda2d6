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
def failing_client(small_config):
    """A client for an app with one route that fails, as the server would run it (no propagation)."""
    app = create_app(small_config | {"PROPAGATE_EXCEPTIONS": False})

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
