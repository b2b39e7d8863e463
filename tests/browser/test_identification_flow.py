"""The identification process in a real browser (workflows/identification.bpmn).

The stories of ``tests/identification/test_flows.py``, clicked through as the users work:
CMM's contact person registers a referral at "Register a referral", does the identification
interview (the 1a form) and sends it from "My tasks"; the competent authority (the Immigration
Service, or CMM) decides. A detained person's 72 hours show as a banner on the case page; a
missed deadline raises an alert on the CMM dashboard.

The demo users' interface is Danish by default: each switches to English right after logging
in (stored on the account), so the tests read English text. Fields are found by their ids
(WTForms ids are the field names; a radio or checkbox list is a ``ul`` with the field's id).
The app's clock is frozen at 2026-03-02 09:00 UTC, 10:00 in Copenhagen (``tests/conftest.py``),
in the same process as the live server; the forms take Copenhagen time.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import (
    complete_task,
    log_in,
    log_in_in_english,
    open_task_from_inbox,
    save_screenshot,
)
from victimcare.workflow import services as workflow

pytestmark = pytest.mark.browser

CMM = "Center mod Menneskehandel (CMM)"
REGISTER = "Register a referral"
CONTACT_REPRESENTATIVE = "Contact the child's representative"
INTERVIEW = "Identification interview (1a form)"
SEND = "Send the 1a form and present the case"
ASSESS_US = "Trafficking assessment by the Immigration Service"
ASSESS_CMM = "Trafficking assessment by CMM"


# --- helpers ----------------------------------------------------------------------------------








def pick(page: Page, name: str, *labels: str) -> None:
    """Tick the radio button or checkboxes of field ``name`` by their visible labels."""
    for label in labels:
        option = page.locator(f"ul#{name} > li").filter(
            has=page.get_by_text(label, exact=True))
        expect(option).to_have_count(1)
        option.locator("input").check()
        expect(option.locator("input")).to_be_checked()


def field_error(page: Page, name: str):
    return page.locator(f"#{name}-error")


def start_referral(page: Page, base_url: str) -> None:
    """From the case list, open "Register a referral"."""
    page.goto(f"{base_url}/cases")
    page.locator("main a.button").filter(has_text=REGISTER).click()
    page.wait_for_url(f"{base_url}/cases/new")
    expect(page.locator("main h1")).to_have_text(REGISTER)


def fill_contact(page: Page, *, referrer: str, channel: str, occurred_at: str, place: str,
                 region: str, exploitation: str) -> None:
    page.locator("#referrer").select_option(label=referrer)
    pick(page, "channel", channel)
    page.locator("#occurred_at").fill(occurred_at)
    page.locator("#place").fill(place)
    page.locator("#region").select_option(label=region)
    page.locator("#suspected_exploitation").select_option(label=exploitation)


def fill_person(page: Page, *, given_name: str, family_name: str, gender: str,
                nationality: str, residence: str, language: str | None = None,
                date_of_birth: str | None = None, estimated_age: str | None = None) -> None:
    page.locator("#given_name").fill(given_name)
    page.locator("#family_name").fill(family_name)
    if date_of_birth:
        page.locator("#date_of_birth").fill(date_of_birth)
    if estimated_age:
        page.locator("#estimated_age").fill(estimated_age)
    pick(page, "gender", gender)
    page.locator("#nationality").select_option(label=nationality)
    if language:
        page.locator("#language").select_option(label=language)
    page.locator("#residence_status").select_option(label=residence)


def submit_referral(page: Page, base_url: str) -> str:
    """Register; the new case's page opens. Returns the case reference."""
    page.locator("main form button[type=submit].primary").click()
    page.wait_for_url(re.compile(re.escape(base_url) + r"/cases/VC-[0-9-]+$"))
    expect(page.locator("main .flash-success")).to_contain_text(
        "The case is open and the identification has started.")
    reference = page.url.rsplit("/", 1)[1]
    expect(page.locator("main h1")).to_have_text(f"Case {reference}")
    return reference


