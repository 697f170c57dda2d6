"""Training needs in aggregate: for a team, trust, ICS, region or everyone an account may see.

For workforce and education leads deciding what training to commission: how many people have a
gap in each competency and how large, the total hours of training, readiness per role, a heatmap
of domains by organisation, and the commissioning view of modules by learners and trusts. Every
table downloads as CSV or XLSX with the same figures. Above trust level a count below 5 reads
"fewer than 5", so nobody can be picked out.

Who sees which scope is decided in ``planner.web.access`` (``insight_scopes``, ``visible_scope``).
"""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from planner.core.insight import READINESS_BANDS
from planner.db import db
from planner.exports import FORMATS, SUPPRESSED, Table, export
from planner.heatmap import heatmap_svg, share_text
from planner.insight import Scope, TrainingNeeds, training_needs
from planner.printing import slug
from planner.web.access import (
    insight_scopes,
    require,
    scopes_within,
    sees_insight,
    visible_scope,
    widest_scopes,
    works_within,
)
from planner.web.context import framework, today

bp = Blueprint("insight", __name__, url_prefix="/insight")

KINDS = "team,trust,ics,region"
KIND_NAMES = {
    "all": "All organisations",
    "region": "Region",
    "ics": "Integrated care system",
    "trust": "Trust",
    "team": "Team",
}
KIND_PLURALS = {
    "all": "All organisations",
    "region": "Regions",
    "ics": "Integrated care systems",
    "trust": "Trusts",
    "team": "Teams",
}
TOP_MODULES = 3
"""How many modules the commissioning view sums up in a sentence each."""
WITHIN = {"team": "in this team", "trust": "in this trust", "ics": "of this ICS", "region": "of this region", "all": ""}


def _scope_routes(rule: str, endpoint: str, **options):
    """Register a view at ``/<kind>/<id>`` and at ``/all`` followed by ``rule``."""

    def register(view):
        bp.add_url_rule(f"/<any({KINDS}):kind>/<id:ident>{rule}", endpoint, view, **options)
        bp.add_url_rule(f"/all{rule}", endpoint, view, defaults={"kind": "all", "ident": None}, **options)
        return view

    return register


def scope_args(scope: Scope) -> dict:
    """The URL arguments of a scope's pages."""
    return {"kind": scope.kind, "ident": scope.id}


@bp.app_context_processor
def insight_link():
    """``sees_insight()`` for templates: whether to link to aggregate training needs. A function, so
    only the pages that show the link ask the database."""
    return {"sees_insight": lambda: current_user.is_authenticated and sees_insight(current_user)}


@bp.app_template_filter("count")
def count_text(value: int | None) -> str:
    """A count as a page shows it: "1,234", or "fewer than 5" when withheld."""
    return SUPPRESSED if value is None else f"{value:,}"


@bp.app_template_filter("hours")
def hours_text(value: float | None) -> str:
    """Hours as a page shows them: "1,234.5", or "fewer than 5" when withheld with their count."""
    if value is None:
        return SUPPRESSED
    return f"{value:,.2f}".rstrip("0").rstrip(".")


@bp.get("")
@login_required
def index():
    """Choose a scope, or go straight to it when one scope holds everyone the account may see."""
    require(sees_insight(current_user))
    widest = widest_scopes(current_user)
    if len(widest) == 1:
        return redirect(url_for("insight.needs", **scope_args(widest[0])))
    return render_template("insight/index.html", groups=by_kind(insight_scopes(current_user)), plurals=KIND_PLURALS)


def by_kind(scopes: list[Scope]) -> list[tuple[str, list[Scope]]]:
    """Scopes grouped by kind, keeping their order."""
    return [(kind, list(found)) for kind, found in groupby(scopes, key=lambda scope: scope.kind)]


def gathered(kind: str, ident: int | None) -> TrainingNeeds:
    """The training needs of a scope the account may see; stored needs refreshed on the way are kept."""
    scope = visible_scope(kind, ident)
    needs = training_needs(framework(), scope, suppressing=scope.suppressing or not works_within(current_user, scope))
    db.session.commit()
    return needs


@_scope_routes("", "needs")
@login_required
def needs(kind: str, ident: int | None):
    """The training needs of a scope: headline figures, gaps, readiness, the heatmap."""
    found = gathered(kind, ident)
    domain = request.args.get("domain", "")
    domains = {c.domain_id for c in found.competencies}
    if domain and domain not in domains:
        domain = ""
    by_domain = [
        (shown, [c for c in found.competencies if c.domain_id == shown.id])
        for shown in framework().domains
        if shown.id in domains and domain in ("", shown.id)
    ]
    return render_template(
        "insight/needs.html",
        needs=found,
        scope=found.scope,
        kind_name=KIND_NAMES[found.scope.kind],
        by_domain=by_domain,
        domain=domain,
        gap_domains=[d for d in framework().domains if d.id in domains],
        max_level=framework().max_level,
        bands=[label for label, _ in READINESS_BANDS],
        heatmap_svg=Markup(heatmap_svg(found.heatmap)) if found.heatmap.organisations else None,
        heatmap_rows=heatmap_rows(found),
        children=by_kind(scopes_within(found.scope)),
        plurals=KIND_PLURALS,
        tables=TABLES,
        share_text=share_text,
    )


