"""The map of roles drawn as SVG: what it shows, how it marks a route, and that it is safe XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from planner.core.framework import Band, Move, Role
from planner.graphics import draw_role_map, role_map, role_map_svg
from tests.core.mini import mini_framework

SVG = "{http://www.w3.org/2000/svg}"

BANDS = tuple(Band(str(n), "2025/26", 20000 + 1000 * n, 22000 + 1000 * n) for n in range(2, 9))


def chain_framework(title_c3: str = "Lead"):
    """c0 → c1 → c2 → c3 → c4 → c5, one band up each move; c2 ⇄ s2 sideways in c2's band;
    ``island`` joined to nothing."""
    roles = (
        Role("c0", "Clerk", "2", "Ops", ""),
        Role("c1", "Administrator", "3", "Ops", ""),
        Role("c2", "Coordinator", "4", "Ops", ""),
        Role("s2", "Officer", "4", "Ops", ""),
        Role("c3", title_c3, "5", "Ops", ""),
        Role("c4", "Manager", "6", "Ops", ""),
        Role("c5", "Head of Service", "7", "Ops", ""),
        Role("island", "Island", "4", "Other", ""),
    )
    moves = (
        Move("c0", "c1", "promotion", 12),
        Move("c1", "c2", "promotion", 12),
        Move("c1", "c2", "acting_up", 6),
        Move("c2", "c3", "promotion", 18),
        Move("c2", "s2", "lateral", 6),
        Move("s2", "c2", "lateral", 6),
        Move("c3", "c4", "promotion", 24),
        Move("c4", "c5", "promotion", 24),
    )
    return mini_framework(bands=BANDS, roles=roles, moves=moves)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def box_texts(root: ET.Element) -> list[list[str]]:
    """The lines of text in each role box, in drawing order."""
    return [[span.text for span in group.iter(f"{SVG}tspan")] for group in root.iter(f"{SVG}g")]


def titles_shown(root: ET.Element) -> set[str]:
    return {lines[0] for lines in box_texts(root)}


def test_the_picture_is_svg_with_a_title_and_description():
    root = parse(role_map_svg(chain_framework(), "c2"))

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Map of the roles within 2 moves of Coordinator"
    assert desc.text.startswith(
        "6 roles within 2 moves of Coordinator, the current role, in columns by band from band 2 on the left "
        "to band 6 on the right. Arrows show the moves between them"
    )
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_the_map_shows_every_role_within_the_radius_and_no_other():
    framework = chain_framework()

    root = parse(role_map_svg(framework, "c2"))

    # c0 is two moves before c2, c4 two moves after: both in; c5 (three) and the island out.
    assert titles_shown(root) == {"Clerk", "Administrator", "Coordinator", "Officer", "Lead", "Manager"}
    assert len(root.findall(f".//{SVG}rect")) == 6


@pytest.mark.parametrize(
    ("radius", "expected"),
    [
        (0, {"c2"}),
        (1, {"c1", "c2", "s2", "c3"}),
        (3, {"c0", "c1", "c2", "s2", "c3", "c4", "c5"}),
    ],
)
def test_the_radius_counts_moves_either_way(radius, expected):
    drawn = role_map(chain_framework(), "c2", radius=radius)

    assert {role.id for role in drawn.roles} == expected
    assert all(move.source in expected and move.target in expected for move in drawn.moves)


def test_every_move_between_roles_shown_is_an_arrow_labelled_with_its_kinds():
    framework = chain_framework()

    drawn = role_map(framework, "c2", radius=1)
    root = parse(draw_role_map(framework, drawn))

    assert [(m.source, m.target, m.kinds) for m in drawn.moves] == [
        ("c1", "c2", ("acting_up", "promotion")),
        ("c2", "s2", ("lateral",)),
        ("c2", "c3", ("promotion",)),
        ("s2", "c2", ("lateral",)),
    ]
    arrows = [p for p in root.iter(f"{SVG}path") if p.get("marker-end")]
    assert len(arrows) == 4
    labels = [" ".join(span.text for span in text) for text in root.iter(f"{SVG}text") if text.get("font-size") == "12"]
    assert sorted(labels) == ["acting up or promotion", "lateral move", "lateral move", "promotion"]
    assert drawn.moves_from("c2") == drawn.moves[1:3]


def test_columns_go_by_band_lowest_on_the_left():
    drawn = role_map(chain_framework(), "c2", radius=2)
    x = {role.id: role.x for role in drawn.roles}

    assert drawn.bands == ("2", "3", "4", "5", "6")
    assert x["c0"] < x["c1"] < x["c2"] < x["c3"] < x["c4"]
    assert x["c2"] == x["s2"]
    headings = [t.text for t in parse(role_map_svg(chain_framework(), "c2")).iter(f"{SVG}text") if t.text]
    assert headings == ["Band 2", "Band 3", "Band 4", "Band 5", "Band 6"]


def test_the_person_s_role_is_marked_by_border_and_words():
    root = parse(role_map_svg(chain_framework(), "c2"))

    boxes = {lines[0]: lines for lines in box_texts(root)}
    assert boxes["Coordinator"] == ["Coordinator", "Band 4", "Current role"]
    assert boxes["Officer"] == ["Officer", "Band 4"]
    thick = [rect for rect in root.iter(f"{SVG}rect") if rect.get("stroke-width") == "4"]
    assert len(thick) == 1


def test_a_route_is_marked_by_step_on_its_roles_and_arrows():
    framework = chain_framework()

    root = parse(role_map_svg(framework, "c2", highlight_route=("c2", "c3", "c4")))

    boxes = {lines[0]: lines for lines in box_texts(root)}
    assert boxes["Lead"] == ["Lead", "Band 5", "Route step 1"]
    assert boxes["Manager"] == ["Manager", "Band 6", "Target: route step 2"]
    assert boxes["Administrator"] == ["Administrator", "Band 3"]
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("stroke-width") == "4"]) == 3
    thick_arrows = [p for p in root.iter(f"{SVG}path") if p.get("stroke-width") == "4"]
    assert len(thick_arrows) == 2
    assert {p.get("marker-end") for p in thick_arrows} == {"url(#role-map-route-arrow)"}
    labels = [[s.text for s in t] for t in root.iter(f"{SVG}text") if t.get("font-size") == "12"]
    assert ["Route step 1:", "promotion"] in labels
    assert ["Route step 2:", "promotion"] in labels
    desc = root.find(f"{SVG}desc").text
    assert desc.endswith(
        "The highlighted route, drawn with thicker lines and marked by step, goes Coordinator, then Lead, then Manager."
    )


def test_a_route_beyond_the_radius_is_shown_whole():
    drawn = role_map(chain_framework(), "c2", highlight_route=("c2", "c3", "c4", "c5"), radius=1)

    assert {role.id for role in drawn.roles} == {"c1", "c2", "s2", "c3", "c4", "c5"}
    assert drawn.role["c5"].distance == 2
    assert [m.route_step for m in drawn.moves if m.route_step] == [1, 2, 3]


def test_text_is_escaped():
    framework = chain_framework(title_c3='Lead <Rotas> & "Pay"')

    svg = role_map_svg(framework, "c3")

    assert "<Rotas>" not in svg
    root = parse(svg)
    assert 'Lead <Rotas> & "Pay"' in {span.text for span in root.iter(f"{SVG}tspan")}
    assert root.find(f"{SVG}title").text == 'Map of the roles within 2 moves of Lead <Rotas> & "Pay"'


def test_size_and_view_box_fit_every_box():
    framework = chain_framework()
    drawn = role_map(framework, "c2", highlight_route=("c2", "c3"))
    root = parse(draw_role_map(framework, drawn))

    width, height = int(root.get("width")), int(root.get("height"))
    assert (width, height) == (drawn.width, drawn.height)
    assert 300 < width < 3000 and 100 < height < 2000
    assert root.get("viewBox") == f"0 0 {width} {height}"
    for rect in root.iter(f"{SVG}rect"):
        x, y, w, h = (float(rect.get(name)) for name in ("x", "y", "width", "height"))
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height


def test_no_style_or_script_that_a_strict_policy_would_block():
    svg = role_map_svg(chain_framework(), "c2", highlight_route=("c2", "c3"))

    assert "style" not in svg
    assert "<script" not in svg
    assert "<foreignObject" not in svg


def test_long_titles_wrap_and_grow_their_box():
    framework = chain_framework(title_c3="Head of Medical Staffing and Workforce Planning")

    drawn = role_map(framework, "c2")

    lead = drawn.role["c3"]
    assert lead.title_lines == ("Head of Medical", "Staffing and", "Workforce Planning")
    assert lead.height > drawn.role["c2"].height


def test_roles_in_a_column_follow_the_roles_they_join_so_arrows_do_not_cross():
    # Alphabetical order would put b1 above b2, crossing the arrows a1 → b2 and a2 → b1.
    roles = (
        Role("a1", "A one", "3", "Ops", ""),
        Role("a2", "A two", "3", "Ops", ""),
        Role("b1", "B one", "4", "Ops", ""),
        Role("b2", "B two", "4", "Ops", ""),
    )
    moves = (Move("a1", "b2", "promotion", 12), Move("a2", "b1", "promotion", 12), Move("a1", "a2", "lateral", 6))
    framework = mini_framework(roles=roles, moves=moves)

    drawn = role_map(framework, "a1")

    y = {role.id: role.y for role in drawn.roles}
    assert y["a1"] < y["a2"]
    assert y["b2"] < y["b1"]


def test_labels_keep_clear_of_each_other():
    # Moves both ways between two columns meet in the middle: their labels must not sit on top of each other.
    roles = (Role("a", "A", "3", "Ops", ""), Role("b", "B", "4", "Ops", ""))
    moves = (Move("a", "b", "promotion", 12), Move("b", "a", "cross_over", 12))
    framework = mini_framework(roles=roles, moves=moves)

    root = parse(role_map_svg(framework, "a"))

    ys = [float(t.find(f"{SVG}tspan").get("y")) for t in root.iter(f"{SVG}text") if t.get("font-size") == "12"]
    assert len(ys) == 2 and abs(ys[0] - ys[1]) >= 12


def test_unknown_roles_are_refused():
    framework = chain_framework()

    with pytest.raises(ValueError, match="unknown role 'nope'"):
        role_map(framework, "nope")
    with pytest.raises(ValueError, match="unknown role 'gone' on the route"):
        role_map(framework, "c2", highlight_route=("c2", "gone"))
