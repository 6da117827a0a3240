"""Fixtures of the cross-cutting tests: the shared demo world of the security tests (see
tests/security_world.py) and a real browser for the browser tests."""

import os

import pytest

from tests.browser import AxeWatch
from tests.security_world import world  # noqa: F401

CHROMIUM = "/usr/bin/chromium"  # Debian's package; `playwright install` is not used
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, one per test module (each test opens its own context).
    Every context a test opens is watched: axe-core runs on each page it navigated to (tests/browser.py)."""
    # Playwright's sync API runs an event loop in this thread; Django's ORM must be allowed to run
    # beside it in the test thread.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watch = AxeWatch()
        open_context = browser.new_context
        browser.new_context = lambda *args, **kwargs: watch.track(open_context(*args, **kwargs))
        browser.axe_watch = watch
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A browser test that passed fails on any critical or serious axe-core violation on a page it
    opened (checked while its data is still there, before the fixtures' teardown)."""
    browser = getattr(item, "funcargs", {}).get("browser")
    watch = getattr(browser, "axe_watch", None)
    if watch is None:
        return (yield)
    watch.start(enabled=not getattr(item.module, "AXE_CHECKED_HERE", False))
    result = yield
    found = watch.finish()
    assert not found, "axe-core, critical or serious:\n" + "\n".join(found)
    return result
