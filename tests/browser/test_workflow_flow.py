"""The support-activity process in a real browser (workflows/support_activity.bpmn).

Done when: a browser test opens a case, sees the diagram with the current task marked,
completes the task from the inbox and sees the history. The story: the CMM coordinator starts
a support activity on Malai Srisuk's case, proposes and approves it from her task list; the
case page marks where the process stands and lists what was done; Reden International's worker
carries the activity out seeing only the alias and the work; the coordinator sees the report.

The coordinator's interface is Danish by default: she switches to English right after logging
in (stored on her account), so the test reads English text. Elements are found by structure,
ids, hrefs and ``data-*`` attributes. The app's clock is frozen at 2026-03-02 09:00 UTC
(``tests/conftest.py``), in the same process as the live server.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import (
    complete_task,
    log_in,
    log_out,
    open_task_from_inbox,
    save_screenshot,
    switch_to_english,
)

pytestmark = pytest.mark.browser

PERSON = "Malai Srisuk"
ALIAS = "Mali"
FAMILY_NAME = "Srisuk"
DESCRIPTION = "Accompany Mali to the dentist"
NGO = "Reden International"
DUE_DATE = "2026-03-06"  # four days after the frozen clock's 2026-03-02
COORDINATOR_NAME = "Camilla Holm"
NGO_WORKER_NAME = "Maria Dahl"
NOTES = "Went well"

PROPOSE = "Propose a support activity"
APPROVE = "Approve the support activity"
CARRY_OUT = "Carry out the support activity"


# --- helpers ----------------------------------------------------------------------------------










def _interview_of(live_app, reference: str) -> int:
    """A 1a form on the case (recorded by CMM's contact person), as the identification left
    it."""
    import sqlalchemy as sa

    from victimcare.accounts.services import find_user
    from victimcare.cases.models import Case
    from victimcare.extensions import db
    from victimcare.identification.models import Interview

    with live_app.app_context(), db.transaction():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        contact = find_user("contact")
        interview = Interview(
            case_id=case.id, held_at=case.created_at, place="CMM", interviewer_id=contact.id,
            organisation_id=contact.organisation_id, account="Her passport was taken.",
            trafficker_contact="yes", debt_demanded="yes", pending_threats="no",
            recommendation="yes", recommendation_reasons="Indicators of all three elements.")
        db.session.add(interview)
        db.session.flush()
        return interview.id


def element(page: Page, bpmn_id: str) -> Locator:
    return page.locator(f"svg.bpmn g[data-element='{bpmn_id}']")


def expect_states(page: Page, **states: str) -> None:
    for bpmn_id, state in states.items():
        expect(element(page, bpmn_id)).to_have_attribute("data-state", state)






def history_entry(page: Page, title: str) -> Locator:
    entry = page.locator("#history").get_by_test_id("history-entry").filter(has_text=title)
    expect(entry).to_have_count(1)
    return entry


# --- the story ----------------------------------------------------------------------------------


def test_support_activity_from_proposal_to_report(page, live_server, live_app, new_context,
                                                  screenshot):
    # 1. The coordinator opens Malai Srisuk's case from the case list.
    log_in(page, live_server, "coordinator")
    switch_to_english(page)
    page.goto(f"{live_server}/cases")
    row = page.locator("main table tbody tr").filter(has_text=PERSON)
    expect(row).to_have_count(1)
    case_link = row.locator("a[href^='/cases/']")
    reference = case_link.inner_text().strip()
    assert reference.startswith("VC-")
    case_url = f"{live_server}/cases/{reference}"
    case_link.click()
    page.wait_for_url(case_url)
    expect(page.locator("main h1")).to_contain_text(reference)
    expect(page.locator("svg.bpmn")).to_have_count(0)  # no process yet

    # 2. She starts the process; the diagram marks the proposal as the open task.
    start = page.locator(
        f"#tasks form[action='/cases/{reference}/processes/support_activity'] button")
    expect(start).to_have_text("Start a new process: Support activity")
    start.click()
    page.wait_for_url(case_url)
    expect(page.locator("svg.bpmn")).to_have_count(1)
    expect_states(page, Start_activity="done", Task_propose="current", Task_approve="none",
                  Task_carry_out="none")
    expect(page.locator("#tasks a[href^='/tasks/']")).to_have_text(PROPOSE)
    expect(history_entry(page, "Support activity")).to_contain_text(COORDINATOR_NAME)

    # 3. From "My tasks" she proposes the activity.
    open_task_from_inbox(page, live_server, reference, PROPOSE)
    page.locator("#activity_kind").select_option(label="Accompaniment")
    page.locator("#description").fill(DESCRIPTION)
    page.locator("#organisation_id").select_option(label=NGO)
    page.locator("#due_date").fill(DUE_DATE)
    complete_task(page)

    # 4. ... and approves it; the approval page shows what was proposed.
    open_task_from_inbox(page, live_server, reference, APPROVE)
    facts = page.locator("main dl.facts").first
    expect(facts).to_contain_text(DESCRIPTION)
    expect(facts).to_contain_text(NGO)
    page.locator("input[name=decision][value=approve]").check()
    complete_task(page)
    expect(page.get_by_test_id("task-row").filter(has_text=reference)).to_have_count(0)

    # 5. The case page: the NGO's task is open, its deadline timer waits, the history tells
    #    who proposed and approved what.
    page.goto(case_url)
    expect_states(page, Start_activity="done", Task_propose="done", Task_approve="done",
                  Gateway_approved="done", Task_carry_out="current",
                  Timer_overdue="waiting", End_done="none")
    open_task = page.locator("#tasks li")
    expect(open_task).to_have_count(1)
    expect(open_task).to_contain_text(CARRY_OUT)
    expect(open_task).to_contain_text(NGO)
    proposal = history_entry(page, PROPOSE)
    expect(proposal).to_contain_text(COORDINATOR_NAME)
    expect(proposal).to_contain_text(DESCRIPTION)
    expect(proposal).to_contain_text(NGO)
    expect(proposal).to_contain_text("Accompaniment")
    approval = history_entry(page, APPROVE)
    expect(approval).to_contain_text(COORDINATOR_NAME)
    expect(approval.locator("dl.facts")).to_contain_text("Yes")
    save_screenshot(screenshot, page, "1-case-diagram")
    log_out(page)

    # 6. Reden's worker carries it out: she sees the alias and the work, not the family name,
    #    and not the case page.
    ngo = new_context().new_page()
    log_in(ngo, live_server, "reden")
    expect(ngo.locator("html")).to_have_attribute("lang", "en")
    open_task_from_inbox(ngo, live_server, reference, CARRY_OUT)
    main = ngo.locator("main")
    expect(main).to_contain_text(ALIAS)
    expect(main).to_contain_text(DESCRIPTION)
    expect(main).not_to_contain_text(FAMILY_NAME)
    expect(main).not_to_contain_text("Malai")
    save_screenshot(screenshot, ngo, "2-ngo-task")
    ngo.locator("input[name=outcome][value=done]").check()
    ngo.locator("#notes").fill(NOTES)
    complete_task(ngo)
    expect(ngo.get_by_test_id("task-row").filter(has_text=reference)).to_have_count(0)
    refused = ngo.goto(case_url)
    assert refused is not None and refused.status == 404
    expect(ngo.locator("main")).not_to_contain_text(FAMILY_NAME)
    # ... nor the 1a form of the person's identification interview.
    interview_url = f"{case_url}/interviews/{_interview_of(live_app, reference)}"
    refused = ngo.goto(interview_url)
    assert refused is not None and refused.status == 404
    expect(ngo.locator("main")).not_to_contain_text("passport")
    log_out(ngo)

    # 7. Back as the coordinator (English is stored on her account): the report is in the
    #    history, and the process is finished.
    log_in(page, live_server, "coordinator")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(case_url)
    report = history_entry(page, CARRY_OUT)
    expect(report).to_contain_text(NGO_WORKER_NAME)
    expect(report).to_contain_text(NOTES)
    expect(report.locator("dl.facts")).to_contain_text("Done")
    expect(page.locator("#history").get_by_test_id("history-entry").last).to_contain_text(
        "Finished")
    expect(page.locator("#tasks li")).to_have_count(0)
    expect(page.locator("svg.bpmn")).to_have_count(0)  # only running processes are drawn
    save_screenshot(screenshot, page, "3-final-history")
