"""Housing facilities and the placement of victims in them (indkvartering, DOMAIN.md §6)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import Organisation, User, _enum
from victimcare.cases.models import Case, CaseAssignment
from victimcare.db import Base, UTCDateTime
from victimcare.housing.rules import (
    AdmittedGender,
    AgeGroup,
    EndReason,
    FacilityKind,
    Payer,
    ResidenceRequirement,
    Terms,
)

NAME_MAX = 120
TEXT_MAX = 400
#: The most places a facility is recorded with, and the highest price per night (in DKK):
#: limits for typing errors, far above any real facility (DOMAIN.md §6).
PLACES_MAX = 1000
PRICE_MAX_DKK = 100_000


class Facility(Base):
    """A place victims can be housed (indkvarteringssted): a shelter, crisis centre, hostel,
    hotel or centre of the asylum system. Reference data CMM's coordinators keep."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True)
    kind: Mapped[FacilityKind] = mapped_column(_enum(FacilityKind))
    #: Who runs it, as people say it ("Reden International", "Kirkens Korshær").
    operator_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    #: The operator's organisation in VictimCare, if it has one: a placement gives it a
    #: PLACEMENT assignment, so its workers see the minimal fields of the case.
    operator_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True)
    town: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    #: Places always paid for; None: no set number (the asylum system, hostels, hotels).
    fixed_places: Mapped[int | None] = mapped_column()
    #: Places CMM can buy on top of the fixed ones at peaks (overbooking).
    extra_places: Mapped[int] = mapped_column(default=0)
    #: The rooms, in words ("2 single, 1 double, 1 triple").
    rooms: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    admits_gender: Mapped[AdmittedGender] = mapped_column(_enum(AdmittedGender))
    age_group: Mapped[AgeGroup] = mapped_column(_enum(AgeGroup))
    residence_requirement: Mapped[ResidenceRequirement] = mapped_column(
        _enum(ResidenceRequirement))
    #: In øre; None: no price known (the Immigration Service's own asylum system).
    price_per_night_ore: Mapped[int | None] = mapped_column()
    #: How the price is agreed ("50,000 DKK a year for one place", "plus support hours").
    price_note: Mapped[str] = mapped_column(sa.String(TEXT_MAX), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now,
                                                 onupdate=clock.now)
    #: Optimistic lock: an edit made from an older version is refused, not merged.
    version: Mapped[int] = mapped_column(default=1)

    operator_organisation: Mapped[Organisation | None] = relationship()

    @property
    def terms(self) -> Terms:
        return Terms(self.admits_gender, self.age_group, self.residence_requirement,
                     self.is_active)


class HousingPlacement(Base):
    """One stay of a person at one facility (indkvartering), from a start date to an end date
    (local dates). The price and the payer are fixed when the placement is made."""

    __tablename__ = "housing_placements"
    __table_args__ = (
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        sa.Index("ix_housing_placements_facility_dates", "facility_id", "start_date",
                 "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    facility_id: Mapped[int] = mapped_column(sa.ForeignKey("facilities.id"))
    start_date: Mapped[date] = mapped_column(sa.Date)
    #: The day the person left (no night that day); None while the stay lasts.
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    end_reason: Mapped[EndReason | None] = mapped_column(_enum(EndReason))
    #: The placement went beyond the fixed places: an extra place was bought (overbooking),
    #: after the person placing was warned and confirmed.
    uses_extra_place: Mapped[bool] = mapped_column(default=False)
    payer: Mapped[Payer] = mapped_column(_enum(Payer))
    #: The price per night when the placement was made, in øre (later price changes of the
    #: facility do not change the cost of a stay already made).
    price_per_night_ore: Mapped[int | None] = mapped_column()
    #: The placement before this one, when the person moved here from another facility.
    moved_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("housing_placements.id"))
    #: The operator's hold on the case while the person stays (ended with the stay).
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_assignments.id"))
    #: Open "left without notice" alert until the contact person has followed up.
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("alerts.id"))
    placed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Optimistic lock: ending or moving from an older page is refused.
    version: Mapped[int] = mapped_column(default=1)

    case: Mapped[Case] = relationship()
    facility: Mapped[Facility] = relationship(lazy="joined")
    assignment: Mapped[CaseAssignment | None] = relationship()
    placed_by: Mapped[User] = relationship(foreign_keys=[placed_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])
