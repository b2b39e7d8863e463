"""Organisations, users and roles."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from victimcare import clock
from victimcare.db import Base, UTCDateTime
from victimcare.i18n import _l

USERNAME_MAX = 64
FULL_NAME_MAX = 120
ORG_NAME_MAX = 120
PASSWORD_MIN = 12
PASSWORD_MAX = 256


class OrganisationKind(enum.StrEnum):
    CMM = "cmm"
    NGO = "ngo"
    IMMIGRATION_SERVICE = "immigration_service"
    POLICE = "police"
    SHELTER_OPERATOR = "shelter_operator"
    MINISTRY = "ministry"

    @property
    def label(self) -> str:
        return str(ORGANISATION_KIND_LABELS[self])


ORGANISATION_KIND_LABELS = {
    OrganisationKind.CMM: _l("Centre against Human Trafficking (CMM)"),
    OrganisationKind.NGO: _l("NGO"),
    OrganisationKind.IMMIGRATION_SERVICE: _l("Immigration Service"),
    OrganisationKind.POLICE: _l("Police"),
    OrganisationKind.SHELTER_OPERATOR: _l("Shelter operator"),
    OrganisationKind.MINISTRY: _l("Ministry"),
}


class Role(enum.StrEnum):
    CMM_COORDINATOR = "cmm_coordinator"
    CMM_CONTACT_PERSON = "cmm_contact_person"
    NGO_WORKER = "ngo_worker"
    IMMIGRATION_OFFICER = "immigration_officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CMM_COORDINATOR: _l("CMM coordinator"),
    Role.CMM_CONTACT_PERSON: _l("CMM contact person"),
    Role.NGO_WORKER: _l("NGO worker"),
    Role.IMMIGRATION_OFFICER: _l("Immigration Service officer"),
    Role.ADMIN: _l("Administrator"),
}

#: Which organisation kinds a role may belong to.
ROLE_ORGANISATION_KINDS = {
    Role.CMM_COORDINATOR: {OrganisationKind.CMM},
    Role.CMM_CONTACT_PERSON: {OrganisationKind.CMM},
    Role.NGO_WORKER: {OrganisationKind.NGO, OrganisationKind.SHELTER_OPERATOR},
    Role.IMMIGRATION_OFFICER: {OrganisationKind.IMMIGRATION_SERVICE},
    Role.ADMIN: set(OrganisationKind),
}


def _enum(cls: type[enum.Enum]) -> sa.Enum:
    return sa.Enum(
        cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]
    )


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(ORG_NAME_MAX), unique=True)
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    users: Mapped[list[User]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind}>"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Base):
    """A staff account. ``session_token`` is part of every session cookie: rotating it ends
    every session of the user at once (logout, password change, deactivation)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored in lower case, so the unique constraint is case-insensitive.
    username: Mapped[str] = mapped_column(sa.String(USERNAME_MAX), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(FULL_NAME_MAX))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    locale: Mapped[str] = mapped_column(sa.String(8), default="da")
    is_active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    #: Optimistic lock for edits by an administrator (see db.bump_version).
    version: Mapped[int] = mapped_column(default=1)

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def is_locked(self, at: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > at

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
