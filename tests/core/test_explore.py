"""What the role explorer shows about a role: needs by domain, routes in and out, typical training."""

from __future__ import annotations

import pytest

from planner.core.errors import PlanningError
from planner.core.explore import profile_role
from planner.core.framework import Competency, Domain, Qualification, Role
from tests.core.mini import mini_framework

CIPD = Qualification("cipd_l3", "CIPD Level 3", "cipd", 3, "CIPD", "Foundation.")


def test_needs_are_grouped_by_domain_in_framework_order_leaving_out_level_zero():
    framework = mini_framework(
        domains=(Domain("X", "Other", "general"), Domain("D", "Domain", "mixed"), Domain("E", "Empty", "mixed")),
        competencies=(
            Competency("A", "Rota rules", "", "D", True, critical=True),
            Competency("Z", "Leading", "", "X", False),
            Competency("C", "Contracts", "", "D", True),
        ),
        roles=(Role("r1", "Administrator", "3", "Ops", "", {"C": 2, "A": 1, "Z": 0}),),
        moves=(),
    )
    profile = profile_role(framework, "r1")
    assert [(group.domain.id, [(c.id, level) for c, level in group.needs]) for group in profile.needs] == [
        ("D", [("A", 1), ("C", 2)])
    ]


@pytest.mark.parametrize(
    ("role_id", "routes_in", "routes_out"),
    [
        pytest.param("r1", [], [("r2", "acting_up"), ("r2", "promotion"), ("r3", "cross_over")], id="entry-role-nearer-band-first"),
        pytest.param("r2", [("r1", "acting_up"), ("r1", "promotion")], [("r3", "promotion")], id="middle-role"),
        pytest.param("r3", [("r2", "promotion"), ("r1", "cross_over")], [], id="top-role"),
        pytest.param("r4", [], [], id="island"),
    ],
)
def test_routes_in_and_out_are_the_moves_into_and_out_of_the_role(role_id, routes_in, routes_out):
    profile = profile_role(mini_framework(), role_id)
    assert [(m.source, m.kind) for m in profile.routes_in] == routes_in
    assert [(m.target, m.kind) for m in profile.routes_out] == routes_out
    assert all(m.target == role_id for m in profile.routes_in) and all(m.source == role_id for m in profile.routes_out)


def test_typical_training_is_what_a_newcomer_would_study_and_its_hours():
    profile = profile_role(mini_framework(), "r2")
    assert [m.id for m in profile.training] == ["M2", "M3"]
    assert profile.training_hours == 13


def test_desirable_qualifications_come_from_the_framework():
    framework = mini_framework(
        roles=(Role("r1", "Administrator", "3", "Ops", "", {"A": 1}, "A day.", ("cipd_l3",)),),
        moves=(),
        qualifications=(CIPD,),
    )
    profile = profile_role(framework, "r1")
    assert profile.desirable == (CIPD,)
    assert profile.role.day_in_life == "A day."


def test_an_unknown_role_is_refused_naming_the_roles():
    with pytest.raises(PlanningError, match="unknown role 'r9'; the roles are: r1, r2, r3, r4"):
        profile_role(mini_framework(), "r9")
