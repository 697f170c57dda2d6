"""Self-assessment pages: the domains, rating one domain, and each competency's history."""

from __future__ import annotations

import html as entities
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from planner.db import db
from planner.models import EVIDENCE_MAX, AuditEvent, Person, Rating
from planner.web.assessment import field_key, level_name, note_name, uk_time
from tests.web.conftest import row_counts, sign_in
from tests.web.pages import outline


def domain_url(world, name="staff", domain="ROT"):
    return f"/people/{world.person[name]}/assessment/{domain}"


def history_url(world, name="staff", competency="ROT-01"):
    return f"/people/{world.person[name]}/history/{competency}"


def add_rating(app, world, competency, level, *, rater="self", by="staff", at=None, evidence="", name="staff"):
    """Add one rating directly, as if made earlier."""
    with app.app_context():
        rating = Rating(
            person_id=world.person[name],
            competency_id=competency,
            level=level,
            rater=rater,
            rated_by_id=world.person[by],
            evidence=evidence,
        )
        if at is not None:
            rating.created_at = at
        db.session.add(rating)
        db.session.commit()
        return rating.id


def ratings(app, world, name="staff"):
    """The person's ratings as (competency, level, rater, evidence), oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(Rating).where(Rating.person_id == world.person[name]).order_by(Rating.created_at, Rating.id)
        )
        return [(r.competency_id, r.level, r.rater, r.evidence) for r in rows]


def text(html: str) -> str:
    """The page's text with tags removed and spaces squeezed."""
    return " ".join(entities.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def checked(html: str, name: str) -> list[str]:
    """The values of the checked radios called ``name``."""
    return re.findall(rf'name="{name}" type="radio" value="(\d+)" checked', html)


# The domains page


def test_domains_page_counts_what_the_role_and_target_ask_for(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 2)
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).target_role_id = "lead"
        db.session.commit()
    sign_in(web_client, world, "staff")

    response = web_client.get(f"/people/{world.person['staff']}/assessment")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert [title for tag, title, _ in outline(html)] == ["Self-assessment", "The scale", "Which level counts"]
    page = text(html)
    assert "You have a level in 1 of 3 competencies." in page
    assert (
        "Domain Competencies Needed for Rota Coordinator (current role) Needed for Rota Lead (target) Rated "
        "Rotas 2 2 2 1 of 2 HR foundations 1 0 1 0 of 1"
    ) in page
    assert f'href="/people/{world.person["staff"]}/assessment/ROT">Rotas</a>' in html
    assert f'href="/people/{world.person["staff"]}/assessment/HRF">HR foundations</a>' in html
    assert "0 – Not yet Not started or not needed." in page
    assert "4 – Expert Sets local policy." in page
    assert "A level validated by a manager counts; otherwise your own rating counts." in page


