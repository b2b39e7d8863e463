"""The one clock of the application.

Everything that needs the current time calls :func:`now`, so tests can travel in time
(`clock.set(...)`, `clock.advance(hours=73)`) without sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

#: Where the people using VictimCare are: times are shown, and typed, in this zone.
LOCAL_ZONE_NAME = "Europe/Copenhagen"
LOCAL_ZONE = ZoneInfo(LOCAL_ZONE_NAME)

_frozen: datetime | None = None


def now() -> datetime:
    """The current time as an aware UTC datetime."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def today():
    """Today's date where the users are (periods, placements and returns run on local
    dates)."""
    return now().astimezone(LOCAL_ZONE).date()


def set(moment: datetime | None) -> None:  # noqa: A001 - reads well as clock.set(...)
    """Freeze the clock at ``moment`` (aware), or unfreeze it with ``None``."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None


def advance(**delta: float) -> datetime:
    """Move a frozen clock forward by ``timedelta(**delta)``."""
    set(now() + timedelta(**delta))
    return now()
