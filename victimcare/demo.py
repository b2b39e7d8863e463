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
        created += _identification_cases(orgs["Center mod Menneskehandel (CMM)"])
        created += _support_cases(orgs["Center mod Menneskehandel (CMM)"])
        created += _housing(orgs["Center mod Menneskehandel (CMM)"])
        created += _returns(orgs["Center mod Menneskehandel (CMM)"])
    # Activities already past their due time raise their alerts now.
    workflow.run_due_timers()
    return created


def complete_open_task(where, name: str, actor, answers: dict) -> None:
    """Complete the open task ``name`` of a case or instance (``where``: a condition on
    WorkflowTask) as ``actor`` would from the task page."""
    task = db.session.scalar(sa.select(WorkflowTask).where(
        where, WorkflowTask.task_name == name, WorkflowTask.state == TaskState.READY))
    workflow.complete_task(task, actor, answers, uuid.uuid4().hex)


def _identification_cases(cmm) -> int:
    """Cases at each stage of identification (workflows/identification.bpmn)."""
    from victimcare.identification import services as identification

    contact = accounts.find_user("contact")
    now = clock.now()
    local = lambda moment: moment.isoformat()  # noqa: E731 - aware UTC ISO times
    referral = {"channel": "outreach", "place": "Copenhagen", "region": "capital",
                "occurred_at": local(now - timedelta(hours=3)),
                "interview_organisation_id": cmm.id}
    people = [
        # Detained 20 hours ago at a joint inspection: the 72-hour clock is running.
        ("Vasile", "Stan", {**referral, "referrer": "labour_inspection",
                            "channel": "joint_inspection", "place": "Building site, Aarhus",
                            "region": "central_jutland", "suspected_exploitation":
                            "forced_labour", "is_detained": True,
                            "detained_at": local(now - timedelta(hours=20)),
                            "police_notified": True, "cmm_notified": True, "gender": "male",
                            "nationality": "RO", "language": "ron", "estimated_age": 29,
                            "residence_status": "none"}, 0),
        # A girl of 15: the representative must be contacted before the interview.
        ("Sofia", "Marin", {**referral, "referrer": "red_cross",
                            "suspected_exploitation": "criminal_acts", "gender": "female",
                            "nationality": "BG", "language": "bul",
                            "date_of_birth": date(now.year - 15, 1, 10),
                            "residence_status": "none"}, 0),
        # Interviewed and not sent to the police (no consent): waiting for CMM's assessment.
        ("Grace", "Mensah", {**referral, "referrer": "ngo_action_plan",
                             "suspected_exploitation": "prostitution", "gender": "female",
                             "nationality": "GH", "language": "eng",
                             "date_of_birth": date(1996, 6, 3), "residence_status": "lawful"},
         2),
    ]
    created = 0
    for given, family, data, steps in people:
        if db.session.scalar(sa.select(Person.id).where(Person.given_name == given,
                                                        Person.family_name == family)):
            continue
        record = identification.register_referral(
            contact, {**data, "given_name": given, "family_name": family})
        for name, answers in [("Task_interview", {
                "held_at": local(now - timedelta(hours=2)), "place": "CMM, Copenhagen",
                "organisation_id": cmm.id, "interpreter": "", "language": data["language"],
                "account": "Came to Denmark with a promise of work; her passport was taken.",
                "act_indicators": ["recruitment", "transport"],
                "means_indicators": ["deception"], "purpose_indicators": ["prostitution"],
                "trafficker_contact": "yes", "debt_demanded": "yes", "pending_threats": "doubt",
                "recommendation": "yes", "recommendation_reasons": "All three elements.",
                "police_consent": False, "police_consent_at": None,
                "another_interview": False}),
                ("Task_send", {"police": "not_sent", "police_recipient": "",
                               "sent_at": None, "presented_at": None})][:steps]:
            complete_open_task(WorkflowTask.case_id == record.case.id, name, contact, answers)
        created += 1
    return created


