"""A consent the person signed on paper, recorded with the language it was given in."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.accounts.models import User
from victimcare.db import Base, UTCDateTime

NAME_MAX = 120


class SignedConsent(Base):
    """The consent document (documents/texts.py CONSENT), signed: to share the 1a form and
    the assessment with the police, and to the processing of personal data. A later record
    replaces an earlier one (a consent can be withdrawn)."""

    __tablename__ = "signed_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: A document language code: the language of the document the person signed.
    language: Mapped[str] = mapped_column(sa.String(8))
    signed_on: Mapped[date] = mapped_column(sa.Date)
    police_sharing: Mapped[bool] = mapped_column()
    data_processing: Mapped[bool] = mapped_column()
    interpreter: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    recorded_by: Mapped[User] = relationship()
