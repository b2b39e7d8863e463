"""Documents for the person in a real browser, on the demo data (clock frozen at 2 March 2026).

CMM's contact person gives Malai Srisuk, who reads Thai, the information on her rights in
Thai with the Danish text alongside; she asks for Arabic instead (a language she reads
better, say): the page turns right to left with the Arabic column on the right, the PDF is
there, and the signed consent is recorded with its language. Then, at Vasile Stan's
identification interview, the caseworker opens the 1a questions in Romanian for the
interpreter.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import log_in_in_english, save_screenshot
from tests.browser.test_housing_flow import open_case_of

pytestmark = pytest.mark.browser


def test_rights_in_thai_then_arabic_right_to_left_and_a_signed_consent(
        page: Page, live_server, screenshot):
    log_in_in_english(page, live_server, "contact")
    open_case_of(page, live_server, "Malai Srisuk")
    expect(page.get_by_test_id("document-language")).to_contain_text("Thai")
    page.get_by_role("link", name="Documents for the person").click()
    expect(page.locator("main h1")).to_have_text("Documents for the person")
    expect(page.locator("#language")).to_have_value("th")
    save_screenshot(screenshot, page, "1-documents")

    # The decision does not exist yet: the caseworker is told why, nothing breaks.
    page.locator("tr", has_text="Decision on victim status").get_by_role(
        "link", name="Print view").click()
    expect(page.locator("main .flash-error")).to_contain_text("There is no decision")

    page.locator("tr", has_text="Information on rights").get_by_role(
        "link", name="Print view").click()
    expect(page.locator("html")).to_have_attribute("lang", "th")
    expect(page.locator("h1").first).to_contain_text("สิทธิ")
    expect(page.locator("td[lang=da] h1")).to_have_text(
        "Information om dine rettigheder og om, hvad der sker nu")
    save_screenshot(screenshot, page, "2-rights-thai")

    # She reads Arabic better: the person's language is changed on the record.
    page.get_by_role("link", name="Documents").first.click()
    page.locator("#language").select_option("ar")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main .flash-success")).to_have_text(
        "The language of the person's documents is saved.")
    page.locator("tr", has_text="Information on rights").get_by_role(
        "link", name="Print view").click()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    arabic = page.locator("tr.row-title td[lang=ar]").bounding_box()
    danish = page.locator("tr.row-title td[lang=da]").bounding_box()
    assert arabic["x"] > danish["x"], "right to left: the Arabic column is on the right"
    save_screenshot(screenshot, page, "3-rights-arabic")

    pdf = page.request.get(live_server + page.get_by_role("link", name="PDF").get_attribute(
        "href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    # The consent, signed on the Arabic paper, is recorded with its language.
    page.get_by_role("link", name="Documents").first.click()
    page.get_by_role("link", name="Record a signed consent").click()
    expect(page.locator("#language")).to_have_value("ar")
    page.locator("#signed_on").fill("2026-03-02")
    page.locator("#police_sharing-group").get_by_label("Agreed", exact=True).check()
    page.locator("#data_processing-group").get_by_label("Agreed", exact=True).check()
    page.locator("#interpreter").fill("Rania Haddad")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.locator("#read_aloud-error")).to_contain_text("Confirm that the person")
    expect(page.locator("#interpreter")).to_have_value("Rania Haddad")
    save_screenshot(screenshot, page, "4-consent-refused")
    page.get_by_label("The person read the document in this language").check()
    page.get_by_role("button", name="Record the consent").click()
    expect(page.locator("main .flash-success")).to_have_text("The signed consent is recorded.")
    row = page.locator("#consents tbody tr").first
    expect(row).to_contain_text("Arabic")
    expect(row).to_contain_text("Rania Haddad")
    save_screenshot(screenshot, page, "5-consent-recorded")


def test_interview_questions_in_romanian_for_the_interpreter(page: Page, live_server,
                                                              screenshot):
    log_in_in_english(page, live_server, "contact")
    open_case_of(page, live_server, "Vasile Stan")
    page.locator("#tasks a[href^='/tasks/']").first.click()
    link = page.get_by_test_id("interview-questions")
    expect(link).to_contain_text("Romanian and Danish")
    with page.context.expect_page() as opened:
        link.click()
    questions = opened.value
    questions.wait_for_load_state()
    expect(questions.locator("html")).to_have_attribute("lang", "ro")
    expect(questions.locator("td[lang=da]", has_text="Har nogen truet dig eller din familie?")
           ).to_have_count(1)
    expect(questions.locator("td[lang=ro]").nth(5)).not_to_be_empty()
    save_screenshot(screenshot, questions, "romanian")


def test_an_outreach_worker_gives_the_rights_leaflet_in_vietnamese(page: Page, live_server,
                                                                     screenshot):
    log_in_in_english(page, live_server, "amiami")
    page.locator("#leaflet-lang").select_option("vi")
    save_screenshot(screenshot, page, "1-dashboard")
    page.get_by_role("button", name="Show the information on rights").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("td[lang=da] h1")).to_have_text(
        "Information om dine rettigheder og om, hvad der sker nu")
    expect(page.locator("td[lang=vi]").first).not_to_be_empty()
    save_screenshot(screenshot, page, "2-leaflet")
