"""On a phone (390x844) a rep reaches the expense claim in one tap from the home; the home, the
visit form and the expense form fit the screen (no sideways scroll) with every visible control at
least 44 px tall; a flagged visit shows its flag in the phone's visit list."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
CONTROLS = "main input:not([type=hidden]), main select, main textarea, main button, main .btn"
TOO_SMALL = f"""() => [...document.querySelectorAll('{CONTROLS}')]
  .filter(e => e.offsetParent !== null && e.type !== 'checkbox' && e.type !== 'radio')
  .filter(e => e.getBoundingClientRect().height < 44)
  .map(e => (e.name || e.id || e.textContent.trim()).slice(0, 40)
    + ' ' + Math.round(e.getBoundingClientRect().height))"""


@pytest.fixture
def org(transactional_db):
    from conftest import Org
    from customers.tests.factories import CustomerFactory, VisitFactory

    org = Org()
    customer = CustomerFactory(owner=org.rep1a1, name="上海恒达精密机械有限公司")
    VisitFactory(customer=customer, evidence="far")
    return org


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_rep_on_a_phone_files_an_expense_in_one_tap_and_every_form_fits(browser, live_server, org, language):
    client = Client()
    client.force_login(org.rep1a1.user)
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US", **PHONE)
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
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/")
    link = page.locator("[data-testid=file-expense]")
    assert link.bounding_box()["height"] >= 44
    link.tap()
    page.wait_for_url("**/customers/expenses/new/")
    for path in ("/", "/customers/visits/new/", "/customers/expenses/new/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width} px"
        assert page.evaluate(TOO_SMALL) == [], path
    # A flagged visit shows its flag on the phone's list too (the kind column is hidden there).
    page.goto(live_server.url + "/customers/visits/")
    assert page.locator("[data-testid=flag-phone]").is_visible()
    context.close()
