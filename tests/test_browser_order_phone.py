"""The order form on a 390 px phone (issue #18): no sideways scroll, a discount, and a third credit
share added with a tap; the payment-plan and history pages fit the screen too."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


@pytest.fixture
def org(transactional_db):
    from conftest import Org

    return Org()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_rep_enters_an_order_with_three_shares_on_a_phone(browser, live_server, org, language):
    from sales.models import Order
    from sales.tests.factories import CustomerFactory, ProductFactory

    customer = CustomerFactory(owner=org.rep1a1, name="上海恒达精密机械有限公司")
    product = ProductFactory(list_price=Decimal("200.00"), unit_cost=Decimal("50.00"))
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
    page.goto(live_server.url + "/customers/sales/orders/new/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the order form scrolls sideways: {width} px"
    from django.utils import timezone

    page.fill("input[name=date]", timezone.localdate().isoformat())
    page.select_option("select[name=customer]", str(customer.pk))
    page.select_option("select[name=lines-0-product]", str(product.pk))
    page.fill("input[name=lines-0-quantity]", "2")
    page.fill("input[name=lines-0-discount_percent]", "10")
    page.locator("#add-share").tap()  # two share rows are there; a third one now
    for i, (person, percent) in enumerate([(org.rep1a1, "50"), (org.rep1a2, "30"), (org.junior1a, "20")]):
        page.select_option(f"select[name=shares-{i}-rep]", str(person.pk))
        page.fill(f"input[name=shares-{i}-percent]", percent)
    page.locator("form button[type=submit]").last.tap()
    page.wait_for_url(re.compile(r"/customers/sales/orders/\d+/$"))
    order = Order.objects.get()
    # 10 % off 200.00 = 180.00; 2 units = 360.00, split 50/30/20.
    assert order.total_amount == Decimal("360.00") and order.shares.count() == 3
    for path in (f"/customers/sales/orders/{order.pk}/", f"/customers/sales/orders/{order.pk}/history/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} scrolls sideways: {width} px"
    context.close()
