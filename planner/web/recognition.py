"""A person's record of specialist achievement: the list, the certificate PDF and an Open Badges
credential for each achievement.

Whoever may see the person sees their achievements and downloads them; the person takes them
away to show elsewhere. What counts as an achievement is said on the page and in
``planner.recognition``.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, render_template, url_for
from flask_login import current_user, login_required

from planner.core.framework import Framework
from planner.models import Person, Rating, current_levels, ratings_of
from planner.printing import slug
from planner.qualifications import held_qualifications
from planner.recognition import RECOGNISED_LEVEL, Achievement, Holder, credential, derived_id, render_certificate
from planner.web.access import is_self, visible_person
from planner.web.context import framework
from planner.web.qualifications import may_change

bp = Blueprint("recognition", __name__)


def achievements_of(framework: Framework, ratings: list[Rating]) -> list[Achievement]:
    """The competencies, in framework order, whose counting level is a manager's validation at
    ``RECOGNISED_LEVEL`` or above. ``ratings`` are the person's, oldest first."""
    levels = current_levels(ratings)
    validations = {r.competency_id: r for r in ratings if r.rater == "manager"}  # the latest wins
    scale = {level.level: level for level in framework.scale}
    found = []
    for competency in framework.competencies:
        current = levels.get(competency.id)
        if current is None or current.source != "manager" or current.level < RECOGNISED_LEVEL:
            continue
        rating, level = validations[competency.id], scale[current.level]
        found.append(Achievement(
            competency.id, competency.name, competency.description, framework.domain[competency.domain].name,
            level.level, level.label, level.descriptor, rating.created_at, rating.rated_by.name, rating.id,
        ))
    return found


def holder_of(person: Person) -> Holder:
    """The person and their trust as the certificate and credentials name them."""
    issuer = derived_id(url_for("home.index", _external=True), "trusts", person.trust_id)
    return Holder(person.id, person.name, person.email, person.trust.name, issuer)


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A file to save, never kept by a cache."""
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@bp.get("/people/<id:person_id>/achievements")
@login_required
def achievements(person_id: int):
    """The person's specialist achievements, with links to the certificate and each credential, and
    the professional qualifications they hold."""
    person = visible_person(person_id)
    fw = framework()
    found = achievements_of(fw, ratings_of(person))
    return render_template(
        "recognition/achievements.html",
        person=person,
        framework=fw,
        achievements=found,
        qualifications=list(held_qualifications(person).values()),
        may_record_qualifications=may_change(person),
        is_self=is_self(current_user, person),
        recognised_level=RECOGNISED_LEVEL,
    )


@bp.get("/people/<id:person_id>/achievements/certificate.pdf")
@login_required
def certificate(person_id: int):
    """The certificate of specialist achievement as an A4 PDF; 404 when there is nothing to certify."""
    person = visible_person(person_id)
    fw = framework()
    found = achievements_of(fw, ratings_of(person)) or abort(404)
    pdf = render_certificate(holder_of(person), found, fw.version)
    return _download(pdf, "application/pdf", f"specialist-achievement-{slug(person.name)}.pdf")


@bp.get("/people/<id:person_id>/achievements/<string(maxlength=64):competency_id>.json")
@login_required
def badge(person_id: int, competency_id: str):
    """One achievement as an Open Badges 3.0 credential (JSON-LD); 404 when it is not one."""
    person = visible_person(person_id)
    fw = framework()
    found = [a for a in achievements_of(fw, ratings_of(person)) if a.competency_id == competency_id] or abort(404)
    target = url_for("assessment.history", person_id=person.id, competency_id=competency_id, _external=True)
    body = json.dumps(credential(holder_of(person), found[0], fw.version, target), indent=2, ensure_ascii=False)
    return _download(body, "application/ld+json", f"{slug(person.name)}-{slug(competency_id)}.json")