def test_domains_page_without_a_target_has_no_target_column(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    page = text(web_client.get(f"/people/{world.person['staff']}/assessment").get_data(as_text=True))

    assert "(target)" not in page
    assert "Rotas 2 2 0 of 2 HR foundations 1 0 0 of 1" in page
    assert "You have a level in 0 of 3 competencies." in page


def test_manager_sees_the_domains_read_only(web_app, world, web_client):
    sign_in(web_client, world, "manager")

    page = text(web_client.get(f"/people/{world.person['staff']}/assessment").get_data(as_text=True))

    assert "Staff's self-assessment" in page
    assert "Only Staff can change their self-assessment." in page
    assert "otherwise the person's own rating counts" in page


# One domain's page


def test_domain_page_shows_each_competency_with_needs_levels_and_links(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    response = web_client.get(domain_url(world))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    headings = outline(html)
    assert [(tag, title) for tag, title, _ in headings] == [
        ("h1", "Rotas"),
        ("h2", "Rota rules Critical"),
        ("h2", "Rota design"),
    ]
    rules, design = headings[1][2], headings[2][2]
    assert rules.startswith("Applies the hours and rest limits to rota templates.")
    assert "Rota Coordinator (current role) level 2 – Practitioner" in rules
    assert "Counts now Not rated yet" in rules
    assert "Your level in Rota rules" in rules
    assert "0 – Not yet Not started or not needed." in rules
    assert "2 – Practitioner Does the standard work unaided." in rules
    assert "New evidence for Rota rules (optional) What you have done that shows this level, in up to 2,000 characters." in rules
    assert "Builds rota templates that pass a compliance check." in design
    assert f'href="/people/{world.person["staff"]}/history/ROT-01"' in html
    assert f'name="{level_name("ROT-01")}" type="radio" value="4"' in html
    assert f'id="{note_name("ROT-02")}"' in html
    assert "Save Rotas" in html
    assert "<title>Rotas: self-assessment – planner</title>" in html
    # Rotas is the first domain: only a next link.
    assert f'href="/people/{world.person["staff"]}/assessment/HRF" rel="next"' in html
    assert 'rel="prev"' not in html


def test_last_domain_links_back_and_says_when_not_needed(web_app, world, web_client):
    with web_app.app_context():
        db.session.get(Person, world.person["staff"]).target_role_id = "lead"
        db.session.commit()
    sign_in(web_client, world, "staff")

    html = web_client.get(domain_url(world, domain="HRF")).get_data(as_text=True)

    page = text(html)
    assert "Rota Coordinator (current role) not needed" in page
    assert "Rota Lead (target) level 2 – Practitioner" in page
    assert f'href="/people/{world.person["staff"]}/assessment/ROT" rel="prev"' in html
    assert 'rel="next"' not in html


def test_domain_page_preselects_own_latest_rating_and_shows_the_counting_one(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 1, at=datetime(2026, 3, 1, 9, 0))
    add_rating(web_app, world, "ROT-01", 2, at=datetime(2026, 3, 2, 14, 5), evidence="Checked ten rotas")
    sign_in(web_client, world, "staff")

    html = web_client.get(domain_url(world)).get_data(as_text=True)

    assert checked(html, level_name("ROT-01")) == ["2"]
    assert checked(html, level_name("ROT-02")) == []
    rules = outline(html)[1][2]
    assert "Counts now 2 – Practitioner, your own rating from 2 March 2026 at 2:05pm" in rules
    assert "Your latest rating 2 – Practitioner: Checked ten rotas" in rules


def test_manager_rating_shows_as_validated_and_newer_self_rating_awaits(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 1, at=datetime(2026, 3, 1, 9, 0))
    add_rating(web_app, world, "ROT-01", 2, rater="manager", by="manager", at=datetime(2026, 3, 2, 10, 0))
    add_rating(web_app, world, "ROT-01", 3, at=datetime(2026, 3, 3, 10, 0))
    sign_in(web_client, world, "staff")

    html = web_client.get(domain_url(world)).get_data(as_text=True)

    rules = outline(html)[1][2]
    assert "Counts now 2 – Practitioner, validated by Manager on 2 March 2026 at 10:00am" in rules
    assert "Awaiting validation Your newer self-rating, 3 – Proficient, waits for a manager to accept it" in rules
    assert checked(html, level_name("ROT-01")) == ["3"]


def test_manager_sees_a_domain_read_only(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 2, evidence="Built the winter rota")
    sign_in(web_client, world, "manager")

    response = web_client.get(domain_url(world))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<form" not in html.split("<main", 1)[1]
    page = text(html)
    assert "Only Staff can change their self-assessment. This page is read-only for you." in page
    assert "Their latest rating 2 – Practitioner: Built the winter rota" in page
    assert "Counts now 2 – Practitioner, their own rating from" in page
    assert "<title>Rotas: Staff&#39;s self-assessment – planner</title>" in html


def test_trust_admin_sees_a_domain_read_only(web_app, world, web_client):
    sign_in(web_client, world, "trust_admin")

    response = web_client.get(domain_url(world, domain="HRF"))

    assert response.status_code == 200
    assert "Only Staff can change their self-assessment." in text(response.get_data(as_text=True))
    assert 'type="radio"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("domain", ["NOPE", "rot", "x" * 65])
def test_unknown_domain_is_not_found(web_app, world, web_client, domain):
    sign_in(web_client, world, "staff")

    assert web_client.get(domain_url(world, domain=domain)).status_code == 404
    assert web_client.post(domain_url(world, domain=domain), data={}).status_code == 404


# Saving a domain


def test_saving_appends_only_changed_ratings_and_says_what_changed(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 1)
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(
        domain_url(world),
        data={level_name("ROT-01"): "2", level_name("ROT-02"): "3", note_name("ROT-02"): "  Designed the ED rota  "},
    )

    assert response.status_code == 302
    assert response.headers["Location"] == domain_url(world)
    after = row_counts(web_app)
    assert after["ratings"] == before["ratings"] + 2
    assert after["audit_events"] == before["audit_events"] + 2
    assert ratings(web_app, world)[1:] == [
        ("ROT-01", 2, "self", ""),
        ("ROT-02", 3, "self", "Designed the ED rota"),
    ]
    with web_app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "self_rating")).all()
        assert [(e.record_type, e.person_id, e.account_id, e.detail) for e in events] == [
            ("ratings", world.person["staff"], world.account["staff"], {"competency": "ROT-01", "level": 2, "previous": 1}),
            ("ratings", world.person["staff"], world.account["staff"], {"competency": "ROT-02", "level": 3, "previous": None}),
        ]
    page = text(web_client.get(domain_url(world)).get_data(as_text=True))
    assert "Saved: Rota rules: 1 → 2; Rota design: not rated → 3 with evidence." in page


