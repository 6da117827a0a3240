"""Visit and expense services: distance, lock setting, photo and receipt checks, stakeholder rules."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from customers.domain import haversine_m
from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import ExpenseClaim, Visit
from fieldwork.services.visits import expense_create, visit_create, visit_update
from fieldwork.tests.test_api import png
from salesorg.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos and receipts go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = str(tmp_path)


def test_haversine_one_degree_of_longitude_on_the_equator():
    # 6,371,000 m x pi / 180 = 111,194.93 m.
    assert haversine_m(0, 0, 0, 1) == 111195
    assert haversine_m(Decimal("31.23"), Decimal("121.47"), Decimal("31.23"), Decimal("121.47")) == 0


def test_visit_without_customer_coordinates_has_no_distance(org):
    customer = CustomerFactory(owner=org.rep1a1, latitude=None, longitude=None)

    visit = visit_create(user=org.rep1a1.user, customer=customer, data={}, latitude="31.2", longitude="121.4")

    assert visit.latitude == Decimal("31.200000") and visit.distance_m is None
    assert visit.date == timezone.localdate()


def test_service_refuses_a_customer_outside_scope_naming_the_field(org):
    theirs = CustomerFactory(owner=org.rep2a1)

    with pytest.raises(ApplicationError) as refused:
        visit_create(user=org.rep1a1.user, customer=theirs, data={})

    assert "customer" in refused.value.fields
    assert Visit.objects.count() == 0


@override_settings(VISIT_EDIT_LOCK_DAYS=10)
def test_lock_days_come_from_the_setting(org):
    visit = VisitFactory(customer=CustomerFactory(owner=org.rep1a1))
    Visit.objects.filter(pk=visit.pk).update(created_at=timezone.now() - timedelta(days=4))
    visit.refresh_from_db()

    visit_update(user=org.rep1a1.user, visit=visit, data={"outcome": "补充说明"})

    visit.refresh_from_db()
    assert visit.outcome == "补充说明"


def test_expense_receipt_must_be_an_image_or_pdf(org):
    fake = SimpleUploadedFile("r.png", b"not really a png", content_type="image/png")
    exe = SimpleUploadedFile("r.exe", b"MZ", content_type="application/octet-stream")

    for receipt in (fake, exe):
        with pytest.raises(ApplicationError) as refused:
            expense_create(
                user=org.rep1a1.user, date_=str(timezone.localdate()), kind="travel", amount="10", receipt=receipt
            )
        assert "receipt" in refused.value.fields
    assert ExpenseClaim.objects.count() == 0
    claim = expense_create(
        user=org.rep1a1.user, date_=str(timezone.localdate()), kind="travel", amount="10", receipt=png("ok.png")
    )
    assert (claim.team, claim.region, claim.amount) == (org.t1a, org.r1, Decimal("10"))


def test_expense_linked_visit_must_be_ones_own(org):
    theirs = VisitFactory(customer=CustomerFactory(owner=org.rep1a2))

    with pytest.raises(ApplicationError) as refused:
        expense_create(
            user=org.rep1a1.user, date_=str(timezone.localdate()), kind="travel", amount="10.00", visit=theirs
        )

    assert "visit" in refused.value.fields


def test_amount_with_three_decimals_is_refused(org):
    with pytest.raises(ApplicationError) as refused:
        expense_create(user=org.rep1a1.user, date_=str(timezone.localdate()), kind="travel", amount="10.005")

    assert "amount" in refused.value.fields
