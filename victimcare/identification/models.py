"""Referrals, identification interviews (the 1a form), trafficking assessments and
disclosures to the police (DOMAIN.md §1–4)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import Organisation, User, _enum
from victimcare.cases.models import Case
from victimcare.db import Base, UTCDateTime
from victimcare.identification.rules import Authority, Finding

TEXT_MAX = 10_000
SHORT_MAX = 200


class Referrer(enum.StrEnum):
    """Contact-creating actors counted in CMM's statistics (DOMAIN.md §1, Tables 1–2)."""

    POLICE = "police"
    UNION_3F = "union_3f"
    NGO_ACTION_PLAN = "ngo_action_plan"
    RED_CROSS = "red_cross"
    WOMENS_CRISIS_CENTRE = "womens_crisis_centre"
    IMMIGRATION_SERVICE = "immigration_service"
    LAWYER = "lawyer"
    MUNICIPAL_CASEWORKER = "municipal_caseworker"
    NURSE = "nurse"
    SUPPORT_PERSON = "support_person"
    PRIVATE_PERSON = "private_person"
    CHURCH_ORGANISATION = "church_organisation"
    FOREIGN_NGO = "foreign_ngo"
    SELF_REFERRAL = "self_referral"
    HOSPITAL = "hospital"
    HOMELESS_UNIT = "homeless_unit"
    MOBILE_HEALTH_SERVICE = "mobile_health_service"
    VICTIMS_LAWYER = "victims_lawyer"
    MUNICIPALITY = "municipality"
    LABOUR_INSPECTION = "labour_inspection"
    TAX_AGENCY = "tax_agency"
    OTHER = "other"


#: Referrers whose indications go to both the police and CMM at once (DOMAIN.md
#: "Recommendations": labour inspectors and the tax authority).
NOTIFY_POLICE_AND_CMM = frozenset({Referrer.LABOUR_INSPECTION, Referrer.TAX_AGENCY})


class Channel(enum.StrEnum):
    HOTLINE = "hotline"
    ONLINE_REPORT = "online_report"
    OUTREACH = "outreach"
    JOINT_INSPECTION = "joint_inspection"
    OTHER = "other"


class Region(enum.StrEnum):
    CAPITAL = "capital"
    ZEALAND = "zealand"
    SOUTHERN_DENMARK = "southern_denmark"
    CENTRAL_JUTLAND = "central_jutland"
    NORTH_JUTLAND = "north_jutland"


class Exploitation(enum.StrEnum):
    """Purposes (DOMAIN.md §2) as forms of exploitation."""

    PROSTITUTION = "prostitution"
    PORNOGRAPHY = "pornography"
    FORCED_LABOUR = "forced_labour"
    SLAVERY = "slavery"
    CRIMINAL_ACTS = "criminal_acts"
    ORGAN_REMOVAL = "organ_removal"
    UNKNOWN = "unknown"


class Decision(enum.StrEnum):
    VICTIM = "victim"
    NOT_VICTIM = "not_victim"


class Referral(Base):
    """A contact (henvendelse). Without a case it is a hotline call that led to no case."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    referrer: Mapped[Referrer] = mapped_column(_enum(Referrer))
    referrer_other: Mapped[str] = mapped_column(sa.String(SHORT_MAX), default="")
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(SHORT_MAX), default="")
    region: Mapped[Region | None] = mapped_column(_enum(Region))
    suspected_exploitation: Mapped[Exploitation] = mapped_column(_enum(Exploitation))
    is_detained: Mapped[bool] = mapped_column(default=False)
    detained_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The police presented the person to the Immigration Service for administrative expulsion.
    presented_for_expulsion: Mapped[bool] = mapped_column(default=False)
    #: For a labour inspection or tax agency referral: both were told at once.
    police_notified: Mapped[bool] = mapped_column(default=False)
    cmm_notified: Mapped[bool] = mapped_column(default=False)
    details: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    recorded_by: Mapped[User] = relationship()
    case: Mapped[Case | None] = relationship()


class Interview(Base):
    """An identification interview and its 1a form (1a-skema). The same elements every time."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(SHORT_MAX))
    interviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"))
    interpreter: Mapped[str] = mapped_column(sa.String(SHORT_MAX), default="")
    #: ISO 639-3 of the language the interview was held in.
    language: Mapped[str | None] = mapped_column(sa.String(3))
    #: The person's own account, given in confidence to CMM.
    account: Mapped[str] = mapped_column(sa.Text, default="")
    #: Indicators ticked for each element, and the interviewer's notes on them.
    act_indicators: Mapped[list] = mapped_column(sa.JSON, default=list)
    act_notes: Mapped[str] = mapped_column(sa.Text, default="")
    means_indicators: Mapped[list] = mapped_column(sa.JSON, default=list)
    means_notes: Mapped[str] = mapped_column(sa.Text, default="")
    purpose_indicators: Mapped[list] = mapped_column(sa.JSON, default=list)
    purpose_notes: Mapped[str] = mapped_column(sa.Text, default="")
    #: Currency (aktualitet), each recorded as yes / no / doubt.
    trafficker_contact: Mapped[Finding] = mapped_column(_enum(Finding))
    debt_demanded: Mapped[Finding] = mapped_column(_enum(Finding))
    pending_threats: Mapped[Finding] = mapped_column(_enum(Finding))
    currency_notes: Mapped[str] = mapped_column(sa.Text, default="")
    recommendation: Mapped[Finding] = mapped_column(_enum(Finding))
    recommendation_reasons: Mapped[str] = mapped_column(sa.Text)
    police_consent: Mapped[bool] = mapped_column(default=False)
    police_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The workflow task that recorded it (one interview per task).
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workflow_tasks.id"),
                                                unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    interviewer: Mapped[User] = relationship()
    organisation: Mapped[Organisation] = relationship()


class TraffickingAssessment(Base):
    """The competent authority's decision (handelsvurdering)."""

    __tablename__ = "trafficking_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    authority: Mapped[Authority] = mapped_column(_enum(Authority))
    decision: Mapped[Decision] = mapped_column(_enum(Decision))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reasons: Mapped[str] = mapped_column(sa.Text)
    currently_trafficked: Mapped[Finding] = mapped_column(_enum(Finding))
    #: Required when the Immigration Service decides against CMM's identification.
    weighty_reasons: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class PoliceDisclosure(Base):
    """A 1a form or assessment sent to the police, under the person's consent."""

    __tablename__ = "police_disclosures"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: "form_1a" or "assessment"
    document: Mapped[str] = mapped_column(sa.String(32))
    interview_id: Mapped[int | None] = mapped_column(sa.ForeignKey("interviews.id"))
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("trafficking_assessments.id"))
    recipient: Mapped[str] = mapped_column(sa.String(SHORT_MAX))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The interview whose consent allowed it.
    consent_interview_id: Mapped[int] = mapped_column(sa.ForeignKey("interviews.id"))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))


