"""Quotations (issue 18): from an opportunity to an approved quote to an order.

Services, pages and the API: the amounts worked by hand, a discount above the matrix's limit that
waits for the team manager (notified, in the approval inbox), the second-person rule, the data
scope (404 outside it), bad input answered 400 naming the field with nothing written, and the
order the accepted quote becomes, whose discount is not approved a second time."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from notifications.models import Notification, NotificationKind
from sales import services
from sales.models import (
    ApprovalLevel,
    Order,
    OrderStatus,
    PipelineStage,
    Quotation,
    QuotationLine,
    QuotationStatus,
    StepStatus,
)
from sales.services import pipeline as pipeline_services
from sales.services import quotes
from sales.services.quotes import QuoteLineInput
from sales.tests.factories import CustomerFactory, ProductFactory, set_approval_limits
from salesorg.exceptions import ApplicationError, NotAllowed

D = Decimal


@pytest.fixture
def world(org):
    """rep1a1's customer and opportunity; two products; the default matrix with a 15 % discount
    limit (a line discounted more than 15.00 % needs the team manager), amounts up to 100,000."""
    set_approval_limits(amount="100000", discount="15")
    customer = CustomerFactory(owner=org.rep1a1, name="上海恒达精密机械有限公司")
    stage = PipelineStage.objects.filter(is_active=True, is_won=False, is_lost=False).order_by("order").first()
    opportunity = pipeline_services.opportunity_create(
        name="恒达 2027 扩产",
        customer=customer,
        owner=org.rep1a1,
        expected_amount=D("1000.00"),
        expected_close_date=timezone.localdate() + timedelta(days=60),
        stage=stage,
    )
    big = ProductFactory(code="PUMP-200", list_price=D("200.00"), unit_cost=D("50.00"))
    small = ProductFactory(code="SEAL-100", list_price=D("100.00"), unit_cost=D("30.00"))
    return {"customer": customer, "opportunity": opportunity, "big": big, "small": small}


def deep_lines(world) -> list[QuoteLineInput]:
    # 3 x 200.00 at 20 % off = 3 x 160.00 = 480.00; 5 x 100.00 at 5 % off = 5 x 95.00 = 475.00.
    return [
        QuoteLineInput(product=world["big"], quantity=D("3"), discount_percent=D("20")),
        QuoteLineInput(product=world["small"], quantity=D("5"), discount_percent=D("5")),
    ]


def quote(world, user, lines=None) -> Quotation:
    return quotes.quote_from_opportunity(opportunity=world["opportunity"], user=user, lines=lines or deep_lines(world))


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


# --- services ---------------------------------------------------------------------------------


def test_a_quote_from_an_opportunity_prices_its_lines(org, world):
    q = quote(world, org.rep1a1.user)
    today = timezone.localdate()
    assert q.number == f"Q{today:%Y%m}-0001"
    assert (q.customer, q.opportunity, q.owner, q.created_by) == (
        world["customer"],
        world["opportunity"],
        org.rep1a1,
        org.rep1a1,
    )
    assert (q.team, q.region, q.status) == (org.t1a, org.r1, QuotationStatus.DRAFT)
    assert q.valid_until == today + timedelta(days=30)
    rows = [(line.unit_price, line.amount) for line in q.lines.order_by("id")]
    assert rows == [(D("160.00"), D("480.00")), (D("95.00"), D("475.00"))]
    # 480.00 + 475.00 = 955.00
    assert q.total_amount == D("955.00")
    assert q.history.count() >= 1 and QuotationLine.history.filter(quotation_id=q.pk).count() == 2
    second = quote(world, org.rep1a1.user)
    assert second.number == f"Q{today:%Y%m}-0002"


def test_a_discount_within_the_limit_is_approved_at_once(org, world):
    # 15 % is the limit itself: "above" starts at 15.01 %.
    lines = [QuoteLineInput(product=world["big"], quantity=D("1"), discount_percent=D("15"))]
    q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user, lines), user=org.rep1a1.user)
    assert q.status == QuotationStatus.APPROVED
    assert not q.approval_steps.exists()


def test_a_discount_above_the_limit_waits_for_the_team_manager_who_is_notified(org, world):
    q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user)
    assert q.status == QuotationStatus.PENDING
    step = q.approval_steps.get()
    assert (step.level, step.status, step.sequence) == (ApprovalLevel.TEAM_MANAGER, StepStatus.WAITING, 1)
    assert "PUMP-200" in q.approval_reason and "20.0%" in q.approval_reason
    note = Notification.objects.get(recipient=org.tm1a)
    assert note.kind == NotificationKind.APPROVAL and q.number in note.title
    # Only tm1a was told (another team's manager, the owner: nothing).
    assert not Notification.objects.filter(recipient__in=[org.tm1b, org.rep1a1]).exists()
    assert [s.quotation_id for s in quotes.quotations_awaiting(org.tm1a.user)] == [q.pk]
    assert quotes.quotations_awaiting(org.tm1b.user) == []
    assert quotes.quotations_awaiting(org.rep1a1.user) == []


def test_a_discount_step_that_waits_too_long_moves_up_until_the_director(org, world, settings):
    """As an order's step does: after APPROVAL_ESCALATION_HOURS the step goes to the level above
    (its people notified, the step waiting anew), and the one below can no longer decide it."""
    from sales.models import QuotationApprovalStep
    from sales.tasks import escalate_approvals

    settings.APPROVAL_ESCALATION_HOURS = 48
    q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user)
    step = q.approval_steps.get()

    def waited(hours: int) -> None:
        QuotationApprovalStep.objects.filter(pk=step.pk).update(waiting_since=timezone.now() - timedelta(hours=hours))

    waited(47)  # not yet stale
    assert escalate_approvals() == 0
    waited(49)
    assert escalate_approvals() == 1
    step.refresh_from_db()
    assert (step.level, step.status, step.escalated_at is not None) == (
        ApprovalLevel.REGIONAL_MANAGER,
        StepStatus.WAITING,
        True,
    )
    assert step.history.first().history_change_reason == "escalated"
    assert escalate_approvals() == 0  # it waits anew from now
    assert quotes.quotations_awaiting(org.tm1a.user) == []
    assert [s.pk for s in quotes.quotations_awaiting(org.rm1.user)] == [step.pk]
    assert quotes.quotations_awaiting(org.rm2.user) == []  # another region's manager
    assert (
        Notification.objects.filter(recipient=org.rm1, kind=NotificationKind.APPROVAL, title__contains=q.number).count()
        == 1
    )
    decide = {"items": [f"quotation:{q.pk}"], "decision": "approve"}
    assert api(org.tm1a).post("/api/v1/inbox/decide/", decide, format="json").status_code == 404

    waited(49)  # the regional manager did not decide either: the director's
    assert escalate_approvals() == 1
    step.refresh_from_db()
    assert step.level == ApprovalLevel.DIRECTOR
    assert quotes.quotations_awaiting(org.rm1.user) == []
    assert Notification.objects.filter(recipient=org.director, title__contains=q.number).count() == 1
    waited(100)  # the director's step stays the director's
    assert escalate_approvals() == 0
    assert api(org.director).post("/api/v1/inbox/decide/", decide, format="json").json() == {"decided": 1}
    q.refresh_from_db()
    step.refresh_from_db()
    assert (q.status, step.status, step.decided_by) == (QuotationStatus.APPROVED, StepStatus.APPROVED, org.director)


def test_the_owner_cannot_approve_their_own_quote(org, world):
    q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user)
    with pytest.raises(NotAllowed):
        quotes.quote_approve(quotation=q, user=org.rep1a1.user)
    # A rep of the same team sees nothing of it (rep scope: self): refused before any write.
    with pytest.raises(ApplicationError):
        quotes.quote_approve(quotation=q, user=org.rep1a2.user)
    q.refresh_from_db()
    assert q.status == QuotationStatus.PENDING


def test_a_manager_who_made_the_quote_does_not_approve_it_the_step_moves_up(org, world):
    q = quotes.quote_submit(quotation=quote(world, org.tm1a.user), user=org.tm1a.user)
    assert q.created_by == org.tm1a and q.owner == org.rep1a1
    step = q.approval_steps.get()
    # Nobody else holds the team manager's level over 上海一组: the regional manager decides.
    assert step.level == ApprovalLevel.REGIONAL_MANAGER
    with pytest.raises(NotAllowed):
        quotes.quote_approve(quotation=q, user=org.tm1a.user)
    q = quotes.quote_approve(quotation=q, user=org.rm1.user)
    assert q.status == QuotationStatus.APPROVED


def test_a_director_who_made_a_quote_does_not_approve_it(org, world, django_user_model):
    q = quotes.quote_submit(quotation=quote(world, org.director.user), user=org.director.user)
    # Approval is by a manager above the one who filed it: above a director, only an admin.
    assert q.approval_steps.get().level == ApprovalLevel.DIRECTOR
    for person in (org.director, org.rm1, org.tm1a):
        with pytest.raises(NotAllowed):
            quotes.quote_approve(quotation=q, user=person.user)
    admin = django_user_model.objects.create_superuser("quote-admin", "a@example.com", "pw")
    assert quotes.quote_approve(quotation=q, user=admin).status == QuotationStatus.APPROVED


def test_a_rejection_needs_a_reason_and_writes_nothing_without_one(org, world):
    q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user)
    with pytest.raises(ApplicationError) as refused:
        quotes.quote_reject(quotation=q, user=org.tm1a.user, reason="  ")
    assert "reason" in refused.value.fields
    assert q.approval_steps.get().status == StepStatus.WAITING
    q = quotes.quote_reject(quotation=q, user=org.tm1a.user, reason="折扣太大")
    assert q.status == QuotationStatus.REJECTED
    step = q.approval_steps.get()
    assert (step.status, step.decided_by, step.reason) == (StepStatus.REFUSED, org.tm1a, "折扣太大")
    # The owner lowers the discount: back to draft, then approved at once (10 % is within the limit).
    lines = [QuoteLineInput(product=world["big"], quantity=D("3"), discount_percent=D("10"))]
    q = quotes.quote_update(quotation=q, user=org.rep1a1.user, lines=lines)
    assert (q.status, q.total_amount) == (QuotationStatus.DRAFT, D("540.00"))  # 3 x 180.00
    assert quotes.quote_submit(quotation=q, user=org.rep1a1.user).status == QuotationStatus.APPROVED


def test_accepted_only_while_valid_and_approved(org, world):
    q = quote(world, org.rep1a1.user)
    with pytest.raises(ApplicationError) as refused:
        quotes.quote_accept(quotation=q, user=org.rep1a1.user)
    assert "status" in refused.value.fields
    q = quotes.quote_submit(quotation=q, user=org.rep1a1.user)
    q = quotes.quote_approve(quotation=q, user=org.tm1a.user)
    later = q.valid_until + timedelta(days=1)
    with pytest.raises(ApplicationError) as refused:
        quotes.quote_accept(quotation=q, user=org.rep1a1.user, today=later)
    assert "valid_until" in refused.value.fields
    q.refresh_from_db()
    assert q.status == QuotationStatus.APPROVED
    q = quotes.quote_send(quotation=q, user=org.rep1a1.user)
    assert quotes.quote_accept(quotation=q, user=org.rep1a1.user).status == QuotationStatus.ACCEPTED


def test_a_declined_quote_keeps_the_reason(org, world):
    q = quotes.quote_decline(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user, reason="预算不足")
    assert q.status == QuotationStatus.DECLINED and "预算不足" in q.notes
    with pytest.raises(ApplicationError):
        quotes.quote_accept(quotation=q, user=org.rep1a1.user)


def test_the_accepted_quote_becomes_a_confirmed_order_without_a_second_discount_approval(org, world):
    q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user)
    q = quotes.quote_approve(quotation=q, user=org.tm1a.user)
    q = quotes.quote_accept(quotation=q, user=org.rep1a1.user)
    order = quotes.quote_convert(quotation=q, user=org.rep1a1.user)
    q.refresh_from_db()
    assert (q.status, q.order) == (QuotationStatus.CONVERTED, order)
    # 480.00 + 475.00 = 955.00, below the 100,000 amount rule: confirmed, no step.
    assert (order.total_amount, order.status) == (D("955.00"), OrderStatus.CONFIRMED)
    assert not order.approval_steps.exists()
    assert [(line.product, line.quantity, line.unit_price) for line in order.lines.order_by("id")] == [
        (world["big"], D("3.00"), D("160.00")),
        (world["small"], D("5.00"), D("95.00")),
    ]
    share = order.shares.get()
    assert (share.rep, share.percent, share.amount) == (org.rep1a1, D("100.00"), D("955.00"))
    assert order.created_by == org.rep1a1 and order.date == timezone.localdate()
    # Converted once only.
    with pytest.raises(ApplicationError):
        quotes.quote_convert(quotation=q, user=org.rep1a1.user)
    assert Order.objects.count() == 1


def test_an_order_asks_again_for_a_discount_beyond_the_one_approved(org, world):
    """The order service's `approved_discount`: up to it no discount rule matches; beyond it does."""
    set_approval_limits(amount="100000", discount="15")
    line = [services.LineInput(product=world["big"], quantity=D("1"), unit_price=D("160.00"))]  # 20 % off

    def order(**kwargs):
        made = services.order_create(
            customer=world["customer"], date=timezone.localdate(), lines=line, submit=True, **kwargs
        )
        made.refresh_from_db()
        return made

    assert order().status == OrderStatus.PENDING
    assert order(approved_discount=D("20")).status == OrderStatus.CONFIRMED
    assert order(approved_discount=D("10")).status == OrderStatus.PENDING


