"""The public role explorer, on the small test framework: the list, each role's page, and 404."""

from __future__ import annotations

import re

import pytest

from tests.web.pages import outline


def test_the_list_shows_every_role_by_family_with_band_and_pay_without_signing_in(small_client):
    response = small_client.get("/roles")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert [(tag, title) for tag, title, _ in outline(html)] == [
        ("h1", "Explore roles in medical staffing"),
        ("h2", "Medical staffing"),
        ("h2", "Rotas"),
    ]
    rows = re.findall(r'<a href="/roles/(\w+)">([^<]+)</a></td>\s*<td[^>]*>(\w+)</td>\s*<td[^>]*>([^<]+)</td>', html)
    assert rows == [
        ("admin", "Administrator", "3", "£24,937 to £26,598 (2025/26, full time)"),
        ("rota", "Rota Coordinator", "4", "£27,485 to £30,162 (2025/26, full time)"),
        ("lead", "Rota Lead", "5", "£31,049 to £37,796 (2025/26, full time)"),
    ]
    assert 'href="/quiz"' in html


@pytest.mark.parametrize("role_id", ["admin", "rota", "lead"])
def test_every_role_page_renders_without_signing_in(small_client, role_id):
    response = small_client.get(f"/roles/{role_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    titles = [title for _, title, _ in outline(html)]
    assert titles[:2] == [{"admin": "Administrator", "rota": "Rota Coordinator", "lead": "Rota Lead"}[role_id], "What you need"]
    assert {"Routes in", "Routes out", "Typical training"} <= set(titles)
    assert 'href="/quiz"' in html


def test_a_role_page_shows_pay_needs_routes_and_training(small_client):
    html = small_client.get("/roles/rota").get_data(as_text=True)
    sections = {title: text for _, title, text in outline(html)}
    assert "Band Band 4 Pay £27,485 to £30,162 (2025/26, full time)" in sections["Rota Coordinator"]
    # Competencies with the level's name, by domain, the critical one marked.
    assert re.search(r"<caption[^>]*>Rotas</caption>", html)
    assert "Rota rules Critical 2 – Practitioner Rota design 2 – Practitioner" in sections["What you need"]
    assert "Administrator (band 3): promotion, typically after 12 months in that role" in sections["Routes in"]
    assert "Rota Lead (band 5): promotion, typically after 18 months in this role" in sections["Routes out"]
    assert "2 modules, 13 hours in all" in sections["Typical training"]
    assert "Rota rules essentials e-learning, NHS Employers 6 Rota design workshop course, Regional network 7" in sections["Typical training"]
    # The picture of the routes, named for screen readers, with both neighbours in it.
    svg = html[html.index('aria-labelledby="routes-title"'):]
    assert "Routes into and out of Rota Coordinator" in svg
    assert "Administrator" in svg and "Rota Lead" in svg and "promotion, after 18 months" in svg
    # Printable: the print stylesheet, and the button that only scripts reveal.
    assert 'media="print" href="/static/css/print.css"' in html
    assert "data-print-page hidden" in html and "/static/js/print-page.js" in html


def test_a_role_with_no_moves_has_no_picture_and_says_so(small_client, small_app):
    from dataclasses import replace

    framework = small_app.extensions["planner_framework"]
    small_app.extensions["planner_framework"] = replace(framework, moves=())
    html = small_client.get("/roles/admin").get_data(as_text=True)
    assert "routes-title" not in html
    assert "The framework lists no moves into this role" in html
    assert "The framework lists no moves on from this role." in html


def test_role_and_move_names_are_escaped_in_the_picture(small_client, small_app):
    from dataclasses import replace

    framework = small_app.extensions["planner_framework"]
    roles = tuple(replace(role, title="<b>Admin</b> & Co") if role.id == "admin" else role for role in framework.roles)
    small_app.extensions["planner_framework"] = replace(framework, roles=roles)
    html = small_client.get("/roles/rota").get_data(as_text=True)
    assert "<b>Admin" not in html
    assert "&lt;b&gt;Admin&lt;/b&gt; &amp; Co" in html[html.index('aria-labelledby="routes-title"'):]


@pytest.mark.parametrize("path", ["/roles/astronaut", "/roles/" + "x" * 65])
def test_an_unknown_role_is_the_nhs_styled_404(small_client, path):
    response = small_client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/sign-in"])
def test_the_start_and_sign_in_pages_link_to_the_explorer_and_the_quiz(small_client, path):
    html = small_client.get(path).get_data(as_text=True)
    assert 'href="/roles"' in html and 'href="/quiz"' in html
