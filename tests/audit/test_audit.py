"""The audit log: reads and changes recorded in the same transaction, and never rewritten."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_user
from victimcare.accounts.models import Role
from victimcare.audit.models import AuditEvent
from victimcare.extensions import db


def _case_events(case):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.case_id == case.id).order_by(AuditEvent.id)))


def test_reading_a_case_page_is_an_audited_read(client):
    case = make_case()
    reader = make_user(Role.CMM_CONTACT_PERSON)
    client.login(reader.username)
    assert client.get(f"/cases/{case.reference}").status_code == 200
    event = _case_events(case)[-1]
    assert (event.action, event.actor_id, event.subject_id) == (
        "case.viewed", reader.id, str(case.id))
    assert event.actor_organisation_id == reader.organisation_id
    assert event.ip_address == "127.0.0.1"


def test_a_refused_read_leaves_no_trace_of_content_but_is_not_a_read(client):
    case = make_case()
    client.login(make_user(Role.NGO_WORKER).username)
    client.get(f"/cases/{case.reference}")
    assert [e.action for e in _case_events(case)] == ["case.created"]


def test_coordinator_sees_who_read_the_case(client, make_client):
    case = make_case()
    reader = make_user(Role.CMM_CONTACT_PERSON, full_name="Jonas Berg")
    other = make_client()
    other.login(reader.username)
    other.get(f"/cases/{case.reference}")
    client.login(make_user(Role.CMM_COORDINATOR).username)
    html = client.get(f"/cases/{case.reference}/audit").get_data(as_text=True)
    assert "Jonas Berg" in html and "Viewed the case" in html


def test_contact_person_cannot_open_the_audit_log(client):
    case = make_case()
    client.login(make_user(Role.CMM_CONTACT_PERSON).username)
    assert client.get(f"/cases/{case.reference}/audit").status_code == 404


def test_audit_rows_cannot_be_changed_through_the_orm(app):
    make_case()
    event = db.session.scalars(sa.select(AuditEvent)).first()
    event.action = "rewritten"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalars(sa.select(AuditEvent)).first())
    with pytest.raises(PermissionError):
        db.session.commit()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET action = 'rewritten'",
    "DELETE FROM audit_events",
])
def test_audit_rows_cannot_be_changed_even_with_sql(app, statement):
    make_case()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with db.engine.begin() as conn:
            conn.execute(sa.text(statement))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1


def test_a_failed_change_leaves_no_audit_row(app):
    from victimcare.accounts import services
    from victimcare.errors import RuleViolation

    org = make_user(Role.CMM_CONTACT_PERSON).organisation
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    with pytest.raises(RuleViolation):
        with db.transaction():
            services.create_organisation(None, "Ministry X", org.kind)
            services.create_organisation(None, "ministry x", org.kind)  # duplicate: refused
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before


def test_seeing_a_case_in_the_list_is_an_audited_read(client):
    case = make_case()
    reader = make_user(Role.CMM_CONTACT_PERSON)
    client.login(reader.username)
    assert "Ioana" in client.get("/cases").get_data(as_text=True)
    listed = [e for e in _case_events(case) if e.action == "case.listed"]
    assert [e.actor_id for e in listed] == [reader.id]


def test_every_audited_action_reads_as_words(app):
    """The audit log shows each action in the reader's language: every action the code
    records has a label (an unlabelled one would show its code)."""
    import re
    from pathlib import Path

    from victimcare.audit.services import ACTION_LABELS

    source = Path(__file__).resolve().parents[2] / "victimcare"
    recorded = set()
    for path in source.rglob("*.py"):
        recorded |= set(re.findall(r'audit\.record\(\s*\w+,\s*"([a-z_.]+)"', path.read_text()))
        recorded |= set(re.findall(r'_audit\(\s*\w+,\s*"([a-z_.]+)"', path.read_text()))
    assert "period.ended" in recorded and "case.viewed" in recorded
    assert sorted(recorded - set(ACTION_LABELS)) == []
