"""Nested lists read as plain lists: the orders API's lines, shares and instalments and the visits
API's stakeholders and photos come from prefetches that leave a list on each row
(`salesorg.paging.prefetched`), and the visits page counts stakeholders and photos in SQL. What each
row says is worked out here by hand, for the row read in a page and the same row read alone."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from customers.tests.factories import CustomerFactory, StakeholderFactory, VisitFactory
from fieldwork.models import VisitPhoto
from sales.services import InstalmentInput
from sales.services.payments import payment_create
from sales.tests.factories import ProductFactory, make_order


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile("shelf.png", buffer.getvalue())


def test_an_order_in_the_api_list_shows_its_lines_shares_and_instalments(org):
    pump = ProductFactory(code="PUMP-1", list_price=Decimal("120.00"))
    valve = ProductFactory(code="VALVE-2", list_price=Decimal("45.50"))
    customer = CustomerFactory(owner=org.rep1a1)
    # 3 x 120.00 + 2 x 45.50 = 360.00 + 91.00 = 451.00; shares 60 % and 40 %: 270.60 and 180.40.
    order = make_order(
        customer=customer,
        lines=[(pump, "3", "120"), (valve, "2", "45.50")],
        shares=[(org.rep1a1, "60"), (org.rep1a2, "40")],
        on=date(2026, 3, 2),
        instalments=[
            InstalmentInput(due_date=date(2026, 5, 1), amount=Decimal("251.00")),
            InstalmentInput(due_date=date(2026, 4, 1), amount=Decimal("200.00")),
        ],
    )
    payment_create(order=order, date=date(2026, 4, 2), amount=Decimal("100"))
    client = _api(org.tm1a)

    listed = client.get("/api/v1/orders/").json()["results"]
    alone = client.get(f"/api/v1/orders/{order.pk}/").json()

    assert [row["id"] for row in listed] == [order.pk]
    for row in (listed[0], alone):
        assert row["total_amount"] == "451.00" and row["paid_amount"] == "100.00"
        assert [(line["product_code"], line["quantity"], line["amount"]) for line in row["lines"]] == [
            ("PUMP-1", "3.00", "360.00"),
            ("VALVE-2", "2.00", "91.00"),
        ]
        assert [(share["rep"], share["percent"], share["amount"]) for share in row["shares"]] == [
            (org.rep1a1.pk, "60.00", "270.60"),
            (org.rep1a2.pk, "40.00", "180.40"),
        ]
        # Instalments by due date (the later one was entered first).
        assert [(i["due_date"], i["amount"]) for i in row["instalments"]] == [
            ("2026-04-01", "200.00"),
            ("2026-05-01", "251.00"),
        ]
    assert listed[0] == alone


def test_a_visit_shows_its_stakeholders_and_photos_in_the_api_and_counts_them_on_the_page(org):
    customer = CustomerFactory(owner=org.rep1a1)
    buyer = StakeholderFactory(customer=customer, name="Buyer Bai")
    engineer = StakeholderFactory(customer=customer, name="Engineer Ding")
    met = VisitFactory(customer=customer, author=org.rep1a1, date=date(2026, 3, 3))
    met.stakeholders.add(engineer, buyer)
    photos = [VisitPhoto.objects.create(visit=met, image=_png()) for _ in range(3)]
    alone = VisitFactory(customer=customer, author=org.rep1a1, date=date(2026, 3, 2))

    api = _api(org.tm1a)
    rows = {row["id"]: row for row in api.get("/api/v1/visits/").json()["results"]}
    detail = api.get(f"/api/v1/visits/{met.pk}/").json()
    assert set(rows) == {met.pk, alone.pk}
    for row in (rows[met.pk], detail):
        assert sorted(row["stakeholders"]) == sorted([buyer.pk, engineer.pk])
        assert [url.rsplit("photo=", 1)[1] for url in row["photos"]] == [str(p.pk) for p in photos]
    assert rows[alone.pk]["stakeholders"] == [] and rows[alone.pk]["photos"] == []

    page = Client()
    page.force_login(org.tm1a.user)
    html = page.get(reverse("fieldwork:visit-list")).content.decode()
    assert html.count("(2 met)") == 1
    assert html.count('<i class="bi bi-camera"></i>3') == 1
    assert html.count("bi-camera") == 1
