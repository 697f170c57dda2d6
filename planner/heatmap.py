"""The heatmap of training needs as SVG: one row per domain, one column per organisation.

Each cell is shaded by the share of the organisation's people with at least one gap in the
domain, darker for more, and prints that share, so the picture does not rely on colour alone.
The five shades are NHS blues and greys; the printed share is dark on the light shades and
white on the dark ones, each pair with a contrast of at least 4.5:1 (WCAG AA for small text).
A withheld share (fewer than 5 people) is hatched, marked "<5" and explained
in the legend.

Like ``planner.graphics``, the picture needs no JavaScript or style sheet: colours are SVG
presentation attributes, and every piece of text is XML-escaped before it is written. The page
puts a table of the same figures beside it; the SVG is one image to a screen reader (``role="img"``
with a title and a description that points to that table), so nobody hears every figure twice.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

INK = "#212b32"
WHITE = "#ffffff"
GRID = "#ffffff"
HATCH = "#aeb7bd"
FONT = "Frutiger W01, Arial, sans-serif"
ID_PREFIX = "heatmap"


@dataclass(frozen=True)
class Shade:
    """One step of the colour scale: the cell colour, the colour of the share printed on it, and
    what it means in the legend."""

    fill: str
    ink: str
    label: str


SHADES = (
    Shade("#f0f4f5", INK, "None"),
    Shade("#ccdff1", INK, "Under 25%"),
    Shade("#80afdc", INK, "25% to 49%"),
    Shade("#005eb8", WHITE, "50% to 74%"),
    Shade("#003087", WHITE, "75% or more"),
)
"""The scale from no one with a gap to most people with one: NHS grey 5, two tints of NHS blue,
NHS blue and NHS dark blue."""

SUPPRESSED_MARK = "<5"
SUPPRESSED_TEXT = "fewer than 5 people, withheld"

# Sizes in SVG user units (pixels at 100%).
MARGIN = 16
LABEL_WIDTH = 280
CELL_WIDTH = 128
MIN_ROW_HEIGHT = 44
LINE_HEIGHT = 16
FONT_SIZE = 14
HEADING_SIZE = 13
VALUE_SIZE = 15
DOMAIN_WRAP = 34
ORGANISATION_WRAP = 17
SWATCH = 20
LEGEND_STEP = 112
LEGEND_ROW = 30

KIND_WORDS = {"team": "team", "trust": "trust", "region": "region"}


def percent(share: float) -> int:
    """A share (0 to 1) as a whole percentage, halves rounded up."""
    return int(share * 100 + 0.5)


def share_text(share: float) -> str:
    """A share as the cell prints it: "42%", or "<1%" for a share too small to round to 1%."""
    if 0 < share < 0.005:
        return "<1%"
    return f"{percent(share)}%"


def shade(share: float) -> Shade:
    """The shade of a cell with this share of people with a gap."""
    if share == 0:
        return SHADES[0]
    value = percent(share)
    return SHADES[1 + min(value // 25, 3)]


def heatmap_svg(heatmap) -> str:
    """The heatmap (a ``planner.insight.Heatmap``) as an SVG document."""
    organisations, domains = heatmap.organisations, heatmap.domains
    cells = {(cell.domain_id, cell.organisation_id): cell for cell in heatmap.cells}
    org_lines = [tuple(textwrap.wrap(name, ORGANISATION_WRAP)) or (str(ident),) for ident, name, _ in organisations]
    domain_lines = [tuple(textwrap.wrap(name, DOMAIN_WRAP)) or (ident,) for ident, name in domains]
    header = MARGIN + max((len(lines) for lines in org_lines), default=1) * LINE_HEIGHT + 12
    row_height = max(MIN_ROW_HEIGHT, max((len(lines) for lines in domain_lines), default=1) * LINE_HEIGHT + 12)
    suppressed = any(
        cells.get((domain_id, ident)) is None or cells[(domain_id, ident)].share is None
        for domain_id, _ in domains
        for ident, _, _ in organisations
    )
    grid_bottom = header + len(domains) * row_height
    legend_rows = 2 if suppressed else 1
    width = max(2 * MARGIN + LABEL_WIDTH + len(organisations) * CELL_WIDTH, 2 * MARGIN + len(SHADES) * LEGEND_STEP)
    height = grid_bottom + 24 + LINE_HEIGHT + legend_rows * LEGEND_ROW + MARGIN
    title = f"Share of people with a gap in each domain, by {KIND_WORDS.get(heatmap.organisation_kind, 'organisation')}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" role="img"'
        f' aria-labelledby="{ID_PREFIX}-title {ID_PREFIX}-desc"'
        f' font-family={quoteattr(FONT)} font-size="{FONT_SIZE}" fill="{INK}">',
        f'<title id="{ID_PREFIX}-title">{escape(title)}</title>',
        f'<desc id="{ID_PREFIX}-desc">{escape(describe(heatmap))}</desc>',
        "<defs>",
        f'<pattern id="{ID_PREFIX}-hatch" patternUnits="userSpaceOnUse" width="8" height="8"'
        ' patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{WHITE}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{HATCH}" stroke-width="4"/></pattern>',
        "</defs>",
    ]
    left = MARGIN + LABEL_WIDTH
    for column, lines in enumerate(org_lines):
        x = left + column * CELL_WIDTH + CELL_WIDTH / 2
        top = header - 8 - (len(lines) - 1) * LINE_HEIGHT
        parts.append(_text_lines(lines, x, top, anchor="middle", size=HEADING_SIZE, bold=True))
    for row, ((domain_id, _), lines) in enumerate(zip(domains, domain_lines)):
        y = header + row * row_height
        middle = y + row_height / 2
        first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + FONT_SIZE / 3
        parts.append(_text_lines(lines, MARGIN, first, anchor="start", size=FONT_SIZE))
        for column, (organisation_id, _, _) in enumerate(organisations):
            parts.append(_cell(cells.get((domain_id, organisation_id)), left + column * CELL_WIDTH, y, row_height))
    parts += _legend(grid_bottom + 24, suppressed)
    parts.append("</svg>")
    return "\n".join(parts)


def describe(heatmap) -> str:
    """What the picture shows, in a few sentences: the SVG's description."""
    kind = KIND_WORDS.get(heatmap.organisation_kind, "organisation")
    text = (
        f"A grid of {_counted(len(heatmap.domains), 'domain')} by {_counted(len(heatmap.organisations), kind)}."
        f" Each cell gives the share of the {kind}'s people "
        "with at least one gap in the domain, shaded darker for a larger share."
    )
    shown = [cell for cell in heatmap.cells if cell.share is not None]
    if shown:
        top = max(shown, key=lambda cell: cell.share)
        names = dict((ident, name) for ident, name, _ in heatmap.organisations)
        domains = dict(heatmap.domains)
        text += (
            f" The largest share is {share_text(top.share)}, in {domains[top.domain_id]}"
            f" at {names[top.organisation_id]}."
        )
    if len(shown) < len(heatmap.cells):
        text += " Cells marked fewer than 5 are withheld so that nobody can be picked out."
    return text + " The same figures are in the table after the picture."


