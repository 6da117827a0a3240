"""Admin changelists of the customer models open, and follow the data-scope rule."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from customers.tests.factories import CustomerFactory, StakeholderFactory, VisitFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "customer",
    "idlecustomerrule",
    "followupflag",
    "customermove",
    "classificationchange",
    "stakeholder",
    "stakeholderchange",
    "customerevaluation",
    "followup",
    "competitor",
    "complaint",
    "customerreward",
]

FIELDWORK = ["fieldwork_visit", "fieldwork_expenseclaim", "fieldwork_intelnote"]


def test_every_changelist_opens_for_a_superuser(client, org):
    from staff.tests.factories import UserFactory

    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    VisitFactory(customer=CustomerFactory(owner=org.rep1a1)).stakeholders.add(StakeholderFactory())
    client.force_login(admin_user)

    for label in [f"customers_{model}" for model in MODELS] + FIELDWORK:
        response = client.get(reverse(f"admin:{label}_changelist"))
        assert response.status_code == 200, label


def test_staff_manager_sees_only_customers_in_scope(client, org):
    user = org.tm1a.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    mine = CustomerFactory(owner=org.rep1a1, name="本组客户")
    other = CustomerFactory(owner=org.rep2a1, name="外区客户")
    client.force_login(user)

    page = client.get(reverse("admin:customers_customer_changelist")).content.decode()

    assert mine.name in page and other.name not in page
    assert client.get(reverse("admin:customers_customer_change", args=[other.pk])).status_code == 404
