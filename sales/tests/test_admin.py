"""Admin: changelists of the sales models load in scope, and the import page checks a file."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sales.models import Order
from sales.tests.factories import CustomerFactory, ProductFactory, make_order


@pytest.mark.parametrize(
    "model", ["product", "pipelinestage", "opportunity", "order", "payment", "instalment", "importjob"]
)
def test_changelists_load(admin_client, org, model):
    make_order(customer=CustomerFactory(owner=org.rep1a1))
    assert admin_client.get(reverse(f"admin:sales_{model}_changelist")).status_code == 200


def test_order_change_page_and_scope(client, admin_client, org):
    order = make_order(customer=CustomerFactory(owner=org.rep1a1))
    assert admin_client.get(reverse("admin:sales_order_change", args=[order.pk])).status_code == 200
    org.tm1b.user.is_staff = True
    org.tm1b.user.is_superuser = False
    org.tm1b.user.save()
    from django.contrib.auth.models import Permission

    org.tm1b.user.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(org.tm1b.user)
    # Credited to a rep of T1A: outside T1B's scope.
    assert client.get(reverse("admin:sales_order_change", args=[order.pk])).status_code == 404


def test_admin_import_dry_run_then_import(admin_client, org):
    CustomerFactory(code="C1", owner=org.rep1a1)
    ProductFactory(code="P1", list_price=Decimal("10"))
    content = b"erp_no,order_date,customer_code,product_code,quantity,unit_price\nA1,2026-03-01,C1,P1,2,10\n"
    url = reverse("admin:sales_order_import")
    response = admin_client.post(url, {"kind": "orders", "file": SimpleUploadedFile("o.csv", content), "dry_run": "on"})
    assert b"import-ok" in response.content and Order.objects.count() == 0
    admin_client.post(url, {"kind": "orders", "file": SimpleUploadedFile("o.csv", content)})
    assert Order.objects.get().total_amount == Decimal("20.00")  # 2 x 10
    bad = b"erp_no,order_date,customer_code,product_code,quantity,unit_price\nA2,2026-03-01,C1,NOPE,2,10\n"
    response = admin_client.post(url, {"kind": "orders", "file": SimpleUploadedFile("o.csv", bad)})
    assert b"import-errors" in response.content and Order.objects.count() == 1
