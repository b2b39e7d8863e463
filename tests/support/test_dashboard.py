"""The dashboard's support lists: the contact person's cases, and the periods ending soon."""

from __future__ import annotations

import sqlalchemy as sa

from tests.identification.test_flows import _do, _open, people
from tests.support.test_periods import _victim
from victimcare.audit.models import AuditEvent
from victimcare.extensions import db

__all__ = ["people"]


def test_contact_person_and_coordinator_see_the_periods_that_matter(people, frozen_clock):
    soon = _victim(people, residence_status="none")  # the contact person registered both
    later = _victim(people, residence_status="lawful", given_name="Ana", family_name="Rusu")
    _do(people["clients"]["immigration"], _open(soon, "Task_grant_reflection"),
        {"starts_on": "2026-03-02", "days": "30"})  # ends 1 April
    _do(people["clients"]["coordinator"], _open(later, "Task_grant_restitution"),
        {"starts_on": "2026-03-02", "days": "60"})  # ends 1 May
    frozen_clock.advance(days=22)  # 24 March: 8 days left of the first
    for name, client in people["clients"].items():
        client.login(people["users"][name].username)

    mine = people["clients"]["contact"].get("/").get_data(as_text=True)
    assert 'data-testid="my-cases"' in mine
    assert soon.reference in mine and later.reference in mine and "8 days left" in mine
    assert 'data-testid="periods-ending"' not in mine  # the coordinator's view

    overview = people["clients"]["coordinator"].get("/").get_data(as_text=True)
    ending = overview.split('data-testid="periods-ending"')[1].split("</table>")[0]
    assert soon.reference in ending and later.reference not in ending
    assert "Jonas Berg" in ending  # the contact person
    listed = db.session.scalars(sa.select(AuditEvent.case_id).where(
        AuditEvent.action == "case.listed",
        AuditEvent.actor_id == people["users"]["coordinator"].id)).all()
    assert soon.id in listed


def test_the_coordinator_sees_shelter_occupancy_on_the_dashboard(people):
    from tests.housing.builders import make_facility

    make_facility(name="Reden International, Copenhagen", fixed=7, extra=2)
    db.session.commit()
    overview = people["clients"]["coordinator"].get("/").get_data(as_text=True)
    shelters = overview.split('data-testid="shelters"')[1].split("</table>")[0]
    assert "Reden International, Copenhagen" in shelters and "0 of 7 fixed places" in shelters
    assert 'data-testid="shelters"' not in people["clients"]["contact"].get("/").get_data(
        as_text=True)
