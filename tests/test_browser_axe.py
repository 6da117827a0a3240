"""Accessibility: axe-core (vendored from npm into static/vendor/axe-core) run in Debian's Chromium
on every page without parameters that the director and a rep can open, in Chinese and in English.
A critical or serious violation fails the test, naming the page, the rule and the elements."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

# The pages' accessibility does not depend on the database: CI's first pass (SQLite) runs it, its
# PostgreSQL pass skips it (two minutes of a worker, kept for CI's 30 minutes).
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        "postgresql" in settings.DATABASES["default"]["ENGINE"], reason="runs on SQLite (CI's first pass)"
    ),
]
# Every page of this test is checked here, as it is opened; the browser fixture need not again.
AXE_CHECKED_HERE = True

AXE = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
# Pages that answer a file, a redirect or a POST-only action rather than a page to read.
NOT_PAGES = ("export", "download", "import-template", "language", "set-language", "action", "run-now", "photo")


def _pages() -> list[str]:
    from tests.test_security_access import page_params, page_routes

    paths = []
    for route, name, pattern in page_routes():
        if page_params(pattern) or any(word in name for word in NOT_PAGES):
            continue
        paths.append("/" + route)
    return sorted(set(paths))


def _readable(client: Client, paths: list[str]) -> list[str]:
    """The pages this user reads: a GET answering 200 with a whole HTML document (not a POST-only
    action, a file or an htmx fragment)."""
    readable = []
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and b"<html" in response.content[:500]:
            readable.append(path)
    return readable


def _violations(page, url: str) -> list[str]:
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => v.impact === 'critical' || v.impact === 'serious')"
        ".map(v => v.impact + ' ' + v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))"
    )
    return [f"{url} {line}" for line in results]


@pytest.fixture
def org(transactional_db):
    from conftest import Org
    from customers.tests.factories import CustomerFactory, StakeholderFactory, VisitFactory

    org = Org()
    customer = CustomerFactory(owner=org.rep1a1, name="上海恒达精密机械有限公司")
    StakeholderFactory(customer=customer, name="王总")
    VisitFactory(customer=customer)
    return org


def _context(browser, live_server, client: Client, language: str):
    context = browser.new_context(
        locale="zh-CN" if language == "zh-hans" else "en-US", viewport={"width": 1440, "height": 900}
    )
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            },
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )
    return context


@pytest.mark.parametrize(("role", "language"), [("director", "zh-hans"), ("rep1a1", "en")])
def test_no_critical_or_serious_violation_on_any_page(browser, live_server, org, role, language):
    client = Client()
    client.force_login(getattr(org, role).user)
    paths = _readable(client, _pages())
    assert len(paths) > 20
    context = _context(browser, live_server, client, language)
    page = context.new_page()
    page.set_default_timeout(20_000)
    found: list[str] = []
    for path in paths:
        found += _violations(page, live_server.url + path)
    context.close()
    assert not found, "\n".join(found)
