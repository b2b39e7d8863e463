"""The contact person: CMM's, or an NGO worker where CMM delegates; a minor's representative."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tests.factories import make_case, make_org, make_user
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.cases.models import AssignmentKind, Case, CaseAssignment
from victimcare.extensions import db

VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')


def _form(client, url):
    return VERSION.search(client.get(url).get_data(as_text=True)).group(1)


def test_coordinator_delegates_to_an_ngo_worker_and_back(app, make_client):
    amiami = make_org("AmiAmi", OrganisationKind.NGO)
    coordinator = make_user(Role.CMM_COORDINATOR, full_name="Camilla Holm")
    contact = make_user(Role.CMM_CONTACT_PERSON, full_name="Jonas Berg")
    ngo_worker = make_user(Role.NGO_WORKER, amiami, full_name="Ida Lund")
    case = make_case(given_name="Ana", family_name="Rusu")
    db.session.commit()
    client = make_client()
    client.login(coordinator.username)
    url = f"/cases/{case.reference}/contact-person"

    response = client.post(url, {"contact_person_id": ngo_worker.id, "version": _form(client,
                                                                                        url)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).contact_person_id == ngo_worker.id
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Ida Lund (AmiAmi)" in page
    # AmiAmi's worker now sees the case in the list (minimal fields), never the case page.
    ngo = make_client()
    ngo.login(ngo_worker.username)
    assert "Ana" in ngo.get("/cases").get_data(as_text=True)
    assert ngo.get(f"/cases/{case.reference}").status_code == 404

    assert client.post(url, {"contact_person_id": contact.id,
                             "version": _form(client, url)}).status_code == 302
    db.session.expire_all()
    active = db.session.scalars(sa.select(CaseAssignment).where(
        CaseAssignment.case_id == case.id, CaseAssignment.is_active.is_(True),
        CaseAssignment.kind == AssignmentKind.CONTACT_PERSON)).all()
    assert active == []
    assert "Ana" not in ngo.get("/cases").get_data(as_text=True)


def test_an_unaccompanied_minor_needs_the_representative(app, make_client):
    coordinator = make_user(Role.CMM_COORDINATOR)
    case = make_case(given_name="Sofia", family_name="Marin")
    db.session.commit()
    client = make_client()
    client.login(coordinator.username)
    url = f"/cases/{case.reference}/contact-person"
    version = _form(client, url)
    refused = client.post(url, {"contact_person_id": coordinator.id, "version": version,
                                "unaccompanied_minor": "y",
                                "representative_contact": "+45 12 34 56 78"})
    html = refused.get_data(as_text=True)
    assert 'id="representative_name-error"' in html and "+45 12 34 56 78" in html
    assert client.post(url, {"contact_person_id": coordinator.id, "version": version,
                             "unaccompanied_minor": "y", "representative_name": "Lise Holm",
                             "representative_contact": "+45 12 34 56 78"}).status_code == 302
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="representative"' in page and "Lise Holm" in page
    # A form opened before that save is refused, not applied over it.
    stale = client.post(url, {"contact_person_id": coordinator.id, "version": version})
    assert "Someone else changed this case" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).unaccompanied_minor is True
