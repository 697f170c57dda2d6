"""The start page, rendered on the small test framework."""

from __future__ import annotations

import re
from dataclasses import replace

from planner.core.framework import Role
from planner.web.home import roles_by_family
from tests.web.pages import outline


def test_start_page_says_what_planner_is_for(small_client):
    response = small_client.get("/")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = outline(html)
    assert [title for tag, title, _ in headings if tag == "h1"] == [
        "Plan careers and training in medical staffing"
    ]
    intro = headings[0][2]
    assert "career routes through NHS medical staffing teams" in intro
    assert "NHS Employers' 2022 medical staffing workforce review" in intro
    assert "THREAD themes, Educate and Develop" in intro
    assert "<title>Plan careers and training in medical staffing – planner</title>" in html


def test_roles_are_grouped_by_family_in_band_order(small_client):
    html = small_client.get("/").get_data(as_text=True)

    assert [(tag, title) for tag, title, _ in outline(html)[1:]] == [
        ("h2", "Medical staffing"),
        ("h3", "Administrator"),
        ("h2", "Rotas"),
        ("h3", "Rota Coordinator"),
        ("h3", "Rota Lead"),
    ]


def test_each_role_shows_its_summary_band_and_pay(small_client):
    html = small_client.get("/").get_data(as_text=True)
    cards = {title: text for tag, title, text in outline(html) if tag == "h3"}

    assert cards["Administrator"].startswith(
        "Keeps the records straight. Band 3 Pay £24,937 to £26,598 (2025/26)"
    )
    assert cards["Rota Coordinator"] == (
        "Builds and publishes rotas. Band 4 Pay £27,485 to £30,162 (2025/26)"
    )
    assert cards["Rota Lead"].startswith(
        "Leads the rota team. Band 5 Pay £31,049 to £37,796 (2025/26)"
    )


def test_start_page_shows_the_framework_version(small_client):
    html = small_client.get("/").get_data(as_text=True)

    assert (
        'Framework version test-1, valid from <time datetime="2026-04-01">1 April 2026</time>.'
        in html
    )


def test_families_are_ordered_by_lowest_band_then_name(small_app):
    framework = small_app.extensions["planner_framework"]
    extra = (
        Role("clerk", "Clerk", "3", "Admin team", "Files."),
        Role("assistant", "Assistant", "3", "Rotas", "Helps."),
    )
    framework = replace(framework, roles=framework.roles + extra)

    grouped = [(family, [role.id for role in roles]) for family, roles in roles_by_family(framework)]

    assert grouped == [
        ("Admin team", ["clerk"]),
        ("Medical staffing", ["admin"]),
        ("Rotas", ["assistant", "rota", "lead"]),
    ]


def test_page_is_the_nhs_template_with_our_assets(small_client):
    html = small_client.get("/").get_data(as_text=True)

    assert '<html lang="en-GB"' in html
    assert 'class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent"' in html
    assert 'id="maincontent"' in html
    assert re.search(r'class="nhsuk-header__service-logo" href="/"', html)
    assert "Medical staffing career planner</span>" in html
    assert 'class="nhsuk-footer"' in html
    assert '<link rel="stylesheet" href="/assets/nhsuk-frontend-10.6.1.min.css">' in html
    assert '<script type="module" src="/static/js/init.js"></script>' in html
    # The page template's one inline snippet (allowed by its CSP hash) and our module, nothing else.
    assert len(re.findall(r"<script\b", html)) == 2


def test_init_module_starts_the_nhs_components(small_client):
    response = small_client.get("/static/js/init.js")

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    script = response.get_data(as_text=True)
    assert 'import { initAll } from "/assets/nhsuk-frontend-10.6.1.min.js";' in script
    assert "initAll();" in script
    response.close()
