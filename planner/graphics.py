"""Pictures drawn on the server as SVG: the map of roles around a person, in plain Python.

The map is a layered drawing: one column per band, lowest band on the left, a box for each role
and an arrow for each move between the roles shown. Browsers draw it without JavaScript and
without style sheets or ``style`` attributes, so a strict content security policy allows it;
every colour and line width is an SVG presentation attribute. networkx's own layouts need numpy,
which planner does not install, so the layout is worked out here: columns by band, and the roles
in each column ordered by the mean place of the roles they are joined to (the barycentre rule),
which keeps most arrows short and uncrossed.

Everything drawn is also available as data (``role_map``) so a page can give the same roles and
moves as text beside the picture. Every piece of text is XML-escaped before it is written.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from planner.core.framework import Framework

MOVE_WORDS = {
    "promotion": "promotion",
    "lateral": "lateral move",
    "secondment": "secondment",
    "acting_up": "acting up",
    "cross_over": "cross-over",
}
"""Each kind of move in words, as pages and pictures name it."""

# Sizes in SVG user units (pixels at 100%).
MARGIN = 16
HEADING_HEIGHT = 36
BOX_WIDTH = 184
COLUMN_GAP = 164
ROW_GAP = 44
LINE_HEIGHT = 18
BOX_PADDING = 10
FONT_SIZE = 14
LABEL_SIZE = 12
WRAP_AT = 20
"""Characters per line of a role title; longer titles wrap onto more lines."""
LABEL_WRAP_AT = 16
LABEL_LEADING = 1.2
CHAR_WIDTH = 0.6
"""A generous average character width, as a share of the font size, for keeping labels apart."""
LABEL_SHIFTS = (0, *(sign * step for step in range(6, 61, 6) for sign in (1, -1)))
"""How far up or down a label may move from its arrow's middle to stay clear of others."""
CURVE = 56
"""How far an arrow between two roles of one band bows out beside the column."""
SIDE = 150
"""Room left and right of the outer columns for those bowed arrows and their labels."""

INK = "#212b32"
LINE = "#4c6272"
HIGHLIGHT = "#005eb8"
PAPER = "#ffffff"
CURRENT_FILL = "#e8edee"
FONT = "Frutiger W01, Arial, sans-serif"

ID_PREFIX = "role-map"
CURRENT_MARKER = "Current role"


@dataclass(frozen=True)
class MapRole:
    """A role on the map, where it is drawn and how it is marked.

    ``distance`` counts moves from the centre; a route's roles beyond the radius count radius + 1.
    """

    id: str
    title: str
    band: str
    distance: int
    marker: str | None
    x: float
    y: float
    title_lines: tuple[str, ...]
    marker_lines: tuple[str, ...]

    @property
    def lines(self) -> tuple[str, ...]:
        """The box's text, line by line: the title, wrapped, then the band, then any marker."""
        return self.title_lines + (f"Band {self.band}",) + self.marker_lines

    @property
    def height(self) -> float:
        return box_height(len(self.lines))

    @property
    def highlighted(self) -> bool:
        return self.marker is not None


@dataclass(frozen=True)
class MapMove:
    """The moves from one role on the map to another, and their step on the highlighted route."""

    source: str
    target: str
    kinds: tuple[str, ...]
    route_step: int | None


@dataclass(frozen=True)
class RoleMap:
    """The roles near one role, laid out in columns by band, and the moves between them."""

    centre: str
    radius: int
    route: tuple[str, ...]
    bands: tuple[str, ...]
    roles: tuple[MapRole, ...]
    moves: tuple[MapMove, ...]
    width: int
    height: int

    @property
    def role(self) -> dict[str, MapRole]:
        return {role.id: role for role in self.roles}

    def moves_from(self, role_id: str) -> tuple[MapMove, ...]:
        """The moves on the map that leave ``role_id``."""
        return tuple(move for move in self.moves if move.source == role_id)


def box_height(lines: int) -> float:
    """A role box's height for ``lines`` lines of text (title lines, band and marker)."""
    return 2 * BOX_PADDING + LINE_HEIGHT * lines


def roles_within(framework: Framework, centre: str, radius: int) -> dict[str, int]:
    """The roles at most ``radius`` moves from ``centre``, in either direction, with their distance."""
    if centre not in framework.role:
        raise ValueError(f"unknown role '{centre}'")
    undirected = framework.move_graph.to_undirected(as_view=True)
    return dict(nx.single_source_shortest_path_length(undirected, centre, cutoff=radius))


