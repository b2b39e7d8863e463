"""The legal rules of identification as plain functions (no Flask, no database).

Every number and rule here cites ../shared/DOMAIN.md (drawn from seeds/002, Del III §3).
"""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

#: DOMAIN.md §3: a detained person must be identified and decided on within 72 hours of the
#: deprivation of liberty (frihedsberøvelse).
DETENTION_DECISION_HOURS = 72
#: The coordinator is warned when this many hours are left, and alerted at the second.
DETENTION_WARNING_HOURS = 24
DETENTION_ALERT_HOURS = 6
#: DOMAIN.md §2: a person under 18 is a child (the "means" element is not required).
ADULT_AGE = 18


class ResidenceStatus(enum.StrEnum):
    """DOMAIN.md §4 (lovligt ophold / asylansøger / sigtet)."""

    LAWFUL = "lawful"
    LAWFUL_UNDER_6_MONTHS = "lawful_under_6_months"
    NONE = "none"
    ASYLUM_SEEKER = "asylum_seeker"
    CHARGED = "charged"


class Authority(enum.StrEnum):
    """Who makes the trafficking assessment (handelsvurdering)."""

    CMM = "cmm"
    IMMIGRATION_SERVICE = "immigration_service"
    COURT = "court"


class Finding(enum.StrEnum):
    """An indication as recorded: doubt is recorded as doubt (DOMAIN.md §2)."""

    YES = "yes"
    NO = "no"
    DOUBT = "doubt"


def competent_authority(status: ResidenceStatus, presented_for_expulsion: bool) -> Authority:
    """DOMAIN.md §4: the court decides when the person is charged; the Immigration Service
    when the person has no lawful residence or seeks asylum, and whenever the police have
    presented the person for administrative expulsion (which is how it comes to decide for
    lawful residence under 6 months); otherwise, with lawful residence, CMM."""
    if status == ResidenceStatus.CHARGED:
        return Authority.COURT
    if status in (ResidenceStatus.NONE, ResidenceStatus.ASYLUM_SEEKER):
        return Authority.IMMIGRATION_SERVICE
    if presented_for_expulsion:
        return Authority.IMMIGRATION_SERVICE
    return Authority.CMM


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def is_child(date_of_birth: date | None, estimated_age: int | None, age_in_doubt: bool,
             on: date) -> bool:
    """DOMAIN.md §2: a person who may be under 18 is treated as a child until the age is
    established; doubt about the age benefits the person."""
    if age_in_doubt:
        return True
    if date_of_birth is not None:
        return age_on(date_of_birth, on) < ADULT_AGE
    if estimated_age is not None:
        return estimated_age < ADULT_AGE
    return True  # nothing known about the age: it is in doubt


def decision_deadline(detained_at: datetime) -> datetime:
    """DOMAIN.md §3: the time of detention plus 72 hours."""
    if detained_at.tzinfo is None:
        raise ValueError("the time of detention needs a time zone")
    return detained_at + timedelta(hours=DETENTION_DECISION_HOURS)


def hours_left(deadline: datetime, now: datetime) -> float:
    return (deadline - now).total_seconds() / 3600


def deadline_stage(deadline: datetime, now: datetime, decided_at: datetime | None) -> str:
    """How the 72-hour clock stands: met, missed (and it stays missed once decided late),
    alert (≤ 6 h left), warning (≤ 24 h left) or running."""
    if decided_at is not None:
        return "met" if decided_at <= deadline else "missed"
    left = hours_left(deadline, now)
    if left <= 0:
        return "missed"
    if left <= DETENTION_ALERT_HOURS:
        return "alert"
    if left <= DETENTION_WARNING_HOURS:
        return "warning"
    return "running"


def counts_for_the_person(finding: Finding) -> bool:
    """DOMAIN.md §2: doubt benefits the person, on victim status and on currency."""
    return finding in (Finding.YES, Finding.DOUBT)


def required_elements(child: bool) -> tuple[str, ...]:
    """DOMAIN.md §2 (Penal Code §262a): act, means and purpose; for a child, not means."""
    return ("act", "purpose") if child else ("act", "means", "purpose")


def needs_weighty_reasons(authority: Authority, cmm_identified_victim: bool,
                          decided_victim: bool) -> bool:
    """DOMAIN.md §4: if CMM identified the person as a victim, the Immigration Service needs
    weighty reasons (tungtvejende grunde) to decide otherwise."""
    return (authority == Authority.IMMIGRATION_SERVICE and cmm_identified_victim
            and not decided_victim)