def _support_cases(cmm) -> int:
    """Victims in a period (workflows/support.bpmn): a reflection period granted 25 days ago
    (its review is due), and a restitution period granted today."""
    from victimcare.identification import services as identification
    from victimcare.support.tasks import clock_data

    contact, coordinator = accounts.find_user("contact"), accounts.find_user("coordinator")
    officer = accounts.find_user("immigration")
    now = clock.now()
    today = clock.today()
    created = 0
    for given, family, nationality, residence, days_ago in (
            ("Chidinma", "Eze", "NG", "none", 25), ("Siriporn", "Kaew", "TH", "lawful", 0)):
        if db.session.scalar(sa.select(Person.id).where(Person.given_name == given,
                                                        Person.family_name == family)):
            continue
        lawful = residence == "lawful"
        record = identification.register_referral(contact, {
            "referrer": "ngo_action_plan", "channel": "outreach", "place": "Copenhagen",
            "region": "capital", "occurred_at": (now - timedelta(days=days_ago + 2)).isoformat(),
            "suspected_exploitation": "prostitution", "given_name": given,
            "family_name": family, "gender": "female", "nationality": nationality,
            "date_of_birth": date(1992, 2, 11), "residence_status": residence,
            "interview_organisation_id": cmm.id})
        decided = now - timedelta(days=days_ago)
        starts_on = today - timedelta(days=days_ago)
        steps = [
            ("Task_interview", contact, {
                "held_at": (decided - timedelta(days=1)).isoformat(), "place": "CMM",
                "interpreter": "", "language": None,
                "account": "Recruited online for work as a nanny; sold on arrival.",
                "act_indicators": ["recruitment", "transport"],
                "means_indicators": ["deception"], "purpose_indicators": ["prostitution"],
                "trafficker_contact": "no", "debt_demanded": "yes", "pending_threats": "doubt",
                "recommendation": "yes", "recommendation_reasons": "All three elements.",
                "police_consent": False, "police_consent_at": None,
                "another_interview": False}),
            ("Task_send", contact, {"police": "not_sent", "police_recipient": "",
                                    "sent_at": None, "presented_at": None if lawful
                                    else (decided - timedelta(hours=2)).isoformat()}),
            ("Task_assess_cmm" if lawful else "Task_assess_us",
             coordinator if lawful else officer, {
                 "decision": "victim", "decided_at": decided.isoformat(),
                 "act_established": "yes", "means_established": "yes",
                 "purpose_established": "yes", "currently_trafficked": "doubt",
                 "reasons": "The elements are established."}),
            ("Task_grant_restitution" if lawful else "Task_grant_reflection",
             coordinator if lawful else officer, {
                 "period_starts_on": starts_on.isoformat(), "days": 30, "notes": "",
                 **clock_data(starts_on + timedelta(days=30))}),
        ]
        for name, actor, answers in steps:
            complete_open_task(WorkflowTask.case_id == record.case.id, name, actor, answers)
        created += 1
    return created


def _support_activity(case, coordinator, organisation, description: str, due_in_days: int):
    """A support activity proposed and approved by CMM, waiting for the NGO."""
    instance = workflow.start("support_activity", case, coordinator)
    due = (clock.now() + timedelta(days=due_in_days)).isoformat()
    steps = [("Task_propose", {"activity_kind": "accompaniment", "description": description,
                               "organisation_id": organisation.id, "due_at": due}),
             ("Task_approve", {"approved": True, "reason": ""})]
    for name, data in steps:
        complete_open_task(WorkflowTask.instance_id == instance.id, name, coordinator, data)


# --- housing (victimcare.housing) -----------------------------------------------------------

#: Placed people: (given, family, birth date, nationality, language, gender, residence status,
#: facility, placed days ago). Seven women fill the Copenhagen shelter's fixed places.
HOUSED = [
    ("Chioma", "Eze", date(1995, 4, 11), "NG", "eng", "female", "none",
     "Reden International, Copenhagen", 41),
    ("Ngozi", "Obi", date(1992, 9, 30), "NG", "eng", "female", "asylum_seeker",
     "Reden International, Copenhagen", 28),
    ("Lan", "Nguyen", date(2000, 2, 17), "VN", "vie", "female", "none",
     "Reden International, Copenhagen", 19),
    ("Kanya", "Thongchai", date(1987, 7, 5), "TH", "tha", "female", "lawful",
     "Reden International, Copenhagen", 12),
    ("Joy", "Adeyemi", date(1998, 12, 1), "NG", "eng", "female", "none",
     "Reden International, Copenhagen", 9),
    ("Daria", "Moraru", date(1990, 3, 23), "RO", "ron", "female", "lawful_under_6_months",
     "Reden International, Copenhagen", 6),
    ("Esther", "Boateng", date(1997, 8, 14), "GH", "eng", "female", "none",
     "Reden International, Copenhagen", 2),
    ("Bogdan", "Rusu", date(1984, 1, 9), "RO", "ron", "male", "lawful",
     "Krisecenter for Mænd, Fredericia", 15),
]