def test_bad_input_names_the_field_and_writes_nothing(org, world):
    user = org.rep1a1.user
    cases = [
        ({"lines": []}, "lines"),
        ({"lines": [QuoteLineInput(product=world["big"], quantity=D("0"))]}, "quantity"),
        (
            {"lines": [QuoteLineInput(product=world["big"], quantity=D("1"), discount_percent=D("101"))]},
            "discount_percent",
        ),
        ({"valid_until": timezone.localdate() - timedelta(days=1)}, "valid_until"),
    ]
    for kwargs, field in cases:
        args = {"opportunity": world["opportunity"], "user": user, "lines": deep_lines(world), **kwargs}
        with pytest.raises(ApplicationError) as refused:
            quotes.quote_from_opportunity(**args)
        assert field in refused.value.fields, field
    assert not Quotation.objects.exists() and not QuotationLine.objects.exists()


def test_a_rep_of_another_team_cannot_quote_for_the_customer(org, world):
    with pytest.raises(ApplicationError) as refused:
        quote(world, org.rep1b1.user)
    assert "opportunity" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        quotes.quote_create(customer=world["customer"], user=org.rep1b1.user, lines=deep_lines(world))
    assert "customer" in refused.value.fields
    assert not Quotation.objects.exists()


# --- pages ------------------------------------------------------------------------------------


