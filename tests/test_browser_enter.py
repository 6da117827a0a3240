"""Enter in a one-line field does not file a form of several fields (static/js/forms.js), in a real
browser (Debian's Chromium) on a phone: a half-written visit report is not filed by the keyboard."""

from __future__ import annotations

from decimal import Decimal

import pytest

CUSTOMER = (Decimal("31.230000"), Decimal("121.470000"))
PHONE = {"latitude": 31.23, "longitude": 121.47}


@pytest.mark.browser
def test_enter_moves_on_instead_of_filing_the_visit(live_server, transactional_db, browser):
    from conftest import Org
    from customers.tests.factories import CustomerFactory
    from fieldwork.models import Visit

    org = Org()
    org.rep1a1.user.set_password("pw-browser-1")
    org.rep1a1.user.save()
    customer = CustomerFactory(
        owner=org.rep1a1, name="上海恒达精密机械有限公司", latitude=CUSTOMER[0], longitude=CUSTOMER[1]
    )

    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        geolocation=PHONE,
        permissions=["geolocation"],
        locale="zh-CN",
    )
    page = context.new_page()
    page.set_default_timeout(20_000)

    # The login form keeps the browser's Enter: typing the password and pressing Enter logs in.
    page.goto(f"{live_server.url}/login/?next=/customers/visits/new/%3Fcustomer%3D{customer.pk}")
    page.fill("input[name=username]", "rep1a1")
    page.fill("input[name=password]", "pw-browser-1")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"**/customers/visits/new/?customer={customer.pk}")
    new_visit_url = page.url

    # Enter in the purpose (a one-line field) moves to the next field and files nothing.
    page.fill("#id_purpose", "新品介绍")
    page.press("#id_purpose", "Enter")
    page.wait_for_timeout(500)
    assert page.url == new_visit_url
    assert Visit.objects.count() == 0
    assert page.evaluate("document.activeElement.name") == "outcome"

    # A textarea still takes Enter: a new line.
    page.press("#id_outcome", "End")
    page.keyboard.type("客户要求报价")
    page.keyboard.press("Enter")
    page.keyboard.type("下周送样")
    assert page.input_value("#id_outcome") == "客户要求报价\n下周送样"
    assert page.url == new_visit_url
    assert Visit.objects.count() == 0

    # The submit button still files the visit.
    page.click("[data-testid=check-in]")
    page.wait_for_function("document.getElementById('id_latitude').value !== ''")
    page.click("[data-testid=submit-visit]")
    page.wait_for_url("**/customers/visits/*/")
    visit = Visit.objects.get()
    assert visit.purpose == "新品介绍"
    assert visit.outcome.replace("\r\n", "\n") == "客户要求报价\n下周送样"
    context.close()