def _housing(cmm) -> int:
    """The facility register, and people placed in it: the Copenhagen shelter is full."""
    from victimcare.cases.models import Gender
    from victimcare.housing import services as housing
    from victimcare.housing.models import Facility
    from victimcare.identification.rules import ResidenceStatus

    created = housing.seed_facilities()
    contact = accounts.find_user("contact")
    for (given, family, born, nationality, language, gender, residence, facility_name,
         days_ago) in HOUSED:
        if db.session.scalar(sa.select(Person.id).where(Person.given_name == given,
                                                        Person.family_name == family)):
            continue
        person = Person(given_name=given, family_name=family, date_of_birth=born,
                        nationality=nationality, language=language, gender=Gender(gender),
                        residence_status=ResidenceStatus(residence))
        case = cases.create_case(None, person, cmm, status=CaseStatus.SUPPORT,
                                 contact_person=contact)
        facility = db.session.scalar(sa.select(Facility).where(Facility.name == facility_name))
        housing.place_person(case, contact, facility_id=facility.id,
                             start_date=housing.today() - timedelta(days=days_ago))
        created += 1
    return created


# --- prepared return (victimcare.returns) -----------------------------------------------------

#: (given, family, nationality, stage): a prepared return at each stage of its process.
RETURNS = [
    ("Malee", "Srisuk", "TH", "offered"),
    ("Blessing", "Okafor", "NG", "high_risk"),
    ("Ioana", "Popa", "RO", "over_maximum"),
    ("Somchai", "Boonmee", "TH", "ministry"),
    ("Precious", "Adebayo", "NG", "departed"),
    ("Elena", "Munteanu", "RO", "declined"),
]


def _returns(cmm) -> int:
    """The rates and partners, and victims with a prepared return at each stage
    (workflows/prepared_return.bpmn)."""
    from victimcare.cases.models import Gender
    from victimcare.identification.rules import ResidenceStatus
    from victimcare.returns import rules as return_rules
    from victimcare.returns import services as returns

    created = returns.seed_return_rates()
    contact = accounts.find_user("contact")  # the coordinator's sign-off and approval wait
    today = clock.today()
    low = {**{f"{d}_rating": "low" for d in return_rules.SAFETY_DIMENSIONS},
           **{f"{d}_notes": "" for d in return_rules.SAFETY_DIMENSIONS},
           "own_view_notes": "Wants to go home.", "debt_to": "", "debt_amount_ore": None,
           "child_best_interests": "", "receiving_care": "", "high_risk": False}
    for given, family, nationality, stage in RETURNS:
        if db.session.scalar(sa.select(Person.id).where(Person.given_name == given,
                                                        Person.family_name == family)):
            continue
        person = Person(given_name=given, family_name=family, date_of_birth=date(1990, 5, 1),
                        nationality=nationality, gender=Gender.FEMALE,
                        residence_status=ResidenceStatus.LAWFUL)
        case = cases.create_case(None, person, cmm, status=CaseStatus.SUPPORT,
                                 contact_person=contact)
        prepared = returns.offer_return(case, contact)
        partner = returns.proposed_partner(nationality)
        plan = {"activity": "A small shop in her home town.", "partner_id": partner.id,
                "partner_change_reason": "", "health_reason": "", "justification": "",
                **{f"{c.value}_ore": 0 for c in return_rules.BudgetCategory},
                "housing_ore": 2_000_000, "pocket_money_ore": 1_000_000,
                "total_ore": 3_000_000, "over_maximum": False}
        steps = {
            "offered": [],
            "declined": [("Task_offer", contact, {"answer": "declined"})],
            "high_risk": [("Task_safety", contact, {**low, "threats_rating": "high",
                                                    "high_risk": True})],
            "over_maximum": [("Task_safety", contact, low), ("Task_plan", contact, {
                **plan, "housing_ore": 4_500_000, "pocket_money_ore": 0,
                "total_ore": 4_500_000, "over_maximum": True,
                "justification": "Rent for a year and a sewing machine."})],
            "ministry": [("Task_safety", contact, low), ("Task_plan", contact, plan)],
            "departed": [("Task_safety", contact, low), ("Task_plan", contact, plan),
                         ("Task_ministry", contact, {
                             "ministry_decision": "approved",
                             "ministry_decided_on": today.isoformat(),
                             "ministry_contact": "UIM", "notes": ""}),
                         ("Task_departure", contact, {
                             "departed_on": today.isoformat(), "travel": "Flight to Lagos.",
                             "follow_ups_done": 0,
                             "follow_ups_planned": returns.follow_up_months(today),
                             "follow_up_due_at": return_rules.follow_up_due(
                                 today, 1, clock.LOCAL_ZONE).isoformat()})]}[stage]
        if stage not in ("offered", "declined"):
            steps = [("Task_offer", contact, {"answer": "accepted"}), *steps]
        for name, actor, answers in steps:
            if name == "Task_offer":
                answers = {"answered_on": today.isoformat(), "notes": "",
                           "destination_country": nationality, "accompanying_children": 0,
                           "provider": False, **answers}
            complete_open_task(WorkflowTask.instance_id == prepared.instance_id, name, actor,
                               answers)
        created += 1
    return created
