"""A person's record of specialist achievement, as a certificate and as Open Badges credentials.

An achievement is a competency in which a manager has validated a level of ``RECOGNISED_LEVEL``
or above, and that validation is the level that counts (``planner.models.current_levels``). The
web layer chooses the achievements; this module turns them, as plain values, into what a person
takes away: ``render_certificate`` gives an A4 PDF (the look of ``planner.pdf``), and
``credential`` an Open Badges 3.0 ``OpenBadgeCredential`` for one achievement, as a JSON-LD dict.
A credential's ids are derived from what it records, so the same validation always gives the
same credential.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from planner.pdf import COLOURS, PARAGRAPHS, STYLES, simple_a4
from planner.times import uk_time

RECOGNISED_LEVEL = 3
"""The lowest manager-validated level that counts as a specialist achievement."""

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
NAMESPACE = uuid.UUID("6f0f5c1e-3d7a-5b8e-9a41-2c6d0b7e8f13")
"""The namespace of every id this module derives (uuid5), so they never collide with others'."""


@dataclass(frozen=True)
class Achievement:
    """One competency held at a manager-validated level, with what a reader needs to know of it."""

    competency_id: str
    competency: str
    description: str
    domain: str
    level: int
    level_label: str
    level_descriptor: str
    validated_at: datetime
    """When the manager validated the level, in UTC without a zone (as stored)."""
    validated_by: str
    rating_id: int


@dataclass(frozen=True)
class Holder:
    """Whom the achievements belong to, and the trust that recognises them."""

    person_id: int
    name: str
    email: str
    trust: str
    issuer_id: str
    """A URI naming the trust as issuer, such as an ``urn:uuid``."""


def derived_id(*parts: object) -> str:
    """A ``urn:uuid`` that is always the same for the same parts."""
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, '/'.join(str(part) for part in parts))}"


def timestamp(moment: datetime) -> str:
    """A stored UTC time in ISO 8601 with its zone, such as ``2026-03-03T14:05:00Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def credential(holder: Holder, achievement: Achievement, framework_version: str, target_url: str) -> dict:
    """The Open Badges 3.0 credential for one achievement, ready for ``json.dumps``.

    ``target_url`` is where the competency is described, for the achievement's alignment to the
    framework. The holder is named by a salted hash of their email, so the file names them to
    whoever they show it to without spelling the address out.
    """
    name = f"{achievement.competency}: level {achievement.level} ({achievement.level_label})"
    criteria = (
        f"A manager at {holder.trust} validated {achievement.competency} at level {achievement.level} "
        f"({achievement.level_label}: {achievement.level_descriptor}) on the planner medical staffing framework "
        f"{framework_version}. Levels of {RECOGNISED_LEVEL} or above count as specialist achievement."
    )
    salt = uuid.uuid5(NAMESPACE, f"salt/{holder.issuer_id}/{holder.person_id}").hex
    identity = "sha256$" + hashlib.sha256((holder.email.lower() + salt).encode()).hexdigest()
    return {
        "@context": list(CONTEXT),
        "id": derived_id(holder.issuer_id, holder.person_id, achievement.competency_id, achievement.rating_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": holder.issuer_id, "type": ["Profile"], "name": holder.trust},
        "validFrom": timestamp(achievement.validated_at),
        "name": name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "id": derived_id(holder.issuer_id, "person", holder.person_id),
            "identifier": [
                {"type": "IdentityObject", "identityHash": identity, "identityType": "emailAddress", "hashed": True, "salt": salt}
            ],
            "achievement": {
                "id": derived_id(framework_version, achievement.competency_id, achievement.level),
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": name,
                "description": f"{achievement.description} ({achievement.domain})",
                "criteria": {"narrative": criteria},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": achievement.competency,
                        "targetDescription": achievement.description,
                        "targetUrl": target_url,
                        "targetCode": achievement.competency_id,
                        "targetFramework": f"planner medical staffing framework {framework_version}",
                        "targetType": "CFItem",
                    }
                ],
            },
        },
    }


def render_certificate(holder: Holder, achievements: list[Achievement], framework_version: str, *, invariant: bool = False) -> bytes:
    """The certificate of specialist achievement as an A4 PDF. ``invariant`` leaves out the
    creation time and random file id, so the same certificate gives the same bytes."""
    return simple_a4(
        _certificate_story(holder, achievements, framework_version),
        title=f"Certificate of specialist achievement: {holder.name}",
        author=holder.trust,
        subject=f"Competencies validated at level {RECOGNISED_LEVEL} or above",
        invariant=invariant,
    )


def _certificate_story(holder: Holder, achievements: list[Achievement], framework_version: str) -> list:
    """The certificate's flowables: who, what and by whom."""
    count = len(achievements)
    rows = [["Competency", "Level", "Validated"]]
    rows += [
        [
            Paragraph(f"<b>{escape(a.competency)}</b><br/>{escape(a.domain)}", PARAGRAPHS["cell"]),
            Paragraph(escape(f"{a.level} – {a.level_label}"), PARAGRAPHS["cell"]),
            Paragraph(escape(f"{uk_time(a.validated_at)} by {a.validated_by}"), PARAGRAPHS["cell"]),
        ]
        for a in achievements
    ]
    table = Table(rows, colWidths=[None, 32 * mm, 62 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), COLOURS["blue"]),
            ("TEXTCOLOR", (0, 0), (-1, 0), COLOURS["white"]),
            ("FONT", (0, 0), (-1, 0), STYLES["font"]["bold"], 9),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [COLOURS["white"], STYLES["table"]["stripe"]]),
            ("GRID", (0, 0), (-1, -1), STYLES["table"]["grid"], COLOURS["rule"]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *[(side, (0, 0), (-1, -1), STYLES["table"]["padding"]) for side in ("TOPPADDING", "BOTTOMPADDING", "LEFTPADDING", "RIGHTPADDING")],
        ])
    )
    return [
        Paragraph("Certificate of specialist achievement", PARAGRAPHS["title"]),
        Paragraph(escape(holder.trust), PARAGRAPHS["subtitle"]),
        Spacer(1, 6 * mm),
        Paragraph("This certifies that", PARAGRAPHS["body"]),
        Paragraph(escape(holder.name), PARAGRAPHS["h2"]),
        Paragraph(
            escape(
                f"holds {count} competenc{'ies' if count != 1 else 'y'} of the planner medical staffing framework "
                f"{framework_version} at level {RECOGNISED_LEVEL} or above, each validated by a manager at {holder.trust}:"
            ),
            PARAGRAPHS["body"],
        ),
        Spacer(1, 2 * mm),
        table,
    ]
