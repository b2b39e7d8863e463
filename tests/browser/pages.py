"""What a person does again and again in the browser tests: log in, switch language, open a
task from the inbox, complete it, keep a labelled screenshot."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from victimcare.demo import DEMO_PASSWORD


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form[action='/login'] button[type=submit]").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()


def log_out(page: Page) -> None:
    page.locator("header form[action='/logout'] button").click()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def switch_to_english(page: Page) -> None:
    page.locator("header form.locale-switch button[value='en']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def log_in_in_english(page: Page, base_url: str, username: str) -> None:
    """Log in and switch to English (stored on the account, so later log-ins keep it)."""
    log_in(page, base_url, username)
    if page.locator("html").get_attribute("lang") != "en":
        switch_to_english(page)


def save_screenshot(screenshot, page: Page, label: str) -> Path:
    """The fixture names the file after the test; keep several by adding a label."""
    path = screenshot(page)
    return path.replace(path.with_name(f"{path.stem}-{label}{path.suffix}"))


def open_task_from_inbox(page: Page, base_url: str, reference: str, title: str) -> None:
    page.goto(f"{base_url}/tasks")
    row = page.get_by_test_id("task-row").filter(has_text=reference).filter(has_text=title)
    expect(row).to_have_count(1)
    row.locator("a[href^='/tasks/']").click()
    expect(page.locator("main h1")).to_have_text(title)
    expect(page.locator("main dl.task-facts")).to_contain_text(reference)


def complete_task(page: Page) -> None:
    """Press "Complete the task"; a valid form lands back in the task list with a success
    message (a refused one stays on the task page with its errors)."""
    page.locator("main form button[name=action][value=complete]").click()
    page.wait_for_url("**/tasks")
    expect(page.locator("main .flash-success")).to_have_text("Saved. The task is done.")


def time_passes(live_app, frozen_clock, **delta) -> None:
    """The test clock moves on and the timer sweep runs, as cron would run it."""
    from victimcare.workflow import services as workflow

    frozen_clock.advance(**delta)
    with live_app.app_context():
        workflow.run_due_timers()
