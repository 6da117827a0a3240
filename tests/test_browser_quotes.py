"""Issue 18's last walk, in a real browser on a phone (390x844), in Chinese and in English: a rep
turns an opportunity into a quotation with a line discounted beyond the approval matrix's limit and
submits it; the team manager approves it from the approval inbox; the rep records that the customer
accepted it and converts it into an order. Every page the walk opens fits the phone's width and is
checked by axe-core (the browser fixture, tests/conftest.py)."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser import PHONE, Screens, log_in, new_context
from tests.test_browser_walks import LANGUAGES, PASSWORD, label

pytestmark = pytest.mark.browser


@pytest.fixture
def org(transactional_db):
    """The walks' org (tests/test_browser_walks.py): every person logs in with PASSWORD."""
    from conftest import Org

    org = Org()
    for person in org.people:
        person.user.set_password(PASSWORD)
        person.user.save(update_fields=["password"])
    return org


def fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways: {width} px"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rep_quotes_a_deep_discount_the_manager_approves_it_and_it_becomes_an_order_on_a_phone(
    browser, live_server, org, language, tmp_path
):
    from customers.tests.factories import CustomerFactory
    from sales.models import Order, OrderStatus, PipelineStage, Quotation, QuotationStatus
    from sales.services import pipeline as pipeline_services
    from sales.tests.factories import ProductFactory, set_approval_limits

    # Given: a line discounted more than 15 % needs the team manager; orders up to 100,000 need nobody.
    set_approval_limits(amount="100000", discount="15")
    customer = CustomerFactory(owner=org.rep1a1, name="上海恒达精密机械有限公司")
    product = ProductFactory(code="PUMP-200", name="离心泵", list_price=Decimal("200.00"), unit_cost=Decimal("50.00"))
    opportunity = pipeline_services.opportunity_create(
        name="恒达扩产 / expansion",
        customer=customer,
        owner=org.rep1a1,
        expected_amount=Decimal("480.00"),
        expected_close_date=timezone.localdate() + timedelta(days=60),
        # The migration's stages are gone after an earlier transactional test's flush: one is enough.
        stage=PipelineStage.objects.filter(is_active=True, is_won=False, is_lost=False).order_by("order").first()
        or PipelineStage.objects.create(name="Lead", order=10, probability=10),
    )
    shot = Screens("quote-phone", language, tmp_path)

    # The rep, on a phone, opens the opportunity and makes a quotation: 3 pumps at 20 % off.
    rep = new_context(browser, live_server, language, **PHONE)
    page = rep.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, "rep1a1", PASSWORD)
    page.goto(live_server.url + reverse("sales:opportunity-detail", args=[opportunity.pk]))
    fits(page)
    shot(page, "1-opportunity")
    page.get_by_test_id("new-quotation").tap()
    page.wait_for_url(f"**{reverse('sales:quotation-create', args=[opportunity.pk])}")
    assert page.input_value("#id_valid_until") == (timezone.localdate() + timedelta(days=30)).isoformat()
    page.select_option("select[name=lines-0-product]", str(product.pk))
    page.fill("input[name=lines-0-quantity]", "3")
    page.fill("input[name=lines-0-discount_percent]", "20")
    fits(page)
    shot(page, "2-quotation-form")
    page.get_by_test_id("save-quotation").tap()
    page.wait_for_url(re.compile(r"/sales/quotations/\d+/$"))
    quotation = Quotation.objects.get()
    # 200.00 at 20 % off = 160.00; 3 x 160.00 = 480.00.
    assert quotation.total_amount == Decimal("480.00")
    with page.expect_navigation():
        page.get_by_test_id("submit-quotation").tap()
    status = page.get_by_test_id("quotation-status")
    assert status.inner_text() == label(language, QuotationStatus.PENDING.label)
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.PENDING
    fits(page)
    shot(page, "3-pending")
    rep.close()

    # The team manager, on his phone, approves it from the approval inbox.
    manager = new_context(browser, live_server, language, **PHONE)
    page = manager.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, "tm1a", PASSWORD)
    page.goto(live_server.url + reverse("approval-inbox"))
    row = page.locator(f"tr[data-item='quotation:{quotation.pk}']")
    assert row.count() == 1 and quotation.number in row.inner_text()
    assert "480.00" in row.inner_text()
    shot(page, "4-inbox")
    with page.expect_navigation():
        row.get_by_role("button", name=label(language, "Approve"), exact=True).tap()
    quotation.refresh_from_db()
    assert quotation.status == QuotationStatus.APPROVED
    assert page.locator(f"tr[data-item='quotation:{quotation.pk}']").count() == 0
    fits(page)
    manager.close()

    # The rep records that the customer accepted it and converts it into an order.
    rep = new_context(browser, live_server, language, **PHONE)
    page = rep.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, "rep1a1", PASSWORD)
    page.goto(live_server.url + reverse("sales:quotation-detail", args=[quotation.pk]))
    assert page.get_by_test_id("quotation-status").inner_text() == label(language, QuotationStatus.APPROVED.label)
    with page.expect_navigation():
        page.get_by_test_id("accept-quotation").tap()
    assert page.get_by_test_id("quotation-status").inner_text() == label(language, QuotationStatus.ACCEPTED.label)
    shot(page, "5-accepted")
    page.get_by_test_id("convert-quotation").tap()
    page.wait_for_url(re.compile(r"/sales/orders/\d+/$"))
    fits(page)
    shot(page, "6-order")

    # Then: the month's first order, SO<year><month>-00001, of 480.00, confirmed without a second
    # discount approval; the quotation is converted and names it.
    order = Order.objects.get()
    today = timezone.localdate()
    assert order.number == f"SO{today:%Y%m}-00001"
    assert (order.total_amount, order.status, order.customer) == (Decimal("480.00"), OrderStatus.CONFIRMED, customer)
    assert not order.approval_steps.exists()
    assert order.number in page.content()
    quotation.refresh_from_db()
    assert (quotation.status, quotation.order) == (QuotationStatus.CONVERTED, order)
    page.goto(live_server.url + reverse("sales:quotation-detail", args=[quotation.pk]))
    assert page.get_by_test_id("quotation-order").inner_text() == order.number
    fits(page)
    rep.close()
    assert len(shot.taken) == 6
