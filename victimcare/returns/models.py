"""A prepared return (forberedt hjemsendelse, DOMAIN.md §8): the offer, the safety assessment,
the reintegration plan and budget, the Ministry's approval, the departure and the follow-ups;
and the reference data it is checked against (maximums, exchange rate, partners)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import User, _enum
from victimcare.db import Base, UTCDateTime
from victimcare.returns.rules import (
    Answer,
    BudgetCategory,
    Outcome,
    Programme,
    Rating,
    ReturnStatus,
)

TEXT_MAX = 2000
NAME_MAX = 120


class ReturnRate(Base):
    """A maximum of DOMAIN.md §8 (Table 7), or the months of follow-up, valid from a day: a
    new year's rate is a new row, so a plan made earlier is still read against its own."""

    __tablename__ = "return_rates"
    __table_args__ = (sa.UniqueConstraint("code", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    #: In øre for amounts; in months for ``follow_up_months``.
    value: Mapped[int] = mapped_column(sa.BigInteger)
    valid_from: Mapped[date] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.String(400), default="")


class ExchangeRate(Base):
    """DKK per unit of a currency (USD), valid from a day: the budget shows the USD
    equivalent the partners work in."""

    __tablename__ = "exchange_rates"
    __table_args__ = (sa.UniqueConstraint("currency", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3))
    dkk_per_unit: Mapped[Decimal] = mapped_column(sa.Numeric(12, 4))
    valid_from: Mapped[date] = mapped_column(sa.Date)


class ReturnPartner(Base):
    """Who receives the person in the destination country: the partner programme proposed for
    a country (``country`` "" is the default for any other country)."""

    __tablename__ = "return_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2), unique=True)
    programme: Mapped[Programme] = mapped_column(_enum(Programme))
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    is_active: Mapped[bool] = mapped_column(default=True)


class PreparedReturn(Base):
    """One offer of a prepared return and everything that follows from it."""

    __tablename__ = "prepared_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: Its process (workflows/prepared_return.bpmn).
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("workflow_instances.id"),
                                             index=True)
    status: Mapped[ReturnStatus] = mapped_column(_enum(ReturnStatus),
                                                 default=ReturnStatus.OFFERED)
    offered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    answer: Mapped[Answer | None] = mapped_column(_enum(Answer))
    answered_on: Mapped[date | None] = mapped_column(sa.Date)
    destination_country: Mapped[str] = mapped_column(sa.String(2), default="")
    accompanying_children: Mapped[int] = mapped_column(default=0)
    #: Provides for dependants (forsørger), with them or at home: the higher cash maximum.
    provider: Mapped[bool] = mapped_column(default=False)
    #: Accepted during a reflection period: the Immigration Service may extend the period for
    #: cooperation on the return (workflows/support.bpmn).
    accepted_in_reflection: Mapped[bool] = mapped_column(default=False)
    partner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("return_partners.id"))
    partner_change_reason: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    #: The reintegration plan: the income-generating activity or education.
    activity: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    health_reason: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    justification: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    #: The budget goes over a maximum: shown as an exception on the case.
    over_maximum: Mapped[bool] = mapped_column(default=False)
    exception_approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    exception_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The Ministry's answer as CMM recorded it: approved or changes_asked.
    ministry_decision: Mapped[str] = mapped_column(sa.String(32), default="")
    ministry_decided_on: Mapped[date | None] = mapped_column(sa.Date)
    ministry_contact: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    ministry_recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    departed_on: Mapped[date | None] = mapped_column(sa.Date)
    travel: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))
    outcome_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    closed_on: Mapped[date | None] = mapped_column(sa.Date)

    partner: Mapped[ReturnPartner | None] = relationship(lazy="joined")
    exception_approved_by: Mapped[User | None] = relationship(
        foreign_keys=[exception_approved_by_id])
    ministry_recorded_by: Mapped[User | None] = relationship(
        foreign_keys=[ministry_recorded_by_id])
    lines: Mapped[list[BudgetLine]] = relationship(order_by="BudgetLine.id",
                                                   cascade="all, delete-orphan")
    assessments: Mapped[list[SafetyAssessment]] = relationship(
        order_by="SafetyAssessment.id")
    follow_ups: Mapped[list[FollowUp]] = relationship(order_by="FollowUp.number")


class BudgetLine(Base):
    """A line of the reintegration budget (reintegrationsstøtte), in øre."""

    __tablename__ = "return_budget_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("prepared_returns.id"), index=True)
    category: Mapped[BudgetCategory] = mapped_column(_enum(BudgetCategory))
    amount_ore: Mapped[int] = mapped_column(sa.BigInteger)


class SafetyAssessment(Base):
    """The safety assessment before a return, resting mainly on the person's own view; each
    dimension rated with notes. A high-risk one needs the coordinator's sign-off."""

    __tablename__ = "safety_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("prepared_returns.id"), index=True)
    assessed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    threats_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    threats_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    debt_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    debt_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    debt_to: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    debt_amount_ore: Mapped[int | None] = mapped_column(sa.BigInteger)
    health_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    health_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    geography_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    geography_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    retrafficking_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    retrafficking_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    own_view_rating: Mapped[Rating] = mapped_column(_enum(Rating))
    own_view_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    child_best_interests: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    receiving_care: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    high_risk: Mapped[bool] = mapped_column(default=False)
    signed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sign_off_notes: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")

    assessed_by: Mapped[User] = relationship(foreign_keys=[assessed_by_id])
    signed_off_by: Mapped[User | None] = relationship(foreign_keys=[signed_off_by_id])


class FollowUp(Base):
    """One monthly follow-up after the return: contact with the partner, the state of the
    plan, concerns."""

    __tablename__ = "return_follow_ups"
    __table_args__ = (sa.UniqueConstraint("return_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("prepared_returns.id"), index=True)
    number: Mapped[int] = mapped_column()
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    partner_contact: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    plan_state: Mapped[str] = mapped_column(sa.String(32))
    concerns: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    extended_by_months: Mapped[int] = mapped_column(default=0)
    extension_reason: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")

    recorded_by: Mapped[User] = relationship()
