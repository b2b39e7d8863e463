"""The rules of a prepared return (forberedt hjemsendelse, DOMAIN.md §8) as plain functions:
which maximums are in force on a day, how a reintegration budget is checked against them,
the USD equivalent, the safety assessment's risk, and the monthly follow-up dates.

The maximums themselves are not here: they live in the ``return_rates`` table with a
valid-from date (seeded from DOMAIN.md §8, Table 7), so a new year's rates are a new row.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

ORE_PER_KRONE = 100


class RateCode(enum.StrEnum):
    """What a row of the rates table holds. Amounts are in øre; the months are months."""

    IN_KIND_PER_ADULT = "in_kind_per_adult"
    IN_KIND_PER_CHILD = "in_kind_per_child"
    CASH_WITHOUT_DEPENDANTS = "cash_without_dependants"
    CASH_PROVIDER = "cash_provider"
    FOLLOW_UP_MONTHS = "follow_up_months"


class Answer(enum.StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
    UNDECIDED = "undecided"


class ReturnStatus(enum.StrEnum):
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    APPROVED = "approved"  # by the Ministry
    DEPARTED = "departed"
    CLOSED = "closed"
    STOPPED = "stopped"  # left without notice before departure


class Programme(enum.StrEnum):
    """The partner programme that receives the person in the home country."""

    DRC_ERSO = "drc_erso"  # the Danish Refugee Council with the ERSO network
    ERRIN = "errin"  # ERRIN, through the Ministry


class Rating(enum.StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


#: The dimensions of a safety assessment (DOMAIN.md §8 and the issue), each rated with notes.
SAFETY_DIMENSIONS = ("threats", "debt", "health", "geography", "retrafficking", "own_view")


class BudgetKind(enum.StrEnum):
    IN_KIND = "in_kind"
    CASH = "cash"
    HEALTH = "health"


class BudgetCategory(enum.StrEnum):
    HOUSING = "housing"
    BUSINESS = "business"
    EDUCATION = "education"
    MEDICINE = "medicine"
    OTHER = "other"
    POCKET_MONEY = "pocket_money"
    HEALTH_EXTRA = "health_extra"


CATEGORY_KIND = {
    BudgetCategory.HOUSING: BudgetKind.IN_KIND,
    BudgetCategory.BUSINESS: BudgetKind.IN_KIND,
    BudgetCategory.EDUCATION: BudgetKind.IN_KIND,
    BudgetCategory.MEDICINE: BudgetKind.IN_KIND,
    BudgetCategory.OTHER: BudgetKind.IN_KIND,
    BudgetCategory.POCKET_MONEY: BudgetKind.CASH,
    BudgetCategory.HEALTH_EXTRA: BudgetKind.HEALTH,
}


class Outcome(enum.StrEnum):
    PLAN_COMPLETED = "plan_completed"
    SELF_SUPPORTING = "self_supporting"
    LOST_CONTACT = "lost_contact"
    TRAFFICKED_AGAIN = "trafficked_again"
    OTHER = "other"
    LEFT_WITHOUT_NOTICE = "left_without_notice"  # before departure: the process stops


class MissingRate(LookupError):
    """No row of the rates table is valid on the day asked: a set-up error, not user input."""


@dataclass(frozen=True)
class RateRow:
    code: str
    value: int
    valid_from: date


def rates_in_force(rows: list[RateRow], day: date) -> dict[str, int]:
    """For each code, the value of the newest row that is valid on ``day``."""
    chosen: dict[str, RateRow] = {}
    for row in rows:
        if row.valid_from <= day and (row.code not in chosen
                                      or row.valid_from > chosen[row.code].valid_from):
            chosen[row.code] = row
    return {code: row.value for code, row in chosen.items()}


def _rate(rates: dict[str, int], code: RateCode) -> int:
    try:
        return rates[code.value]
    except KeyError:
        raise MissingRate(code.value) from None


@dataclass(frozen=True)
class Household:
    """Who the budget is for: the person (one adult) and the minor children returning with
    them. A provider (forsørger) has dependants, with them or at home."""

    children: int = 0
    provider: bool = False

    @property
    def is_provider(self) -> bool:
        return self.provider or self.children > 0


@dataclass(frozen=True)
class Maximums:
    in_kind_ore: int
    cash_ore: int

    @property
    def total_ore(self) -> int:
        return self.in_kind_ore + self.cash_ore


def maximums(household: Household, rates: dict[str, int]) -> Maximums:
    """In kind per adult plus per accompanying child; cash by whether the person provides
    for dependants (DOMAIN.md §8, Table 7: the values come from the rates table)."""
    in_kind = (_rate(rates, RateCode.IN_KIND_PER_ADULT)
               + household.children * _rate(rates, RateCode.IN_KIND_PER_CHILD))
    cash = _rate(rates, RateCode.CASH_PROVIDER if household.is_provider
                 else RateCode.CASH_WITHOUT_DEPENDANTS)
    return Maximums(in_kind, cash)


@dataclass(frozen=True)
class Excess:
    kind: BudgetKind
    amount_ore: int
    maximum_ore: int

    @property
    def over_ore(self) -> int:
        return self.amount_ore - self.maximum_ore


@dataclass(frozen=True)
class BudgetCheck:
    totals: dict[BudgetKind, int]
    maximums: Maximums
    excesses: list[Excess] = field(default_factory=list)

    @property
    def total_ore(self) -> int:
        return sum(self.totals.values())

    @property
    def over_maximum(self) -> bool:
        return bool(self.excesses)

    @property
    def has_health_extras(self) -> bool:
        return self.totals[BudgetKind.HEALTH] > 0


def check_budget(lines: dict[BudgetCategory, int], household: Household,
                 rates: dict[str, int]) -> BudgetCheck:
    """Sum the budget lines (øre) by kind and compare in kind and cash with their maximums.
    Health extras have no maximum (allowed with a reason, checked by the caller)."""
    totals = {kind: 0 for kind in BudgetKind}
    for category, amount in lines.items():
        if amount < 0:
            raise ValueError("a budget line cannot be negative")
        totals[CATEGORY_KIND[BudgetCategory(category)]] += amount
    limits = maximums(household, rates)
    excesses = [Excess(kind, totals[kind], maximum) for kind, maximum in (
        (BudgetKind.IN_KIND, limits.in_kind_ore), (BudgetKind.CASH, limits.cash_ore))
        if totals[kind] > maximum]
    return BudgetCheck(totals, limits, excesses)


def plan_may_be_submitted(check: BudgetCheck, justification: str,
                          exception_approved: bool) -> bool:
    """Over a maximum, the plan goes on only with a written justification and the
    coordinator's approval."""
    return not check.over_maximum or (bool(justification.strip()) and exception_approved)


def usd(ore: int, dkk_per_usd: Decimal) -> Decimal:
    """The USD equivalent of an amount in øre, in cents (rounded half up)."""
    if dkk_per_usd <= 0:
        raise ValueError("the exchange rate must be positive")
    return (Decimal(ore) / ORE_PER_KRONE / dkk_per_usd).quantize(Decimal("0.01"),
                                                                   ROUND_HALF_UP)


def is_high_risk(ratings: dict[str, str]) -> bool:
    """A single dimension rated high makes the whole assessment high risk: the return then
    waits for the coordinator's sign-off."""
    return any(Rating(value) == Rating.HIGH for value in ratings.values())


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the last day of a shorter month)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


#: Follow-up tasks open at this local time on their day.
FOLLOW_UP_TIME = time(8, 0)


def follow_up_due(departed_on: date, number: int, zone: ZoneInfo) -> datetime:
    """When follow-up ``number`` (1, 2, ...) is due: that many calendar months after the
    departure, at 08:00 local time."""
    return datetime.combine(add_months(departed_on, number), FOLLOW_UP_TIME, tzinfo=zone)
