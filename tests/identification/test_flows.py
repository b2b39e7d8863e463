"""Identification end to end over HTTP: the three stories of the issue and a missed deadline.
Each user works from the inbox; times are typed in Copenhagen time (UTC+1 in March)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.factories import make_org, make_user
from victimcare.accounts.models import OrganisationKind, Role
from victimcare.cases.models import Case, CaseStatus
from victimcare.extensions import db
from victimcare.identification.models import Interview, PoliceDisclosure, TraffickingAssessment
from victimcare.workflow import services as workflow
from victimcare.workflow.models import Alert, WorkflowTask

TOKEN = re.compile(r'name="submission_id" value="([^"]+)"')
REFERRAL = {"referrer": "police", "channel": "outreach", "occurred_at": "2026-03-02T08:00",
            "place": "Copenhagen", "region": "capital", "suspected_exploitation": "prostitution",
            "gender": "female", "residence_status": "lawful"}
INTERVIEW = {"held_at": "2026-03-02T09:30", "place": "CMM, Copenhagen", "interpreter": "",
             "account": "She was recruited with a promise of work in a restaurant.",
             "act_indicators": ["recruitment", "transport"], "means_indicators": ["deception"],
             "purpose_indicators": ["prostitution"], "trafficker_contact": "yes",
             "debt_demanded": "yes", "pending_threats": "doubt", "recommendation": "yes",
             "recommendation_reasons": "Clear indicators of all three elements.",
             "police_consent": "yes", "police_consent_at": "2026-03-02T09:45"}
ASSESSMENT = {"decision": "victim", "decided_at": "2026-03-02T10:00", "act_established": "yes",
              "means_established": "yes", "purpose_established": "yes",
              "currently_trafficked": "yes", "reasons": "The elements are established."}


@pytest.fixture
def people(app, make_client):
    cmm = make_org("CMM", OrganisationKind.CMM)
    amiami = make_org("AmiAmi", OrganisationKind.NGO)
    users = {"coordinator": make_user(Role.CMM_COORDINATOR, cmm, full_name="Camilla Holm"),
             "contact": make_user(Role.CMM_CONTACT_PERSON, cmm, full_name="Jonas Berg"),
             "immigration": make_user(Role.IMMIGRATION_OFFICER, full_name="Peter Krogh"),
             "ngo": make_user(Role.NGO_WORKER, amiami, full_name="Ida Lund")}
    clients = {}
    for name, user in users.items():
        clients[name] = make_client()
        clients[name].login(user.username)
    return {"users": users, "clients": clients, "cmm": cmm, "amiami": amiami}


def _register(people, **fields):
    client = people["clients"]["contact"]
    data = {**REFERRAL, "interview_organisation_id": people["cmm"].id, **fields}
    response = client.post("/cases/new", data)
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)',
                                                   response.get_data(as_text=True))
    db.session.expire_all()
    return db.session.scalar(sa.select(Case).order_by(Case.id.desc()))


def _open(case, name):
    db.session.expire_all()
    return db.session.scalar(sa.select(WorkflowTask).where(
        WorkflowTask.case_id == case.id, WorkflowTask.task_name == name,
        WorkflowTask.state == "ready"))


def _do(client, task, data, expect=302):
    page = client.get(f"/tasks/{task.id}")
    assert page.status_code == 200
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post(f"/tasks/{task.id}", {**data, "submission_id": token,
                                                 "action": "complete"})
    assert response.status_code == expect, re.findall(r'class="error"[^>]*>([^<]*)',
                                                      response.get_data(as_text=True))
    return response


def test_detained_romanian_from_a_joint_inspection_decided_within_72_hours(people,
                                                                          frozen_clock):
    contact, officer = people["clients"]["contact"], people["clients"]["immigration"]
    # Found at a joint labour inspection on a building site at 06:30, detained for illegal work.
    refused = people["clients"]["contact"].post("/cases/new", {
        **REFERRAL, "referrer": "labour_inspection", "channel": "joint_inspection",
        "suspected_exploitation": "forced_labour", "given_name": "Mihai",
        "family_name": "Ionescu", "gender": "male", "nationality": "RO",
        "residence_status": "none", "estimated_age": "34", "is_detained": "y",
        "detained_at": "2026-03-02T06:30", "interview_organisation_id": people["cmm"].id})
    assert 'id="police_notified-error"' in refused.get_data(as_text=True)  # both must know
    case = _register(people, referrer="labour_inspection", channel="joint_inspection",
                     suspected_exploitation="forced_labour", given_name="Mihai",
                     family_name="Ionescu", gender="male", nationality="RO",
                     residence_status="none", estimated_age="34", is_detained="y",
                     detained_at="2026-03-02T06:30", police_notified="y", cmm_notified="y",
                     language="ron")
    interview = _open(case, "Task_interview")
    assert interview.due_at.isoformat() == "2026-03-05T05:30:00+00:00"  # 72 h after 05:30 UTC
    page = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-stage="running"' in page
    _do(contact, interview, {**INTERVIEW, "interpreter": "Ana Marin", "language": "ron",
                             "purpose_indicators": ["forced_labour"]})
    send = _open(case, "Task_send")
    _do(contact, send, {"police": "sent", "police_recipient": "Sydøstjyllands Politi",
                        "sent_at": "2026-03-02T09:50"}, expect=200)  # not yet presented
    _do(contact, send, {"police": "sent", "police_recipient": "Sydøstjyllands Politi",
                        "sent_at": "2026-03-02T09:50", "presented_at": "2026-03-02T09:55"})
    assert db.session.scalar(sa.select(PoliceDisclosure.recipient)) == "Sydøstjyllands Politi"
    assessment = _open(case, "Task_assess_us")
    assert assessment.lane == "Immigration Service"
    assert case.reference in officer.get("/tasks").get_data(as_text=True)
    assert case.reference not in contact.get("/tasks").get_data(as_text=True)
    frozen_clock.advance(hours=30)
    officer.login(people["users"]["immigration"].username)
    _do(officer, assessment, {**ASSESSMENT, "decided_at": "2026-03-03T15:00"})
    db.session.expire_all()
    decision = db.session.scalar(sa.select(TraffickingAssessment))
    assert (decision.authority.value, decision.decision.value) == ("immigration_service",
                                                                   "victim")
    assert db.session.get(Case, case.id).status == CaseStatus.SUPPORT
    contact.login(people["users"]["contact"].username)
    assert 'data-stage="met"' in contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    # The decision ended the process and the 72-hour watch with it: no alert ever fires.
    frozen_clock.advance(days=5)
    workflow.run_due_timers()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 0


def test_thai_woman_with_a_schengen_permit_is_interviewed_and_assessed_by_cmm(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk", nationality="TH",
                     date_of_birth="1989-11-20", residence_status="lawful", language="tha")
    assert _open(case, "Task_contact_representative") is None  # an adult
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW})
    _do(contact, _open(case, "Task_send"), {"police": "not_sent"})
    assessment = _open(case, "Task_assess_cmm")
    assert assessment.lane == "CMM"
    _do(people["clients"]["coordinator"], assessment, ASSESSMENT)
    decision = db.session.scalar(sa.select(TraffickingAssessment))
    assert decision.authority.value == "cmm" and decision.decision.value == "victim"
    html = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "She was recruited" not in html  # the account stays in the 1a form
    interview = db.session.scalar(sa.select(Interview))
    form_1a = contact.get(f"/cases/{case.reference}/interviews/{interview.id}")
    assert "She was recruited" in form_1a.get_data(as_text=True)


def test_a_sixteen_year_old_girl_is_treated_as_a_child(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Elena", family_name="Dumitru", nationality="RO",
                     date_of_birth="2009-09-01", residence_status="none")
    assert _open(case, "Task_interview") is None  # not before the representative is contacted
    _do(contact, _open(case, "Task_contact_representative"), {
        "contacted": "representative", "contact_name": "Lise Holm",
        "contacted_at": "2026-03-02T08:30"})
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW, "means_indicators": []})
    _do(contact, _open(case, "Task_send"), {"police": "not_sent",
                                            "presented_at": "2026-03-02T09:55"})
    assessment = _open(case, "Task_assess_us")
    officer = people["clients"]["immigration"]
    _do(officer, assessment, {**ASSESSMENT, "means_established": "not_applicable"})
    assert db.session.scalar(sa.select(TraffickingAssessment.decision)).value == "victim"


def test_means_can_be_left_out_only_for_a_child(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk",
                     date_of_birth="1989-11-20")
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW})
    _do(contact, _open(case, "Task_send"), {"police": "not_sent"})
    response = _do(people["clients"]["coordinator"], _open(case, "Task_assess_cmm"),
                   {**ASSESSMENT, "means_established": "not_applicable"}, expect=200)
    assert 'id="means_established-error"' in response.get_data(as_text=True)


def test_the_1a_goes_to_the_police_only_with_consent(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk",
                     date_of_birth="1989-11-20")
    _do(contact, _open(case, "Task_interview"), {
        **INTERVIEW, "police_consent": "no", "police_consent_at": ""})
    response = _do(contact, _open(case, "Task_send"), {
        "police": "sent", "police_recipient": "Københavns Politi",
        "sent_at": "2026-03-02T09:50"}, expect=200)
    assert "has not consented" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoliceDisclosure)) == 0


def test_overruling_cmm_needs_weighty_reasons(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Mihai", residence_status="none",
                     estimated_age="30", gender="male")
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW})
    _do(contact, _open(case, "Task_send"), {"police": "not_sent",
                                            "presented_at": "2026-03-02T09:55"})
    officer = people["clients"]["immigration"]
    no = {**ASSESSMENT, "decision": "not_victim", "reasons": "Not current."}
    response = _do(officer, _open(case, "Task_assess_us"), no, expect=200)
    assert 'id="weighty_reasons-error"' in response.get_data(as_text=True)
    _do(officer, _open(case, "Task_assess_us"), {**no, "weighty_reasons": "Documented "
                                                  "evidence that the person left freely."})
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSED


def test_72_hours_pass_without_a_decision(people, frozen_clock, make_client):
    case = _register(people, given_name="Mihai", residence_status="none", estimated_age="30",
                     gender="male", is_detained="y", detained_at="2026-03-02T06:30")
    # The clock starts at 09:00 UTC; detained at 05:30 UTC, so the deadline is 3 days on at
    # 05:30 UTC: 24 hours left at +44.5 h, 6 hours left at +62.5 h, passed at +68.5 h.
    for hours, kinds in ((44, []), (1, ["detention_24h_left"]),
                         (18, ["detention_24h_left", "detention_6h_left"]),
                         (6, ["detention_24h_left", "detention_6h_left",
                              "detention_deadline_missed"])):
        frozen_clock.advance(hours=hours)
        workflow.run_due_timers()
        db.session.expire_all()
        assert sorted(db.session.scalars(sa.select(Alert.kind))) == sorted(kinds)
    coordinator = make_client()
    coordinator.login(people["users"]["coordinator"].username)
    dashboard = coordinator.get("/").get_data(as_text=True)
    assert "the 72 hours have passed" in dashboard
    page = coordinator.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-stage="missed"' in page
    assert "Overdue" in coordinator.get("/tasks").get_data(as_text=True)


def test_alerts_raised_in_one_sweep_supersede_each_other(people, frozen_clock):
    """A sweep that finds both warnings due raises both; the newer one supersedes the older
    in the same transaction."""
    _register(people, given_name="Mihai", residence_status="none", estimated_age="30",
              gender="male", is_detained="y", detained_at="2026-03-02T06:30")
    frozen_clock.advance(hours=63)  # past the 24 hours and the 6 hours left at once
    assert workflow.run_due_timers() == 1
    db.session.expire_all()
    alerts = {alert.kind: alert for alert in db.session.scalars(sa.select(Alert))}
    assert set(alerts) == {"detention_24h_left", "detention_6h_left"}
    assert alerts["detention_24h_left"].resolved_at is not None
    assert alerts["detention_6h_left"].resolved_at is None


@pytest.mark.parametrize("first, again", [
    ({"given_name": "Malai", "family_name": "Srisuk", "nationality": "TH",
      "date_of_birth": "1989-11-20"},
     {"given_name": "malai", "family_name": "SRISUK", "nationality": "TH",
      "date_of_birth": "1989-11-20"}),
    # A police record in capitals is the same person as the interview's spelling, in
    # Cyrillic as in Latin letters (SQLite's own lower() changes only A-Z).
    ({"given_name": "Ивана", "family_name": "Петрова", "nationality": "BG",
      "date_of_birth": "1991-01-01"},
     {"given_name": "ИВАНА", "family_name": "ПЕТРОВА", "nationality": "UA",
      "date_of_birth": "1992-02-02"}),
], ids=["latin", "cyrillic"])
def test_likely_earlier_records_are_shown_and_can_be_linked(people, first, again):
    contact = people["clients"]["contact"]
    first = _register(people, **first)
    again = {**REFERRAL, "interview_organisation_id": people["cmm"].id, **again}
    page = contact.post("/cases/new", again).get_data(as_text=True)
    assert "Likely earlier records" in page and first.reference in page
    person_id = db.session.get(Case, first.id).person_id
    assert contact.post("/cases/new", {**again, "link_person": str(person_id)}
                        ).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
        Case.person_id == person_id)) == 2


def test_an_impossible_date_of_birth_is_refused_at_the_field(people):
    contact = people["clients"]["contact"]
    for day in ("0001-01-01", "1899-12-31", "2099-01-01"):
        page = contact.post("/cases/new", {
            **REFERRAL, "interview_organisation_id": people["cmm"].id, "given_name": "Ana",
            "date_of_birth": day}).get_data(as_text=True)
        assert 'id="date_of_birth-error"' in page and f'value="{day}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_a_hotline_call_can_lead_to_no_case(people):
    response = people["clients"]["contact"].post("/cases/new", {
        **REFERRAL, "channel": "hotline", "given_name": "Unknown", "no_case": "y",
        "interview_organisation_id": people["cmm"].id})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_an_ngo_interviews_in_its_own_lane_as_its_own_organisation(people):
    case = _register(people, given_name="Blessing", family_name="Okafor", nationality="NG",
                     date_of_birth="1995-04-02", interview_organisation_id=people["amiami"].id)
    assert _open(case, "Task_interview") is None
    task = _open(case, "Task_interview_ngo")
    assert task.lane == "NGO" and task.organisation_id == people["amiami"].id
    ngo = people["clients"]["ngo"]
    page = ngo.get(f"/tasks/{task.id}").get_data(as_text=True)
    # The interviewer's organisation is the task's: nothing to choose, nothing to get wrong.
    assert 'name="organisation_id"' not in page and "Blessing" in page
    _do(ngo, task, INTERVIEW)
    interview = db.session.scalar(sa.select(Interview))
    assert interview.organisation_id == people["amiami"].id
    assert interview.interviewer_id == people["users"]["ngo"].id
    assert ngo.get(f"/cases/{case.reference}").status_code == 404
    assert ngo.get(f"/cases/{case.reference}/interviews/{interview.id}").status_code == 404
    # The case history shows who interviewed: the task's completed form keeps the organisation.
    db.session.expire_all()
    done = db.session.get(type(task), task.id)
    assert done.data["organisation_id"] == people["amiami"].id
    history = people["clients"]["contact"].get(f"/cases/{case.reference}")
    assert "AmiAmi" in history.get_data(as_text=True)


def test_a_person_charged_with_an_offence_is_decided_by_the_court(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Ioana", family_name="Pavel", nationality="RO",
                     date_of_birth="1990-01-12", residence_status="charged")
    _do(contact, _open(case, "Task_interview"), INTERVIEW)
    _do(contact, _open(case, "Task_send"), {"police": "not_sent"})
    assert _open(case, "Task_assess_cmm") is None and _open(case, "Task_assess_us") is None
    court = _open(case, "Task_record_court")
    assert court.lane == "CMM"  # CMM records the court's decision
    _do(contact, court, {**ASSESSMENT, "reasons": "The court found the elements proven."})
    decision = db.session.scalar(sa.select(TraffickingAssessment))
    assert decision.authority.value == "court" and decision.decision.value == "victim"
    page = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="assessment"' in page and "Court" in page


def test_the_assessment_goes_to_the_police_only_with_consent_and_is_recorded(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk",
                     date_of_birth="1989-11-20")
    url = f"/cases/{case.reference}/disclosures/new"
    assert "There is no assessment yet" in contact.get(url).get_data(as_text=True)
    early = contact.post(url, {"document": "assessment", "recipient": "Københavns Politi",
                               "sent_at": "2026-03-02T08:00"})
    assert early.status_code == 200 and "has not consented" in early.get_data(as_text=True)
    _do(contact, _open(case, "Task_interview"), INTERVIEW)  # consent at 09:45
    _do(contact, _open(case, "Task_send"), {"police": "not_sent"})
    _do(people["clients"]["coordinator"], _open(case, "Task_assess_cmm"), ASSESSMENT)
    before = contact.post(url, {"document": "assessment", "recipient": "Københavns Politi",
                                "sent_at": "2026-03-02T09:40"})
    assert 'id="sent_at-error"' in before.get_data(as_text=True)
    assert "Københavns Politi" in before.get_data(as_text=True)  # what was typed stays
    decided = contact.post(url, {"document": "assessment", "recipient": "Københavns Politi",
                                 "sent_at": "2026-03-02T09:58"})  # decided at 10:00
    assert 'id="sent_at-error"' in decided.get_data(as_text=True)
    assert contact.post(url, {"document": "assessment", "recipient": "Københavns Politi",
                              "sent_at": "2026-03-02T10:04"}).status_code == 302
    disclosure = db.session.scalar(sa.select(PoliceDisclosure))
    assessment = db.session.scalar(sa.select(TraffickingAssessment))
    interview = db.session.scalar(sa.select(Interview))
    assert (disclosure.document, disclosure.assessment_id, disclosure.consent_interview_id) == (
        "assessment", assessment.id, interview.id)
    page = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="disclosures"' in page and "Københavns Politi" in page


def test_without_consent_nothing_can_be_disclosed(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk",
                     date_of_birth="1989-11-20")
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW, "police_consent": "no",
                                                 "police_consent_at": ""})
    url = f"/cases/{case.reference}/disclosures/new"
    assert 'data-testid="no-consent"' in contact.get(url).get_data(as_text=True)
    response = contact.post(url, {"document": "form_1a", "recipient": "Københavns Politi",
                                  "sent_at": "2026-03-02T09:58"})
    assert response.status_code == 200 and 'id="document-error"' in response.get_data(
        as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PoliceDisclosure)) == 0


def test_a_later_interview_without_consent_withdraws_it(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk",
                     date_of_birth="1989-11-20")
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW, "another_interview": "y"})
    _do(contact, _open(case, "Task_interview"), {
        **INTERVIEW, "held_at": "2026-03-02T09:50", "police_consent": "no",
        "police_consent_at": ""})
    url = f"/cases/{case.reference}/disclosures/new"
    assert 'data-testid="no-consent"' in contact.get(url).get_data(as_text=True)
    response = contact.post(url, {"document": "form_1a", "recipient": "Københavns Politi",
                                  "sent_at": "2026-03-02T09:55"})
    assert 'id="document-error"' in response.get_data(as_text=True)