def test_unchanged_resubmit_writes_nothing(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 2)
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(domain_url(world), data={level_name("ROT-01"): "2", note_name("ROT-01"): "   "})

    assert response.status_code == 302
    assert row_counts(web_app) == before
    assert "Nothing changed." in text(web_client.get(domain_url(world)).get_data(as_text=True))


def test_a_new_note_at_the_same_level_is_saved(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 2)
    sign_in(web_client, world, "staff")

    response = web_client.post(
        domain_url(world), data={level_name("ROT-01"): "2", note_name("ROT-01"): "Ran the audit"}, follow_redirects=True
    )

    assert "Saved: Rota rules: 2, evidence added." in text(response.get_data(as_text=True))
    assert ratings(web_app, world)[-1] == ("ROT-01", 2, "self", "Ran the audit")


def test_a_missing_choice_keeps_a_rated_level_and_leaves_an_unrated_one(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 2)
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(domain_url(world), data={})

    assert response.status_code == 302
    assert row_counts(web_app) == before


def test_a_too_long_note_is_an_error_and_writes_nothing(web_app, world, web_client):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(
        domain_url(world),
        data={level_name("ROT-01"): "2", level_name("ROT-02"): "1", note_name("ROT-02"): "x" * (EVIDENCE_MAX + 1)},
    )

    assert response.status_code == 200
    assert row_counts(web_app) == before
    html = response.get_data(as_text=True)
    message = "Evidence for Rota design must be 2,000 characters or fewer; it is 2,001 characters"
    assert html.count(message) == 2  # in the summary and by the field
    assert f'href="#{note_name("ROT-02")}"' in html
    assert "<title>Error: Rotas: self-assessment – planner</title>" in html
    # The choices made are kept for the next try.
    assert checked(html, level_name("ROT-01")) == ["2"]


@pytest.mark.parametrize("value", ["5", "-1", "two", "99999999999999999999"])
def test_a_level_off_the_scale_is_an_error(web_app, world, web_client, value):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(domain_url(world), data={level_name("ROT-01"): value, level_name("ROT-02"): "1"})

    assert response.status_code == 200
    assert row_counts(web_app) == before
    html = response.get_data(as_text=True)
    assert html.count("Choose one of the levels for Rota rules") == 2
    assert f'href="#{level_name("ROT-01")}"' in html


def test_a_note_without_a_level_is_an_error(web_app, world, web_client):
    sign_in(web_client, world, "staff")
    before = row_counts(web_app)

    response = web_client.post(domain_url(world), data={note_name("ROT-02"): "Shadowed the lead"})

    assert response.status_code == 200
    assert row_counts(web_app) == before
    assert "Choose a level for Rota design to save its evidence note" in response.get_data(as_text=True)


# History