def case_task_rows(page: Page, base_url: str, reference: str):
    page.goto(f"{base_url}/tasks")
    expect(page.locator("main h1")).to_have_text("My tasks")
    return page.get_by_test_id("task-row").filter(has_text=reference)






def refused(page: Page, field: str, message: str) -> None:
    """Press "Complete the task"; the task page comes back with ``message`` at ``field``."""
    page.locator("main form button[name=action][value=complete]").click()
    expect(field_error(page, field)).to_contain_text(message)
    expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")


def fill_interview(page: Page, *, held_at: str, place: str, account: str, acts: list[str],
                   means: list[str], purposes: list[str], reasons: str,
                   consent_at: str | None, interpreter: str = "",
                   language: str | None = None) -> None:
    """The 1a form, interviewed by CMM; indications of trafficking: Yes."""
    page.locator("#held_at").fill(held_at)
    page.locator("#place").fill(place)
    page.locator("#interpreter").fill(interpreter)
    if language:
        page.locator("#language").select_option(label=language)
    page.locator("#account").fill(account)
    pick(page, "act_indicators", *acts)
    pick(page, "means_indicators", *means)
    pick(page, "purpose_indicators", *purposes)
    pick(page, "trafficker_contact", "Yes")
    pick(page, "debt_demanded", "Yes")
    pick(page, "pending_threats", "In doubt")
    pick(page, "recommendation", "Yes")
    page.locator("#recommendation_reasons").fill(reasons)
    if consent_at:
        pick(page, "police_consent", "Yes")
        page.locator("#police_consent_at").fill(consent_at)
    else:
        pick(page, "police_consent", "No")


def fill_assessment(page: Page, *, decided_at: str, reasons: str,
                    means: str = "Yes") -> None:
    pick(page, "decision", "Victim of trafficking")
    page.locator("#decided_at").fill(decided_at)
    pick(page, "act_established", "Yes")
    pick(page, "means_established", means)
    pick(page, "purpose_established", "Yes")
    pick(page, "currently_trafficked", "Yes")
    page.locator("#reasons").fill(reasons)


def deadline(page: Page):
    return page.get_by_test_id("deadline")


# --- the stories ----------------------------------------------------------------------------


