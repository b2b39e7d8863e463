"""Housing in a real browser (victimcare/housing), on the demo data: the Copenhagen shelter's
7 fixed places are all taken.

CMM's contact person (demo user "contact") places Grace Mensah, a woman with lawful residence,
at the Copenhagen shelter: the app warns of the overbooking, the placement is recorded on an
extra place, paid by CMM. Then a woman staying there leaves without notice: CMM is alerted on
the dashboard and the case history says so. The clock is frozen at 2026-03-02 10:00 in
Copenhagen (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in_in_english, save_screenshot

pytestmark = pytest.mark.browser

COPENHAGEN = "Reden International, Copenhagen"


def open_case_of(page: Page, base_url: str, name: str) -> None:
    page.goto(f"{base_url}/cases")
    page.locator("main table tr").filter(has_text=name).locator("a").first.click()
    expect(page.locator("main h1")).to_contain_text("Case VC-")


def shelter_row(page: Page):
    return page.get_by_test_id("facility-row").and_(
        page.locator(f"[data-facility='{COPENHAGEN}']"))


def test_a_woman_placed_in_the_full_copenhagen_shelter_takes_an_extra_place_paid_by_cmm(
        page: Page, live_server, screenshot):
    log_in_in_english(page, live_server, "contact")
    page.locator("nav.primary a", has_text="Housing").click()
    row = shelter_row(page)
    expect(row.get_by_test_id("occupied")).to_have_text("7")
    expect(row.get_by_test_id("free")).to_have_text("Full")
    expect(row.get_by_test_id("overbooked")).to_have_text("0")
    save_screenshot(screenshot, page, "1-occupancy-full")

    open_case_of(page, live_server, "Grace Mensah")
    page.locator("#housing a", has_text="Place the person").click()
    expect(page.get_by_test_id("settled-payer")).to_contain_text("CMM")
    proposal = page.get_by_test_id("proposal").and_(
        page.locator(f"[data-facility='{COPENHAGEN}']"))
    expect(proposal.get_by_test_id("free")).to_contain_text("All 7 fixed places taken")
    proposal.get_by_label(COPENHAGEN).check()
    page.get_by_role("button", name="Record the placement").click()

    warning = page.get_by_test_id("overbooking-warning")
    expect(warning).to_contain_text(f"All 7 fixed places at {COPENHAGEN} are taken")
    expect(warning).to_contain_text("paid by: CMM")
    expect(page.locator("input[name=facility_id][value]:checked")).to_have_count(1)
    save_screenshot(screenshot, page, "2-overbooking-warning")
    page.get_by_label("I confirm the overbooking: buy an extra place for the person").check()
    page.get_by_role("button", name="Record the placement").click()

    expect(page.locator("main .flash-success")).to_have_text("The placement is recorded.")
    stay = page.locator("#housing").get_by_test_id("placement").first
    expect(stay).to_contain_text(COPENHAGEN)
    expect(stay.get_by_test_id("extra-place")).to_have_text("Extra place (overbooked)")
    expect(stay.get_by_test_id("payer")).to_have_text("CMM")
    expect(stay.get_by_test_id("nights")).to_have_text("0")
    page.locator("#housing").scroll_into_view_if_needed()
    save_screenshot(screenshot, page, "3-case-page")

    page.locator("nav.primary a", has_text="Housing").click()
    expect(shelter_row(page).get_by_test_id("occupied")).to_have_text("8")
    expect(shelter_row(page).get_by_test_id("overbooked")).to_have_text("1")
    expect(page.get_by_test_id("total-overbooked")).to_have_text("1")


def test_a_woman_who_left_without_notice_raises_an_alert_and_a_line_in_her_history(
        page: Page, live_server, screenshot):
    log_in_in_english(page, live_server, "contact")
    open_case_of(page, live_server, "Chioma Eze")
    stay = page.locator("#housing").get_by_test_id("placement").first
    expect(stay.get_by_test_id("nights")).to_have_text("41")
    stay.get_by_role("link", name="End the stay").click()
    page.get_by_label("Left without notice").check()
    page.locator("#end_date").fill("2026-03-01")
    save_screenshot(screenshot, page, "1-end-form")
    page.get_by_role("button", name="End the stay").click()

    expect(page.locator("main .flash-success")).to_contain_text("left without notice")
    expect(page.get_by_test_id("left-without-notice")).to_contain_text(
        f"Left {COPENHAGEN} without notice on Mar 1, 2026.")
    expect(stay.get_by_test_id("end-reason")).to_have_text("Left without notice")
    expect(stay.get_by_test_id("nights")).to_have_text("40")
    history = page.get_by_test_id("history-entry").filter(
        has_text="The person left housing without notice")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Jonas Berg")
    save_screenshot(screenshot, page, "2-case-page")

    page.locator("nav.primary a", has_text="Overview").click()
    alert = page.get_by_test_id("alert").filter(has_text="The person left housing without notice")
    expect(alert).to_have_count(1)
    save_screenshot(screenshot, page, "3-dashboard")
    alert.get_by_role("link", name="Open the case").click()
    page.get_by_role("button", name="Followed up: close the alert").click()
    expect(page.get_by_test_id("left-without-notice")).to_have_count(0)
    page.locator("nav.primary a", has_text="Overview").click()
    expect(page.get_by_test_id("alert").filter(
        has_text="The person left housing without notice")).to_have_count(0)
