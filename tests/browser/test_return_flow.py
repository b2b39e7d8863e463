"""Prepared return in a real browser (workflows/prepared_return.bpmn), issue 7's three stories.

Each story starts from a victim in a restitution period (set up through the services); then
the contact person offers the return from the case page and every user works from the inbox.
The app's clock is frozen at 2026-03-02 09:00 UTC and moved by the test; the timer sweep is
run as cron would run it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    complete_task,
    log_in_in_english,
    open_task_from_inbox,
    save_screenshot,
    time_passes,
)
from victimcare.accounts import services as accounts
from victimcare.demo import complete_open_task
from victimcare.extensions import db
from victimcare.workflow.models import WorkflowTask

pytestmark = pytest.mark.browser

OFFER = "Prepared return: record the offer and the answer"
SAFETY = "Prepared return: safety assessment"
SIGN_OFF = "Prepared return: sign off a high-risk assessment"
PLAN = "Prepared return: reintegration plan and budget"
EXCEPTION = "Prepared return: approve a budget over the maximum"
MINISTRY = "Prepared return: record the Ministry's decision"
DEPARTURE = "Prepared return: record the departure"
FOLLOW_UP = "Prepared return: monthly follow-up"
CLOSE = "Prepared return: close with an outcome"


def _victim_in_support(live_app, given: str, family: str, nationality: str) -> str:
    """A victim with lawful residence (CMM's assessment) and a restitution period."""
    from datetime import date

    from victimcare.identification import services as identification
    from victimcare.support.tasks import clock_data

    with live_app.app_context(), db.transaction():
        contact, coordinator = accounts.find_user("contact"), accounts.find_user("coordinator")
        referral = identification.register_referral(contact, {
            "referrer": "ngo_action_plan", "channel": "outreach", "place": "Copenhagen",
            "occurred_at": "2026-03-02T07:00:00+00:00", "suspected_exploitation":
            "prostitution", "given_name": given, "family_name": family, "gender": "female",
            "estimated_age": 34, "nationality": nationality, "residence_status": "lawful",
            "interview_organisation_id": contact.organisation_id})
        case = referral.case
        steps = [("Task_interview", contact, {
            "held_at": "2026-03-02T08:00:00+00:00", "place": "CMM", "interpreter": "",
            "language": None, "account": "Recruited for a massage parlour.",
            "act_indicators": ["recruitment"], "means_indicators": ["deception"],
            "purpose_indicators": ["prostitution"], "trafficker_contact": "yes",
            "debt_demanded": "yes", "pending_threats": "no", "recommendation": "yes",
            "recommendation_reasons": "All three elements.", "police_consent": False,
            "police_consent_at": None, "another_interview": False}),
            ("Task_send", contact, {"police": "not_sent", "police_recipient": "",
                                    "sent_at": None, "presented_at": None}),
            ("Task_assess_cmm", coordinator, {
                "decision": "victim", "decided_at": "2026-03-02T08:45:00+00:00",
                "act_established": "yes", "means_established": "yes",
                "purpose_established": "yes", "currently_trafficked": "yes",
                "reasons": "The elements are established."}),
            ("Task_grant_restitution", coordinator, {
                "period_starts_on": "2026-03-02", "days": 90, "notes": "",
                **clock_data(date(2026, 5, 31))})]
        for name, actor, data in steps:
            complete_open_task(WorkflowTask.case_id == case.id, name, actor, data)
        return case.reference


def _offer_accepted(page: Page, base: str, reference: str, country: str, children: str):
    page.goto(f"{base}/cases/{reference}")
    page.get_by_role("button", name="Offer a prepared return").click()
    expect(page.locator("main .flash-success")).to_contain_text("Offered")
    open_task_from_inbox(page, base, reference, OFFER)
    page.locator("input[name=answer][value=accepted]").check()
    page.locator("#destination_country").select_option(country)
    page.locator("#accompanying_children").fill(children)
    complete_task(page)


def _safety(page: Page, base: str, reference: str, high: str | None = None,
            child: bool = False) -> None:
    open_task_from_inbox(page, base, reference, SAFETY)
    for dimension in ("threats", "debt", "health", "geography", "retrafficking", "own_view"):
        value = "high" if dimension == high else "low"
        page.locator(f"input[name={dimension}_rating][value={value}]").check()
    page.locator("#own_view_notes").fill("She wants to go home and open a stall.")
    if child:
        page.locator("#child_best_interests").fill("Her son starts school in September.")
        page.locator("#receiving_care").fill("Her mother, with the partner's social worker.")
    complete_task(page)


def _plan(page: Page, base: str, reference: str, **amounts) -> None:
    open_task_from_inbox(page, base, reference, PLAN)
    page.locator("#activity").fill("A noodle stall at the market.")
    for name, value in amounts.items():
        page.locator(f"#{name}").fill(value)


def test_thai_mother_with_one_child_returns_and_is_followed_up(
        page, live_server, live_app, screenshot, frozen_clock):
    reference = _victim_in_support(live_app, "Siriporn", "Kaew", "TH")
    case_url = f"{live_server}/cases/{reference}"
    log_in_in_english(page, live_server, "contact")
    _offer_accepted(page, live_server, reference, "TH", "1")
    _safety(page, live_server, reference, child=True)
    _plan(page, live_server, reference, housing="25000", business="24000",
          pocket_money="20000")
    expect(page.locator("#partner_id option:checked")).to_contain_text("Danish Refugee Council")
    save_screenshot(screenshot, page, "1-plan")
    complete_task(page)
    page.goto(case_url)
    expect(page.get_by_test_id("budget-total")).to_contain_text("69,000.00")
    expect(page.get_by_test_id("budget")).to_contain_text("$")
    expect(page.get_by_test_id("budget-exception")).to_have_count(0)
    save_screenshot(screenshot, page, "2-budget")

    open_task_from_inbox(page, live_server, reference, MINISTRY)
    page.locator("input[name=ministry_decision][value=approved]").check()
    page.locator("#ministry_contact").fill("UIM, return office")
    complete_task(page)
    open_task_from_inbox(page, live_server, reference, DEPARTURE)
    page.locator("#travel").fill("TG 951 to Bangkok, met by the partner.")
    complete_task(page)
    page.goto(case_url)
    expect(page.get_by_test_id("return-status")).to_contain_text("Departed")
    expect(page.get_by_test_id("period")).to_contain_text(
        "Ended: the person left on a prepared return")

    # The six follow-ups come one after another, a calendar month apart.
    for number, days in enumerate((31, 30, 31, 30, 31, 31), start=1):
        page.goto(f"{live_server}/tasks")
        expect(page.get_by_test_id("task-row").filter(has_text=reference)).to_have_count(0)
        time_passes(live_app, frozen_clock, days=days)
        log_in_in_english(page, live_server, "contact")
        open_task_from_inbox(page, live_server, reference, FOLLOW_UP)
        page.locator("#partner_contact").fill(f"Call {number} with the partner.")
        page.locator("input[name=plan_state][value=on_track]").check()
        complete_task(page)
    page.goto(case_url)
    expect(page.get_by_test_id("follow-up")).to_have_count(6)
    open_task_from_inbox(page, live_server, reference, CLOSE)
    page.locator("input[name=outcome][value=self_supporting]").check()
    complete_task(page)
    page.goto(case_url)
    expect(page.get_by_test_id("return-outcome")).to_contain_text("Self-supporting")
    save_screenshot(screenshot, page, "3-closed")


def test_45000_in_kind_for_one_adult_needs_justification_and_approval(
        page, live_server, live_app, new_context, screenshot):
    reference = _victim_in_support(live_app, "Ioana", "Popa", "RO")
    log_in_in_english(page, live_server, "contact")
    _offer_accepted(page, live_server, reference, "RO", "0")
    _safety(page, live_server, reference)
    _plan(page, live_server, reference, housing="25000", education="20000")
    page.locator("main form button[name=action][value=complete]").click()
    expect(page.locator("#justification-error")).to_contain_text("over the maximum")
    expect(page.locator("#housing")).to_have_value("25000")
    save_screenshot(screenshot, page, "1-refused")
    page.locator("#justification").fill("A tailoring course and tools in Iași.")
    complete_task(page)

    coordinator = new_context().new_page()
    log_in_in_english(coordinator, live_server, "coordinator")
    open_task_from_inbox(coordinator, live_server, reference, EXCEPTION)
    coordinator.locator("input[name=exception_approved][value=yes]").check()
    coordinator.locator("#notes").fill("Her needs justify it.")
    complete_task(coordinator)
    page.goto(f"{live_server}/cases/{reference}")
    expect(page.get_by_test_id("budget-exception")).to_contain_text("approved by")
    expect(page.get_by_test_id("budget-total")).to_contain_text("45,000.00")
    save_screenshot(screenshot, page, "2-exception")

    # The coordinator keeps the maximums: a new row from a day on, the old one stays.
    coordinator.goto(f"{live_server}/cases/{reference}")
    coordinator.get_by_role("link", name="Maximums and partners").click()
    expect(coordinator.get_by_test_id("rate-row")).to_have_count(6)
    coordinator.locator("#code").select_option("in_kind_per_adult")
    coordinator.locator("#value").fill("42000")
    coordinator.locator("#valid_from").fill("2027-01-01")
    coordinator.get_by_role("button", name="Add the rate").click()
    expect(coordinator.get_by_test_id("rate-row")).to_have_count(7)
    save_screenshot(screenshot, coordinator, "3-rates")


def test_high_risk_blocks_submission_until_the_coordinator_signs_off(
        page, live_server, live_app, new_context, screenshot):
    reference = _victim_in_support(live_app, "Joy", "Eze", "NG")
    log_in_in_english(page, live_server, "contact")
    _offer_accepted(page, live_server, reference, "NG", "0")
    _safety(page, live_server, reference, high="threats")
    page.goto(f"{live_server}/tasks")
    rows = page.get_by_test_id("task-row").filter(has_text=reference)
    expect(rows.filter(has_text=PLAN)).to_have_count(0)
    # The sign-off is the coordinators' (their lane): not in the contact person's list, but
    # on the case page as the open task.
    expect(rows.filter(has_text=SIGN_OFF)).to_have_count(0)
    page.goto(f"{live_server}/cases/{reference}")
    expect(page.locator("#tasks li").filter(has_text=SIGN_OFF)).to_contain_text(
        "CMM coordinators")
    expect(page.get_by_test_id("safety")).to_contain_text("not signed off")
    save_screenshot(screenshot, page, "1-waiting")
    diagram = page.locator(".diagram-card").filter(has_text="Process: Prepared return")
    expect(diagram.locator("[data-element=Task_sign_off]")).to_have_attribute(
        "data-state", "current")
    path = save_screenshot(screenshot, page, "2-diagram")
    diagram.locator("svg").screenshot(path=str(path))

    coordinator = new_context().new_page()
    log_in_in_english(coordinator, live_server, "coordinator")
    open_task_from_inbox(coordinator, live_server, reference, SIGN_OFF)
    coordinator.locator("input[name=signed_off][value=yes]").check()
    coordinator.locator("#notes").fill("The partner relocates her to Abuja.")
    complete_task(coordinator)
    open_task_from_inbox(page, live_server, reference, PLAN)
    page.goto(f"{live_server}/cases/{reference}")
    expect(page.get_by_test_id("safety")).to_contain_text("signed off by")