def test_detained_romanian_man_is_decided_before_the_72_hours_run_out(
        page, live_server, new_context, screenshot, frozen_clock):
    # 1. Found at a joint labour inspection on a building site, detained at 06:30 for illegal
    #    work. CMM's contact person registers the referral; first without the police ticked
    #    as notified, which a labour inspection's referral needs.
    log_in_in_english(page, live_server, "contact")
    start_referral(page, live_server)
    fill_contact(page, referrer="Labour inspection", channel="Joint inspection",
                 occurred_at="2026-03-02T06:30", place="Building site, Sluseholmen, Copenhagen",
                 region="Capital Region", exploitation="Forced labour, including begging")
    page.locator("#is_detained").check()
    page.locator("#detained_at").fill("2026-03-02T06:30")
    page.locator("#cmm_notified").check()
    fill_person(page, given_name="Mihai", family_name="Ionescu", gender="Male",
                nationality="Romania", residence="No lawful residence", language="Romanian",
                estimated_age="34")
    expect(page.locator("#interview_organisation_id")).to_have_value(
        page.locator("#interview_organisation_id option", has_text=CMM).get_attribute("value"))
    page.locator("main form button[type=submit].primary").click()
    expect(field_error(page, "police_notified")).to_contain_text(
        "Record that both were notified.")
    expect(page.locator("#detained_at")).to_have_value("2026-03-02T06:30")  # nothing lost
    expect(page.locator("#given_name")).to_have_value("Mihai")
    page.locator("#police_notified").check()
    expect(page.locator("#cmm_notified")).to_be_checked()
    save_screenshot(screenshot, page, "1-referral-form")
    reference = submit_referral(page, live_server)
    case_url = f"{live_server}/cases/{reference}"

    # 2. The case page: the 72 hours run from 06:30, so the deadline is 5 March at 06:30
    #    (68.5 hours from now, 10:00); the interview is the open task, due then.
    expect(deadline(page)).to_have_attribute("data-stage", "running")
    expect(deadline(page)).to_contain_text("68.5 hours left")
    expect(deadline(page)).to_contain_text("Mar 5, 2026 06:30")
    identification = page.locator("#identification")
    expect(identification).to_contain_text("Labour inspection · Joint inspection")
    expect(identification).to_contain_text("No lawful residence")
    expect(page.locator("#tasks li")).to_have_count(1)
    expect(page.locator("#tasks li")).to_contain_text(INTERVIEW)
    expect(page.locator("#tasks li")).to_contain_text("due Mar 5, 2026 06:30")
    save_screenshot(screenshot, page, "2-case-running")

    # 3. The identification interview, with a Romanian interpreter; he consents to the police
    #    seeing the 1a form.
    open_task_from_inbox(page, live_server, reference, INTERVIEW)
    expect(page.locator("main dl.task-facts")).to_contain_text("Mar 5, 2026 06:30")
    fill_interview(
        page, held_at="2026-03-02T09:30", place="Ellebæk, Birkerød",
        interpreter="Ana Marin", language="Romanian",
        account="He was promised work on a building site in Copenhagen. His passport was "
                "taken on arrival and the wage goes to pay a debt for the journey.",
        acts=["Recruitment", "Transport", "Harbouring"],
        means=["Deception or exploiting a misconception", "Threats"],
        purposes=["Forced labour, including begging"],
        reasons="Clear indicators of all three elements; the debt is still demanded.",
        consent_at="2026-03-02T09:45")
    save_screenshot(screenshot, page, "3-1a-task")
    complete_task(page)

    # 4. The 1a form to the police, and the case to the Immigration Service (which decides for
    #    a person without lawful residence): it must say when the case was presented.
    open_task_from_inbox(page, live_server, reference, SEND)
    pick(page, "police", "Sent, with the person's consent")
    page.locator("#police_recipient").fill("Københavns Politi, Anne Juul")
    page.locator("#sent_at").fill("2026-03-02T09:50")
    refused(page, "presented_at", "record when it was presented")
    expect(page.locator("#police_recipient")).to_have_value("Københavns Politi, Anne Juul")
    page.locator("#presented_at").fill("2026-03-02T09:55")
    complete_task(page)
    expect(case_task_rows(page, live_server, reference)).to_have_count(0)  # not CMM's now

    page.goto(case_url)
    expect(identification).to_contain_text("1a form → Københavns Politi, Anne Juul")
    expect(page.locator("main")).to_contain_text("Presented to the Immigration Service")
    expect(page.locator("#tasks li")).to_contain_text(ASSESS_US)

    # 5. The next afternoon the Immigration Service decides: a victim of trafficking.
    frozen_clock.advance(hours=30)  # 3 March, 16:00 in Copenhagen
    officer = new_context().new_page()
    log_in_in_english(officer, live_server, "immigration")
    expect(officer.get_by_test_id("current-user")).to_have_text("Peter Krogh")
    open_task_from_inbox(officer, live_server, reference, ASSESS_US)
    expect(officer.locator("main dl.task-facts")).to_contain_text("Mihai")
    fill_assessment(officer, decided_at="2026-03-03T15:30",
                    reasons="The act, the means and the purpose are established; the debt is "
                            "still demanded, so he is currently trafficked.")
    complete_task(officer)
    # The assessment is done; a victim without lawful residence: the officer's next task is
    # to grant the reflection period (workflows/support.bpmn).
    rows = case_task_rows(officer, live_server, reference)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Grant the reflection period")

    # 6. Back at CMM (the session ended overnight): the decision came in time.
    log_in_in_english(page, live_server, "contact")
    page.goto(case_url)
    assessment = page.get_by_test_id("assessment")
    expect(assessment).to_contain_text("Victim of trafficking")
    expect(assessment).to_contain_text("Immigration Service")
    expect(assessment).to_contain_text("Mar 3, 2026 15:30")
    expect(deadline(page)).to_have_attribute("data-stage", "met")
    expect(deadline(page)).to_contain_text("decided within the 72 hours")
    expect(page.locator("main p.lead .badge").first).to_have_text("Support")
    expect(page.locator("#tasks li")).to_have_count(1)
    expect(page.locator("#tasks li")).to_contain_text("Grant the reflection period")
    expect(page.locator("main")).not_to_contain_text("His passport was taken")  # 1a only
    save_screenshot(screenshot, page, "4-case-decided")

    # 6b. He consented, so CMM sends the decision to the police too, and records it.
    page.locator("#identification").get_by_role(
        "link", name="Record a disclosure to the police").click()
    expect(page.get_by_test_id("consent")).to_contain_text("consented")
    pick(page, "document", "Trafficking assessment")
    page.locator("#recipient").fill("Sydøstjyllands Politi")
    page.locator("#sent_at").fill("2026-03-03T15:50")
    save_screenshot(screenshot, page, "4b-disclosure")
    page.get_by_role("button", name="Record the disclosure").click()
    expect(page.get_by_test_id("disclosures")).to_contain_text(
        "Trafficking assessment → Sydøstjyllands Politi")

    # 7. An NGO worker with no work on the case cannot open it.
    ngo = new_context().new_page()
    log_in(ngo, live_server, "reden")
    response = ngo.goto(case_url)
    assert response is not None and response.status == 404
    expect(ngo.locator("main")).not_to_contain_text("Ionescu")


