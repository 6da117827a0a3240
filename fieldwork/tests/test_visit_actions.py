"""Actions on a visit (issue 19): a stock count, a competitor sighting that feeds the competitor
intelligence, a photo of the shelf or site served only through the scoped file view, the link to
an order or a collection made on the visit; the kind's settings say which are offered and which
are required before check-out."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from customers.models import Competitor
from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import IntelNote, Visit, VisitActionRecord, VisitKindAction
from fieldwork.tests.test_api import client_for, png
from sales.models import Payment
from sales.tests.factories import ProductFactory, make_order

pytestmark = pytest.mark.django_db

CUSTOMER_AT = (Decimal("31.230000"), Decimal("121.470000"))


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def open_visit(org, rep=None, **kwargs) -> Visit:
    """A visit of today, checked in at the customer an hour ago (or at midnight, when that was
    yesterday: a check-out must fall on the day of the check-in) and not checked out."""
    rep = rep or org.rep1a1
    customer = CustomerFactory(owner=rep, latitude=CUSTOMER_AT[0], longitude=CUSTOMER_AT[1])
    visit = VisitFactory(
        author=rep,
        customer=customer,
        date=timezone.localdate(),
        latitude=CUSTOMER_AT[0],
        longitude=CUSTOMER_AT[1],
        **kwargs,
    )
    now = timezone.now()
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    Visit.objects.filter(pk=visit.pk).update(checked_in_at=max(now - timedelta(hours=1), midnight))
    return Visit.objects.get(pk=visit.pk)


def fields(response) -> set[str]:
    return set(response.json()) - {"detail"}


def actions_url(visit: Visit) -> str:
    return f"/api/v1/visits/{visit.pk}/actions/"


def test_a_stock_count_is_a_structured_record_with_history(org):
    visit = open_visit(org)
    product = ProductFactory(name="液压泵 A1")

    response = client_for(org.rep1a1).post(
        actions_url(visit), {"action": "stock_count", "product": product.pk, "quantity": "24"}, format="json"
    )

    assert response.status_code == 201, response.content
    record = VisitActionRecord.objects.get()
    assert (record.visit, record.action, record.product, record.quantity, record.author) == (
        visit,
        "stock_count",
        product,
        24,
        org.rep1a1,
    )
    assert record.history.count() == 1
    assert response.json()["quantity"] == 24


def test_a_competitor_sighting_feeds_the_competitor_intelligence(org):
    visit = open_visit(org)
    rival = Competitor.objects.create(name="华力机械")

    response = client_for(org.rep1a1).post(
        actions_url(visit),
        {"action": "competitor", "competitor": rival.pk, "item": "HL-200 泵", "price": "1880.00", "note": "货架两排"},
        format="json",
    )

    assert response.status_code == 201, response.content
    record = VisitActionRecord.objects.get()
    note = IntelNote.objects.get()
    # The intel note is the sighting, filed on the visit's customer and date by the rep.
    assert record.intel_note == note
    assert (note.competitor, note.visit, note.customer, note.author, note.date) == (
        rival,
        visit,
        visit.customer,
        org.rep1a1,
        visit.date,
    )
    assert note.note == "HL-200 泵 · 1880.00 · 货架两排"
    assert record.price == Decimal("1880.00")


def test_the_shelf_photo_opens_only_through_the_scoped_file_view(org, client):
    visit = open_visit(org)
    response = client_for(org.rep1a1).post(
        actions_url(visit), {"action": "shelf_photo", "image": png("shelf.png")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    record = VisitActionRecord.objects.get()
    url = reverse("fieldwork:visit-action-photo", args=[record.pk])
    # The API names the scoped view, never a /media/ address.
    assert response.json()["image"].endswith(url)

    answers = {}
    for who in (org.rep1a1, org.tm1a, org.rm1, org.director, org.tm1b, org.rep1a2, org.tm2a):
        client.force_login(who.user)
        answers[who.user.username] = client.get(url).status_code
    missing = client.get(reverse("fieldwork:visit-action-photo", args=[record.pk + 1000])).status_code

    # The rep and the managers whose scope holds the visit see it; everyone else gets the 404 of a
    # photo that does not exist.
    assert answers == {
        "rep1a1": 200,
        "tm1a": 200,
        "rm1": 200,
        "director": 200,
        "tm1b": 404,
        "rep1a2": 404,
        "tm2a": 404,
    }
    assert missing == 404


def test_an_order_and_a_collection_made_on_the_visit_are_linked(org):
    visit = open_visit(org)
    order = make_order(customer=visit.customer, shares=[(org.rep1a1, "100")], on=visit.date)
    payment = Payment.objects.create(order=order, date=visit.date, amount=Decimal("50.00"))
    other = make_order(customer=CustomerFactory(owner=org.rep1a1), shares=[(org.rep1a1, "100")], on=visit.date)
    client = client_for(org.rep1a1)

    wrong = client.post(actions_url(visit), {"action": "order", "order": other.pk}, format="json")
    linked = client.post(actions_url(visit), {"action": "order", "order": order.pk}, format="json")
    collected = client.post(actions_url(visit), {"action": "collection", "payment": payment.pk}, format="json")

    # An order of another customer answers like a missing one, naming the field.
    assert wrong.status_code == 400 and "order" in wrong.json()
    assert linked.status_code == 201 and collected.status_code == 201
    assert list(VisitActionRecord.objects.values_list("action", "order_id", "payment_id")) == [
        ("order", order.pk, None),
        ("collection", order.pk, payment.pk),
    ]


def test_bad_input_names_the_field_and_writes_nothing(org):
    visit = open_visit(org)
    client = client_for(org.rep1a1)

    no_quantity = client.post(actions_url(visit), {"action": "stock_count", "item": "滤芯"}, format="json")
    negative = client.post(
        actions_url(visit), {"action": "stock_count", "item": "滤芯", "quantity": "-3"}, format="json"
    )
    no_photo = client.post(actions_url(visit), {"action": "shelf_photo"}, format="json")
    not_an_image = client.post(
        actions_url(visit),
        {"action": "shelf_photo", "image": png("x.png").__class__("x.png", b"not an image", "image/png")},
        format="multipart",
    )
    unknown = client.post(actions_url(visit), {"action": "dance"}, format="json")

    # The body names the bad field (beside the summary in `detail`).
    assert (no_quantity.status_code, fields(no_quantity)) == (400, {"quantity"})
    assert (negative.status_code, fields(negative)) == (400, {"quantity"})
    assert (no_photo.status_code, fields(no_photo)) == (400, {"image"})
    assert not_an_image.status_code == 400 and "image" in not_an_image.json()
    assert unknown.status_code == 400 and "action" in unknown.json()
    assert VisitActionRecord.objects.count() == 0


def test_an_action_the_kind_does_not_offer_is_refused(org):
    visit = open_visit(org)
    # The admin says an on-site visit offers only a stock count.
    VisitKindAction.objects.create(kind="visit", action="stock_count")

    response = client_for(org.rep1a1).post(
        actions_url(visit),
        {"action": "competitor", "competitor": Competitor.objects.create(name="X").pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["action"] == ["Choose one of: Stock count."]
    assert VisitActionRecord.objects.count() == 0


def test_check_out_is_refused_naming_the_missing_action_until_it_is_recorded(org):
    visit = open_visit(org)
    VisitKindAction.objects.create(kind="visit", action="stock_count", required=True)
    VisitKindAction.objects.create(kind="visit", action="shelf_photo", required=False)
    client = client_for(org.rep1a1)

    refused = client.post(f"/api/v1/visits/{visit.pk}/check-out/")
    client.post(actions_url(visit), {"action": "shelf_photo", "image": png()}, format="multipart")
    still_refused = client.post(f"/api/v1/visits/{visit.pk}/check-out/")
    client.post(actions_url(visit), {"action": "stock_count", "item": "滤芯", "quantity": "0"}, format="json")
    accepted = client.post(f"/api/v1/visits/{visit.pk}/check-out/")

    assert refused.status_code == 400
    assert refused.json()["actions"] == ["Missing: Stock count."]
    # The optional photo does not make up for the required count.
    assert still_refused.status_code == 400
    assert accepted.status_code == 200, accepted.content
    assert Visit.objects.get(pk=visit.pk).checked_out_at is not None


def test_after_check_out_no_action_is_recorded(org):
    visit = open_visit(org)
    client = client_for(org.rep1a1)
    assert client.post(f"/api/v1/visits/{visit.pk}/check-out/").status_code == 200

    response = client.post(
        actions_url(visit), {"action": "stock_count", "item": "滤芯", "quantity": "1"}, format="json"
    )

    assert response.status_code == 400 and "action" in response.json()
    assert VisitActionRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("rep1a1", 201),  # the visit's author
        ("tm1b", 404),  # a team manager of another team: the visit is outside his scope
        ("tm1a", 403),  # the rep's own team manager sees it, but the visit is the rep's own
        ("rm1", 403),  # the regional manager: the same
        ("director", 403),  # the director: the same
        ("rep1a2", 404),  # another rep of the team: outside a rep's scope
    ],
)
def test_only_the_visits_author_records_an_action(org, who, status):
    visit = open_visit(org)

    response = client_for(getattr(org, who)).post(
        actions_url(visit), {"action": "stock_count", "item": "滤芯", "quantity": "5"}, format="json"
    )

    assert response.status_code == status, response.content
    assert VisitActionRecord.objects.count() == (1 if status == 201 else 0)


def test_a_manager_records_actions_on_his_own_visit(org):
    visit = open_visit(org, rep=org.tm1a)

    response = client_for(org.tm1a).post(
        actions_url(visit), {"action": "stock_count", "item": "滤芯", "quantity": "5"}, format="json"
    )

    assert response.status_code == 201, response.content


def test_the_action_list_is_scoped_and_runs_fixed_queries(org):
    visit = open_visit(org)
    rival = Competitor.objects.create(name="华力机械")
    client = client_for(org.rep1a1)

    def add(n: int) -> None:
        for i in range(n):
            client.post(
                actions_url(visit), {"action": "competitor", "competitor": rival.pk, "item": f"P{i}"}, format="json"
            )
            client.post(actions_url(visit), {"action": "stock_count", "item": f"S{i}", "quantity": i}, format="json")

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(actions_url(visit))
        assert response.status_code == 200
        return len(response.json()), len(queries)

    add(1)
    rows_small, queries_small = count()
    add(5)
    rows_large, queries_large = count()

    # 1 x 2 records, then 6 x 2 = 12.
    assert (rows_small, rows_large) == (2, 12)
    assert queries_small == queries_large
    assert client_for(org.tm1b).get(actions_url(visit)).status_code == 404


def test_the_visit_page_adds_an_action_and_answers_400_naming_the_field(org, client):
    visit = open_visit(org)
    client.force_login(org.rep1a1.user)
    url = reverse("fieldwork:visit-action-create", args=[visit.pk])

    page = client.get(reverse("fieldwork:visit-detail", args=[visit.pk]))
    bad = client.post(url, {"action": "stock_count", "item": "滤芯"})
    good = client.post(url, {"action": "stock_count", "item": "滤芯", "quantity": "7"})
    shown = client.get(reverse("fieldwork:visit-detail", args=[visit.pk]))

    assert 'data-testid="action-form"' in page.content.decode()
    assert bad.status_code == 400
    assert 'data-field-error="quantity"' in bad.content.decode()
    assert good.status_code == 302
    assert VisitActionRecord.objects.get().quantity == 7
    assert "滤芯" in shown.content.decode()
    # The page title is the title only (the comments used to leak into it).
    assert "<title>" in shown.content.decode()
    title = shown.content.decode().split("<title>")[1].split("</title>")[0]
    assert "Comments" not in title


def test_a_manager_sees_the_actions_but_gets_no_form(org, client):
    visit = open_visit(org)
    client_for(org.rep1a1).post(
        actions_url(visit), {"action": "stock_count", "item": "滤芯", "quantity": "3"}, format="json"
    )
    client.force_login(org.tm1a.user)

    page = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()

    assert "滤芯" in page
    assert 'data-testid="action-form"' not in page
