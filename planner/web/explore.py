"""The role explorer (Recruit and retain): every role of the framework for anyone to browse without
signing in, with its pay, a day in the life, what it needs, the routes in and out and typical
training. A role's page prints cleanly, for careers events and applicants' own notes.
"""

from __future__ import annotations

import textwrap
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, abort, render_template
from markupsafe import Markup

from planner.core.errors import PlanningError
from planner.core.explore import RoleProfile, profile_role
from planner.core.framework import Framework, Move, Role
from planner.graphics import FONT, HIGHLIGHT, INK, LINE, MOVE_WORDS, PAPER
from planner.web.context import framework
from planner.web.home import roles_by_family

bp = Blueprint("explore", __name__, url_prefix="/roles")

# The routes picture: roles that lead in on the left, the role in the middle, roles it leads to on
# the right; sizes in SVG user units (pixels at 100%).
MARGIN = 12
HEADING = 32
BOX_WIDTH = 230
GAP = 90
ROW_GAP = 14
PADDING = 8
LINE_HEIGHT = 17
WRAP_AT = 27
ARROW_ID = "routes-arrow"
BOLD = ' font-weight="bold"'


@bp.get("")
def roles():
    """Every role by family, with its band and pay."""
    fw = framework()
    return render_template("explore/roles.html", framework=fw, families=roles_by_family(fw))


@bp.get("/<string(maxlength=64):role_id>")
def role(role_id: str):
    """One role: pay, a day in the life, what it needs, routes in and out, typical training."""
    fw = framework()
    try:
        profile = profile_role(fw, role_id)
    except PlanningError:
        abort(404)
    levels = {level.level: level.label for level in fw.scale}
    return render_template(
        "explore/role.html",
        framework=fw,
        role=profile.role,
        profile=profile,
        levels=levels,
        move_words=MOVE_WORDS,
        routes_svg=Markup(routes_svg(fw, profile)),  # every text in it is XML-escaped here
    )


def by_other_role(fw: Framework, moves: tuple[Move, ...], end: str) -> list[tuple[Role, list[Move]]]:
    """The moves grouped by the role at their other ``end`` ("source" or "target"), in their order."""
    grouped: dict[str, list[Move]] = {}
    for move in moves:
        grouped.setdefault(getattr(move, end), []).append(move)
    return [(fw.role[role_id], group) for role_id, group in grouped.items()]


def box_lines(role: Role, moves: list[Move]) -> tuple[list[str], list[str]]:
    """A box's text: the title wrapped; then the band and each kind of move with its typical months."""
    lines = [f"Band {role.band}"]
    for move in moves:
        lines += textwrap.wrap(f"{MOVE_WORDS[move.kind]}, after {move.months} months", WRAP_AT)
    return textwrap.wrap(role.title, WRAP_AT), lines


def routes_svg(fw: Framework, profile: RoleProfile) -> str:
    """The routes into and out of a role as an SVG picture, or "" when it has none."""
    sides = [by_other_role(fw, profile.routes_in, "source"), by_other_role(fw, profile.routes_out, "target")]
    if not any(sides):
        return ""
    centre_lines = (textwrap.wrap(profile.role.title, WRAP_AT), [f"Band {profile.role.band}"])
    columns = [[box_lines(other, moves) for other, moves in side] for side in sides]

    def height(lines: tuple[list[str], list[str]]) -> float:
        return 2 * PADDING + LINE_HEIGHT * sum(map(len, lines))

    def column_height(boxes: list[list[str]]) -> float:
        return sum(height(lines) for lines in boxes) + ROW_GAP * max(len(boxes) - 1, 0)

    tallest = max(column_height(boxes) for boxes in [*columns, [centre_lines]])
    width = 2 * MARGIN + 3 * BOX_WIDTH + 2 * GAP
    total = round(HEADING + tallest + 2 * MARGIN)
    xs = (MARGIN, MARGIN + BOX_WIDTH + GAP, MARGIN + 2 * (BOX_WIDTH + GAP))
    top = MARGIN + HEADING
    centre_y = top + (tallest - height(centre_lines)) / 2
    centre_mid = centre_y + height(centre_lines) / 2
    title = f"Routes into and out of {profile.role.title}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="{width}" height="{total}"'
        f' role="img" aria-labelledby="routes-title" font-family={quoteattr(FONT)} font-size="14" fill="{INK}">',
        f'<title id="routes-title">{escape(title)}: the same routes are listed below the picture.</title>',
        f'<defs><marker id="{ARROW_ID}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8"'
        f' orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{LINE}"/></marker></defs>',
    ]
    for x, heading in zip(xs, ("Routes in", "This role", "Routes out")):
        parts.append(f'<text x="{x + BOX_WIDTH / 2}" y="{MARGIN + 16}" text-anchor="middle" font-weight="bold">{heading}</text>')
    parts.append(_box(xs[1], centre_y, centre_lines, highlighted=True))
    for index, boxes in enumerate(columns):
        x = xs[0] if index == 0 else xs[2]
        y = top + (tallest - column_height(boxes)) / 2
        for lines in boxes:
            mid = y + height(lines) / 2
            start, end = ((x + BOX_WIDTH, mid), (xs[1], centre_mid)) if index == 0 else ((xs[1] + BOX_WIDTH, centre_mid), (x, mid))
            parts.append(
                f'<path d="M {start[0]} {start[1]:.1f} L {end[0]} {end[1]:.1f}" stroke="{LINE}" stroke-width="1.5"'
                f' fill="none" marker-end="url(#{ARROW_ID})"/>'
            )
            parts.append(_box(x, y, lines, highlighted=False))
            y += height(lines) + ROW_GAP
    parts.append("</svg>")
    return "\n".join(parts)


def _box(x: float, y: float, lines: tuple[list[str], list[str]], *, highlighted: bool) -> str:
    """A role's box: its title in bold, then its other lines; the explored role's drawn thicker, in
    the highlight colour."""
    title, rest = lines
    box_height = 2 * PADDING + LINE_HEIGHT * (len(title) + len(rest))
    stroke = f'stroke="{HIGHLIGHT}" stroke-width="4"' if highlighted else f'stroke="{LINE}" stroke-width="1.5"'
    texts = [
        f'<text x="{x + PADDING}" y="{y + PADDING + LINE_HEIGHT * (n + 1) - 4:.1f}"'
        f'{BOLD if n < len(title) else ""}>{escape(line)}</text>'
        for n, line in enumerate(title + rest)
    ]
    return "\n".join([f'<rect x="{x}" y="{y:.1f}" width="{BOX_WIDTH}" height="{box_height}" rx="4" fill="{PAPER}" {stroke}/>', *texts])