def test_thai_woman_with_a_schengen_permit_is_assessed_by_cmm(page, live_server, new_context,
                                                              screenshot):
    # 1. Met on outreach in Vesterbro; she holds a residence permit in another Schengen
    #    country, so her residence here is lawful and CMM is the competent authority.
    log_in_in_english(page, live_server, "contact")
    start_referral(page, live_server)
    fill_contact(page, referrer="NGO under the action plan", channel="Outreach",
                 occurred_at="2026-03-02T08:00", place="Istedgade, Vesterbro",
                 region="Capital Region", exploitation="Prostitution")
    fill_person(page, given_name="Naree", family_name="Boonmee", gender="Female",
                nationality="Thailand", residence="Lawful residence", language="Thai",
                date_of_birth="1990-04-12")
    reference = submit_referral(page, live_server)
    case_url = f"{live_server}/cases/{reference}"
    expect(deadline(page)).to_have_count(0)  # not detained: no 72 hours
    expect(page.locator("#identification")).to_contain_text("Lawful residence")

    # 2. An adult: the interview is the first task, with no representative to contact.
    rows = case_task_rows(page, live_server, reference)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(INTERVIEW)

    # 3. CMM interviews her; she does not want the police to see the 1a form.
    open_task_from_inbox(page, live_server, reference, INTERVIEW)
    fill_interview(
        page, held_at="2026-03-02T09:30", place="CMM, Copenhagen", language="Thai",
        interpreter="Somchai Rattana",
        account="She was recruited with a promise of work in a massage parlour and must pay "
                "back 60,000 kroner before she may leave.",
        acts=["Recruitment", "Transport"], means=["Deception or exploiting a misconception"],
        purposes=["Prostitution"],
        reasons="Clear indicators of all three elements.", consent_at=None)
    complete_task(page)

    # 4. Not sent to the police; CMM decides, so nothing is presented.
    open_task_from_inbox(page, live_server, reference, SEND)
    pick(page, "police", "Not sent: no consent")
    complete_task(page)

    # 5. The coordinator makes CMM's assessment.
    coordinator = new_context().new_page()
    log_in_in_english(coordinator, live_server, "coordinator")
    open_task_from_inbox(coordinator, live_server, reference, ASSESS_CMM)
    fill_assessment(coordinator, decided_at="2026-03-02T09:58",
                    reasons="The elements are established; the debt is still demanded.")
    complete_task(coordinator)

    # 6. The case page: CMM's decision, nothing sent to the police, and the account kept out
    #    of it (it stays in the 1a form).
    coordinator.goto(case_url)
    assessment = coordinator.get_by_test_id("assessment")
    expect(assessment).to_contain_text("Victim of trafficking")
    expect(assessment).to_contain_text("CMM")
    identification = coordinator.locator("#identification")
    expect(identification).to_contain_text("Nothing has been sent to the police.")
    main = coordinator.locator("main")
    expect(main).not_to_contain_text("massage parlour")

    # 6b. Without her consent, neither the 1a nor the assessment can go to the police.
    identification.get_by_role("link", name="Record a disclosure to the police").click()
    expect(coordinator.get_by_test_id("no-consent")).to_be_visible()
    pick(coordinator, "document", "Trafficking assessment")
    coordinator.locator("#recipient").fill("Københavns Politi")
    coordinator.locator("#sent_at").fill("2026-03-02T10:05")
    coordinator.get_by_role("button", name="Record the disclosure").click()
    expect(field_error(coordinator, "document")).to_contain_text("has not consented")
    expect(coordinator.locator("#recipient")).to_have_value("Københavns Politi")
    coordinator.goto(case_url)

    # 7. The printable 1a form, from the case page's list of interviews.
    interviews = identification.locator("a[href*='/interviews/']")
    expect(interviews).to_have_count(1)
    expect(interviews).to_contain_text(CMM)
    interviews.click()
    expect(coordinator.locator("main h1")).to_have_text("1a form: identification interview")
    form_1a = coordinator.locator("article.form-1a")
    expect(form_1a).to_contain_text("Naree Boonmee")
    expect(form_1a).to_contain_text("Thailand")
    expect(form_1a).to_contain_text("massage parlour")
    expect(form_1a).to_contain_text("Somchai Rattana")
    expect(form_1a).to_contain_text("Jonas Berg")  # the interviewer
    expect(form_1a.locator("p.confidential")).to_be_visible()
    # Printing (Ctrl+P) uses the print style sheet: no menus, just the form.
    coordinator.emulate_media(media="print")
    expect(coordinator.locator("header.top")).to_be_hidden()
    save_screenshot(screenshot, coordinator, "1a-print")


