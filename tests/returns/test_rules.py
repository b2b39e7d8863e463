"""The budget rules of a prepared return (DOMAIN.md §8, Table 7) as plain functions. The
rates are given here as the seeded table would give them; the code holds none of them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from victimcare.returns import rules
from victimcare.returns.rules import BudgetCategory as C
from victimcare.returns.rules import BudgetKind, Household, RateRow

KR = 100  # øre per krone
RATES_2021 = [RateRow("in_kind_per_adult", 40_000 * KR, date(2021, 1, 1)),
              RateRow("in_kind_per_child", 9_000 * KR, date(2021, 1, 1)),
              RateRow("cash_without_dependants", 10_000 * KR, date(2021, 1, 1)),
              RateRow("cash_provider", 20_000 * KR, date(2021, 1, 1)),
              RateRow("follow_up_months", 6, date(2021, 1, 1))]
RATES = rules.rates_in_force(RATES_2021, date(2026, 3, 2))


def test_the_newest_row_valid_on_the_day_is_in_force():
    rows = [*RATES_2021, RateRow("in_kind_per_adult", 45_000 * KR, date(2027, 1, 1))]
    assert rules.rates_in_force(rows, date(2026, 12, 31))["in_kind_per_adult"] == 40_000 * KR
    assert rules.rates_in_force(rows, date(2027, 1, 1))["in_kind_per_adult"] == 45_000 * KR
    assert rules.rates_in_force(rows, date(2020, 12, 31)) == {}


def test_a_missing_rate_is_a_set_up_error_not_a_silent_zero():
    with pytest.raises(rules.MissingRate):
        rules.maximums(Household(), {})


def test_maximums_for_a_non_provider_and_a_provider_of_one_child():
    assert rules.maximums(Household(), RATES).total_ore == 50_000 * KR
    provider = rules.maximums(Household(children=1), RATES)
    assert (provider.in_kind_ore, provider.cash_ore, provider.total_ore) == (
        49_000 * KR, 20_000 * KR, 69_000 * KR)
    # Dependants at home make a provider too, without children returning.
    assert rules.maximums(Household(provider=True), RATES).cash_ore == 20_000 * KR


def test_the_thai_mothers_budget_of_69000_is_within_the_maximums():
    check = rules.check_budget({C.HOUSING: 20_000 * KR, C.BUSINESS: 29_000 * KR,
                                C.POCKET_MONEY: 20_000 * KR}, Household(children=1), RATES)
    assert not check.over_maximum and check.total_ore == 69_000 * KR
    assert rules.plan_may_be_submitted(check, "", exception_approved=False)


def test_one_krone_over_is_over():
    check = rules.check_budget({C.HOUSING: 40_000 * KR + 1, C.POCKET_MONEY: 10_000 * KR},
                               Household(), RATES)
    assert [(e.kind, e.over_ore) for e in check.excesses] == [(BudgetKind.IN_KIND, 1)]


def test_45000_in_kind_for_one_adult_needs_a_justification_and_the_approval():
    check = rules.check_budget({C.HOUSING: 25_000 * KR, C.EDUCATION: 20_000 * KR},
                               Household(), RATES)
    assert check.over_maximum and check.excesses[0].over_ore == 5_000 * KR
    assert not rules.plan_may_be_submitted(check, "", exception_approved=False)
    assert not rules.plan_may_be_submitted(check, "  ", exception_approved=True)
    assert not rules.plan_may_be_submitted(check, "Needs a workshop", exception_approved=False)
    assert rules.plan_may_be_submitted(check, "Needs a workshop", exception_approved=True)


def test_cash_over_the_maximum_of_an_adult_without_dependants():
    check = rules.check_budget({C.POCKET_MONEY: 15_000 * KR}, Household(), RATES)
    assert [e.kind for e in check.excesses] == [BudgetKind.CASH]
    assert not rules.check_budget({C.POCKET_MONEY: 15_000 * KR}, Household(provider=True),
                                  RATES).over_maximum


def test_health_extras_have_no_maximum_but_are_counted():
    check = rules.check_budget({C.HEALTH_EXTRA: 100_000 * KR}, Household(), RATES)
    assert not check.over_maximum and check.has_health_extras
    assert check.totals[BudgetKind.HEALTH] == 100_000 * KR


def test_negative_lines_are_refused():
    with pytest.raises(ValueError):
        rules.check_budget({C.HOUSING: -1}, Household(), RATES)


def test_usd_equivalent_at_a_configurable_rate():
    assert rules.usd(40_000 * KR, Decimal("6.5")) == Decimal("6153.85")
    assert rules.usd(0, Decimal("7")) == Decimal("0.00")
    with pytest.raises(ValueError):
        rules.usd(100, Decimal("0"))


def test_one_high_rating_makes_the_assessment_high_risk():
    assert not rules.is_high_risk({d: "medium" for d in rules.SAFETY_DIMENSIONS})
    assert rules.is_high_risk({**{d: "low" for d in rules.SAFETY_DIMENSIONS}, "debt": "high"})


def test_follow_ups_are_calendar_months_after_departure_at_eight_local():
    zone = ZoneInfo("Europe/Copenhagen")
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)
    due = rules.follow_up_due(date(2026, 4, 10), 1, zone)
    assert due.isoformat() == "2026-05-10T08:00:00+02:00"
    assert [rules.follow_up_due(date(2026, 4, 10), n, zone).date().month
            for n in range(1, 7)] == [5, 6, 7, 8, 9, 10]
