"""Builders for test data: the story of a test, not rows by hand."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from victimcare.accounts import services as accounts
from victimcare.accounts.models import Organisation, OrganisationKind, Role, User
from victimcare.cases import services as cases
from victimcare.cases.models import AssignmentKind, Case, Person
from victimcare.extensions import db

PASSWORD = "a-long-test-password"
_seq = itertools.count(1)

DEFAULT_ORG = {
    Role.CMM_COORDINATOR: ("CMM", OrganisationKind.CMM),
    Role.CMM_CONTACT_PERSON: ("CMM", OrganisationKind.CMM),
    Role.NGO_WORKER: ("Reden International", OrganisationKind.NGO),
    Role.IMMIGRATION_OFFICER: ("Udlændingestyrelsen", OrganisationKind.IMMIGRATION_SERVICE),
    Role.ADMIN: ("CMM", OrganisationKind.CMM),
}


def make_org(name: str = "CMM", kind: OrganisationKind = OrganisationKind.CMM) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind)
        db.session.add(org)
        db.session.commit()
    return org


def make_user(role: Role = Role.CMM_CONTACT_PERSON, org: Organisation | None = None,
              username: str | None = None, locale: str = "en", **kw) -> User:
    org = org or make_org(*DEFAULT_ORG[role])
    user = accounts.create_user(None, username=username or f"{role.value}{next(_seq)}",
                                full_name=kw.pop("full_name", "Test Person"), organisation=org,
                                role=role, password=kw.pop("password", PASSWORD), locale=locale)
    for key, value in kw.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def make_case(owner: Organisation | None = None, *, presented: bool = False,
              assigned_to: Organisation | None = None, given_name: str = "Ioana",
              **person) -> Case:
    from victimcare import clock

    owner = owner or make_org()
    case = cases.create_case(
        None, Person(given_name=given_name, family_name=person.pop("family_name", "Popescu"),
                     **person), owner,
        presented_to_immigration_at=clock.now() if presented else None)
    if assigned_to is not None:
        cases.assign_organisation(None, case, assigned_to, AssignmentKind.TASK,
                                  "Accompaniment to the dentist")
    db.session.commit()
    return case
