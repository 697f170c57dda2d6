"""The record of specialist achievement on paper and as Open Badges 3.0 credentials."""

from __future__ import annotations

import io
import re
import uuid
from datetime import datetime

from pypdf import PdfReader

from planner.recognition import CONTEXT, Achievement, Holder, credential, render_certificate

HOLDER = Holder(7, "Siân O'Brien", "Sian.OBrien@trust.nhs.example", "Trust A", "urn:uuid:00000000-0000-5000-8000-000000000001")
ROTA = Achievement(
    "ROT-01", "Rota rules", "Applies the hours and rest limits to rota templates.", "Rotas",
    3, "Proficient", "Handles the difficult cases.", datetime(2026, 3, 3, 14, 5), "Manager", 41,
)
DESIGN = Achievement(
    "ROT-02", "Rota design", "Builds rota templates that pass a compliance check.", "Rotas",
    4, "Expert", "Sets local policy.", datetime(2026, 7, 1, 9, 0), "Other Manager", 42,
)
URL = "https://planner.example/people/7/history/ROT-01"


def is_urn_uuid(value) -> bool:
    return isinstance(value, str) and value.startswith("urn:uuid:") and uuid.UUID(value.removeprefix("urn:uuid:")).version == 5


def test_the_credential_has_every_required_field_with_its_type():
    badge = credential(HOLDER, ROTA, "test-1", URL)
    assert badge["@context"] == CONTEXT == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert is_urn_uuid(badge["id"])
    assert badge["issuer"] == {"id": HOLDER.issuer_id, "type": ["Profile"], "name": "Trust A"}
    assert badge["validFrom"] == "2026-03-03T14:05:00Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", badge["validFrom"])
    assert isinstance(badge["name"], str) and "Rota rules" in badge["name"]
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert is_urn_uuid(subject["id"])
    [identity] = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["identityType"] == "emailAddress"
    assert identity["hashed"] is True and identity["identityHash"].startswith("sha256$")
    assert "sian" not in identity["identityHash"].lower()
    achievement = subject["achievement"]
    assert is_urn_uuid(achievement["id"])
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == "Rota rules: level 3 (Proficient)"
    assert isinstance(achievement["description"], str) and achievement["description"]
    assert isinstance(achievement["criteria"]["narrative"], str) and "level 3" in achievement["criteria"]["narrative"]
    [alignment] = achievement["alignment"]
    assert alignment["type"] == ["Alignment"]
    assert alignment["targetName"] == "Rota rules"
    assert alignment["targetUrl"] == URL
    assert alignment["targetCode"] == "ROT-01"
    assert alignment["targetFramework"] == "planner medical staffing framework test-1"


def test_the_same_validation_always_gives_the_same_credential_and_another_gives_another():
    assert credential(HOLDER, ROTA, "test-1", URL) == credential(HOLDER, ROTA, "test-1", URL)
    again = Achievement(*[*ROTA.__dict__.values()][:-1], 99)  # the same level, validated anew
    assert credential(HOLDER, again, "test-1", URL)["id"] != credential(HOLDER, ROTA, "test-1", URL)["id"]
    assert credential(HOLDER, DESIGN, "test-1", URL)["id"] != credential(HOLDER, ROTA, "test-1", URL)["id"]


def test_the_certificate_names_the_person_trust_and_every_achievement_with_its_metadata():
    reader = PdfReader(io.BytesIO(render_certificate(HOLDER, [ROTA, DESIGN], "test-1")))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for words in ("Siân O'Brien", "Trust A", "2 competencies", "Rota rules", "Rota design", "3 – Proficient",
                  "4 – Expert", "3 March 2026 at 2:05pm by Manager", "1 July 2026 at 10:00am by Other Manager"):
        assert words in text
    assert reader.metadata.title == "Certificate of specialist achievement: Siân O'Brien"
    assert reader.metadata.author == "Trust A"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_a_certificate_of_one_achievement_says_competency_and_is_the_same_each_time():
    one = render_certificate(HOLDER, [ROTA], "test-1", invariant=True)
    assert one == render_certificate(HOLDER, [ROTA], "test-1", invariant=True)
    assert "holds 1 competency of" in " ".join(PdfReader(io.BytesIO(one)).pages[0].extract_text().split())
