"""The default framework shipped in competencies.yaml passes every check and holds what it should."""

from __future__ import annotations

import networkx as nx
import pytest

from planner.config import DEFAULT_FRAMEWORK
from planner.frameworks import check_framework


@pytest.fixture(scope="module")
def default():
    framework, problems = check_framework(DEFAULT_FRAMEWORK)
    assert problems == []
    return framework


def test_scale_runs_zero_to_four(default):
    assert [level.level for level in default.scale] == [0, 1, 2, 3, 4]


def test_bands_are_agenda_for_change_with_2025_26_pay(default):
    assert [b.id for b in default.bands] == ["2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"]
    assert {b.pay_year for b in default.bands} == {"2025/26"}
    pay = {b.id: (b.pay_entry, b.pay_top) for b in default.bands}
    assert pay == {
        "2": (24465, 24465), "3": (24937, 26598), "4": (27485, 30162), "5": (31049, 37796),
        "6": (38682, 46580), "7": (47810, 54710), "8a": (55690, 62682), "8b": (64455, 74896),
        "8c": (76965, 88682), "8d": (91342, 105337), "9": (109179, 125637),
    }
    entries = [b.pay_entry for b in default.bands]
    assert entries == sorted(entries)


def test_enough_domains_competencies_roles_moves_and_modules(default):
    assert len(default.domains) >= 10
    assert {d.kind for d in default.domains} == {"specialist", "general", "mixed"}
    assert len(default.competencies) >= 60
    assert {c.specialist for c in default.competencies} == {True, False}
    assert any(c.critical for c in default.competencies)
    assert any(c.requires for c in default.competencies)
    assert len(default.roles) >= 12
    assert len(default.moves) >= 20
    assert {m.kind for m in default.moves} == {"promotion", "lateral", "secondment", "acting_up", "cross_over"}
    assert len(default.modules) >= 30
    assert set("THREAD") <= {m.thread for m in default.modules}


@pytest.mark.parametrize(
    "role_id",
    [
        "rota_coordinator",
        "medical_workforce_advisor",
        "revalidation_officer",
        "medical_staffing_manager",
        "medical_workforce_lead",
        "head_of_medical_workforce",
        "medical_staffing_administrator",
        "senior_rota_coordinator",
        "system_medical_workforce_lead",
        "hr_advisor",
        "workforce_information_analyst",
    ],
)
def test_the_roles_the_review_names_and_the_cross_over_roles_exist(default, role_id):
    role = default.role[role_id]
    assert role.summary and role.requires and role.band in default.band


def test_cross_over_moves_go_both_ways_between_medical_staffing_and_generalist_roles(default):
    generalist = {"Generalist HR", "Workforce information"}
    outward = {(m.source, m.target) for m in default.moves if m.kind == "cross_over"
               and default.role[m.target].family in generalist and default.role[m.source].family not in generalist}
    inward = {(m.source, m.target) for m in default.moves if m.kind == "cross_over"
              and default.role[m.source].family in generalist and default.role[m.target].family not in generalist}
    assert outward and inward


def test_every_role_is_reachable_from_the_entry_role(default):
    reachable = nx.descendants(default.move_graph, "medical_staffing_administrator")
    assert reachable | {"medical_staffing_administrator"} == set(default.role)


def test_every_required_level_is_raised_by_some_module(default):
    for role in default.roles:
        for competency_id, level in role.requires.items():
            assert default.best_module_level.get(competency_id, 0) >= level, (role.id, competency_id)


def test_a_role_that_needs_a_competency_at_level_two_also_needs_its_prerequisites(default):
    # Otherwise every plan for the role would add the prerequisite as a surprise need.
    for role in default.roles:
        for competency_id, level in role.requires.items():
            if level < 2:
                continue
            for prerequisite in default.competency[competency_id].requires:
                assert role.requires.get(prerequisite, 0) >= 2, (role.id, competency_id, prerequisite)


def test_the_review_s_critical_areas_are_marked_critical(default):
    critical = {c.id for c in default.competencies if c.critical}
    # Rota safety, employment checks and pay at rotation: errors here harm doctors or patients.
    assert {"ROT-01", "REC-01", "REC-02", "PAY-04"} <= critical


def test_every_role_has_a_day_in_the_life_of_three_to_five_sentences(default):
    for role in default.roles:
        sentences = [s for s in role.day_in_life.replace("?", ".").split(". ") if s.strip()]
        assert 3 <= len(sentences) <= 5, (role.id, len(sentences))


def test_the_quiz_has_ten_to_fifteen_questions_of_three_or_four_answers(default):
    assert 10 <= len(default.quiz) <= 15
    assert all(3 <= len(question.answers) <= 4 for question in default.quiz)
    leaned = {role_id for question in default.quiz for answer in question.answers for role_id in answer.weights}
    assert leaned == {role.id for role in default.roles}


def answers_leaning_towards(framework, role_id: str) -> dict[str, str]:
    """For each question, the answer that leans most towards ``role_id``, and least towards others."""
    def lean(answer) -> tuple[int, int]:
        return answer.weights.get(role_id, 0), -sum(w for r, w in answer.weights.items() if r != role_id)

    return {question.id: max(question.answers, key=lean).id for question in framework.quiz}


def test_every_role_comes_top_for_some_set_of_answers(default):
    from planner.core.quiz import score_quiz

    for role in default.roles:
        outcome = score_quiz(default, answers_leaning_towards(default, role.id))
        assert outcome.ranking[0] == role.id, (role.id, outcome.ranking[:3])
