"""The security headers every response carries, and the pages that must not be cached."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from planner.web.headers import CONTENT_SECURITY_POLICY, HSTS, NHS_TEMPLATE_SNIPPET
from tests.web.conftest import sign_in


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy of a response, directive by directive."""
    directives = (part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


@pytest.mark.parametrize("url", ["/", "/sign-in", "/no-such-page"])
def test_every_response_carries_the_security_headers(web_client, url):
    response = web_client.get(url)
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    directives = policy(response)
    assert directives["script-src"] == f"'self' {NHS_TEMPLATE_SNIPPET}"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'unsafe-eval'" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_policy_allows_the_page_templates_one_inline_script_and_no_other(web_client):
    html = web_client.get("/").get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert NHS_TEMPLATE_SNIPPET == f"'sha256-{digest}'"
    assert " style=" not in html  # inline styles would be refused by style-src 'self'


def test_hsts_is_sent_only_over_https(web_client):
    assert "Strict-Transport-Security" not in web_client.get("/").headers
    assert web_client.get("/", base_url="https://planner.example").headers["Strict-Transport-Security"] == HSTS


def test_pages_for_a_signed_in_account_are_never_cached_and_static_files_are(web_app, web_client, world):
    assert "no-store" not in web_client.get("/").headers.get("Cache-Control", "")
    sign_in(web_client, world, "staff")
    assert web_client.get(f"/people/{world.person['staff']}").headers["Cache-Control"] == "no-store"
    assert web_client.get("/").headers["Cache-Control"] == "no-store"
    for url in ("/static/css/planner.css", "/static/js/init.js"):
        response = web_client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
        response.close()
