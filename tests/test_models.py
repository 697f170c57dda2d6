"""The rules the models carry: account roles, time in role, and which rating counts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from planner.models import Account, Person, Rating, current_levels


def rating(competency: str, level: int, rater: str, day: int, id: int) -> Rating:
    return Rating(id=id, competency_id=competency, level=level, rater=rater, created_at=datetime(2026, 5, day))


def test_account_roles_are_kept_in_a_fixed_order_and_unknown_ones_refused():
    account = Account()
    account.roles = ["manager", "staff"]
    assert account.roles_text == "staff manager" and account.roles == {"staff", "manager"}
    with pytest.raises(ValueError, match="unknown account roles: owner"):
        account.roles = ["staff", "owner"]


@pytest.mark.parametrize(
    "today, months", [(date(2026, 3, 14), 0), (date(2026, 4, 14), 0), (date(2026, 4, 15), 1), (date(2027, 3, 15), 12)]
)
def test_months_in_role_count_whole_months(today, months):
    assert Person(started_in_role=date(2026, 3, 15)).months_in_role(today) == months


@pytest.mark.parametrize(
    "start, today, months",
    [
        # A month from a day the next month lacks ends on that month's last day, as check-ins count.
        (date(2026, 1, 31), date(2026, 2, 27), 0),
        (date(2026, 1, 31), date(2026, 2, 28), 1),
        (date(2025, 8, 31), date(2026, 2, 28), 6),
        (date(2025, 3, 31), date(2025, 9, 30), 6),
        (date(2024, 2, 29), date(2026, 2, 28), 24),
        (date(2023, 12, 31), date(2024, 2, 29), 2),
        (date(2026, 3, 15), date(2026, 3, 1), 0),
    ],
)
def test_months_in_role_agree_with_the_check_in_schedule_at_month_ends(start, today, months):
    assert Person(started_in_role=start).months_in_role(today) == months


def test_a_self_rating_counts_until_a_manager_validates():
    levels = current_levels([rating("A", 1, "self", 1, 1), rating("A", 2, "self", 2, 2)])
    assert levels["A"].level == 2 and levels["A"].source == "self" and levels["A"].pending is None


def test_the_managers_level_wins_and_a_later_different_self_rating_waits():
    levels = current_levels(
        [rating("A", 3, "self", 1, 1), rating("A", 2, "manager", 2, 2), rating("A", 4, "self", 3, 3), rating("B", 2, "manager", 1, 4)]
    )
    assert (levels["A"].level, levels["A"].source, levels["A"].pending) == (2, "manager", 4)
    assert (levels["B"].level, levels["B"].source, levels["B"].pending) == (2, "manager", None)


def test_a_later_self_rating_agreeing_with_the_manager_is_not_pending():
    levels = current_levels([rating("A", 2, "manager", 1, 1), rating("A", 2, "self", 2, 2)])
    assert levels["A"].pending is None