def test_sixteen_year_old_girl_is_treated_as_a_child(page, live_server, new_context,
                                                      screenshot):
    # 1. A girl born 1 September 2009: 16 years old.
    log_in_in_english(page, live_server, "contact")
    start_referral(page, live_server)
    fill_contact(page, referrer="Police", channel="Outreach", occurred_at="2026-03-02T08:00",
                 place="Esbjerg", region="Southern Denmark", exploitation="Prostitution")
    fill_person(page, given_name="Elena", family_name="Dumitru", gender="Female",
                nationality="Romania", residence="No lawful residence", language="Romanian",
                date_of_birth="2009-09-01")
    reference = submit_referral(page, live_server)

    # 2. Her representative is contacted first: no interview before that.
    rows = case_task_rows(page, live_server, reference)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(CONTACT_REPRESENTATIVE)
    expect(rows.filter(has_text=INTERVIEW)).to_have_count(0)
    open_task_from_inbox(page, live_server, reference, CONTACT_REPRESENTATIVE)
    pick(page, "contacted", "The child's representative")
    page.locator("#contact_name").fill("Lise Holm")
    page.locator("#contacted_at").fill("2026-03-02T08:30")
    complete_task(page)

    # 3. The interview: for a child no means need be shown.
    open_task_from_inbox(page, live_server, reference, INTERVIEW)
    fill_interview(
        page, held_at="2026-03-02T09:00", place="CMM, Copenhagen", language="Romanian",
        interpreter="Ana Marin",
        account="A man she met online brought her to Denmark and sells her to men.",
        acts=["Recruitment", "Transport", "Harbouring"], means=[],
        purposes=["Prostitution"], reasons="Recruited and exploited as a child.",
        consent_at=None)
    complete_task(page)

    # 4. Not sent to the police (no consent); presented to the Immigration Service.
    open_task_from_inbox(page, live_server, reference, SEND)
    pick(page, "police", "Not sent: no consent")
    page.locator("#presented_at").fill("2026-03-02T09:55")
    complete_task(page)

    # 5. The Immigration Service decides without the means: she is a child.
    officer = new_context().new_page()
    log_in_in_english(officer, live_server, "immigration")
    open_task_from_inbox(officer, live_server, reference, ASSESS_US)
    fill_assessment(officer, decided_at="2026-03-02T09:59",
                    means="Not applicable: the person is a child",
                    reasons="Act and purpose are established; as she is a child, no means "
                            "are needed.")
    complete_task(officer)

    page.goto(f"{live_server}/cases/{reference}")
    expect(page.get_by_test_id("assessment")).to_contain_text("Victim of trafficking")
    expect(page.locator("main p.lead .badge").first).to_have_text("Support")
    representative = page.locator("#history").get_by_test_id("history-entry").filter(
        has_text=CONTACT_REPRESENTATIVE)
    expect(representative).to_contain_text("Lise Holm")
    save_screenshot(screenshot, page, "case")


