"""The core's errors carry every problem, so the edge can show them all at once."""

from __future__ import annotations

import pytest

from planner.core.errors import FrameworkError, InputError, PlannerError, PlanningError, ProblemsError


@pytest.mark.parametrize("error_class", [FrameworkError, InputError])
def test_problem_errors_keep_each_problem_and_join_them_in_the_message(error_class):
    error = error_class(["a.yaml:3:1: first", "a.yaml:9:5: second"])
    assert error.problems == ("a.yaml:3:1: first", "a.yaml:9:5: second")
    assert str(error) == "a.yaml:3:1: first\na.yaml:9:5: second"
    assert isinstance(error, ProblemsError) and isinstance(error, PlannerError)


def test_a_planning_error_is_a_planner_error_with_its_message():
    error = PlanningError("no route leads there")
    assert isinstance(error, PlannerError) and str(error) == "no route leads there"
