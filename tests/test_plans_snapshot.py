"""Saved plans as JSON: every field a plan page needs, dates as ISO strings, and back again."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from planner.core.framework import Person
from planner.core.plan import assemble_plan
from planner.frameworks import load_framework
from planner.models import CurrentLevel
from planner.plans import changes_since, load_plan, plan_inputs, plan_to_dict

SMALL = Path(__file__).resolve().parent / "frameworks" / "small.yaml"
TODAY = date(2026, 11, 15)


@pytest.fixture(scope="module")
def small():
    return load_framework(SMALL)


@pytest.fixture
def towards_lead(small):
    person = Person("Sam", "rota", {"ROT-01": 1}, protected_hours_per_month=4, months_in_role=10)
    return assemble_plan(small, person, "lead", TODAY)


def test_a_plan_survives_json_unchanged(small, towards_lead):
    saved = plan_to_dict(towards_lead, small)

    assert json.loads(json.dumps(saved)) == saved


def test_the_snapshot_holds_every_field_with_titles(small, towards_lead):
    saved = plan_to_dict(towards_lead, small)

    assert set(saved) == {
        "framework_version", "plan_date", "person", "role", "target", "protected_hours", "months_in_role",
        "pathway", "needs", "modules", "months", "total_hours", "completion", "reviews",
    }
    assert saved["framework_version"] == "test-1" and saved["person"] == "Sam"
    assert saved["role"] == {"id": "rota", "title": "Rota Coordinator", "band": "4"}
    assert saved["target"] == {"id": "lead", "title": "Rota Lead", "band": "5"}
    assert (saved["protected_hours"], saved["months_in_role"], saved["total_hours"]) == (4, 10, 16)
    assert saved["needs"][0] == {
        "competency": "ROT-01", "name": "Rota rules", "domain": "ROT", "domain_name": "Rotas",
        "current": 1, "required": 3, "gap": 2, "critical": True, "priority": 1,
        "prerequisite_for": [{"competency": "ROT-02", "name": "Rota design"}],
    }
    assert saved["modules"][0] == {
        "id": "T01", "title": "Rota rules essentials", "hours": 6, "mode": "e-learning", "provider": "NHS Employers",
        "step": 1, "start": "2026-11-01", "end": "2026-12-01",
    }
    assert saved["months"][1] == {
        "month": "2026-12-01",
        "hours": [
            {"module": "T01", "title": "Rota rules essentials", "hours": 2},
            {"module": "T02", "title": "Rota design workshop", "hours": 2},
        ],
        "total": 4,
    }
    [step] = saved["pathway"]["steps"]
    assert step["source"]["title"] == "Rota Coordinator" and step["target"]["title"] == "Rota Lead"
    assert (step["kind"], step["months"], step["band_from"], step["band_to"], step["band_change"], step["hours"]) == (
        "promotion", 8, "4", "5", 1, 16
    )
    assert [module["title"] for module in step["modules"]] == [
        "Rota rules essentials", "Rota design workshop", "Employment law update"
    ]
    assert saved["pathway"]["months"] == 8 and saved["pathway"]["training_hours"] == 16


def test_dates_are_iso_strings_and_load_back_as_dates(small, towards_lead):
    saved = plan_to_dict(towards_lead, small)

    assert (saved["plan_date"], saved["completion"]) == ("2026-11-15", "2027-02-01")
    assert saved["reviews"] == ["2027-02-15", "2027-05-15", "2027-08-15"]
    shown = load_plan(saved)
    assert (shown["plan_date"], shown["completion"]) == (TODAY, date(2027, 2, 1))
    assert shown["reviews"][0] == date(2027, 2, 15)
    assert shown["modules"][1]["start"] == date(2026, 12, 1) and shown["modules"][1]["end"] == date(2027, 2, 1)
    assert shown["months"][0]["month"] == date(2026, 11, 1)
    assert saved["plan_date"] == "2026-11-15"  # the stored dict is left as it was


def test_a_plan_for_the_current_role_has_no_target_or_route(small):
    plan = assemble_plan(small, Person("Sam", "rota", {"ROT-01": 2, "ROT-02": 2}), None, TODAY)

    saved = plan_to_dict(plan, small)

    assert (saved["target"], saved["pathway"], saved["modules"], saved["months"]) == (None, None, [], [])
    assert json.loads(json.dumps(saved)) == saved
    assert load_plan(saved)["completion"] == date(2026, 11, 1)


def inputs(**changes):
    values = {
        "framework_version": "test-1",
        "target": "lead",
        "route": 0,
        "levels": {"ROT-01": CurrentLevel("ROT-01", 2, "manager", None), "HRF-01": CurrentLevel("HRF-01", 1, "self", None)},
        "protected_hours": 4.0,
        "months_in_role": 10,
        "plan_date": TODAY,
    }
    values.update(changes)
    return json.loads(json.dumps(plan_inputs(**values)))


def test_inputs_keep_each_level_with_where_it_came_from():
    assert inputs() == {
        "framework_version": "test-1",
        "target": "lead",
        "route": 0,
        "levels": {"HRF-01": {"level": 1, "source": "self"}, "ROT-01": {"level": 2, "source": "manager"}},
        "protected_hours": 4.0,
        "months_in_role": 10,
        "plan_date": "2026-11-15",
    }


def test_changes_since_names_what_would_change_the_plan():
    assert changes_since(inputs(), inputs(months_in_role=11, plan_date=date(2026, 12, 1))) == []
    assert changes_since(inputs(), inputs(framework_version="test-2")) == [
        "the framework changed from version test-1 to test-2"
    ]
    assert changes_since(inputs(), inputs(levels={"ROT-01": CurrentLevel("ROT-01", 3, "self", None)})) == [
        "2 levels changed (HRF-01, ROT-01)"
    ]
    assert changes_since(inputs(), inputs(protected_hours=6.5)) == [
        "protected learning time changed from 4 to 6.5 hours a month"
    ]
