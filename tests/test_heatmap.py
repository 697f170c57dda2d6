"""The heatmap drawn as SVG: what each cell shows, how suppression is marked, that it is safe XML
and that every printed share is legible on its shade."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from planner.heatmap import INK, SHADES, SUPPRESSED_MARK, WHITE, heatmap_svg, percent, shade, share_text
from planner.insight import Heatmap, HeatmapCell

SVG = "{http://www.w3.org/2000/svg}"


def make_heatmap(cells: dict[tuple[int, str], tuple[int | None, float | None]], kind: str = "trust") -> Heatmap:
    organisations = ((1, "Northgate & Fellside <Trust>", 20), (2, "=HYPERLINK(\"x\")", None))
    domains = (("ROT", "Rotas, working hours and rostering"), ("PAY", "Medical pay"))
    return Heatmap(
        organisation_kind=kind,
        organisations=organisations,
        domains=domains,
        cells=tuple(
            HeatmapCell(organisation_id=org, domain_id=domain, people=people, share=share)
            for (org, domain), (people, share) in cells.items()
        ),
    )


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(element.itertext()) for element in root.iter(f"{SVG}text")]


def relative_luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("step", SHADES, ids=lambda step: step.label)
def test_every_printed_share_has_enough_contrast_on_its_shade(step):
    assert contrast(step.fill, step.ink) >= 4.5


def test_the_suppressed_mark_is_dark_on_white():
    assert contrast(INK, WHITE) >= 4.5


@pytest.mark.parametrize(
    ("share", "label", "text"),
    [
        (0.0, "None", "0%"),
        (0.004, "Under 25%", "<1%"),
        (0.005, "Under 25%", "1%"),
        (0.244, "Under 25%", "24%"),
        (0.245, "25% to 49%", "25%"),
        (0.5, "50% to 74%", "50%"),
        (0.749, "75% or more", "75%"),
        (1.0, "75% or more", "100%"),
    ],
)
def test_a_share_is_printed_and_shaded_by_its_rounded_percentage(share, label, text):
    assert shade(share).label == label
    assert share_text(share) == text


def test_percent_rounds_halves_up():
    assert [percent(x) for x in (0.125, 0.135, 0.994)] == [13, 14, 99]


def test_each_cell_prints_its_share_and_the_picture_is_one_image_with_a_title_and_description():
    svg = heatmap_svg(make_heatmap({(1, "ROT"): (5, 0.25), (1, "PAY"): (0, 0.0), (2, "ROT"): (9, 0.9), (2, "PAY"): (6, 0.6)}))
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "heatmap-title heatmap-desc"
    assert root.find(f"{SVG}title").text == "Share of people with a gap in each domain, by trust"
    description = root.find(f"{SVG}desc").text
    assert "2 domains by 2 trusts" in description
    assert "The largest share is 90%, in Rotas, working hours and rostering at =HYPERLINK(\"x\")" in description
    assert "table after the picture" in description
    assert "withheld" not in description
    shown = texts(svg)
    for value in ("25%", "0%", "90%", "60%"):
        assert value in shown
    assert SUPPRESSED_MARK not in shown
    # The key lists every shade, but no hatching when nothing is withheld.
    assert all(step.label in shown for step in SHADES)
    assert "hatch)" not in svg.split("<defs>")[1].split("</defs>")[1]


def test_a_suppressed_cell_is_hatched_marked_and_explained():
    svg = heatmap_svg(make_heatmap({(1, "ROT"): (None, None), (1, "PAY"): (7, 0.35), (2, "ROT"): (None, None), (2, "PAY"): (None, None)}, kind="region"))
    shown = texts(svg)
    assert shown.count(SUPPRESSED_MARK) == 3
    assert f"{SUPPRESSED_MARK}: fewer than 5 people, withheld" in shown
    assert svg.count('fill="url(#heatmap-hatch)"') == 3 + 1
    root = ET.fromstring(svg)
    assert "by region" in root.find(f"{SVG}title").text
    assert "withheld so that nobody can be picked out" in root.find(f"{SVG}desc").text


def test_names_are_escaped_and_wrapped():
    svg = heatmap_svg(make_heatmap({}))
    assert "<Trust>" not in svg and "&lt;Trust&gt;" in svg
    ET.fromstring(svg)  # well-formed
    shown = texts(svg)
    assert "Northgate &Fellside <Trust>" in shown  # wrapped onto lines, read back without spaces between them
    # With no cells at all (none given), every cell is drawn as withheld rather than left blank.
    assert shown.count(SUPPRESSED_MARK) == 4
    assert f"{SUPPRESSED_MARK}: fewer than 5 people, withheld" in shown


def test_a_single_team_and_a_picture_with_nothing_withheld_have_no_description_of_suppression():
    heatmap = Heatmap("team", ((3, "Team A1", 4),), (("ROT", "Rotas"),), (HeatmapCell(3, "ROT", 0, 0.0),))
    root = ET.fromstring(heatmap_svg(heatmap))
    description = root.find(f"{SVG}desc").text
    assert description.startswith("A grid of 1 domain by 1 team. Each cell gives the share of the team's people")
    assert "The largest share is 0%, in Rotas at Team A1." in description
