"""The period rules (DOMAIN.md §5) as plain functions."""

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from victimcare.identification.rules import ResidenceStatus
from victimcare.support import rules
from victimcare.support.rules import PeriodKind, StartKind

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(("status", "kind"), [
    (ResidenceStatus.NONE, StartKind.REFLECTION),
    (ResidenceStatus.CHARGED, StartKind.REFLECTION),
    (ResidenceStatus.ASYLUM_SEEKER, StartKind.ASYLUM),
    (ResidenceStatus.LAWFUL, StartKind.RESTITUTION),
    (ResidenceStatus.LAWFUL_UNDER_6_MONTHS, StartKind.RESTITUTION),
])
def test_the_period_follows_the_residence_status(status, kind):
    assert rules.start_kind(status) == kind


def test_thirty_days_from_the_decision():
    assert rules.end_date(date(2026, 3, 2), 30) == date(2026, 4, 1)


def test_a_reflection_period_may_reach_120_days_but_not_one_more():
    start = date(2026, 3, 2)
    rules.check_length(PeriodKind.REFLECTION, start, rules.end_date(start, 120))
    with pytest.raises(rules.PeriodTooLong):
        rules.check_length(PeriodKind.REFLECTION, start, rules.end_date(start, 121))
    with pytest.raises(rules.PeriodTooLong) as refused:
        rules.check_length(PeriodKind.REFLECTION, start, rules.end_date(start, 130))
    assert refused.value.days == 130 and refused.value.latest == date(2026, 6, 30)


def test_the_cap_is_the_aliens_acts_and_does_not_bind_a_restitution_period():
    start = date(2026, 3, 2)
    rules.check_length(PeriodKind.RESTITUTION, start, rules.end_date(start, 180))


def test_review_seven_days_before_the_last_day_and_the_end_after_it():
    # 1 April 2026 is summer time in Copenhagen (UTC+2).
    assert rules.review_at(date(2026, 4, 1), CPH).isoformat() == "2026-03-25T07:00:00+00:00"
    assert rules.ends_at(date(2026, 4, 1), CPH).isoformat() == "2026-04-01T22:00:00+00:00"
