"""Demo data for trying VictimCare out. Idempotent: a second run finds everything and adds nothing.

Every demo account has the password ``victimcare-demo`` (printed in the README; demo only).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from victimcare import clock
from victimcare.accounts import services as accounts
from victimcare.accounts.models import Organisation, OrganisationKind, Role
from victimcare.cases import services as cases
from victimcare.cases.models import Case, CaseStatus, Person
from victimcare.extensions import db
from victimcare.workflow import services as workflow
from victimcare.workflow.models import TaskState, WorkflowTask

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
#:  presented to the Immigration Service, support activities: (what, NGO, due in days))
CASES = [
    ("Ioana", "Popescu", "", date(1994, 5, 2), "RO", "ron", CaseStatus.IDENTIFICATION,
     True, []),
    ("Malai", "Srisuk", "Mali", date(1989, 11, 20), "TH", "tha", CaseStatus.ASSESSMENT,
     False, []),
    ("Blessing", "Okafor", "Bee", date(1999, 1, 14), "NG", "eng", CaseStatus.SUPPORT,
     False, [("Accompany Bee to the dentist", "Reden International", 3),
             ("Accompany Bee to the lawyer", "Reden International", -1)]),
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
        coordinator = accounts.find_user("coordinator")
        for (given, family, alias, born, nationality, language, status, presented,
             activities) in CASES:
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
            for description, ngo, due_in_days in activities:
                _support_activity(case, coordinator, orgs[ngo], description, due_in_days)
            created += 1
    # Activities already past their due time raise their alerts now.
    workflow.run_due_timers()
    return created


def _support_activity(case, coordinator, organisation, description: str, due_in_days: int):
    """A support activity proposed and approved by CMM, waiting for the NGO."""
    instance = workflow.start("support_activity", case, coordinator)
    due = (clock.now() + timedelta(days=due_in_days)).isoformat()
    steps = [("Task_propose", {"activity_kind": "accompaniment", "description": description,
                               "organisation_id": organisation.id, "due_at": due}),
             ("Task_approve", {"approved": True, "reason": ""})]
    for name, data in steps:
        task = db.session.scalar(sa.select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.task_name == name,
            WorkflowTask.state == TaskState.READY))
        workflow.complete_task(task, coordinator, data, uuid.uuid4().hex)