@_scope_routes("/commissioning", "commissioning")
@login_required
def commissioning(kind: str, ident: int | None):
    """The commissioning view: modules by how many learners need them, where and for how long."""
    found = gathered(kind, ident)
    return render_template(
        "insight/commissioning.html",
        needs=found,
        scope=found.scope,
        kind_name=KIND_NAMES[found.scope.kind],
        headlines=[headline(found.scope, module) for module in found.modules[:TOP_MODULES]],
        tables=TABLES,
    )


def headline(scope: Scope, module) -> str:
    """A module's demand in a sentence: "Module X: 47 learners in 12 trusts of this region, 140 hours"."""
    learners = count_text(module.learners)
    noun = "learner" if module.learners == 1 else "learners"
    if scope.kind in ("team", "trust"):
        where = WITHIN[scope.kind]
    else:
        trusts = count_text(module.trusts)
        where = f"in {trusts} trust{'' if module.trusts == 1 else 's'}" + (f" {WITHIN[scope.kind]}" if WITHIN[scope.kind] else "")
    hours = "" if module.learner_hours is None else f", {hours_text(module.learner_hours)} hours"
    return f"{module.title}: {learners} {noun} {where}{hours}"


# --- the tables, as pages show them and files export them ---------------------------------------


def heatmap_rows(found: TrainingNeeds) -> list[tuple[str, str, list]]:
    """The heatmap as a table's rows: (domain id, domain name, [cell per organisation])."""
    cells = {(cell.domain_id, cell.organisation_id): cell for cell in found.heatmap.cells}
    return [
        (domain_id, name, [cells.get((domain_id, ident)) for ident, _, _ in found.heatmap.organisations])
        for domain_id, name in found.heatmap.domains
    ]


def competencies_table(found: TrainingNeeds) -> Table:
    """Every competency with a gap: how many people have one, the total and each size of gap."""
    sizes = range(1, framework().max_level + 1)
    domain = framework().domain
    return Table(
        "Competency gaps",
        (
            "Domain",
            "Competency ID",
            "Competency",
            "Critical",
            "People with a gap",
            "Total gap (levels)",
            *(f"People with a gap of {size} level{'s' if size > 1 else ''}" for size in sizes),
        ),
        tuple(
            (
                domain[c.domain_id].name,
                c.competency_id,
                c.name,
                "Yes" if c.critical else "No",
                c.people,
                c.total_gap,
                *(dict(c.by_size).get(size) for size in sizes),
            )
            for c in found.competencies
        ),
    )


def modules_table(found: TrainingNeeds) -> Table:
    """The commissioning view's modules, most learners first."""
    return Table(
        "Modules to commission",
        (
            "Module ID",
            "Module",
            "Provider",
            "Mode",
            "Hours per learner",
            "Learners (people)",
            "Trusts with learners",
            "Total hours (learners × hours)",
        ),
        tuple(
            (m.module_id, m.title, m.provider, m.mode, m.hours, m.learners, m.trusts, m.learner_hours)
            for m in found.modules
        ),
    )


def readiness_table(found: TrainingNeeds) -> Table:
    """People by role and readiness band."""
    return Table(
        "Readiness by role",
        ("Role ID", "Role", "People", *(f"Readiness {label} (people)" for label, _ in READINESS_BANDS)),
        tuple((r.role_id, r.title, r.people, *(count for _, count in r.bands)) for r in found.readiness),
    )


def heatmap_table(found: TrainingNeeds) -> Table:
    """The heatmap, one row per organisation and domain, as a spreadsheet sorts and filters best."""
    heatmap = found.heatmap
    names = {ident: (name, headcount) for ident, name, headcount in heatmap.organisations}
    domains = dict(heatmap.domains)
    return Table(
        "Heatmap",
        (
            KIND_NAMES.get(heatmap.organisation_kind, "Organisation"),
            "Headcount (people)",
            "Domain",
            "People with a gap in the domain",
            "Share of headcount with a gap (%)",
        ),
        tuple(
            (
                names[cell.organisation_id][0],
                names[cell.organisation_id][1],
                domains[cell.domain_id],
                cell.people,
                None if cell.share is None else round(cell.share * 100, 1),
            )
            for cell in heatmap.cells
        ),
    )


TABLES = {
    "competency-gaps": ("Competency gaps and gap sizes", competencies_table),
    "modules": ("Modules to commission", modules_table),
    "readiness": ("Readiness by role", readiness_table),
    "heatmap": ("Heatmap of gaps by domain", heatmap_table),
}
"""Every table a scope's pages show, by the name its file takes: (what it holds, how it is built)."""


@_scope_routes(f"/<any({', '.join(map(repr, TABLES))}):table>.<any({', '.join(FORMATS)}):file_format>", "download")
@login_required
def download(kind: str, ident: int | None, table: str, file_format: str):
    """One of a scope's tables as a CSV or XLSX file."""
    found = gathered(kind, ident)
    body, content_type = export(TABLES[table][1](found), file_format)
    name = f"training-needs-{slug(found.scope.name)}-{table}-{today().isoformat()}.{file_format}"
    return Response(
        body,
        content_type=content_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
