"""Two people creating the same thing at the same moment: a name, user name, rate, partner or
draft checked free and then taken by someone else before it is written. The second gets the
form back with a message next to the field (or, for a draft, has it saved), never an error
page.

The race is made, not waited for: after the request's check and before its write (at its
first savepoint, or its first write of the table if it takes none), the other party's row is
written. On PostgreSQL another connection commits it, which is the real race (both checks
see the value free). On SQLite that cannot happen, as writing transactions
are serialised (``victimcare.db._sqlite_begin``): the row goes in on the request's own
connection, and the constraint refuses the request's row in the same way."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user, open_task
from victimcare.accounts.models import Organisation, OrganisationKind, Role, User
from victimcare.audit.models import AuditEvent
from victimcare.extensions import db
from victimcare.housing.models import Facility
from victimcare.returns.models import ReturnPartner, ReturnRate
from victimcare.workflow import services as workflow
from victimcare.workflow.models import TaskDraft


@contextmanager
def written_meanwhile(model, **row):
    """While the block runs, ``row`` of ``model`` is written once, just before the request's
    first savepoint or its first write of the table, whichever comes first (after its check,
    before its write); yields a list that holds True once it was."""
    engine, done = db.engine, []
    writes = (f"INSERT INTO {model.__tablename__} ", f"UPDATE {model.__tablename__} ")

    def before(conn, _cursor, statement, *_args):
        if done or not statement.startswith(("SAVEPOINT", *writes)):
            return
        done.append(True)
        if engine.dialect.name == "postgresql":
            with engine.begin() as other:  # another connection, committed before ours writes
                other.execute(sa.insert(model.__table__).values(**row))
        else:
            conn.execute(sa.insert(model.__table__).values(**row))

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield done
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def _others() -> int:
    """The other party's rows left at the end: its own commit on PostgreSQL; none on SQLite,
    where the row was written in the request's transaction and is rolled back with it."""
    return 1 if db.engine.dialect.name == "postgresql" else 0


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _logged_in(client, role: Role):
    user = make_user(role)
    client.login(user.username)
    return user


def _form_back(response, done: list, field: str) -> str:
    """The race was made, and the form came back with a message at ``field``; its HTML."""
    html = response.get_data(as_text=True)
    assert done, "the other party's row was never written: no race was made"
    assert response.status_code == 200 and f'id="{field}-error"' in html
    return html


def _audited(action: str) -> int:
    return _count(AuditEvent, AuditEvent.action == action)


def test_an_organisation_created_twice_at_once(client):
    _logged_in(client, Role.ADMIN)
    with written_meanwhile(Organisation, name="HopeNow", kind=OrganisationKind.NGO) as done:
        response = client.post("/admin/organisations/new", {"name": "HopeNow", "kind": "ngo"})
    html = _form_back(response, done, "name")
    assert "An organisation with that name exists." in html
    assert 'value="HopeNow"' in html  # what was typed is still there
    assert _count(Organisation, Organisation.name == "HopeNow") == _others()
    assert _audited("organisation.created") == 0


def test_a_user_name_taken_while_the_account_is_made(client):
    _logged_in(client, Role.ADMIN)
    reden = make_org("Reden International", OrganisationKind.NGO)
    db.session.commit()
    accounts_made = _audited("user.created")  # the administrator's own
    with written_meanwhile(User, username="maria", full_name="Maria Other",
                           organisation_id=reden.id, role=Role.NGO_WORKER, locale="da",
                           password_hash="x", session_token="other-token") as done:
        response = client.post("/admin/users/new", {
            "username": "maria", "full_name": "Maria Dahl", "organisation_id": reden.id,
            "role": "ngo_worker", "locale": "en", "password": "a-good-long-password"})
    assert 'value="Maria Dahl"' in _form_back(response, done, "username")
    assert _count(User, User.username == "maria") == _others()
    assert _count(User, User.full_name == "Maria Dahl") == 0
    assert _audited("user.created") == accounts_made


FACILITY_FORM = {"name": "Ærø Krisecenter", "kind": "specialised_shelter", "fixed_places": "3",
                 "extra_places": "1", "admits_gender": "women", "age_group": "adults",
                 "residence_requirement": "any", "price": "1339"}


def _facility_row(**changes) -> dict:
    """A facilities row as another coordinator's save writes it (enum columns by member)."""
    from victimcare.housing.rules import (
        AdmittedGender,
        AgeGroup,
        FacilityKind,
        ResidenceRequirement,
    )

    return {"name": "Ærø Krisecenter", "kind": FacilityKind("specialised_shelter"),
            "admits_gender": AdmittedGender("women"), "age_group": AgeGroup("adults"),
            "residence_requirement": ResidenceRequirement("any"), **changes}


