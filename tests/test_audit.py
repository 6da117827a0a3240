"""Audit: who changed a target, an order, a scorecard, a customer's classification or owner, and when,
with the old and new values (django-simple-history), including bulk writes and imports.

Changes go through the real API (the history middleware records the requesting user) or the
import services with the importing user; the history row must name that user, carry a date, and
its diff against the previous row must show the old and the new value.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token


def _user(name: str):
    return get_user_model().objects.select_related("person").get(username=name)


def _client(name: str) -> Client:
    token, _ = Token.objects.get_or_create(user=_user(name))
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _last_change(obj, field: str):
    """The latest history row, and the (old, new) of `field` against the row before it."""
    records = list(obj.history.order_by("-history_date", "-history_id")[:2])
    assert records, f"{type(obj).__name__} #{obj.pk} has no history"
    latest = records[0]
    assert latest.history_date is not None
    if len(records) == 1:
        return latest, None
    delta = latest.diff_against(records[1])
    changes = {c.field: (c.old, c.new) for c in delta.changes}
    return latest, changes.get(field)


@pytest.mark.django_db
def test_customer_owner_transfer_is_audited(world):
    from customers.models import Customer

    manager = _user("tm01")
    customer = Customer.objects.visible_to(manager).exclude(owner=manager.person).filter(owner__isnull=False).first()
    assert customer is not None
    old_owner = customer.owner_id
    response = _client("tm01").post(
        f"/api/v1/customers/{customer.pk}/transfer/",
        data={"to_owner": manager.person.pk, "reason": "audit test"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    latest, change = _last_change(customer, "owner")
    assert latest.history_user_id == manager.pk
    assert change == (old_owner, manager.person.pk)


@pytest.mark.django_db
def test_customer_classification_change_is_audited(world):
    from customers.models import Customer

    manager = _user("tm01")
    customer = Customer.objects.visible_to(manager).first()
    new = "key" if customer.classification != "key" else "general"
    response = _client("tm01").post(
        f"/api/v1/customers/{customer.pk}/classify/",
        data={"classification": new, "reason": "audit test"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    latest, change = _last_change(customer, "classification")
    assert latest.history_user_id == manager.pk
    assert change is not None and change[1] == new


@pytest.mark.django_db
def test_target_change_is_audited(world):
    from targets.models import Target

    director = _user("director")
    target = Target.objects.visible_to(director).order_by("pk").first()
    assert target is not None
    client = _client("director")
    # Two edits: the demo seeder writes targets in bulk, so the second edit is the one with a
    # previous history row to compare against.
    for step in (Decimal("1000.00"), Decimal("1000.00")):
        target.refresh_from_db()
        old = target.value
        new = old + step
        response = client.patch(
            f"/api/v1/targets/{target.pk}/",
            data={"value": str(new), "version": target.version, "reason": "audit test"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
    latest, change = _last_change(target, "value")
    assert latest.history_user_id == director.pk
    assert change is not None and Decimal(change[0]) == old and Decimal(change[1]) == new


@pytest.mark.django_db
def test_order_cancel_is_audited(world):
    from sales.models import Order

    director = _user("director")
    order = Order.objects.exclude(status="cancelled").filter(payments__isnull=True).order_by("pk").first()
    assert order is not None
    old = order.status
    response = _client("director").post(
        f"/api/v1/orders/{order.pk}/cancel/", data={"reason": "audit test"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    latest, change = _last_change(order, "status")
    assert latest.history_user_id == director.pk
    assert change == (old, "cancelled")


@pytest.mark.django_db
def test_scorecard_approval_is_audited(world):
    from appraisal.models import Scorecard

    card = Scorecard.objects.filter(status="submitted").select_related("person__manager").first()
    if card is None:
        pytest.fail("the demo world has no submitted scorecard to approve: add one to appraisal.demo")
    approvers = [p for p in (card.person.manager, getattr(card.person.manager, "manager", None)) if p and p.user_id]
    for approver in reversed(approvers):
        token, _ = Token.objects.get_or_create(user=approver.user)
        client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        response = client.post(f"/api/v1/scorecards/{card.pk}/approve/")
        if response.status_code == 200:
            break
    assert response.status_code == 200, response.content
    latest, change = _last_change(card, "status")
    assert latest.history_user_id == approver.user_id
    assert change == ("submitted", "approved")


@pytest.mark.django_db
def test_customer_import_records_the_importer(world):
    from customers.models import Customer
    from customers.services.customer_io import customers_import

    importer = _user("tm01")
    content = b"code,name\nAUDIT-1,Audit one\nAUDIT-2,Audit two\n"
    customers_import(user=importer, upload=SimpleUploadedFile("c.csv", content, content_type="text/csv"))
    for code in ("AUDIT-1", "AUDIT-2"):
        customer = Customer.objects.get(code=code)
        record = customer.history.get()
        assert record.history_type == "+"
        assert record.history_user_id == importer.pk, "an imported customer's history must name the importer"


@pytest.mark.django_db
def test_target_import_records_the_importer_with_old_and_new(world):
    from targets.models import Target
    from targets.services.transfer import targets_export_csv, targets_import

    director = _user("director")
    target = Target.objects.filter(owner_kind="team").order_by("pk").first()
    assert target is not None
    csv_text = targets_export_csv(Target.objects.filter(pk=target.pk))
    header, row = csv_text.strip().splitlines()
    cells = row.split(",")
    cells[4] = str(target.value + Decimal("500.00"))
    content = f"{header}\n{','.join(cells)}\n".encode()
    target._history_user = director
    target.save()  # a history row to compare the import against (the demo writes targets in bulk)
    targets_import(user=director, name="t.csv", content=content)
    latest, change = _last_change(target, "value")
    assert latest.history_user_id == director.pk
    assert change is not None and Decimal(change[1]) == target.value + Decimal("500.00")
    # The same file twice changes nothing more.
    count = target.history.count()
    targets_import(user=director, name="t.csv", content=content)
    target.refresh_from_db()
    assert target.value == Decimal(cells[4])
    assert target.history.count() in (count, count + 1)
