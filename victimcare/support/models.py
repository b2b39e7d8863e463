"""Reflection and restitution periods and their extensions (DOMAIN.md §5)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import User, _enum
from victimcare.db import Base, UTCDateTime
from victimcare.support.rules import EndReason, ExtensionReason, PeriodKind, PeriodStatus

NOTES_MAX = 2000


class SupportPeriod(Base):
    """A reflection period (refleksionsperiode, set by the Immigration Service) or a
    restitution period (restitutionsperiode, granted by CMM). A case may have several: a new
    reflection period follows a restitution period when lawful residence ends."""

    __tablename__ = "support_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: The process instance that keeps its clock (workflows/support.bpmn).
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("workflow_instances.id"),
                                             index=True)
    kind: Mapped[PeriodKind] = mapped_column(_enum(PeriodKind))
    starts_on: Mapped[date] = mapped_column(sa.Date)
    #: The last day; moved by each extension.
    ends_on: Mapped[date] = mapped_column(sa.Date, index=True)
    status: Mapped[PeriodStatus] = mapped_column(_enum(PeriodStatus),
                                                 default=PeriodStatus.RUNNING)
    #: For an asylum seeker: the final rejection of asylum the period starts from.
    asylum_rejected_on: Mapped[date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.String(NOTES_MAX), default="")
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_on: Mapped[date | None] = mapped_column(sa.Date)
    end_reason: Mapped[EndReason | None] = mapped_column(_enum(EndReason))
    #: The restitution period this reflection period took over from.
    follows_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_periods.id"))

    granted_by: Mapped[User] = relationship()
    extensions: Mapped[list[PeriodExtension]] = relationship(
        back_populates="period", order_by="PeriodExtension.id")


class PeriodExtension(Base):
    __tablename__ = "period_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(sa.ForeignKey("support_periods.id"), index=True)
    previous_ends_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[ExtensionReason] = mapped_column(_enum(ExtensionReason))
    notes: Mapped[str] = mapped_column(sa.String(NOTES_MAX), default="")
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    period: Mapped[SupportPeriod] = relationship(back_populates="extensions")
    decided_by: Mapped[User] = relationship()
