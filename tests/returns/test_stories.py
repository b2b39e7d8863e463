"""Prepared returns end to end over HTTP, on the test clock (2 March 2026, 09:00 UTC): the
contact person offers the return from the case page and each step is a task in the inbox."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.identification.test_flows import _do, _open, people
from tests.support.test_periods import _tick, _victim
from victimcare.cases.models import Case, CaseStatus
from victimcare.extensions import db
from victimcare.housing.models import HousingPlacement
from victimcare.returns import services
from victimcare.returns.models import FollowUp, PreparedReturn
from victimcare.support.models import SupportPeriod
from victimcare.workflow.models import Alert, InstanceStatus, WorkflowInstance

__all__ = ["people"]

LOW_RISK = {**{f"{d}_rating": "low" for d in ("threats", "debt", "health", "geography",
                                              "retrafficking")},
            "own_view_rating": "medium",
            "own_view_notes": "She wants to go home to her mother in Udon Thani.",
            "debt_to": "", "debt_amount": ""}
CHILD = {"child_best_interests": "The son (6) lives with his grandmother; school is agreed.",
         "receiving_care": "The grandmother, with the partner's social worker."}
PLAN = {"activity": "A noodle stall at the market in Udon Thani.", "partner_change_reason": "",
        "housing": "", "business": "", "education": "", "medicine": "", "other": "",
        "pocket_money": "", "health_extra": "", "health_reason": "", "justification": ""}


@pytest.fixture
def rates(app):
    services.seed_return_rates()
    db.session.commit()


def _errors(response) -> list[str]:
    return re.findall(r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True))


def _offer(people, case):
    contact = people["clients"]["contact"]
    db.session.expire_all()
    response = contact.post(f"/cases/{case.reference}/prepared-return",
                            {"version": case.version})
    assert response.status_code == 302
    return _open(case, "Task_offer")


def _accepted(people, case, children="0", country="TH", **extra):
    contact = people["clients"]["contact"]
    _do(contact, _offer(people, case), {
        "answer": "accepted", "answered_on": "2026-03-02", "destination_country": country,
        "accompanying_children": children, "notes": "", **extra})


def _return(case) -> PreparedReturn:
    db.session.expire_all()
    return db.session.scalar(sa.select(PreparedReturn).where(PreparedReturn.case_id == case.id))


def _partner_id(case) -> int:
    return services.proposed_partner(_return(case).destination_country).id


def test_thai_mother_returns_with_her_son_and_is_followed_up_for_six_months(
        people, rates, frozen_clock):
    case = _victim(people, residence_status="none", given_name="Siriporn",
                   family_name="Kaew", gender="female", nationality="TH", estimated_age="34")
    officer, contact = people["clients"]["immigration"], people["clients"]["contact"]
    _do(officer, _open(case, "Task_grant_reflection"), {"starts_on": "2026-03-02",
                                                        "days": "30"})
    _accepted(people, case, children="1")
    prepared = _return(case)
    assert (prepared.status.value, prepared.accepted_in_reflection) == ("accepted", True)
    # The Immigration Service may now extend the period for cooperation on the return.
    alert = db.session.scalar(sa.select(Alert).where(Alert.case_id == case.id,
                                                     Alert.kind.like("return_%")))
    assert alert.lane == "Immigration Service" and alert.resolved_at is None

    safety = _open(case, "Task_safety")
    refused = _do(contact, safety, LOW_RISK, expect=200)  # a child returns: its view first
    assert 'id="child_best_interests-error"' in refused.get_data(as_text=True)
    _do(contact, safety, {**LOW_RISK, **CHILD})
    assert _open(case, "Task_sign_off") is None

    plan = _open(case, "Task_plan")
    page = contact.get(f"/tasks/{plan.id}").get_data(as_text=True)
    assert "Danish Refugee Council" in page
    _do(contact, plan, {**PLAN, "partner_id": _partner_id(case), "housing": "25.000",
                        "business": "24000", "pocket_money": "20.000,00"})
    assert _open(case, "Task_exception") is None  # 49,000 in kind + 20,000 cash: within
    html = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert re.search(r'data-testid="budget-total">[^<]*69[.,\u00a0 ]?000', html), html
    assert 'data-testid="budget-exception"' not in html

    _do(contact, _open(case, "Task_ministry"), {
        "ministry_decision": "approved", "decided_on": "2026-03-02",
        "ministry_contact": "UIM, return office", "notes": ""})
    _do(contact, _open(case, "Task_departure"), {
        "departed_on": "2026-03-02", "travel": "TG 951 to Bangkok, met by the partner."})
    db.session.expire_all()
    period = db.session.scalar(sa.select(SupportPeriod).where(SupportPeriod.case_id == case.id))
    assert (period.status.value, period.end_reason.value, period.ended_on.isoformat()) == (
        "ended", "departed", "2026-03-02")
    assert _return(case).status.value == "departed"
    db.session.refresh(alert)
    assert alert.resolved_at is not None  # the period is over: nothing left to extend

    # Six follow-ups, each a calendar month after the departure at 08:00 local time.
    for month in range(1, 7):
        assert _open(case, "Task_follow_up") is None
        _tick(frozen_clock, people, days=30 if month != 1 else 31)
        if month in (2, 4, 6):  # a short month: the 30 days did not reach the day yet
            _tick(frozen_clock, people, days=1)
        follow_up = _open(case, "Task_follow_up")
        assert follow_up is not None, month
        _do(contact, follow_up, {"partner_contact": "Call with the DRC case worker.",
                                 "plan_state": "on_track", "concerns": "",
                                 "extend_months": "0", "extension_reason": ""})
    assert _open(case, "Task_follow_up") is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FollowUp)) == 6
    _do(contact, _open(case, "Task_close"), {"outcome": "self_supporting", "notes": ""})
    prepared = _return(case)
    assert (prepared.status.value, prepared.outcome.value) == ("closed", "self_supporting")
    assert db.session.get(Case, case.id).status == CaseStatus.CLOSED
    instance = db.session.get(WorkflowInstance, prepared.instance_id)
    assert instance.status == InstanceStatus.COMPLETED


def test_45000_in_kind_needs_a_justification_and_the_coordinators_approval(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Daria", nationality="RO")
    contact, coordinator = people["clients"]["contact"], people["clients"]["coordinator"]
    _accepted(people, case, country="RO")
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    plan = _open(case, "Task_plan")
    over = {**PLAN, "partner_id": _partner_id(case), "housing": "25000", "education": "20000"}
    refused = _do(contact, plan, over, expect=200)
    html = refused.get_data(as_text=True)
    assert 'id="justification-error"' in html and 'value="25000"' in html  # nothing lost
    error = re.search(r'id="justification-error">([^<]*)<', html).group(1)
    assert "45,000.00" in error and "40,000.00" in error and "$" in error, error
    _do(contact, plan, {**over, "justification": "A tailoring course and tools in Iași."})
    approval = _open(case, "Task_exception")
    assert approval is not None and _open(case, "Task_ministry") is None
    # It is in the coordinators' lane: not in a contact person's list, and refused to one.
    assert approval.lane == "CMM coordinator"
    assert contact.get(f"/tasks/{approval.id}").status_code == 404
    assert f"/tasks/{approval.id}" not in contact.get("/tasks").get_data(as_text=True)
    assert f"/tasks/{approval.id}" in coordinator.get("/tasks").get_data(as_text=True)
    _do(coordinator, approval, {"exception_approved": "yes",
                                "notes": "Her needs justify it."})
    assert _open(case, "Task_ministry") is not None
    prepared = _return(case)
    assert prepared.over_maximum and prepared.exception_approved_by_id is not None
    html = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="budget-exception"' in html and "Camilla Holm" in html


def test_a_refused_exception_sends_the_plan_back(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Ana", nationality="RO")
    contact, coordinator = people["clients"]["contact"], people["clients"]["coordinator"]
    _accepted(people, case, country="RO")
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    _do(contact, _open(case, "Task_plan"), {**PLAN, "partner_id": _partner_id(case),
                                            "pocket_money": "15000",
                                            "justification": "Rent deposit."})
    _do(coordinator, _open(case, "Task_exception"), {"exception_approved": "no",
                                                     "notes": "Use in kind instead."})
    assert _open(case, "Task_plan") is not None and _open(case, "Task_ministry") is None


def test_a_high_risk_assessment_blocks_the_plan_until_the_coordinator_signs_off(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Joy", nationality="NG")
    contact, coordinator = people["clients"]["contact"], people["clients"]["coordinator"]
    _accepted(people, case, country="NG")
    _do(contact, _open(case, "Task_safety"), {**LOW_RISK, "debt_rating": "high",
                                              "debt_to": "The madam", "debt_amount": "60000"})
    sign_off = _open(case, "Task_sign_off")
    assert sign_off is not None and _open(case, "Task_plan") is None
    assert sign_off.lane == "CMM coordinator"
    assert contact.get(f"/tasks/{sign_off.id}").status_code == 404
    _do(coordinator, sign_off, {"signed_off": "no", "notes": "Ask about the debt again."})
    assert _open(case, "Task_safety") is not None  # assessed again
    _do(contact, _open(case, "Task_safety"), {**LOW_RISK, "debt_rating": "high"})
    _do(coordinator, _open(case, "Task_sign_off"), {
        "signed_off": "yes", "notes": "The partner relocates her to Abuja."})
    assert _open(case, "Task_plan") is not None
    html = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "signed off by Camilla Holm" in html


def test_changes_asked_by_the_ministry_loop_back_to_the_plan(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Kanya", nationality="TH")
    contact = people["clients"]["contact"]
    _accepted(people, case)
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    _do(contact, _open(case, "Task_plan"), {**PLAN, "partner_id": _partner_id(case),
                                            "housing": "10000"})
    _do(contact, _open(case, "Task_ministry"), {
        "ministry_decision": "changes_asked", "decided_on": "2026-03-02",
        "ministry_contact": "UIM", "notes": "Add a plan for schooling."})
    assert _open(case, "Task_plan") is not None
    assert _return(case).ministry_decision == "changes_asked"


def test_a_declined_offer_is_recorded_and_support_goes_on(people, rates):
    case = _victim(people, residence_status="none", given_name="Lan", nationality="VN")
    _do(people["clients"]["immigration"], _open(case, "Task_grant_reflection"),
        {"starts_on": "2026-03-02", "days": "30"})
    _do(people["clients"]["contact"], _offer(people, case), {
        "answer": "declined", "answered_on": "2026-03-02", "destination_country": "VN",
        "accompanying_children": "0", "notes": "Wants to stay for now."})
    assert _return(case).status.value == "declined"
    db.session.expire_all()
    period = db.session.scalar(sa.select(SupportPeriod).where(SupportPeriod.case_id == case.id))
    assert period.status.value == "running"
    # It can be offered again later.
    assert _offer(people, case) is not None


def test_undecided_asks_again(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Mai", nationality="TH")
    _do(people["clients"]["contact"], _offer(people, case), {
        "answer": "undecided", "answered_on": "2026-03-02", "destination_country": "TH",
        "accompanying_children": "0", "notes": ""})
    assert _open(case, "Task_offer") is not None


def test_a_person_who_leaves_without_notice_stops_the_return(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Esther", nationality="GH")
    contact = people["clients"]["contact"]
    _accepted(people, case, country="GH")
    db.session.expire_all()
    page = contact.get(f"/cases/{case.reference}/prepared-return/left")
    version = re.search(r'name="version"[^>]*value="(\d+)"', page.get_data(as_text=True))
    future = contact.post(f"/cases/{case.reference}/prepared-return/left",
                          {"left_on": "2027-01-01", "version": version.group(1)})
    assert 'id="left_on-error"' in future.get_data(as_text=True)
    response = contact.post(f"/cases/{case.reference}/prepared-return/left",
                            {"left_on": "2026-03-02", "version": version.group(1)})
    assert response.status_code == 302
    prepared = _return(case)
    assert (prepared.status.value, prepared.outcome.value) == ("stopped", "left_without_notice")
    assert _open(case, "Task_safety") is None
    assert db.session.get(WorkflowInstance, prepared.instance_id).status == \
        InstanceStatus.CANCELLED


def test_departure_ends_an_open_housing_placement(people, rates):
    from tests.housing.builders import make_facility, place

    case = _victim(people, residence_status="lawful", given_name="Bogdan", nationality="RO",
                   gender="male")
    contact = people["clients"]["contact"]
    place(case, people["users"]["contact"], make_facility(), payer="cmm")
    db.session.commit()
    _accepted(people, case, country="RO")
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    _do(contact, _open(case, "Task_plan"), {**PLAN, "partner_id": _partner_id(case)})
    _do(contact, _open(case, "Task_ministry"), {
        "ministry_decision": "approved", "decided_on": "2026-03-02", "ministry_contact": "UIM",
        "notes": ""})
    _do(contact, _open(case, "Task_departure"), {"departed_on": "2026-03-02",
                                                 "travel": "Bus to Bucharest."})
    db.session.expire_all()
    stay = db.session.scalar(sa.select(HousingPlacement).where(
        HousingPlacement.case_id == case.id))
    assert (stay.end_date.isoformat(), stay.end_reason.value) == ("2026-03-02",
                                                                 "returned_home")


@pytest.mark.parametrize("amount", ["-1", "1e309", "99999999999", "abc", "1.2.3,4,5",
                                    "x" * 5000])
def test_bad_amounts_are_refused_next_to_the_field_and_kept(people, rates, amount):
    case = _victim(people, residence_status="lawful", given_name="Ola", nationality="TH")
    contact = people["clients"]["contact"]
    _accepted(people, case)
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    plan = _open(case, "Task_plan")
    response = _do(contact, plan, {**PLAN, "partner_id": _partner_id(case),
                                   "business": amount}, expect=200)
    html = response.get_data(as_text=True)
    assert 'id="business-error"' in html
    assert "A noodle stall" in html  # nothing typed is lost


@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31", "2026-02-30", "0001-01-01"])
def test_dates_far_away_are_refused_at_the_field(people, rates, day):
    case = _victim(people, residence_status="lawful", given_name="Ola", nationality="TH")
    response = _do(people["clients"]["contact"], _offer(people, case), {
        "answer": "accepted", "answered_on": day, "destination_country": "TH",
        "accompanying_children": "0", "notes": ""}, expect=200)
    assert 'id="answered_on-error"' in response.get_data(as_text=True)


def test_another_partner_needs_a_reason(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Ola", nationality="TH")
    contact = people["clients"]["contact"]
    _accepted(people, case)
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    errin = next(p for p in services.partners() if p.programme.value == "errin")
    plan = _open(case, "Task_plan")
    refused = _do(contact, plan, {**PLAN, "partner_id": errin.id}, expect=200)
    assert 'id="partner_change_reason-error"' in refused.get_data(as_text=True)
    _do(contact, plan, {**PLAN, "partner_id": errin.id,
                        "partner_change_reason": "Her cousin works with ERRIN's partner."})
    assert _return(case).partner_id == errin.id


def test_an_offer_only_for_a_victim_in_support(people, rates):
    from tests.identification.test_flows import _register

    case = _register(people, given_name="Nina", estimated_age="30")
    response = people["clients"]["contact"].post(f"/cases/{case.reference}/prepared-return",
                                                 {"version": case.version})
    assert response.status_code == 302
    assert _return(case) is None


def _departed(people, case, frozen_clock=None):
    contact = people["clients"]["contact"]
    _accepted(people, case)
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    _do(contact, _open(case, "Task_plan"), {**PLAN, "partner_id": _partner_id(case)})
    _do(contact, _open(case, "Task_ministry"), {
        "ministry_decision": "approved", "decided_on": "2026-03-02", "ministry_contact": "UIM",
        "notes": ""})
    _do(contact, _open(case, "Task_departure"), {"departed_on": "2026-03-02",
                                                 "travel": "Flight."})


def test_the_contact_person_extends_follow_up_with_a_reason(people, rates, frozen_clock):
    case = _victim(people, residence_status="lawful", given_name="Mai", nationality="TH")
    contact = people["clients"]["contact"]
    _departed(people, case)
    _tick(frozen_clock, people, days=31)
    follow_up = _open(case, "Task_follow_up")
    answer = {"partner_contact": "The shop is late.", "plan_state": "delayed",
              "concerns": "Her brother asks for money.", "extend_months": "2",
              "extension_reason": ""}
    refused = _do(contact, follow_up, answer, expect=200)
    assert 'id="extension_reason-error"' in refused.get_data(as_text=True)
    _do(contact, follow_up, {**answer, "extension_reason": "The plan is delayed."})
    db.session.expire_all()
    follow_up = _open(case, "Task_follow_up")
    assert follow_up is None
    for _month in range(7):  # 6 + 2 = 8 in all; the first is done
        _tick(frozen_clock, people, days=31)
        task = _open(case, "Task_follow_up")
        assert task is not None
        _do(contact, task, {**answer, "extend_months": "0", "plan_state": "on_track"})
    assert _open(case, "Task_close") is not None
    assert len(_return(case).follow_ups) == 8


def test_a_second_offer_while_one_is_under_way_is_refused(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Mai", nationality="TH")
    assert _offer(people, case) is not None
    db.session.expire_all()
    response = people["clients"]["contact"].post(f"/cases/{case.reference}/prepared-return",
                                                 {"version": case.version}, follow_redirects=True)
    assert "already under way" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PreparedReturn)) == 1


def test_an_offer_from_an_old_page_is_refused(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Mai", nationality="TH")
    db.session.expire_all()
    stale = case.version - 1
    response = people["clients"]["contact"].post(f"/cases/{case.reference}/prepared-return",
                                                 {"version": stale}, follow_redirects=True)
    assert "Someone else changed this case" in response.get_data(as_text=True)
    assert _return(case) is None


def test_amounts_are_shown_in_the_users_language(people, rates):
    case = _victim(people, residence_status="lawful", given_name="Mai", nationality="TH")
    contact = people["clients"]["contact"]
    _accepted(people, case)
    _do(contact, _open(case, "Task_safety"), LOW_RISK)
    _do(contact, _open(case, "Task_plan"), {**PLAN, "partner_id": _partner_id(case),
                                            "housing": "12.500,50"})
    english = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert re.search(r'data-testid="budget-total">DKK\s?12,500\.50<', english)
    contact.post("/locale", {"locale": "da", "next": "/"})
    danish = contact.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert re.search(r'data-testid="budget-total">12\.500,50\s?kr\.<', danish), re.findall(
        r'data-testid="budget-total">[^<]*<', danish)


def test_the_first_follow_up_opens_a_calendar_month_after_departure_at_eight(
        people, rates, frozen_clock):
    case = _victim(people, residence_status="lawful", given_name="Mai", nationality="TH")
    _departed(people, case)
    # Departed 2 March; due 2 April 08:00 Copenhagen (summer time: 06:00 UTC).
    _tick(frozen_clock, people, days=30, hours=20, minutes=59)  # 2 April 05:59 UTC
    assert _open(case, "Task_follow_up") is None
    _tick(frozen_clock, people, minutes=2)
    assert _open(case, "Task_follow_up") is not None


def test_the_immigration_service_sees_the_return_but_not_the_budget(people, rates):
    case = _victim(people, residence_status="none", given_name="Lan", nationality="VN")
    officer, contact = people["clients"]["immigration"], people["clients"]["contact"]
    _do(officer, _open(case, "Task_grant_reflection"), {"starts_on": "2026-03-02",
                                                        "days": "30"})
    _accepted(people, case, country="VN")
    _do(contact, _open(case, "Task_safety"), {**LOW_RISK, "threats_rating": "high"})
    html = officer.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'data-testid="return-status"' in html
    assert 'data-testid="safety"' not in html and "Offer a prepared return" not in html
    assert 'data-testid="safety"' in contact.get(f"/cases/{case.reference}").get_data(
        as_text=True)
    # Nor in the history: the assessment's entry is there (who, when), its ratings are not.
    def history(client) -> str:
        page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
        return page[page.index('id="history"'):]

    # Open tasks of other lanes are listed for the officer, but not as links that 404.
    import re

    assert "Prepared return:" in html[html.index('id="tasks"'):html.index('id="history"')]
    for link in re.findall(r'href="(/tasks/\d+)"', html):
        assert officer.get(link).status_code == 200, link
    assert "Prepared return: safety assessment" in history(officer)
    assert "<dt>High risk</dt>" in history(contact)
    assert "<dt>High risk</dt>" not in history(officer) and "<dd>High</dd>" not in history(
        officer)
