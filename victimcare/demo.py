"""Demo data for trying VictimCare out. Idempotent: a second run finds everything and adds nothing.

Every demo account has the password ``victimcare-demo`` (printed in the README; demo only).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from victimcare import clock
from victimcare.accounts import services as accounts
from victimcare.accounts.models import Organisation, OrganisationKind, Role
from victimcare.cases import services as cases
from victimcare.cases.models import AssignmentKind, Case, CaseStatus, Person
from victimcare.extensions import db

DEMO_PASSWORD = "victimcare-demo"  # noqa: S105 - demo only, printed in the README

ORGANISATIONS = [
    ("Center mod Menneskehandel (CMM)", OrganisationKind.CMM),
    ("AmiAmi", OrganisationKind.NGO),
    ("HopeNow", OrganisationKind.NGO),
    ("Reden International", OrganisationKind.NGO),
    ("Dansk Røde Kors", OrganisationKind.NGO),
    ("Udlændingestyrelsen", OrganisationKind.IMMIGRATION_SERVICE),
    ("Københavns Politi", OrganisationKind.POLICE),
    ("Syd- og Sønderjyllands Politi", OrganisationKind.POLICE),
]

USERS = [
    ("coordinator", "Camilla Holm", "Center mod Menneskehandel (CMM)", Role.CMM_COORDINATOR),
    ("contact", "Jonas Berg", "Center mod Menneskehandel (CMM)", Role.CMM_CONTACT_PERSON),
    ("amiami", "Sara Lind", "AmiAmi", Role.NGO_WORKER),
    ("reden", "Maria Dahl", "Reden International", Role.NGO_WORKER),
    ("immigration", "Peter Krogh", "Udlændingestyrelsen", Role.IMMIGRATION_OFFICER),
    ("admin", "Admin Andersen", "Center mod Menneskehandel (CMM)", Role.ADMIN),
]

#: (given name, family name, alias, birth date, nationality, language, status,
#:  presented to the Immigration Service, organisation holding a task)
CASES = [
    ("Ioana", "Popescu", "", date(1994, 5, 2), "RO", "ron", CaseStatus.IDENTIFICATION,
     True, None),
    ("Malai", "Srisuk", "Mali", date(1989, 11, 20), "TH", "tha", CaseStatus.ASSESSMENT,
     False, None),
    ("Blessing", "Okafor", "Bee", date(1999, 1, 14), "NG", "eng", CaseStatus.SUPPORT,
     False, "Reden International"),
]


def seed() -> int:
    """Create what is missing; return how many records were created."""
    created = 0
    with db.transaction():
        orgs = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
        for name, kind in ORGANISATIONS:
            if name not in orgs:
                orgs[name] = accounts.create_organisation(None, name, kind)
                created += 1
        for username, full_name, org_name, role in USERS:
            if accounts.find_user(username) is None:
                accounts.create_user(None, username=username, full_name=full_name,
                                     organisation=orgs[org_name], role=role,
                                     password=DEMO_PASSWORD,
                                     locale="en" if role == Role.NGO_WORKER else "da")
                created += 1
        contact = accounts.find_user("contact")
        for (given, family, alias, born, nationality, language, status, presented,
             task_org) in CASES:
            exists = db.session.scalar(sa.select(Case.id).join(Person).where(
                Person.given_name == given, Person.family_name == family))
            if exists:
                continue
            person = Person(given_name=given, family_name=family, alias=alias,
                            date_of_birth=born, nationality=nationality, language=language)
            case = cases.create_case(
                None, person, orgs["Center mod Menneskehandel (CMM)"], status=status,
                contact_person=contact,
                presented_to_immigration_at=clock.now() - timedelta(hours=20)
                if presented else None)
            if task_org:
                cases.assign_organisation(None, case, orgs[task_org], AssignmentKind.TASK,
                                          "Accompaniment to the dentist")
            created += 1
    return created
