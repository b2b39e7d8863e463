"""The append-only audit log.

Rows are only ever inserted: the ORM refuses updates and deletes, and the migration installs
database triggers that refuse them too, so not even a direct SQL statement can rewrite history.
Actions are stable keys (``case.viewed``), translated only when shown.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from victimcare import clock
from victimcare.db import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"),
                                    primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)
    #: Who: the user (None for the system, e.g. a timer) and their organisation at the time.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    actor_organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"))
    #: Did what: a stable key such as ``case.viewed`` or ``user.created``.
    action: Mapped[str] = mapped_column(sa.String(64))
    #: To which record.
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: From where: the client address as the app saw it.
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    #: What changed (field names and, where not personal data, values), as JSON.
    details: Mapped[dict | None] = mapped_column(sa.JSON)


def _refuse(mapper, connection, target) -> None:
    raise PermissionError("the audit log is append-only")


sa.event.listen(AuditEvent, "before_update", _refuse)
sa.event.listen(AuditEvent, "before_delete", _refuse)
