"""A person's record of specialist achievement: the list, the certificate and the Open Badges."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from pypdf import PdfReader

from planner.db import db
from planner.models import Rating
from tests.web.conftest import sign_in

EARLY, LATER, LATEST = datetime(2026, 3, 3, 14, 5), datetime(2026, 4, 1, 9, 0), datetime(2026, 5, 1, 9, 0)


def rate(web_app, world, person: str, rater: str, competency: str, level: int, at: datetime) -> None:
    """Add a rating of ``person``: their own, or by their team's manager."""
    with web_app.app_context():
        by = world.person[person if rater == "self" else "manager"]
        db.session.add(Rating(
            person_id=world.person[person], competency_id=competency, level=level,
            rater=rater, rated_by_id=by, created_at=at,
        ))
        db.session.commit()


@pytest.fixture
def achieved(web_app, world):
    """Staff holds Rota rules at 3 and Rota design at 4, both validated by their manager, and has
    rated themselves 3 in Employment law, which no manager has validated."""
    rate(web_app, world, "staff", "self", "ROT-01", 3, EARLY)
    rate(web_app, world, "staff", "manager", "ROT-01", 3, LATER)
    rate(web_app, world, "staff", "manager", "ROT-02", 4, LATER)
    rate(web_app, world, "staff", "self", "HRF-01", 3, LATER)
    return world


def client_of(web_app, world, name: str):
    client = web_app.test_client()
    sign_in(client, world, name)
    return client


@pytest.mark.parametrize("viewer", ["staff", "manager", "trust_admin"])
def test_the_list_shows_each_achievement_to_whoever_sees_the_person(web_app, achieved, viewer):
    response = client_of(web_app, achieved, viewer).get(f"/people/{achieved.person['staff']}/achievements")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 competencies validated at level 3 or above" in body
    for words in ("Rota rules", "Rota design", "3 – Proficient", "4 – Expert", "By Manager on", "1 April 2026 at 10:00am", "Rotas"):
        assert words in body
    assert "Employment law" not in body
    assert f"/people/{achieved.person['staff']}/achievements/certificate.pdf" in body
    assert f"/people/{achieved.person['staff']}/achievements/ROT-02.json" in body
    assert ("My specialist achievements" in body) == (viewer == "staff")


@pytest.mark.parametrize("viewer", ["other_manager", "other_trust", "far_manager"])
@pytest.mark.parametrize("path", ["", "/certificate.pdf", "/ROT-01.json"])
def test_nobody_else_sees_them(web_app, achieved, viewer, path):
    response = client_of(web_app, achieved, viewer).get(f"/people/{achieved.person['staff']}/achievements{path}")
    assert response.status_code == 404


def test_without_an_achievement_the_page_says_how_to_get_one_and_nothing_downloads(web_app, world):
    rate(web_app, world, "staff", "self", "ROT-01", 4, EARLY)  # never validated: does not count
    client = client_of(web_app, world, "staff")
    base = f"/people/{world.person['staff']}/achievements"
    body = client.get(base).get_data(as_text=True)
    assert "You have no specialist achievement yet" in body
    assert "a manager validates a level of 3 or above" in body
    assert "certificate.pdf" not in body
    assert client.get(f"{base}/certificate.pdf").status_code == 404
    assert client.get(f"{base}/ROT-01.json").status_code == 404
    manager_view = client_of(web_app, world, "manager").get(base).get_data(as_text=True)
    assert "Staff has no specialist achievement yet" in manager_view and "they rate themselves" in manager_view


def test_a_later_validation_below_3_takes_the_achievement_away(web_app, achieved):
    rate(web_app, achieved, "staff", "manager", "ROT-01", 2, LATEST)
    client = client_of(web_app, achieved, "staff")
    base = f"/people/{achieved.person['staff']}/achievements"
    body = client.get(base).get_data(as_text=True)
    assert "1 competency validated at level 3 or above" in body and "Rota rules" not in body
    assert client.get(f"{base}/ROT-01.json").status_code == 404
    assert client.get(f"{base}/ROT-02.json").status_code == 200


def test_a_newer_self_rating_leaves_the_validated_achievement_standing(web_app, achieved):
    rate(web_app, achieved, "staff", "self", "ROT-01", 1, LATEST)  # awaits a manager; does not count yet
    body = client_of(web_app, achieved, "staff").get(f"/people/{achieved.person['staff']}/achievements").get_data(as_text=True)
    assert "Rota rules" in body


def test_a_validation_of_a_competency_the_framework_no_longer_has_is_left_out(web_app, achieved):
    rate(web_app, achieved, "staff", "manager", "GONE-01", 4, LATEST)
    body = client_of(web_app, achieved, "staff").get(f"/people/{achieved.person['staff']}/achievements").get_data(as_text=True)
    assert "2 competencies" in body and "GONE-01" not in body


def test_the_certificate_is_a_pdf_of_every_achievement(web_app, achieved):
    response = client_of(web_app, achieved, "manager").get(f"/people/{achieved.person['staff']}/achievements/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="specialist-achievement-staff.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for words in ("Staff", "Trust A", "Rota rules", "Rota design", "3 – Proficient", "4 – Expert", "1 April 2026 at 10:00am by Manager", "test-1"):
        assert words in text
    assert "Employment law" not in text
    assert reader.metadata.title == "Certificate of specialist achievement: Staff"
    assert reader.metadata.author == "Trust A"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_the_credential_is_an_open_badge_aligned_to_the_competency(web_app, achieved):
    client = client_of(web_app, achieved, "staff")
    url = f"/people/{achieved.person['staff']}/achievements/ROT-02.json"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="staff-rot-02.json"'
    assert response.headers["Cache-Control"] == "no-store"
    badge = json.loads(response.data)
    assert badge["@context"] == ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["id"].startswith("urn:uuid:") and badge["issuer"]["id"].startswith("urn:uuid:")
    assert badge["issuer"]["type"] == ["Profile"] and badge["issuer"]["name"] == "Trust A"
    assert badge["validFrom"] == "2026-04-01T09:00:00Z"
    achievement = badge["credentialSubject"]["achievement"]
    assert badge["credentialSubject"]["type"] == ["AchievementSubject"]
    assert achievement["type"] == ["Achievement"] and achievement["name"] == "Rota design: level 4 (Expert)"
    assert achievement["criteria"]["narrative"]
    [alignment] = achievement["alignment"]
    assert alignment["type"] == ["Alignment"] and alignment["targetName"] == "Rota design"
    assert alignment["targetCode"] == "ROT-02" and alignment["targetFramework"] == "planner medical staffing framework test-1"
    assert alignment["targetUrl"] == f"http://localhost/people/{achieved.person['staff']}/history/ROT-02"
    assert json.loads(client.get(url).data) == badge  # the same validation, the same credential


def test_a_competency_that_is_not_an_achievement_has_no_credential(web_app, achieved):
    client = client_of(web_app, achieved, "staff")
    base = f"/people/{achieved.person['staff']}/achievements"
    assert client.get(f"{base}/HRF-01.json").status_code == 404  # self-rated 3, never validated
    assert client.get(f"{base}/NOPE.json").status_code == 404


def test_signing_in_comes_first(web_client, achieved):
    response = web_client.get(f"/people/{achieved.person['staff']}/achievements")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