def line_post(product, quantity, discount, *, valid_until=None) -> dict:
    return {
        "valid_until": (valid_until or timezone.localdate() + timedelta(days=30)).isoformat(),
        "notes": "",
        "lines-TOTAL_FORMS": 1,
        "lines-INITIAL_FORMS": 0,
        "lines-0-product": product.pk,
        "lines-0-quantity": quantity,
        "lines-0-discount_percent": discount,
    }


def test_pages_from_the_opportunity_to_the_order(client, org, world):
    opportunity = world["opportunity"]
    client.force_login(org.rep1a1.user)
    page = client.get(reverse("sales:opportunity-detail", args=[opportunity.pk]))
    assert reverse("sales:quotation-create", args=[opportunity.pk]) in page.content.decode()
    response = client.post(reverse("sales:quotation-create", args=[opportunity.pk]), line_post(world["big"], "2", "25"))
    q = Quotation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("sales:quotation-detail", args=[q.pk])
    # 2 x 200.00 at 25 % off = 2 x 150.00 = 300.00
    assert q.total_amount == D("300.00")
    detail = client.get(reverse("sales:quotation-detail", args=[q.pk])).content.decode()
    assert 'data-testid="submit-quotation"' in detail and 'data-testid="approve-quotation"' not in detail
    assert client.post(reverse("sales:quotation-action", args=[q.pk, "submit"])).status_code == 302
    q.refresh_from_db()
    assert q.status == QuotationStatus.PENDING
    # The owner gets 403 approving; another team's manager, another region's, another team's rep: 404.
    assert client.post(reverse("sales:quotation-action", args=[q.pk, "approve"])).status_code == 403
    for person in (org.tm1b, org.rm2, org.rep1b1):
        client.force_login(person.user)
        assert client.get(reverse("sales:quotation-detail", args=[q.pk])).status_code == 404, person.name
        assert client.post(reverse("sales:quotation-action", args=[q.pk, "approve"])).status_code == 404
    q.refresh_from_db()
    assert q.status == QuotationStatus.PENDING
    # The team manager decides it from the approval inbox.
    client.force_login(org.tm1a.user)
    inbox = client.get(reverse("approval-inbox")).content.decode()
    assert q.number in inbox
    response = client.post(reverse("approval-inbox-decide"), {"item": f"quotation:{q.pk}", "decision": "approve"})
    assert response.status_code in (200, 302)
    q.refresh_from_db()
    assert q.status == QuotationStatus.APPROVED
    client.force_login(org.rep1a1.user)
    client.post(reverse("sales:quotation-action", args=[q.pk, "accept"]))
    response = client.post(reverse("sales:quotation-action", args=[q.pk, "convert"]))
    q.refresh_from_db()
    assert q.status == QuotationStatus.CONVERTED
    assert response["Location"] == reverse("sales:order-detail", args=[q.order_id])
    assert q.order.total_amount == D("300.00") and q.order.status == OrderStatus.CONFIRMED