def role_map(
    framework: Framework, centre_role: str, highlight_route: Sequence[str] | None = None, radius: int = 2
) -> RoleMap:
    """The map of roles within ``radius`` moves of ``centre_role``, laid out for drawing.

    ``highlight_route`` is a route's roles in order, starting at the centre; its roles are shown
    even when they lie beyond the radius, and its roles and moves are marked by their step.
    """
    route = tuple(highlight_route or ())
    distances = roles_within(framework, centre_role, radius)
    unknown = [role_id for role_id in route if role_id not in framework.role]
    if unknown:
        raise ValueError(f"unknown role '{unknown[0]}' on the route")
    for role_id in route:
        distances.setdefault(role_id, radius + 1)
    markers = _markers(centre_role, route)
    route_steps = {(a, b): n for n, (a, b) in enumerate(zip(route, route[1:]), start=1)}
    graph = framework.move_graph
    moves = tuple(
        MapMove(a, b, tuple(sorted(m.kind for m in graph[a][b]["moves"])), route_steps.get((a, b)))
        for a, b in sorted(graph.subgraph(distances).edges, key=lambda edge: _edge_order(framework, edge))
    )
    bands = tuple(b.id for b in framework.bands if any(framework.role[r].band == b.id for r in distances))
    columns = _order_columns(framework, bands, distances, moves)
    roles, width, height = _place(framework, bands, columns, distances, markers)
    return RoleMap(centre_role, radius, route, bands, roles, moves, width, height)


def _markers(centre: str, route: tuple[str, ...]) -> dict[str, str]:
    markers = {role_id: f"Route step {n}" for n, role_id in enumerate(route) if n}
    if route:
        markers[route[-1]] = f"Target: route step {len(route) - 1}"
    markers[centre] = CURRENT_MARKER
    return markers


def _edge_order(framework: Framework, edge: tuple[str, str]) -> tuple:
    source, target = (framework.role[role_id] for role_id in edge)
    rank = framework.band_rank
    return (rank[source.band], source.title, rank[target.band], target.title, *edge)


def _order_columns(framework: Framework, bands, distances, moves) -> dict[str, list[str]]:
    """Each band's roles, top to bottom: one sweep each way of the barycentre rule."""
    columns: dict[str, list[str]] = {band: [] for band in bands}
    for role_id in sorted(distances, key=lambda r: (framework.role[r].family, framework.role[r].title, r)):
        columns[framework.role[role_id].band].append(role_id)
    neighbours: dict[str, set[str]] = {role_id: set() for role_id in distances}
    for move in moves:
        neighbours[move.source].add(move.target)
        neighbours[move.target].add(move.source)

    def reorder(band: str, fixed: set[str]) -> None:
        place = _places(columns)

        def barycentre(role_id: str) -> float:
            others = [place[n] for n in neighbours[role_id] if framework.role[n].band in fixed]
            return sum(others) / len(others) if others else place[role_id]

        columns[band].sort(key=barycentre)

    for i, band in enumerate(bands):
        reorder(band, set(bands[:i]))
    for i, band in reversed(list(enumerate(bands))):
        reorder(band, set(bands[i + 1 :]))
    return columns


def _places(columns: dict[str, list[str]]) -> dict[str, float]:
    """Each role's place in its column, centred on 0 so columns of different lengths line up."""
    return {role_id: i - (len(ids) - 1) / 2 for ids in columns.values() for i, role_id in enumerate(ids)}


def _place(framework: Framework, bands, columns, distances, markers) -> tuple[tuple[MapRole, ...], int, int]:
    """Position every box: columns left to right by band, each column centred vertically."""
    titles = {r: tuple(textwrap.wrap(framework.role[r].title, WRAP_AT) or [r]) for r in distances}
    marks = {r: tuple(textwrap.wrap(markers[r], WRAP_AT)) if r in markers else () for r in distances}
    lines = {r: len(titles[r]) + 1 + len(marks[r]) for r in distances}
    column_height = {
        band: sum(box_height(lines[r]) for r in ids) + ROW_GAP * (len(ids) - 1) for band, ids in columns.items()
    }
    tallest = max(column_height.values())
    top = MARGIN + HEADING_HEIGHT
    roles = []
    for index, band in enumerate(bands):
        x = MARGIN + SIDE + index * (BOX_WIDTH + COLUMN_GAP)
        y = top + (tallest - column_height[band]) / 2
        for role_id in columns[band]:
            role = framework.role[role_id]
            marker, distance = markers.get(role_id), distances[role_id]
            roles.append(MapRole(role_id, role.title, role.band, distance, marker, x, y, titles[role_id], marks[role_id]))
            y += box_height(lines[role_id]) + ROW_GAP
    width = 2 * (MARGIN + SIDE) + len(bands) * BOX_WIDTH + (len(bands) - 1) * COLUMN_GAP
    return tuple(roles), round(width), round(top + tallest + MARGIN)


