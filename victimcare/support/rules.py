"""The rules of reflection and restitution periods as plain functions (no Flask, no database).

Every number cites ../shared/DOMAIN.md §5 (drawn from seeds/002, Del III §3.2).
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from victimcare.identification.rules import ResidenceStatus

#: DOMAIN.md §5: the Immigration Service sets an extended departure deadline of 30 days
#: (refleksionsperiode, Aliens Act §33(6)) ...
REFLECTION_DAYS = 30
#: ... which can be extended, for special reasons or cooperation on a prepared return, up to
#: 120 days in total, never beyond.
REFLECTION_MAX_DAYS = 120
#: DOMAIN.md §5: CMM grants "the same support" to victims with lawful residence (restitution
#: period, set by the action plan, not by law): the same 30 days by default. The 120-day cap
#: is the Aliens Act's and does not bind it.
RESTITUTION_DAYS = 30
#: The contact person reviews a period this many days before it ends (issue 6).
REVIEW_DAYS_BEFORE = 7
#: The hour (local time) at which a day's review task appears: the start of a working day.
REVIEW_HOUR = 8


class PeriodKind(enum.StrEnum):
    REFLECTION = "reflection"  # refleksionsperiode (the Immigration Service)
    RESTITUTION = "restitution"  # restitutionsperiode (CMM)


class StartKind(enum.StrEnum):
    """How the support process starts after a "victim" decision."""

    REFLECTION = "reflection"
    RESTITUTION = "restitution"
    #: An asylum seeker: the reflection period starts at the final rejection of asylum.
    ASYLUM = "asylum"


class ExtensionReason(enum.StrEnum):
    SPECIAL_REASONS = "special_reasons"  # særlige grunde
    PREPARED_RETURN = "prepared_return"  # samarbejde om forberedt hjemsendelse
    OTHER = "other"  # restitution periods only


class PeriodStatus(enum.StrEnum):
    RUNNING = "running"
    ENDED = "ended"


class EndReason(enum.StrEnum):
    EXPIRED = "expired"  # the end date passed with no extension
    ASYLUM = "asylum"  # the person applied for asylum
    RESIDENCE_ENDED = "residence_ended"  # lawful residence ended: a new reflection period
    DEPARTED = "departed"  # the person left on a prepared return (issue 7)


LAWFUL = {ResidenceStatus.LAWFUL, ResidenceStatus.LAWFUL_UNDER_6_MONTHS}


def start_kind(status: ResidenceStatus | None) -> StartKind:
    """DOMAIN.md §5: a reflection period for a victim without lawful residence, set at the
    final rejection for an asylum seeker; a restitution period for one with lawful residence.
    A person charged with an offence has no lawful residence recorded: reflection."""
    if status in LAWFUL:
        return StartKind.RESTITUTION
    if status == ResidenceStatus.ASYLUM_SEEKER:
        return StartKind.ASYLUM
    return StartKind.REFLECTION


def default_days(kind: PeriodKind) -> int:
    return REFLECTION_DAYS if kind == PeriodKind.REFLECTION else RESTITUTION_DAYS


def end_date(starts_on: date, days: int) -> date:
    """A period of ``days`` days from ``starts_on`` ends on ``starts_on + days``: 30 days from
    the decision on 1 March end on 31 March (the departure deadline)."""
    return starts_on + timedelta(days=days)


def total_days(starts_on: date, ends_on: date) -> int:
    return (ends_on - starts_on).days


class PeriodTooLong(ValueError):
    def __init__(self, days: int, latest: date):
        super().__init__(f"{days} days > {REFLECTION_MAX_DAYS}")
        self.days, self.latest = days, latest


def check_length(kind: PeriodKind, starts_on: date, ends_on: date) -> None:
    """A reflection period is never longer than 120 days in total (DOMAIN.md §5)."""
    days = total_days(starts_on, ends_on)
    if kind == PeriodKind.REFLECTION and days > REFLECTION_MAX_DAYS:
        raise PeriodTooLong(days, end_date(starts_on, REFLECTION_MAX_DAYS))


def ends_at(ends_on: date, zone: ZoneInfo) -> datetime:
    """The moment a period is over: the end of its last day, local time (as UTC)."""
    return datetime.combine(ends_on + timedelta(days=1), time(0), zone).astimezone(UTC)


def review_at(ends_on: date, zone: ZoneInfo) -> datetime:
    """When the review task appears: 08:00 local time seven days before the last day."""
    return datetime.combine(ends_on - timedelta(days=REVIEW_DAYS_BEFORE), time(REVIEW_HOUR),
                            zone).astimezone(UTC)


def days_left(ends_on: date, today: date) -> int:
    return (ends_on - today).days
