"""Fixtures of the cross-cutting tests: the shared demo world of the security tests (see
tests/security_world.py) and a real browser for the browser tests."""

import os

import pytest

from tests.security_world import world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `playwright install` is not used
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, one per test module (each test opens its own context)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM must be allowed to run
    # beside it in the test thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