def role_map_svg(
    framework: Framework, centre_role: str, highlight_route: Sequence[str] | None = None, radius: int = 2
) -> str:
    """The map of roles around ``centre_role`` as an SVG document (see ``role_map``)."""
    return draw_role_map(framework, role_map(framework, centre_role, highlight_route, radius))


def draw_role_map(framework: Framework, drawn: RoleMap) -> str:
    """An SVG picture of a laid-out role map, with its title and description for screen readers."""
    centre = framework.role[drawn.centre]
    title = f"Map of the roles within {drawn.radius} moves of {centre.title}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{drawn.width}" height="{drawn.height}"'
        f' viewBox="0 0 {drawn.width} {drawn.height}" role="img"'
        f' aria-labelledby="{ID_PREFIX}-title {ID_PREFIX}-desc"'
        f' font-family={quoteattr(FONT)} font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{ID_PREFIX}-title">{escape(title)}</title>',
        f'<desc id="{ID_PREFIX}-desc">{escape(describe(framework, drawn))}</desc>',
        "<defs>",
        _arrowhead(f"{ID_PREFIX}-arrow", LINE, 10),
        _arrowhead(f"{ID_PREFIX}-route-arrow", HIGHLIGHT, 14),
        "</defs>",
    ]
    parts += _headings(drawn)
    roles = drawn.role
    wanted = []
    for move in drawn.moves:
        path, (x, y, side) = _arrow_path(roles[move.source], roles[move.target])
        on_route = move.route_step is not None
        parts.append(
            f'<path d="{path}" fill="none" stroke="{HIGHLIGHT if on_route else LINE}"'
            f' stroke-width="{4 if on_route else 1.5}"'
            f' marker-end="url(#{ID_PREFIX}-{"route-arrow" if on_route else "arrow"})"/>'
        )
        lines = _label_lines(move)
        # A label beside a column sits wholly outside it, clear of the boxes.
        wanted.append((lines, (x + side * _label_half_width(lines), y)))
    parts += [_box(role) for role in drawn.roles]
    placed = _place_labels(drawn, wanted)
    parts += [_label(move, lines, centre) for move, (lines, _), centre in zip(drawn.moves, wanted, placed)]
    parts.append("</svg>")
    return "\n".join(parts)


def describe(framework: Framework, drawn: RoleMap) -> str:
    """What the picture shows, in a few sentences: the SVG's description."""
    centre = framework.role[drawn.centre]
    first, last = drawn.bands[0], drawn.bands[-1]
    text = (
        f"{len(drawn.roles)} roles within {drawn.radius} moves of {centre.title}, the current role, "
        f"in columns by band from band {first} on the left to band {last} on the right. "
        "Arrows show the moves between them, labelled with the kind of move."
    )
    if drawn.route:
        titles = ", then ".join(framework.role[r].title for r in drawn.route)
        text += f" The highlighted route, drawn with thicker lines and marked by step, goes {titles}."
    return text


def _n(value: float) -> str:
    return format(round(value, 1), "g")