def _counted(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _n(value: float) -> str:
    return format(round(value, 1), "g")


def _text_lines(lines, x: float, first_y: float, *, anchor: str, size: int, bold: bool = False) -> str:
    """Lines of text, one under another, starting at ``first_y``."""
    weight = ' font-weight="bold"' if bold else ""
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first_y + i * LINE_HEIGHT)}">{escape(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text font-size="{size}" text-anchor="{anchor}"{weight}>{spans}</text>'


def _cell(cell, x: float, y: float, height: float) -> str:
    """One cell: its shaded square with the share printed in it, or the hatching and "<5"."""
    if cell is None or cell.share is None:
        fill, ink, text = f"url(#{ID_PREFIX}-hatch)", INK, SUPPRESSED_MARK
        halo = f' stroke="{WHITE}" stroke-width="5" stroke-linejoin="round" paint-order="stroke"'
    else:
        step = shade(cell.share)
        fill, ink, text, halo = step.fill, step.ink, share_text(cell.share), ""
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{CELL_WIDTH}" height="{_n(height)}" fill="{fill}"'
        f' stroke="{GRID}" stroke-width="2"/>'
        f'<text x="{_n(x + CELL_WIDTH / 2)}" y="{_n(y + height / 2 + VALUE_SIZE / 3)}" text-anchor="middle"'
        f' font-size="{VALUE_SIZE}" font-weight="bold" fill="{ink}"{halo}>{escape(text)}</text>'
    )


def _legend(top: float, suppressed: bool) -> list[str]:
    """The key: each shade with the shares it stands for, and the hatching when a cell uses it."""
    parts = [f'<text x="{MARGIN}" y="{_n(top)}" font-weight="bold">Key: share of people with a gap</text>']
    y = top + 10
    for index, step in enumerate(SHADES):
        x = MARGIN + index * LEGEND_STEP
        parts.append(
            f'<rect x="{x}" y="{_n(y)}" width="{SWATCH}" height="{SWATCH}" fill="{step.fill}" stroke="{HATCH}"/>'
            f'<text x="{x + SWATCH + 6}" y="{_n(y + SWATCH - 5)}">{escape(step.label)}</text>'
        )
    if suppressed:
        y += LEGEND_ROW
        parts.append(
            f'<rect x="{MARGIN}" y="{_n(y)}" width="{SWATCH}" height="{SWATCH}" fill="url(#{ID_PREFIX}-hatch)"'
            f' stroke="{HATCH}"/>'
            f'<text x="{MARGIN + SWATCH + 6}" y="{_n(y + SWATCH - 5)}">'
            f"{escape(SUPPRESSED_MARK)}: {escape(SUPPRESSED_TEXT)}</text>"
        )
    return parts