def test_a_bad_line_on_the_page_answers_400_and_writes_nothing(client, org, world):
    client.force_login(org.rep1a1.user)
    url = reverse("sales:quotation-create", args=[world["opportunity"].pk])
    for post in (
        line_post(world["big"], "0", "5"),
        line_post(world["big"], "1", "120"),
        line_post(world["big"], "1", "5", valid_until=date(2000, 1, 1)),
    ):
        assert client.post(url, post).status_code == 400
    assert not Quotation.objects.exists()
    assert client.get(reverse("sales:quotation-action", args=[1, "submit"])).status_code == 405


def test_editing_lines_of_a_draft(client, org, world):
    q = quote(world, org.rep1a1.user)
    client.force_login(org.rep1a1.user)
    url = reverse("sales:quotation-edit", args=[q.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, line_post(world["small"], "4", "12.5")).status_code == 302
    q.refresh_from_db()
    # 100.00 at 12.5 % off = 87.50; 4 x 87.50 = 350.00
    assert q.total_amount == D("350.00") and q.lines.get().unit_price == D("87.50")
    client.force_login(org.rep1b1.user)
    assert client.post(url, line_post(world["small"], "1", "0")).status_code == 404


@pytest.mark.parametrize("n", [2, 8])
def test_the_quotation_list_runs_a_fixed_number_of_queries(client, org, world, n, django_assert_max_num_queries):
    for _ in range(n):
        quote(world, org.rep1a1.user)
    client.force_login(org.tm1a.user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("sales:quotation-list"))
    assert response.status_code == 200 and response.content.decode().count("/sales/quotations/") >= n
    with CaptureQueriesContext(connection) as ctx:
        response = api(org.tm1a).get("/api/v1/quotations/")
    assert response.status_code == 200 and len(response.json()["results"]) == n
    assert len(ctx.captured_queries) <= 10


# --- API --------------------------------------------------------------------------------------


def test_the_api_from_an_opportunity_to_the_order(org, world):
    body = {
        "opportunity": world["opportunity"].pk,
        "lines": [
            {"product": world["big"].pk, "quantity": "3", "discount_percent": "20"},
            {"product": world["small"].pk, "quantity": "5", "discount_percent": "5"},
        ],
    }
    response = api(org.rep1a1).post("/api/v1/quotations/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["total_amount"], data["status"], data["customer"]) == ("955.00", "draft", world["customer"].pk)
    pk = data["id"]
    assert api(org.rep1a1).post(f"/api/v1/quotations/{pk}/submit/").json()["status"] == "pending_approval"
    assert api(org.rep1b1).get(f"/api/v1/quotations/{pk}/").status_code == 404
    assert api(org.rep1b1).get("/api/v1/quotations/").json()["results"] == []
    assert api(org.rep1a1).post(f"/api/v1/quotations/{pk}/approve/").status_code == 403
    assert api(org.tm1b).post(f"/api/v1/quotations/{pk}/approve/").status_code == 404
    assert api(org.rm2).post(f"/api/v1/quotations/{pk}/approve/").status_code == 404
    refused = api(org.tm1a).post(f"/api/v1/quotations/{pk}/reject/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    assert api(org.tm1a).post(f"/api/v1/quotations/{pk}/approve/").json()["status"] == "approved"
    assert api(org.rep1a1).post(f"/api/v1/quotations/{pk}/accept/").json()["status"] == "accepted"
    response = api(org.rep1a1).post(f"/api/v1/quotations/{pk}/convert/")
    assert response.status_code == 201, response.json()
    order = Order.objects.get()
    assert response.json()["number"] == order.number and response.json()["total_amount"] == "955.00"
    assert Quotation.objects.get().order == order


def test_api_bad_input_answers_400_naming_the_field_and_writes_nothing(org, world):
    good_line = {"product": world["big"].pk, "quantity": "1", "discount_percent": "5"}
    cases = [
        ({"opportunity": world["opportunity"].pk, "lines": []}, "lines"),
        ({"opportunity": world["opportunity"].pk, "lines": [{**good_line, "quantity": "0"}]}, "lines"),
        ({"opportunity": world["opportunity"].pk, "lines": [{**good_line, "discount_percent": "150"}]}, "lines"),
        ({"opportunity": world["opportunity"].pk, "lines": [good_line], "valid_until": "2000-01-01"}, "valid_until"),
        ({"lines": [good_line]}, "customer"),
        ({"opportunity": 999999, "lines": [good_line]}, "opportunity"),
    ]
    for body, field in cases:
        response = api(org.rep1a1).post("/api/v1/quotations/", body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert field in str(response.json()), (field, response.json())
    # Another team's rep names rep1a1's opportunity: answered like a missing id.
    hidden = api(org.rep1b1).post(
        "/api/v1/quotations/", {"opportunity": world["opportunity"].pk, "lines": [good_line]}, format="json"
    )
    missing = api(org.rep1b1).post("/api/v1/quotations/", {"opportunity": 999999, "lines": [good_line]}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["opportunity"] == [
        m.replace("999999", str(world["opportunity"].pk)) for m in missing.json()["opportunity"]
    ]
    assert not Quotation.objects.exists()


def test_the_quotation_pages_in_chinese_show_no_english_word(client, org, world):
    from django.utils import translation

    from tests.test_zh_pages import _data_words, english_words

    # Submitted by a Chinese reader: the matrix's reason is written in the submitter's language.
    with translation.override("zh-hans"):
        q = quotes.quote_submit(quotation=quote(world, org.rep1a1.user), user=org.rep1a1.user)
    client.force_login(org.tm1a.user)
    client.cookies["django_language"] = "zh-hans"
    data = _data_words()
    for url in (
        reverse("sales:quotation-list"),
        reverse("sales:quotation-detail", args=[q.pk]),
        reverse("sales:quotation-edit", args=[q.pk]),
        reverse("sales:quotation-create", args=[world["opportunity"].pk]),
        reverse("sales:opportunity-detail", args=[world["opportunity"].pk]),
        reverse("approval-inbox"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.content.decode(), data) == set(), url