def _arrowhead(marker_id: str, colour: str, size: int) -> str:
    return (
        f'<marker id="{marker_id}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse"'
        f' markerWidth="{size}" markerHeight="{size}" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def _headings(drawn: RoleMap) -> list[str]:
    """A "Band N" heading above each column."""
    return [
        f'<text x="{_n(MARGIN + SIDE + i * (BOX_WIDTH + COLUMN_GAP) + BOX_WIDTH / 2)}" y="{MARGIN + FONT_SIZE}"'
        f' text-anchor="middle" font-weight="bold">Band {escape(band)}</text>'
        for i, band in enumerate(drawn.bands)
    ]


def _arrow_path(source: MapRole, target: MapRole) -> tuple[str, tuple[float, float, int]]:
    """The curve from one box to another; the point halfway along it, and which side of that
    point its label goes (-1 left, 0 centred on it, 1 right).

    Between columns the arrow leaves the facing side of one box for the facing side of the
    other; within a column it bows out to the right going down and to the left going up, so
    moves both ways between two roles do not overlap.
    """
    sy, ty = source.y + source.height / 2, target.y + target.height / 2
    if source.x != target.x:
        forward = source.x < target.x
        sx = source.x + BOX_WIDTH if forward else source.x
        tx = target.x if forward else target.x + BOX_WIDTH
        bend = (tx - sx) / 2
        path = f"M{_n(sx)},{_n(sy)} C{_n(sx + bend)},{_n(sy)} {_n(tx - bend)},{_n(ty)} {_n(tx)},{_n(ty)}"
        return path, ((sx + tx) / 2, (sy + ty) / 2, 0)
    down = ty > sy
    x = source.x + BOX_WIDTH if down else source.x
    bow = CURVE if down else -CURVE
    path = f"M{_n(x)},{_n(sy)} C{_n(x + bow)},{_n(sy)} {_n(x + bow)},{_n(ty)} {_n(x)},{_n(ty)}"
    return path, (x + 0.75 * bow, (sy + ty) / 2, 1 if down else -1)


def _label_lines(move: MapMove) -> tuple[str, ...]:
    lines = textwrap.wrap(" or ".join(MOVE_WORDS.get(kind, kind) for kind in move.kinds), LABEL_WRAP_AT)
    if move.route_step is not None:
        lines.insert(0, f"Route step {move.route_step}:")
    return tuple(lines)


def _label_half_width(lines: tuple[str, ...]) -> float:
    return max(len(line) for line in lines) * LABEL_SIZE * CHAR_WIDTH / 2 + 2


def _label_box(lines: tuple[str, ...], x: float, y: float) -> tuple[float, float, float, float]:
    """Roughly the area a label centred on (x, y) covers: left, top, right, bottom."""
    half_width = _label_half_width(lines)
    half_height = len(lines) * LABEL_SIZE * LABEL_LEADING / 2
    return (x - half_width, y - half_height, x + half_width, y + half_height)


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_labels(drawn: RoleMap, wanted) -> list[tuple[float, float]]:
    """Where each label goes: at its arrow's middle, or moved up or down a little to the nearest
    place that covers the fewest boxes and labels already placed and stays on the picture."""
    taken = [(r.x, r.y, r.x + BOX_WIDTH, r.y + r.height) for r in drawn.roles]
    placed = []
    for lines, (x, y) in wanted:

        def crowding(shift: float) -> tuple[int, float]:
            area = _label_box(lines, x, y + shift)
            outside = area[0] < 0 or area[1] < HEADING_HEIGHT or area[2] > drawn.width or area[3] > drawn.height
            return (sum(_overlaps(area, other) for other in taken) + outside, abs(shift))

        shift = min(LABEL_SHIFTS, key=crowding)
        taken.append(_label_box(lines, x, y + shift))
        placed.append((x, y + shift))
    return placed


def _label(move: MapMove, lines: tuple[str, ...], centre: tuple[float, float]) -> str:
    """A move's label, on a halo of paper colour so it reads over the lines it crosses."""
    x, y = centre
    top = y - (len(lines) - 1) * LABEL_SIZE * LABEL_LEADING / 2 + LABEL_SIZE / 3
    bold = ' font-weight="bold"'
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(top + i * LABEL_SIZE * LABEL_LEADING)}"'
        f'{bold if move.route_step is not None and i == 0 else ""}>{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f'<text font-size="{LABEL_SIZE}" text-anchor="middle" stroke="{PAPER}" stroke-width="4"'
        f' stroke-linejoin="round" paint-order="stroke">{spans}</text>'
    )


def _box(role: MapRole) -> str:
    """A role's box: its title, band and marker, with a thick border when it is marked."""
    stroke = f'stroke="{HIGHLIGHT}" stroke-width="4"' if role.highlighted else f'stroke="{LINE}" stroke-width="1"'
    fill = CURRENT_FILL if role.marker == CURRENT_MARKER else PAPER
    band_line = len(role.title_lines)
    spans = []
    for i, line in enumerate(role.lines):
        # The title and the marker in bold; the band between them in normal weight.
        weight = ' font-weight="bold"' if i != band_line else ""
        y = role.y + BOX_PADDING + FONT_SIZE + i * LINE_HEIGHT - 2
        spans.append(f'<tspan x="{_n(role.x + BOX_PADDING)}" y="{_n(y)}"{weight}>{escape(line)}</tspan>')
    return (
        f'<g><rect x="{_n(role.x)}" y="{_n(role.y)}" width="{BOX_WIDTH}" height="{_n(role.height)}" rx="4"'
        f' fill="{fill}" {stroke}/><text>{"".join(spans)}</text></g>'
    )