def test_a_facility_added_twice_at_once(client):
    _logged_in(client, Role.CMM_COORDINATOR)
    with written_meanwhile(Facility, **_facility_row()) as done:
        response = client.post("/housing/facilities/new", FACILITY_FORM)
    assert 'value="1339"' in _form_back(response, done, "name")
    assert _count(Facility, Facility.name == "Ærø Krisecenter") == _others()
    assert _count(Facility, Facility.price_per_night_ore == 133_900) == 0
    assert _audited("facility.created") == 0


def test_a_facility_renamed_to_a_name_taken_meanwhile(client):
    _logged_in(client, Role.CMM_COORDINATOR)
    assert client.post("/housing/facilities/new", {**FACILITY_FORM, "name": "Old name"}
                       ).status_code == 302
    facility = db.session.scalar(sa.select(Facility).where(Facility.name == "Old name"))
    with written_meanwhile(Facility, **_facility_row()) as done:
        response = client.post(f"/housing/facilities/{facility.id}", {
            **FACILITY_FORM, "version": facility.version})
    _form_back(response, done, "name")
    db.session.expire_all()
    renamed = db.session.get(Facility, facility.id)
    assert renamed.name == "Old name" and renamed.version == facility.version  # untouched


def test_a_rate_added_twice_for_one_day(client):
    _logged_in(client, Role.CMM_COORDINATOR)
    with written_meanwhile(ReturnRate, code="in_kind_per_adult", value=4_500_000,
                           valid_from=date(2026, 3, 10)) as done:
        response = client.post("/returns/rates", {
            "code": "in_kind_per_adult", "value": "46.000", "valid_from": "2026-03-10"})
    assert 'value="46.000"' in _form_back(response, done, "valid_from")
    assert _count(ReturnRate, ReturnRate.code == "in_kind_per_adult") == _others()
    assert _count(ReturnRate, ReturnRate.value == 4_600_000) == 0


def test_a_partner_saved_twice_for_one_country(client):
    from victimcare.returns.rules import Programme

    _logged_in(client, Role.CMM_COORDINATOR)
    with written_meanwhile(ReturnPartner, country="VN", programme=Programme("errin"),
                           name="ERRIN") as done:
        response = client.post("/returns/partners", {
            "country": "VN", "programme": "errin", "name": "ERRIN (via the Ministry)"})
    assert "at the same moment" in _form_back(response, done, "country")
    assert _count(ReturnPartner, ReturnPartner.country == "VN") == _others()
    assert _count(ReturnPartner, ReturnPartner.name == "ERRIN (via the Ministry)") == 0


def test_a_draft_saved_twice_at_once_keeps_the_newer(client):
    coordinator = make_user(Role.CMM_COORDINATOR)
    case = make_case()
    workflow.start("support_activity", case, coordinator)
    db.session.commit()
    task = open_task(case, "Task_propose")
    user = _logged_in(client, Role.CMM_CONTACT_PERSON)
    with written_meanwhile(TaskDraft, task_id=task.id, user_id=user.id,
                           data={"description": "the older save"}) as done:
        response = client.post(f"/tasks/{task.id}", {
            "action": "save_draft", "description": "the newer save"})
    assert done and response.status_code == 302
    db.session.expire_all()
    drafts = db.session.scalars(sa.select(TaskDraft).where(TaskDraft.task_id == task.id)).all()
    assert [d.data["description"] for d in drafts] == ["the newer save"]


def test_another_constraint_is_not_taken_for_a_name_clash(app):
    """Only a unique constraint becomes the field's message; a foreign key stays an error."""
    from victimcare.db import claim_unique
    from victimcare.errors import RuleViolation

    with pytest.raises(sa.exc.IntegrityError):
        with claim_unique(db.session, "taken", field="name"):
            db.session.add(User(username="nobody", full_name="N", organisation_id=999_999,
                                role=Role.NGO_WORKER, locale="da", password_hash="x",
                                session_token="t"))
    db.session.rollback()
    make_org("Reden International", OrganisationKind.NGO)
    db.session.flush()
    with pytest.raises(RuleViolation) as refused:
        with claim_unique(db.session, "taken", field="name"):
            db.session.add(Organisation(name="Reden International", kind=OrganisationKind.NGO))
    assert refused.value.field == "name"
    assert _count(Organisation) == 1  # the transaction goes on without the refused row
