"""Persons and cases.

A case (sag) follows one person through referral, identification, assessment, support and
return. Who may see it is decided in :mod:`victimcare.accounts.policy` only.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import Organisation, User, _enum
from victimcare.db import Base, UTCDateTime
from victimcare.i18n import _l
from victimcare.identification.rules import ResidenceStatus

if TYPE_CHECKING:
    from victimcare.workflow.models import WorkflowTask

NAME_MAX = 120
REFERENCE_MAX = 20


class CaseStatus(enum.StrEnum):
    REFERRAL = "referral"
    IDENTIFICATION = "identification"
    ASSESSMENT = "assessment"
    SUPPORT = "support"
    #: The reflection period ended with no extension (udsendelsesposition).
    DEPARTURE = "departure"
    RETURN = "return"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return str(CASE_STATUS_LABELS[self])


CASE_STATUS_LABELS = {
    CaseStatus.REFERRAL: _l("Referral"),
    CaseStatus.IDENTIFICATION: _l("Identification"),
    CaseStatus.ASSESSMENT: _l("Assessment"),
    CaseStatus.SUPPORT: _l("Support"),
    CaseStatus.DEPARTURE: _l("Departure position"),
    CaseStatus.RETURN: _l("Prepared return"),
    CaseStatus.CLOSED: _l("Closed"),
}


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    TRANSGENDER = "transgender"
    OTHER = "other"


class AssignmentKind(enum.StrEnum):
    TASK = "task"
    PLACEMENT = "placement"
    #: An NGO worker is the case's contact person (CMM delegated, e.g. to AmiAmi).
    CONTACT_PERSON = "contact_person"


class Person(Base):
    """The person the case is about (a potential victim of trafficking)."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    given_name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    family_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    #: The name the person goes by (also what an NGO worker sees instead of the full name).
    alias: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    date_of_birth: Mapped[date | None] = mapped_column(sa.Date)
    #: ISO 3166-1 alpha-2.
    nationality: Mapped[str | None] = mapped_column(sa.String(2))
    #: ISO 639-3 code of the language the person understands best.
    language: Mapped[str | None] = mapped_column(sa.String(3))
    #: Other names the person has used or been known by.
    other_names: Mapped[str] = mapped_column(sa.String(400), default="")
    #: When the birth date is not known: the age as estimated, and whether it is in doubt
    #: (a person who may be under 18 is treated as a child; DOMAIN.md §2).
    estimated_age: Mapped[int | None] = mapped_column()
    age_in_doubt: Mapped[bool] = mapped_column(default=False)
    gender: Mapped[Gender | None] = mapped_column(_enum(Gender))
    #: ISO 639-3 codes of the languages the person speaks.
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The language documents for the person are written in (a code of
    #: victimcare.documents.languages.DOCUMENT_LANGUAGES); None: from ``language``.
    document_language: Mapped[str | None] = mapped_column(sa.String(8))
    residence_status: Mapped[ResidenceStatus | None] = mapped_column(_enum(ResidenceStatus))
    contact_details: Mapped[str] = mapped_column(sa.String(400), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    @property
    def minimal_name(self) -> str:
        """First name or alias: the most an NGO worker is shown."""
        return self.alias or self.given_name


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human reference used in URLs and on paper, e.g. ``VC-2026-00042``.
    reference: Mapped[str] = mapped_column(sa.String(REFERENCE_MAX), unique=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    owner_organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id"), index=True
    )
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.REFERRAL)
    #: The victim's contact person (kontaktperson): a CMM user, or an NGO worker where CMM
    #: delegates. Used for the dashboard and tasks.
    contact_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: An unaccompanied minor: the appointed representative coordinates (DOMAIN.md §1).
    unaccompanied_minor: Mapped[bool] = mapped_column(default=False)
    representative_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    representative_contact: Mapped[str] = mapped_column(sa.String(200), default="")
    #: When the police presented the person to the Immigration Service (opens the case to it).
    presented_to_immigration_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    #: Optimistic lock: an edit made from an older version is refused, not merged.
    version: Mapped[int] = mapped_column(default=1)

    person: Mapped[Person] = relationship(lazy="joined")
    owner_organisation: Mapped[Organisation] = relationship(lazy="joined")
    contact_person: Mapped[User | None] = relationship()
    assignments: Mapped[list[CaseAssignment]] = relationship(back_populates="case")


class CaseAssignment(Base):
    """Work an outside organisation holds on a case (an assigned task or a placement).

    An active assignment is what lets an NGO worker see the case, and only the minimal fields.
    """

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    kind: Mapped[AssignmentKind] = mapped_column(_enum(AssignmentKind))
    #: What the organisation is to do, in a few words (shown to its workers).
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The workflow task this assignment exists for (ends when the task is done).
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workflow_tasks.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="assignments")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    task: Mapped[WorkflowTask | None] = relationship()
