"""The framework's lookups by id."""

from __future__ import annotations

from planner.core.framework import Qualification
from tests.core.mini import mini_framework


def test_qualifications_are_found_by_id():
    cipd = Qualification("cipd_l5", "CIPD Level 5", "cipd", 5, "CIPD", "Associate Diploma")
    apprenticeship = Qualification("hr_support", "HR Support", "apprenticeship", 3, "IfATE", "Level 3 standard")
    framework = mini_framework(qualifications=(cipd, apprenticeship))
    assert framework.qualification == {"cipd_l5": cipd, "hr_support": apprenticeship}


def test_a_framework_without_qualifications_or_quiz_has_none():
    framework = mini_framework()
    assert framework.qualification == {}
    assert framework.quiz == ()
