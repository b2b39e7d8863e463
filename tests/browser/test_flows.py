"""What staff do in a real browser: log in and out, get locked out, switch language, and
meet the access policy. Every test runs against the demo data (``victimcare.demo``).

The interface is Danish by default, so the tests find elements by structure (form actions,
field ids, ``data-testid``) rather than by Danish wording, which may change.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from victimcare.accounts.models import User
from victimcare.demo import DEMO_PASSWORD
from victimcare.extensions import db

pytestmark = pytest.mark.browser

SESSION_COOKIE = "victimcare_session"


# --- helpers ----------------------------------------------------------------------------------


def submit_login(page: Page, base_url: str, username: str, password: str) -> None:
    """Fill in and send the login form (opening the login page first if not on it)."""
    if not page.url.startswith(f"{base_url}/login"):
        page.goto(f"{base_url}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_load_state()


def log_in(page: Page, base_url: str, username: str) -> None:
    submit_login(page, base_url, username, DEMO_PASSWORD)
    expect(page.get_by_test_id("current-user")).to_be_visible()


def login_error(page: Page) -> str:
    errors = page.locator(".form-errors")
    expect(errors).to_be_visible()
    return errors.inner_text().strip()


def find_user(app, username: str) -> User:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


# --- stories ------------------------------------------------------------------------------------


def test_coordinator_logs_in_and_sees_name_organisation_and_my_tasks(page, live_server,
                                                                     screenshot):
    log_in(page, live_server, "coordinator")

    assert page.url == f"{live_server}/"
    header = page.locator("header.top")
    expect(header.get_by_test_id("current-user")).to_have_text("Camilla Holm")
    expect(header.locator(".org")).to_have_text("Center mod Menneskehandel (CMM)")
    expect(header.locator("nav a[href='/tasks']")).to_be_visible()
    expect(page.locator("main h1")).to_contain_text("Camilla Holm")
    screenshot(page)


def test_wrong_password_shows_one_generic_message(page, live_server, screenshot):
    submit_login(page, live_server, "coordinator", "not-the-password")
    wrong_password = login_error(page)
    expect(page.locator("#username")).to_have_value("coordinator")
    expect(page.locator("#password")).to_have_value("")

    submit_login(page, live_server, "nobody-by-this-name", "not-the-password")
    unknown_user = login_error(page)
    expect(page.locator("#username")).to_have_value("nobody-by-this-name")
    expect(page.locator("#password")).to_have_value("")

    assert wrong_password
    assert unknown_user == wrong_password
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    screenshot(page)


def test_account_locks_after_five_failures(page, live_server, live_app, screenshot):
    assert find_user(live_app, "contact").locked_until is None

    for attempt in range(5):
        submit_login(page, live_server, "contact", f"wrong-password-{attempt}")
        generic = login_error(page)

    submit_login(page, live_server, "contact", DEMO_PASSWORD)

    assert login_error(page) == generic
    assert page.url.startswith(f"{live_server}/login")
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    assert find_user(live_app, "contact").locked_until is not None
    screenshot(page)


def test_language_switch_changes_the_interface(page, live_server, live_app, new_context,
                                               screenshot):
    html = page.locator("html")
    heading = page.locator("main h1")

    page.goto(f"{live_server}/login")
    expect(html).to_have_attribute("lang", "da")
    danish_heading = heading.inner_text()

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text("Log in to VictimCare")
    assert danish_heading != "Log in to VictimCare", (
        "the default (Danish) login page shows the English heading: is the Danish catalog "
        "written and compiled (scripts/bootstrap runs pybabel compile)?")

    log_in(page, live_server, "amiami")  # her stored language is English
    expect(html).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Dansk").click()
    expect(html).to_have_attribute("lang", "da")

    page.goto(f"{live_server}/cases")
    expect(html).to_have_attribute("lang", "da")
    screenshot(page)

    # Stored on the account, not only in this browser's session: a new browser logs in Danish.
    assert find_user(live_app, "amiami").locale == "da"
    elsewhere = new_context().new_page()
    log_in(elsewhere, live_server, "amiami")
    expect(elsewhere.locator("html")).to_have_attribute("lang", "da")


def test_ngo_worker_is_refused_a_case_page_like_a_missing_one(page, live_server, screenshot):
    log_in(page, live_server, "reden")

    page.goto(f"{live_server}/cases")
    # Bee's support activity, and the women the demo houses at Reden's shelter (placements).
    rows = page.locator("main table tbody tr").filter(has_text="Bee")
    expect(rows).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Blessing")
    expect(page.locator("main")).not_to_contain_text("Okafor")
    reference = rows.first.locator("td").first.inner_text().strip()
    assert reference.startswith("VC-")

    missing = page.goto(f"{live_server}/cases/VC-0000-99999")
    missing_heading = page.locator("main h1").inner_text()

    refused = page.goto(f"{live_server}/cases/{reference}")
    assert (refused.status, missing.status) == (404, 404)
    expect(page.locator("main h1")).to_have_text(missing_heading)
    expect(page.locator("main")).not_to_contain_text("Okafor")
    screenshot(page)


def test_logout_is_a_post_and_the_old_cookie_dies(page, live_server, new_context, screenshot):
    log_in(page, live_server, "coordinator")
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)

    with page.expect_request(f"{live_server}/logout") as logout:
        page.locator("header form[action='/logout'] button").click()
    assert logout.value.method == "POST"
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server}/login")
    expect(page.get_by_test_id("current-user")).to_have_count(0)

    stranger = new_context()
    stranger.add_cookies([cookie])
    replay = stranger.new_page()
    replay.goto(f"{live_server}/cases")

    assert replay.url.startswith(f"{live_server}/login")
    expect(replay.locator("#username")).to_be_visible()
    expect(replay.get_by_test_id("current-user")).to_have_count(0)
    screenshot(replay)


def test_the_interface_in_danish_english_and_swedish_formats_dates_and_money(
        page, live_server, screenshot):
    """Issue 8: the staff UI in each language, with its own date and money formats (the
    occupancy page shows today's date, 2 March 2026 on the test clock, and Hørhuset's price,
    125 DKK a night)."""
    log_in(page, live_server, "coordinator")
    html = page.locator("html")
    lead = page.locator("main p.lead")
    price = page.locator("main tr").filter(has_text="Hørhuset")
    for button, lang, day, amount, heading in (
            ("Dansk", "da", "2. mar. 2026", "125,00\xa0kr.", "Indkvartering"),
            ("English", "en", "Mar 2, 2026", "DKK125.00", "Housing"),
            ("Svenska", "sv", "2 mars 2026", "125,00\xa0Dkr", "Boende")):
        page.locator("header form.locale-switch").get_by_role("button", name=button).click()
        expect(html).to_have_attribute("lang", lang)
        page.goto(f"{live_server}/housing")
        expect(page.locator("main h1")).to_contain_text(heading)
        expect(lead).to_contain_text(day)
        expect(price).to_contain_text(amount)
    save_screenshot_as = screenshot(page)
    assert save_screenshot_as.exists()
