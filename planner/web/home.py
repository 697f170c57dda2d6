"""The start page: what planner is for, and the roles of the framework by family."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from planner.core.framework import Framework, Role

bp = Blueprint("home", __name__)


def roles_by_family(framework: Framework) -> list[tuple[str, list[Role]]]:
    """The roles grouped by family: families by their lowest band, roles by band then title."""
    rank = framework.band_rank
    families: dict[str, list[Role]] = {}
    for role in sorted(framework.roles, key=lambda role: (rank[role.band], role.title)):
        families.setdefault(role.family, []).append(role)
    # Each list starts with its family's lowest band; the name settles ties between families.
    return sorted(families.items(), key=lambda item: (rank[item[1][0].band], item[0]))


@bp.get("/")
def index():
    """The start page."""
    framework = current_app.extensions["planner_framework"]
    families = roles_by_family(framework)
    return render_template("home/index.html", framework=framework, families=families)