def test_history_lists_ratings_newest_first_and_marks_the_counting_one(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 1, at=datetime(2026, 1, 10, 9, 30), evidence="Read the guidance")
    add_rating(web_app, world, "ROT-01", 2, at=datetime(2026, 2, 11, 15, 45))
    add_rating(web_app, world, "ROT-02", 4, at=datetime(2026, 2, 12, 8, 0))
    sign_in(web_client, world, "staff")

    response = web_client.get(history_url(world))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert [title for _, title, _ in outline(html)] == ["Rota rules: rating history"]
    rows = [text(row) for row in re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", html, re.S)]
    assert rows == [
        "When Level Rated by Evidence Status",
        "11 February 2026 at 3:45pm 2 – Practitioner Self None given Counts now",
        "10 January 2026 at 9:30am 1 – Aware Self Read the guidance Earlier",
    ]
    assert '<time datetime="2026-02-11T15:45:00Z">' in html
    assert f'href="{domain_url(world)}">Back to Rotas</a>' in html


def test_history_marks_a_manager_level_counting_and_a_newer_self_rating_awaiting(web_app, world, web_client):
    add_rating(web_app, world, "ROT-01", 1, at=datetime(2026, 6, 1, 9, 0))
    add_rating(web_app, world, "ROT-01", 2, rater="manager", by="manager", at=datetime(2026, 6, 2, 9, 0), evidence="Seen it")
    add_rating(web_app, world, "ROT-01", 3, at=datetime(2026, 6, 3, 9, 0))
    sign_in(web_client, world, "manager")

    html = web_client.get(history_url(world)).get_data(as_text=True)

    rows = [text(row) for row in re.findall(r"<tr class=\"nhsuk-table__row\">(.*?)</tr>", html, re.S)][1:]
    # Summer time: 09:00 UTC is 10am in the UK.
    assert rows == [
        "3 June 2026 at 10:00am 3 – Proficient Self None given Awaiting validation",
        "2 June 2026 at 10:00am 2 – Practitioner Manager (manager) Seen it Counts now",
        "1 June 2026 at 10:00am 1 – Aware Self None given Earlier",
    ]
    assert "<title>Rota rules: rating history of Staff – planner</title>" in html


def test_history_of_an_unrated_competency_says_so(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    page = text(web_client.get(history_url(world, competency="HRF-01")).get_data(as_text=True))

    assert "You have not been rated in Employment law yet." in page
    assert "Back to HR foundations" in page


def test_history_of_an_unknown_competency_is_not_found(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    assert web_client.get(history_url(world, competency="ROT-99")).status_code == 404


# Who may do what


@pytest.mark.parametrize("name", ["peer", "other_team", "other_manager", "far_manager", "other_trust", "admin"])
def test_people_who_may_not_see_the_person_get_not_found(web_app, world, web_client, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    for url in (f"/people/{world.person['staff']}/assessment", domain_url(world), history_url(world)):
        response = web_client.get(url)
        assert response.status_code == 404, url
        assert "Rota Coordinator" not in response.get_data(as_text=True)
    assert web_client.post(domain_url(world), data={level_name("ROT-01"): "3"}).status_code == 404
    assert row_counts(web_app) == before


@pytest.mark.parametrize("name", ["manager", "trust_admin"])
def test_people_who_may_see_but_not_rate_get_forbidden_on_post(web_app, world, web_client, name):
    sign_in(web_client, world, name)
    before = row_counts(web_app)

    assert web_client.get(history_url(world)).status_code == 200
    response = web_client.post(domain_url(world), data={level_name("ROT-01"): "3"})

    assert response.status_code == 403
    assert row_counts(web_app) == before


def test_a_missing_person_is_not_found(web_app, world, web_client):
    sign_in(web_client, world, "staff")

    assert web_client.get("/people/999999/assessment").status_code == 404
    assert web_client.get("/people/99999999999999999999/assessment").status_code == 404


@pytest.mark.parametrize("method, url", [
    ("get", "/people/{staff}/assessment"),
    ("get", "/people/{staff}/assessment/ROT"),
    ("post", "/people/{staff}/assessment/ROT"),
    ("get", "/people/{staff}/history/ROT-01"),
])
def test_anonymous_visitors_are_sent_to_sign_in(web_app, world, web_client, method, url):
    before = row_counts(web_app)

    response = getattr(web_client, method)(url.format(staff=world.person["staff"]))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert row_counts(web_app) == before


# Helpers


@pytest.mark.parametrize("competency_id, key", [
    ("ROT-01", "ROT_h01"),
    ("a.b_c-d", "a_db__c_hd"),
    ("X9", "X9"),
])
def test_field_keys_are_safe_and_distinct(competency_id, key):
    assert field_key(competency_id) == key
    assert re.fullmatch(r"[A-Za-z0-9_]+", field_key(competency_id))


def test_field_keys_never_collide():
    ids = ["a-b", "a_b", "a.b", "a_hb", "a__b", "a-_b", "a_-b"]

    assert len({field_key(i) for i in ids}) == len(ids)


def test_uk_time_follows_british_summer_time():
    assert uk_time(datetime(2026, 1, 5, 0, 7)) == "5 January 2026 at 12:07am"
    assert uk_time(datetime(2026, 7, 5, 12, 0)) == "5 July 2026 at 1:00pm"