def test_a_missed_72_hour_deadline_is_alerted_and_stays_visible(
        page, live_server, live_app, screenshot, frozen_clock):
    # 1. The coordinator registers a man detained at 06:30 (05:30 UTC): the deadline is
    #    5 March, 06:30.
    log_in_in_english(page, live_server, "coordinator")
    start_referral(page, live_server)
    fill_contact(page, referrer="Police", channel="Outreach", occurred_at="2026-03-02T06:30",
                 place="Car wash, Kolding", region="Southern Denmark",
                 exploitation="Forced labour, including begging")
    page.locator("#is_detained").check()
    page.locator("#detained_at").fill("2026-03-02T06:30")
    fill_person(page, given_name="Andrei", family_name="Popa", gender="Male",
                nationality="Romania", residence="No lawful residence", estimated_age="30")
    reference = submit_referral(page, live_server)
    case_url = f"{live_server}/cases/{reference}"
    expect(deadline(page)).to_have_attribute("data-stage", "running")

    # 2. Nobody acts. 70 hours later (5 March, 08:00) the timer sweep runs.
    frozen_clock.advance(hours=70)
    with live_app.app_context():
        workflow.run_due_timers()

    # 3. The session has ended in the meantime; she logs in again.
    page.goto(f"{live_server}/")
    page.wait_for_url("**/login**")
    log_in_in_english(page, live_server, "coordinator")
    page.goto(f"{live_server}/")
    alerts = page.get_by_test_id("alert").filter(has_text=reference)
    expect(alerts.filter(has_text="the 72 hours have passed")).to_have_count(1)
    expect(page.locator("main section.alerts a[href='/cases/" + reference + "']").first
           ).to_be_visible()
    save_screenshot(screenshot, page, "dashboard")

    # 4. The case page says the deadline was missed; the interview is overdue.
    page.goto(case_url)
    expect(deadline(page)).to_have_attribute("data-stage", "missed")
    expect(deadline(page)).to_contain_text("the 72-hour deadline was missed")
    expect(page.locator("#tasks li").filter(has_text=INTERVIEW)).to_contain_text("Overdue")
    save_screenshot(screenshot, page, "case")
    row = case_task_rows(page, live_server, reference).filter(has_text=INTERVIEW)
    expect(row).to_contain_text("Overdue")
