"""The filer follows their order (and its payments) whoever it is credited to; a unit manager who
filed nothing outside their unit gets the plain semi-join on the shares, without the `OR` on the
filer that costs a wide list its plan (sales.models.orders.files_outside_scope)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from sales.models import Order, Payment
from sales.models.orders import files_outside_scope
from sales.tests.factories import make_order
from staff.scope import viewer_for

pytestmark = pytest.mark.django_db


def _order_of(rep, *, filed_by=None) -> Order:
    order = make_order(customer=CustomerFactory(owner=rep), shares=[(rep, "100")])
    if filed_by is not None:
        Order.objects.filter(pk=order.pk).update(created_by=filed_by)
    Payment.objects.create(order=order, customer=order.customer, date=date(2026, 3, 20), amount=Decimal("10.00"))
    return order


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def test_a_manager_who_filed_only_in_their_unit_sees_the_credited_orders_by_the_shares_alone(org):
    own = _order_of(org.rep1a1, filed_by=org.tm1a)
    other = _order_of(org.rep1b1)
    viewer = viewer_for(org.tm1a.user)
    assert files_outside_scope(viewer) is False
    visible = Order.objects.visible_to(org.tm1a.user)
    assert _ids(visible) == {own.pk}
    assert other.pk not in _ids(visible)
    # No `OR` on the filer: the query is the semi-join on the shares only.
    assert "created_by_id" not in str(visible.query).split(" WHERE ", 1)[1]
    assert _ids(Payment.objects.visible_to(org.tm1a.user)) == set(own.payments.values_list("pk", flat=True))


def test_a_manager_who_filed_an_order_credited_elsewhere_still_sees_it_and_its_payments(org, client):
    own = _order_of(org.rep1a1)
    elsewhere = _order_of(org.rep1b1, filed_by=org.tm1a)
    assert files_outside_scope(viewer_for(org.tm1a.user)) is True
    assert _ids(Order.objects.visible_to(org.tm1a.user)) == {own.pk, elsewhere.pk}
    assert _ids(Payment.objects.visible_to(org.tm1a.user)) == set(
        Payment.objects.filter(order__in=[own, elsewhere]).values_list("pk", flat=True)
    )
    # The list page and the API show it; the other team's manager sees it as credited (their rep).
    client.force_login(org.tm1a.user)
    assert elsewhere.number in client.get(reverse("sales:order-list")).content.decode()
    api = client.get("/api/v1/orders/").json()
    assert {row["id"] for row in api["results"]} == {own.pk, elsewhere.pk}
    assert api["count"] == 2 and api["count_exact"] is True
    assert _ids(Order.objects.visible_to(org.tm1b.user)) == {elsewhere.pk}
    # A manager of a third team sees neither; the detail answers 404 like a missing order.
    assert _ids(Order.objects.visible_to(org.tm2a.user)) == set()
    client.force_login(org.tm2a.user)
    assert client.get(reverse("sales:order-detail", args=[elsewhere.pk])).status_code == 404
