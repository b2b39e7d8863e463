"""Fixtures for the browser tests: a live server on a fresh demo database, and Chromium.

Each test gets its own migrated database seeded with the demo data (``victimcare.demo``),
served by Werkzeug on a free port in a background thread, and a new browser context (its own
cookies). The browser is Debian's Chromium (``/usr/bin/chromium``), started once per run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_settings
from victimcare import create_app
from victimcare.demo import seed
from victimcare.extensions import db

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
#: How long a single wait (a page load, a locator) may take before the test fails.
TIMEOUT_MS = 5_000


@pytest.fixture
def live_app(database_url, tmp_path):
    """The application on this test's fresh database, with the demo data seeded."""
    app = create_app(make_settings(database_url), instance_path=str(tmp_path / "instance"))
    with app.app_context():
        seed()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app) -> Iterator[str]:
    """The base URL of ``live_app`` served over HTTP on 127.0.0.1 and a free port."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/test, which installs Debian's Chromium "
                    "for the browser tests.", pytrace=False)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start ({exc}); run scripts/test, which "
                    "installs it.", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_context(browser) -> Iterator:
    """Make more browser contexts (separate cookie jars) in one test; closed at the end."""
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


@pytest.fixture
def screenshot(request):
    """``screenshot(page)`` saves the whole page as test-artifacts/screenshots/<test>.png."""

    def take(page: Page) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
