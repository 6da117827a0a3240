"""The customer picker in a real browser: past the list limit a director's order form lists no
customer; typing in the search box fills the select (htmx), one match is chosen by itself (and the
credit panel follows it), several are picked from, and the order is filed for the one picked."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.browser


@pytest.fixture
def org(transactional_db):
    from conftest import Org

    return Org()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_director_finds_the_customer_by_search_and_files_the_order(browser, live_server, org, language, settings):
    from customers.tests.factories import CustomerFactory
    from sales.models import Order
    from sales.tests.factories import ProductFactory

    settings.PICK_LIST_LIMIT = 2
    hengda = CustomerFactory(
        owner=org.rep1a1, name="上海恒达精密机械有限公司", code="HD-001", credit_limit=Decimal("88888.00")
    )
    acme = [CustomerFactory(owner=org.rep1b1, name=f"Acme {n}") for n in (1, 2)]
    product = ProductFactory(list_price=Decimal("200.00"), unit_cost=Decimal("50.00"))
    client = Client()
    client.force_login(org.director.user)
    context = browser.new_context(locale="zh-CN" if language == "zh-hans" else "en-US")
    context.add_cookies(
        [
            {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
             "url": live_server.url},
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url},
        ]
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/customers/sales/orders/new/")
    select = page.locator("#id_customer")
    # Three customers in scope, the limit is two: the select holds the empty choice only.
    assert select.locator("option").count() == 1
    search = page.locator("#id_customer_q")

    # Two match "acme": both are listed, none is chosen until the director picks one.
    search.fill("acme")
    page.wait_for_function("document.querySelectorAll('#id_customer option').length === 3")
    assert select.locator("option").all_inner_texts()[1:] == ["Acme 1", "Acme 2"]
    assert select.input_value() == ""
    select.select_option(str(acme[1].pk))
    panel = page.get_by_test_id("customer-credit-panel")
    panel.wait_for()
    assert "88" not in panel.inner_text()

    # One matches the start of its code: it is chosen by itself, and the credit panel follows it.
    search.fill("hd-0")
    page.wait_for_function(f"document.getElementById('id_customer').value === '{hengda.pk}'")
    assert select.locator("option").all_inner_texts()[1:] == ["上海恒达精密机械有限公司"]
    page.wait_for_function("document.getElementById('customer-credit').innerText.includes('88')")

    page.fill("input[name=date]", timezone.localdate().isoformat())
    page.select_option("select[name=lines-0-product]", str(product.pk))
    page.fill("input[name=lines-0-quantity]", "1")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/customers/sales/orders/\d+/$"))
    assert Order.objects.get().customer_id == hengda.pk
    context.close()


def test_a_director_filters_customers_by_an_owner_found_by_search(browser, live_server, org, settings):
    """The owner's search box sits in the filter form beside the form's own search field (`q`): it
    belongs to no form, so filtering sends the owner picked and not the text typed to find them."""
    from customers.tests.factories import CustomerFactory

    settings.PICK_LIST_LIMIT = 2
    CustomerFactory(owner=org.rep2a1, name="South Works")
    CustomerFactory(owner=org.rep1a1, name="East Works")
    client = Client()
    client.force_login(org.director.user)
    context = browser.new_context(locale="en-US")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
          "url": live_server.url}]
    )  # fmt: skip
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/customers/")
    assert page.locator("#id_owner option").count() == 1
    page.locator("#id_owner_q").fill(org.rep2a1.name)
    page.wait_for_function(f"document.getElementById('id_owner').value === '{org.rep2a1.pk}'")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(rf"owner={org.rep2a1.pk}"))
    query = page.evaluate("location.search")
    assert re.search(r"(^|[?&])q=(&|$)", query), query  # the filter's own search: empty
    assert org.rep2a1.name.replace(" ", "+") not in query
    assert page.get_by_text("South Works").count() == 1
    assert page.get_by_text("East Works").count() == 0
    context.close()
