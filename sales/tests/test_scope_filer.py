"""The filer follows their order (and its payments) whoever it is credited to; a unit manager who
filed nothing outside their unit gets the plain semi-join on the shares, without the `OR` on the
filer that costs a wide list its plan; and one whose own shares are all recorded on their unit
probes the unit's shares alone, without the `OR` on their own (sales.models.orders.share_scope)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from sales.models import CreditShare, Order, Payment
from sales.models.orders import files_outside_scope, share_scope
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


def _where(queryset) -> str:
    return str(queryset.query).split(" WHERE ", 1)[1]


def test_a_team_manager_whose_own_shares_are_on_their_team_sees_by_the_team_alone(org):
    # tm1a sells for their own team (the share records team T1A, as at the order date).
    mine = _order_of(org.tm1a)
    reps = _order_of(org.rep1a1)
    other = _order_of(org.rep1b1)
    scope, filed_outside = share_scope(viewer_for(org.tm1a.user))
    assert filed_outside is False
    assert set(CreditShare.objects.filter(scope).values_list("order_id", flat=True)) == {mine.pk, reps.pk}
    visible = Order.objects.visible_to(org.tm1a.user)
    assert _ids(visible) == {mine.pk, reps.pk}
    # The probe is on the team alone: no `rep_id = ... OR`, which reads each share's row.
    assert "rep_id" not in _where(visible)
    assert "team_id" in _where(visible)
    payments = Payment.objects.visible_to(org.tm1a.user)
    assert "rep_id" not in _where(payments)
    assert _ids(payments) == set(Payment.objects.filter(order__in=[mine, reps]).values_list("pk", flat=True))
    # The other team's manager and a third team's see none of it.
    assert _ids(Order.objects.visible_to(org.tm1b.user)) == {other.pk}
    assert _ids(Order.objects.visible_to(org.tm2a.user)) == set()


def test_a_manager_with_an_own_share_recorded_on_another_unit_still_sees_it(org, client):
    mine = _order_of(org.tm1a)
    # Sold when tm1a was in team T1B (a share keeps the team and region of the order date).
    CreditShare.objects.filter(order=mine).update(team=org.t1b, region=org.r1)
    reps = _order_of(org.rep1a1)
    visible = Order.objects.visible_to(org.tm1a.user)
    assert _ids(visible) == {mine.pk, reps.pk}
    assert "rep_id" in _where(visible)
    assert _ids(Payment.objects.visible_to(org.tm1a.user)) == set(
        Payment.objects.filter(order__in=[mine, reps]).values_list("pk", flat=True)
    )
    client.force_login(org.tm1a.user)
    assert client.get(reverse("sales:order-detail", args=[mine.pk])).status_code == 200
    # T1B's manager sees it too (recorded on their team); T2A's does not: 404 like a missing one.
    assert mine.pk in _ids(Order.objects.visible_to(org.tm1b.user))
    client.force_login(org.tm2a.user)
    assert client.get(reverse("sales:order-detail", args=[mine.pk])).status_code == 404


def test_a_regional_manager_sees_the_region_by_the_region_alone_unless_an_own_share_is_elsewhere(org):
    in_region = _order_of(org.rep1b1)
    elsewhere = _order_of(org.rep2a1)
    visible = Order.objects.visible_to(org.rm1.user)
    assert _ids(visible) == {in_region.pk}
    assert "rep_id" not in _where(visible)
    # rm1 credited on a South order (recorded on region R2): rm1 sees it, by their own share.
    order = _order_of(org.rep2a1)
    CreditShare.objects.filter(order=order).update(rep=org.rm1)
    visible = Order.objects.visible_to(org.rm1.user)
    assert _ids(visible) == {in_region.pk, order.pk}
    assert "rep_id" in _where(visible)
    assert elsewhere.pk not in _ids(visible)


def test_credit_shares_are_found_by_rep_team_and_region_with_the_order_from_the_index_alone():
    """The scope's probes read (column, order) indexes; the single-column ones are gone (no second
    index on the same leading column), on SQLite as on PostgreSQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, CreditShare._meta.db_table)
    indexes = sorted(
        {tuple(c["columns"]) for c in constraints.values() if (c["index"] or c["unique"]) and not c["primary_key"]}
    )
    assert indexes == [
        ("order_id", "rep_id"),
        ("region_id", "order_id"),
        ("rep_id", "order_id"),
        ("team_id", "order_id"),
    ]
