"""Reflection and restitution periods in a real browser (workflows/support.bpmn).

Issue 6, stories 1 and 4: the Immigration Service officer grants a reflection period, extends
it for cooperation on a prepared return, and is refused an extension past 120 days; lawful
residence ends during a restitution period and a new 30-day reflection period starts. Each
story starts from a person already assessed as a victim (set up through the services as the
identification stories leave it); then every user works from the inbox. The app's clock is
frozen at 2026-03-02 09:00 UTC and moved by the test (``frozen_clock``); the timer sweep is run
as cron would run it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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

GRANT_REFLECTION = "Grant the reflection period"
GRANT_RESTITUTION = "Grant the restitution period"
REVIEW = "Review the period: 7 days left"
EXTEND_REFLECTION = "Decide on extending the reflection period"


def _victim(live_app, given: str, family: str, residence: str, nationality: str) -> str:
    """A referral, an interview and a 'victim' decision by the competent authority."""
    from victimcare.identification import services as identification

    with live_app.app_context(), db.transaction():
        contact, coordinator = accounts.find_user("contact"), accounts.find_user("coordinator")
        officer = accounts.find_user("immigration")
        referral = identification.register_referral(contact, {
            "referrer": "police", "channel": "outreach", "place": "Copenhagen",
            "occurred_at": "2026-03-02T07:00:00+00:00", "suspected_exploitation":
            "forced_labour", "given_name": given, "family_name": family, "gender": "male",
            "estimated_age": 35, "nationality": nationality, "residence_status": residence,
            "interview_organisation_id": contact.organisation_id})
        case = referral.case
        lawful = residence == "lawful"
        steps = [("Task_interview", contact, {
            "held_at": "2026-03-02T08:00:00+00:00", "place": "CMM", "interpreter": "",
            "language": None, "account": "Worked 14 hours a day for no pay.",
            "act_indicators": ["recruitment"], "means_indicators": ["deception"],
            "purpose_indicators": ["forced_labour"], "trafficker_contact": "yes",
            "debt_demanded": "yes", "pending_threats": "no", "recommendation": "yes",
            "recommendation_reasons": "All three elements.", "police_consent": False,
            "police_consent_at": None, "another_interview": False}),
            ("Task_send", contact, {"police": "not_sent", "police_recipient": "",
                                    "sent_at": None, "presented_at": None if lawful
                                    else "2026-03-02T08:30:00+00:00"}),
            ("Task_assess_cmm" if lawful else "Task_assess_us",
             coordinator if lawful else officer, {
                 "decision": "victim", "decided_at": "2026-03-02T08:45:00+00:00",
                 "act_established": "yes", "means_established": "yes",
                 "purpose_established": "yes", "currently_trafficked": "yes",
                 "reasons": "The elements are established."})]
        for name, actor, data in steps:
            complete_open_task(WorkflowTask.case_id == case.id, name, actor, data)
        return case.reference


def test_reflection_period_extended_to_90_days_and_refused_past_120(
        page, live_server, live_app, new_context, screenshot, frozen_clock):
    reference = _victim(live_app, "Chukwuma", "Obi", "none", "NG")
    case_url = f"{live_server}/cases/{reference}"

    # 1. The Immigration Service grants the reflection period: 30 days from the decision.
    log_in_in_english(page, live_server, "immigration")
    open_task_from_inbox(page, live_server, reference, GRANT_REFLECTION)
    expect(page.locator("#days")).to_have_value("30")
    expect(page.locator("#starts_on")).to_have_value("2026-03-02")
    save_screenshot(screenshot, page, "1-grant")
    complete_task(page)
    page.goto(case_url)
    expect(page.get_by_test_id("current-period")).to_contain_text(
        "Reflection period until Apr 1, 2026: 30 days left")

    # 2. On 25 March (seven days before the end) the contact person gets the review and asks
    #    for an extension so the person can cooperate on a prepared return.
    time_passes(live_app, frozen_clock, days=23)
    contact = new_context().new_page()
    log_in_in_english(contact, live_server, "contact")
    open_task_from_inbox(contact, live_server, reference, REVIEW)
    contact.locator("input[name=review_decision][value=prepared_return]").check()
    complete_task(contact)

    # 3. The officer extends it to 31 May: 90 days in all.
    log_in_in_english(page, live_server, "immigration")
    open_task_from_inbox(page, live_server, reference, EXTEND_REFLECTION)
    expect(page.locator("main dl.task-facts")).to_contain_text("Prepared return")
    page.locator("input[name=extended][value=yes]").check()
    page.locator("#ends_on").fill("2026-05-31")
    page.locator("input[name=reason][value=prepared_return]").check()
    complete_task(page)
    page.goto(case_url)
    period = page.get_by_test_id("period")
    expect(period).to_contain_text("Mar 2, 2026")
    expect(period).to_contain_text("May 31, 2026")
    expect(period).to_contain_text("90")
    expect(page.get_by_test_id("periods")).to_contain_text(
        "Extended from Apr 1, 2026 to May 31, 2026: Cooperation on a prepared return")

    # 4. A week before 31 May the review comes again; an extension to 10 July (130 days) is
    #    refused, naming the 120-day limit and the latest possible end; nothing is lost.
    time_passes(live_app, frozen_clock, days=60)
    log_in_in_english(contact, live_server, "contact")
    open_task_from_inbox(contact, live_server, reference, REVIEW)
    contact.locator("input[name=review_decision][value=extend]").check()
    complete_task(contact)
    log_in_in_english(page, live_server, "immigration")
    open_task_from_inbox(page, live_server, reference, EXTEND_REFLECTION)
    page.locator("input[name=extended][value=yes]").check()
    page.locator("#ends_on").fill("2026-07-10")
    page.locator("input[name=reason][value=special_reasons]").check()
    page.locator("main form button[name=action][value=complete]").click()
    error = page.locator("#ends_on-error")
    expect(error).to_contain_text("at most 120 days in total")
    expect(error).to_contain_text("130 days")
    expect(error).to_contain_text("Jun 30, 2026")
    expect(page.locator("#ends_on")).to_have_value("2026-07-10")
    save_screenshot(screenshot, page, "2-refused")
    page.goto(case_url)
    expect(page.get_by_test_id("period")).to_contain_text("May 31, 2026")


def test_lawful_residence_ends_and_a_new_reflection_period_starts(
        page, live_server, live_app, new_context, screenshot, frozen_clock):
    reference = _victim(live_app, "Tomasz", "Wrona", "lawful", "PL")
    case_url = f"{live_server}/cases/{reference}"

    # 1. CMM grants the restitution period.
    log_in_in_english(page, live_server, "coordinator")
    open_task_from_inbox(page, live_server, reference, GRANT_RESTITUTION)
    complete_task(page)

    # 2. Twelve days later his residence permit ends: the contact person records it.
    time_passes(live_app, frozen_clock, days=12)
    log_in_in_english(page, live_server, "contact")
    page.goto(case_url)
    expect(page.get_by_test_id("current-period")).to_contain_text("Restitution period")
    page.locator("#support").get_by_role("link", name="Lawful residence has ended").click()
    page.locator("#ended_on").fill("2026-03-14")
    save_screenshot(screenshot, page, "1-residence-ended")
    page.get_by_role("button", name="Record and hand over to the Immigration Service").click()
    expect(page.locator("main .flash-success")).to_contain_text("new reflection period")

    # 3. The Immigration Service grants a new reflection period of 30 days.
    officer = new_context().new_page()
    log_in_in_english(officer, live_server, "immigration")
    open_task_from_inbox(officer, live_server, reference, GRANT_REFLECTION)
    officer.locator("#starts_on").fill("2026-03-14")
    complete_task(officer)

    # 4. The case shows both periods: the restitution period ended, the new one running.
    page.goto(case_url)
    rows = page.get_by_test_id("period")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Restitution period")
    expect(rows.nth(0)).to_contain_text("Ended: lawful residence ended")
    expect(rows.nth(1)).to_contain_text("Reflection period")
    expect(rows.nth(1)).to_contain_text("Apr 13, 2026")
    expect(rows.nth(1)).to_contain_text("Running")
    expect(page.get_by_test_id("current-period")).to_contain_text(
        "Reflection period until Apr 13, 2026")
    save_screenshot(screenshot, page, "2-both-periods")
