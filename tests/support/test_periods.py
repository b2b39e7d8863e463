"""Reflection and restitution periods end to end over HTTP, on the test clock (which starts on
2 March 2026, 09:00 UTC): each user works from the inbox as the issue's stories say."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from tests.identification.test_flows import ASSESSMENT, INTERVIEW, _do, _open, _register, people
from victimcare.cases.models import Case, CaseStatus
from victimcare.extensions import db
from victimcare.support.models import PeriodExtension, SupportPeriod
from victimcare.workflow import services as workflow
from victimcare.workflow.models import Alert, InstanceStatus, WorkflowInstance

__all__ = ["people"]  # the fixture, shared with the identification stories


def _victim(people, **person):
    """Referral, interview, 1a, assessment: a victim, decided on 2 March."""
    contact = people["clients"]["contact"]
    case = _register(people, **{"given_name": "Ion", "family_name": "Lungu", "gender": "male",
                                "estimated_age": "41", **person})
    _do(contact, _open(case, "Task_interview"), INTERVIEW)
    lawful = person.get("residence_status", "lawful") in ("lawful", "lawful_under_6_months")
    _do(contact, _open(case, "Task_send"), {"police": "not_sent"} if lawful else {
        "police": "not_sent", "presented_at": "2026-03-02T09:55"})
    if lawful:
        _do(people["clients"]["coordinator"], _open(case, "Task_assess_cmm"), ASSESSMENT)
    else:
        _do(people["clients"]["immigration"], _open(case, "Task_assess_us"), ASSESSMENT)
    return case


def _tick(frozen_clock, people, **delta):
    """Time passes and the timers fire; the users log in again (idle sessions expire)."""
    frozen_clock.advance(**delta)
    workflow.run_due_timers()
    db.session.expire_all()
    for name, client in people["clients"].items():
        client.login(people["users"][name].username)


def _period(case) -> SupportPeriod:
    db.session.expire_all()
    return db.session.scalars(sa.select(SupportPeriod).where(
        SupportPeriod.case_id == case.id).order_by(SupportPeriod.id.desc())).first()


def test_reflection_period_granted_extended_and_capped_at_120_days(people, frozen_clock):
    case = _victim(people, residence_status="none")
    officer, contact = people["clients"]["immigration"], people["clients"]["contact"]
    grant = _open(case, "Task_grant_reflection")
    assert grant is not None and grant.lane == "Immigration Service"
    assert 'value="30"' in officer.get(f"/tasks/{grant.id}").get_data(as_text=True)
    _do(officer, grant, {"starts_on": "2026-03-02", "days": "30"})
    period = _period(case)
    assert (period.kind.value, period.starts_on.isoformat(), period.ends_on.isoformat()) == (
        "reflection", "2026-03-02", "2026-04-01")
    page = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="current-period"' in page and "30 days left" in page

    # Seven days before the end (08:00 on 25 March) the contact person reviews it.
    _tick(frozen_clock, people, days=22, hours=21)  # 25 March 06:00 UTC (07:00 local)
    assert _open(case, "Task_review") is None
    _tick(frozen_clock, people, hours=1, minutes=1)  # 08:01 local
    review = _open(case, "Task_review")
    assert review is not None and review.lane == "CMM"
    _do(contact, review, {"review_decision": "prepared_return"})
    extend = _open(case, "Task_extend_reflection")
    assert extend is not None and extend.lane == "Immigration Service"
    _do(officer, extend, {"extended": "yes", "ends_on": "2026-05-31",
                          "reason": "prepared_return", "notes": "Cooperates on the return."})
    period = _period(case)
    assert period.ends_on.isoformat() == "2026-05-31"  # 90 days in all
    assert db.session.scalar(sa.select(PeriodExtension.reason)).value == "prepared_return"

    # The next review, a week before 31 May; an extension to 130 days is refused.
    _tick(frozen_clock, people, days=60)
    _do(contact, _open(case, "Task_review"), {"review_decision": "extend"})
    extend = _open(case, "Task_extend_reflection")
    refused = _do(officer, extend, {"extended": "yes", "ends_on": "2026-07-10",
                                    "reason": "special_reasons"}, expect=200)
    html = refused.get_data(as_text=True)
    assert 'id="ends_on-error"' in html and "at most 120 days" in html
    assert "130 days" in html and "Jun 30, 2026" in html
    assert _period(case).ends_on.isoformat() == "2026-05-31"  # nothing changed
    assert _open(case, "Task_extend_reflection") is not None  # still open

    # The officer does not extend; at the end the person is in the departure position.
    _do(officer, extend, {"extended": "no"})
    _tick(frozen_clock, people, days=10)
    period = _period(case)
    assert period.status.value == "ended" and period.end_reason.value == "expired"
    assert db.session.get(Case, case.id).status == CaseStatus.DEPARTURE
    # The contact person is alerted on the dashboard, until someone follows it up.
    alert = db.session.scalar(sa.select(Alert).where(Alert.kind == "reflection_period_ended"))
    assert alert.resolved_at is None
    dashboard = contact.get("/").get_data(as_text=True)
    assert "departure position" in dashboard and f"/alerts/{alert.id}/followed-up" in dashboard
    assert contact.post(f"/alerts/{alert.id}/followed-up", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Alert, alert.id).resolved_at is not None
    assert "departure position" not in contact.get("/").get_data(as_text=True)


def test_an_unreviewed_period_still_ends_on_time(people, frozen_clock):
    case = _victim(people, residence_status="none")
    _do(people["clients"]["immigration"], _open(case, "Task_grant_reflection"),
        {"starts_on": "2026-03-02", "days": "30"})
    _tick(frozen_clock, people, days=25)
    assert _open(case, "Task_review") is not None
    _tick(frozen_clock, people, days=6)  # 2 April: the review was never done
    assert _open(case, "Task_review") is None
    assert _period(case).end_reason.value == "expired"
    assert db.session.get(Case, case.id).status == CaseStatus.DEPARTURE


def test_lawful_residence_ends_during_a_restitution_period(people, frozen_clock):
    case = _victim(people, residence_status="lawful")
    contact, coordinator = people["clients"]["contact"], people["clients"]["coordinator"]
    grant = _open(case, "Task_grant_restitution")
    assert grant is not None and grant.lane == "CMM"
    _do(coordinator, grant, {"starts_on": "2026-03-02", "days": "30"})
    assert _period(case).kind.value == "restitution"
    officer = people["clients"]["immigration"]
    assert officer.get(f"/cases/{case.reference}").status_code == 404  # CMM's case

    _tick(frozen_clock, people, days=10)
    url = f"/cases/{case.reference}/residence-ended"
    form = contact.get(url).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    future = contact.post(url, {"ended_on": "2026-03-20", "version": version})
    assert 'id="ended_on-error"' in future.get_data(as_text=True)
    assert contact.post(url, {"ended_on": "2026-03-12", "version": version}).status_code == 302
    stale = contact.post(url, {"ended_on": "2026-03-12", "version": version})
    assert "Someone else changed this case" in stale.get_data(as_text=True)

    restitution = db.session.scalars(sa.select(SupportPeriod)).one()
    assert (restitution.status.value, restitution.end_reason.value,
            restitution.ended_on.isoformat()) == ("ended", "residence_ended", "2026-03-12")
    instances = db.session.scalars(sa.select(WorkflowInstance).where(
        WorkflowInstance.case_id == case.id, WorkflowInstance.process_key == "support")
        .order_by(WorkflowInstance.id)).all()
    assert [i.status for i in instances] == [InstanceStatus.CANCELLED, InstanceStatus.RUNNING]

    # The Immigration Service now has the case and grants a new 30-day reflection period.
    grant = _open(case, "Task_grant_reflection")
    _do(officer, grant, {"starts_on": "2026-03-12", "days": "30"})
    periods = db.session.scalars(sa.select(SupportPeriod).order_by(SupportPeriod.id)).all()
    assert [(p.kind.value, p.status.value) for p in periods] == [
        ("restitution", "ended"), ("reflection", "running")]
    assert periods[1].ends_on.isoformat() == "2026-04-11"
    assert periods[1].follows_id == periods[0].id
    page = officer.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert page.count('data-testid="period"') == 2


def test_an_asylum_seekers_period_starts_at_the_final_rejection(people):
    case = _victim(people, residence_status="asylum_seeker")
    officer = people["clients"]["immigration"]
    assert _open(case, "Task_grant_reflection") is None
    _do(officer, _open(case, "Task_record_rejection"), {"asylum_outcome": "rejected",
                                                        "decided_on": "2026-02-20"})
    grant = _open(case, "Task_grant_reflection")
    refused = _do(officer, grant, {"starts_on": "2026-03-02", "days": "30"}, expect=200)
    assert 'id="starts_on-error"' in refused.get_data(as_text=True)
    assert "Feb 20, 2026" in refused.get_data(as_text=True)
    _do(officer, grant, {"starts_on": "2026-02-20", "days": "30"})
    period = _period(case)
    assert period.asylum_rejected_on.isoformat() == "2026-02-20"
    assert (period.starts_on.isoformat(), period.ends_on.isoformat()) == (
        "2026-02-20", "2026-03-22")


def test_asylum_granted_ends_the_support_process(people):
    case = _victim(people, residence_status="asylum_seeker")
    _do(people["clients"]["immigration"], _open(case, "Task_record_rejection"),
        {"asylum_outcome": "granted", "decided_on": "2026-03-01"})
    db.session.expire_all()
    assert db.session.get(Case, case.id).person.residence_status.value == "lawful"
    assert _open(case, "Task_grant_reflection") is None
    assert db.session.scalar(sa.select(WorkflowInstance.status).where(
        WorkflowInstance.process_key == "support")) == InstanceStatus.COMPLETED


def test_an_asylum_application_ends_the_period_until_the_final_decision(people, frozen_clock):
    case = _victim(people, residence_status="none")
    officer, contact = people["clients"]["immigration"], people["clients"]["contact"]
    _do(officer, _open(case, "Task_grant_reflection"), {"starts_on": "2026-03-02",
                                                        "days": "30"})
    _tick(frozen_clock, people, days=24)
    _do(contact, _open(case, "Task_review"), {"review_decision": "asylum"})
    first = _period(case)
    assert (first.status.value, first.end_reason.value) == ("ended", "asylum")
    _tick(frozen_clock, people, days=10)  # 5 April: asylum finally rejected on 4 April
    _do(officer, _open(case, "Task_record_rejection"), {"asylum_outcome": "rejected",
                                                        "decided_on": "2026-04-04"})
    _do(officer, _open(case, "Task_grant_reflection"), {"starts_on": "2026-04-04",
                                                        "days": "30"})
    second = _period(case)
    assert second.id != first.id and second.starts_on.isoformat() == "2026-04-04"


def test_a_grant_is_held_to_the_law(people):
    case = _victim(people, residence_status="none")  # decided on 2 March
    officer = people["clients"]["immigration"]
    grant = _open(case, "Task_grant_reflection")
    for form, field, words in (
            ({"starts_on": "2026-03-02", "days": "121"}, "days", "at most 120 days"),
            ({"starts_on": "2026-03-02", "days": "14"}, "days", "at least 30 days"),
            ({"starts_on": "2026-02-27", "days": "30"}, "starts_on", "Mar 2, 2026"),
            ({"starts_on": "0001-01-01", "days": "30"}, "starts_on", "Check the year")):
        html = _do(officer, grant, form, expect=200).get_data(as_text=True)
        assert f'id="{field}-error"' in html and words in html, form
    assert _period(case) is None


def test_an_ended_period_cannot_be_extended(people, frozen_clock):
    case = _victim(people, residence_status="none")
    officer, contact = people["clients"]["immigration"], people["clients"]["contact"]
    _do(officer, _open(case, "Task_grant_reflection"), {"starts_on": "2026-03-02",
                                                        "days": "30"})
    _tick(frozen_clock, people, days=24)
    _do(contact, _open(case, "Task_review"), {"review_decision": "extend"})
    extend = _open(case, "Task_extend_reflection")
    frozen_clock.advance(days=6, hours=16)  # 2 April 03:00: past the end, before a sweep
    officer.login(people["users"]["immigration"].username)
    html = _do(officer, extend, {"extended": "yes", "ends_on": "2026-04-20",
                                 "reason": "special_reasons"}, expect=200).get_data(as_text=True)
    assert "can no longer be extended" in html
    assert _period(case).ends_on.isoformat() == "2026-04-01"


def test_a_not_victim_decision_starts_no_support(people):
    contact = people["clients"]["contact"]
    case = _register(people, given_name="Malai", family_name="Srisuk",
                     date_of_birth="1989-11-20")
    _do(contact, _open(case, "Task_interview"), {**INTERVIEW, "recommendation": "no"})
    _do(contact, _open(case, "Task_send"), {"police": "not_sent"})
    _do(people["clients"]["coordinator"], _open(case, "Task_assess_cmm"), {
        **ASSESSMENT, "decision": "not_victim", "reasons": "No indications."})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowInstance).where(
        WorkflowInstance.process_key == "support")) == 0


WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
NAMES = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


def test_no_gateway_makes_support_depend_on_testifying_or_cooperating_with_the_police():
    """DOMAIN.md §7: help must never be made conditional on agreeing to testify."""
    bpmn = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    read = set()
    for path in WORKFLOWS.glob("*.bpmn"):
        for condition in etree.parse(str(path)).iter(f"{bpmn}conditionExpression"):
            read |= set(NAMES.findall(condition.text or ""))
    assert "period_kind" in read  # the test sees the gateways
    suspect = {name for name in read
               if re.search(r"testif|cooperat|police|witness|consent", name, re.I)}
    assert suspect == set()


def test_a_returning_person_shows_earlier_assessments_and_periods(people):
    earlier = _victim(people, residence_status="none", nationality="RO",
                      date_of_birth="1985-05-05")
    _do(people["clients"]["immigration"], _open(earlier, "Task_grant_reflection"),
        {"starts_on": "2026-03-02", "days": "30"})
    contact = people["clients"]["contact"]
    again = {"referrer": "police", "channel": "outreach", "occurred_at": "2026-03-02T08:00",
             "place": "Odense", "region": "southern_denmark",
             "suspected_exploitation": "forced_labour", "gender": "male",
             "residence_status": "none", "given_name": "ion", "family_name": "LUNGU",
             "date_of_birth": "1985-05-05", "nationality": "RO",
             "interview_organisation_id": people["cmm"].id}
    page = contact.post("/cases/new", again).get_data(as_text=True)
    assert 'data-testid="earlier-case"' in page, re.findall(r'class="error"[^>]*>([^<]*)', page)
    history = page.split('data-testid="earlier-case"')[1]
    assert earlier.reference in history and "Victim of trafficking" in history
    assert "Reflection period: Mar 2, 2026 – Apr 1, 2026" in history
    person_id = db.session.get(Case, earlier.id).person_id
    assert contact.post("/cases/new", {**again, "link_person": str(person_id)}
                        ).status_code == 302
    newest = db.session.scalars(sa.select(Case).order_by(Case.id.desc())).first()
    page = contact.get(f"/cases/{newest.reference}").get_data(as_text=True)
    assert 'data-testid="earlier-case"' in page and earlier.reference in page


def test_the_review_goes_to_the_contact_person(people, frozen_clock, make_client):
    from tests.factories import make_user
    from victimcare.accounts.models import Role

    case = _victim(people, residence_status="none")  # the contact person registered it
    _do(people["clients"]["immigration"], _open(case, "Task_grant_reflection"),
        {"starts_on": "2026-03-02", "days": "30"})
    colleague = make_user(Role.CMM_CONTACT_PERSON, people["cmm"], full_name="Sara Vind")
    _tick(frozen_clock, people, days=24)
    review = _open(case, "Task_review")
    assert review.assigned_user_id == people["users"]["contact"].id
    other = make_client()
    other.login(colleague.username)
    assert case.reference not in other.get("/tasks").get_data(as_text=True)
    assert case.reference in people["clients"]["contact"].get("/tasks").get_data(as_text=True)
