"""Visit reports through the API: scope, check-in, photos, editing rules, bad input."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from customers.models import FollowUp, FollowUpKind
from customers.tests.factories import CustomerFactory, StakeholderFactory, VisitFactory
from fieldwork.models import Visit, VisitPhoto

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded photos and receipts go to a temporary folder, not the project's media/."""
    settings.MEDIA_ROOT = str(tmp_path)


def client_for(person) -> APIClient:
    from rest_framework.authtoken.models import Token

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=person.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def png(name: str = "shop.png", size: tuple[int, int] = (20, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_rep_token_creates_visit_for_own_customer_with_check_in(org):
    customer = CustomerFactory(owner=org.rep1a1, latitude=Decimal("31.230000"), longitude=Decimal("121.470000"))
    boss = StakeholderFactory(customer=customer)
    today = timezone.localdate()

    response = client_for(org.rep1a1).post(
        "/api/v1/visits/",
        {
            "customer": customer.pk,
            "date": today.isoformat(),
            "kind": "visit",
            "purpose": "介绍新产品",
            "stakeholders": [boss.pk],
            "next_step": "报价",
            "next_step_date": (today + timedelta(days=3)).isoformat(),
            # 0.01 degree of latitude north of the customer.
            "latitude": "31.240000",
            "longitude": "121.470000",
            "photos": [png()],
        },
        format="multipart",
    )

    assert response.status_code == 201, response.content
    visit = Visit.objects.get()
    assert visit.author == org.rep1a1
    # The author's unit at filing time is kept on the report.
    assert (visit.team, visit.region) == (org.t1a, org.r1)
    # 0.01° of latitude = 6371000 m * pi/180 * 0.01 = 1111.95 m -> 1112 m.
    assert visit.distance_m == 1112
    assert response.json()["distance_m"] == 1112
    assert list(visit.stakeholders.all()) == [boss]
    assert VisitPhoto.objects.filter(visit=visit).count() == 1
    # The next step is on the rep's follow-up list for its date.
    follow_up = FollowUp.objects.get(kind=FollowUpKind.NEXT_STEP)
    assert (follow_up.person, follow_up.message, follow_up.due_date) == (org.rep1a1, "报价", today + timedelta(days=3))


def test_visit_for_another_reps_customer_answers_as_a_missing_one_and_writes_nothing(org):
    other = CustomerFactory(owner=org.rep1a2)
    missing = other.pk + 1000
    client = client_for(org.rep1a1)

    response = client.post("/api/v1/visits/", {"customer": other.pk, "purpose": "x"}, format="json")
    absent = client.post("/api/v1/visits/", {"customer": missing, "purpose": "x"}, format="json")

    # The customer named in the body is looked up in the rep's scope: answered as a missing one.
    assert response.status_code == absent.status_code == 400
    assert response.json() == {"customer": [f'Invalid pk "{other.pk}" - object does not exist.']}
    assert absent.json() == {"customer": [f'Invalid pk "{missing}" - object does not exist.']}
    assert Visit.objects.count() == 0


def test_team_manager_sees_the_team_reports_and_no_other(org):
    own_team = VisitFactory(customer=CustomerFactory(owner=org.rep1a1))
    same_team = VisitFactory(customer=CustomerFactory(owner=org.rep1a2))
    other_team = VisitFactory(customer=CustomerFactory(owner=org.rep1b1))
    other_region = VisitFactory(customer=CustomerFactory(owner=org.rep2a1))

    ids = {row["id"] for row in client_for(org.tm1a).get("/api/v1/visits/").json()["results"]}

    assert ids == {own_team.pk, same_team.pk}
    assert other_team.pk not in ids and other_region.pk not in ids
    assert client_for(org.tm1a).get(f"/api/v1/visits/{other_team.pk}/").status_code == 404
    # A rep sees only their own reports.
    rep_ids = {row["id"] for row in client_for(org.rep1a2).get("/api/v1/visits/").json()["results"]}
    assert rep_ids == {same_team.pk}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"date": "2026-13-45"}, "date"),
        ({"date": "2999-01-01"}, "date"),
        ({"latitude": "91", "longitude": "121"}, "latitude"),
        ({"latitude": "31", "longitude": "-181"}, "longitude"),
        ({"latitude": "31"}, "longitude"),
        ({"kind": "joint"}, "accompanying_manager"),
        ({"next_step_date": "yesterday"}, "next_step_date"),
    ],
)
def test_bad_visit_input_is_400_naming_the_field(org, payload, field):
    customer = CustomerFactory(owner=org.rep1a1)

    response = client_for(org.rep1a1).post("/api/v1/visits/", {"customer": customer.pk, **payload}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Visit.objects.count() == 0


def test_stakeholder_of_another_customer_is_refused(org):
    customer = CustomerFactory(owner=org.rep1a1)
    stranger = StakeholderFactory(customer=CustomerFactory(owner=org.rep1a1))

    response = client_for(org.rep1a1).post(
        "/api/v1/visits/", {"customer": customer.pk, "stakeholders": [stranger.pk]}, format="json"
    )

    assert response.status_code == 400
    assert "stakeholders" in response.json()
    assert Visit.objects.count() == 0


def test_non_image_photo_is_refused(org):
    customer = CustomerFactory(owner=org.rep1a1)
    fake = SimpleUploadedFile("shop.jpg", b"this is not a picture", content_type="image/jpeg")

    response = client_for(org.rep1a1).post(
        "/api/v1/visits/", {"customer": customer.pk, "photos": [fake]}, format="multipart"
    )

    assert response.status_code == 400
    assert "photos" in response.json()
    assert Visit.objects.count() == 0
    assert VisitPhoto.objects.count() == 0


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_oversized_photo_is_refused(org):
    customer = CustomerFactory(owner=org.rep1a1)
    # A 200x200 PNG of noise is well over 1000 bytes.
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 100).save(buffer, format="PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    assert big.size > 1000

    response = client_for(org.rep1a1).post(
        "/api/v1/visits/", {"customer": customer.pk, "photos": [big]}, format="multipart"
    )

    assert response.status_code == 400
    assert "photos" in response.json()
    assert Visit.objects.count() == 0


def test_joint_visit_names_the_manager(org):
    customer = CustomerFactory(owner=org.rep1a1)

    response = client_for(org.rep1a1).post(
        "/api/v1/visits/",
        {"customer": customer.pk, "kind": "joint", "accompanying_manager": org.tm1a.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Visit.objects.get().accompanying_manager == org.tm1a


def test_rep_edits_own_report_but_not_anothers_and_not_after_the_lock(org):
    mine = VisitFactory(customer=CustomerFactory(owner=org.rep1a1), date=timezone.localdate())
    theirs = VisitFactory(customer=CustomerFactory(owner=org.rep1a2))
    client = client_for(org.rep1a1)

    assert client.patch(f"/api/v1/visits/{mine.pk}/", {"outcome": "签约意向"}, format="json").status_code == 200
    mine.refresh_from_db()
    assert mine.outcome == "签约意向"
    # Another rep's report is not even visible.
    assert client.patch(f"/api/v1/visits/{theirs.pk}/", {"outcome": "x"}, format="json").status_code == 404
    # The team manager sees it but is not its author.
    manager = client_for(org.tm1a)
    assert manager.patch(f"/api/v1/visits/{theirs.pk}/", {"outcome": "x"}, format="json").status_code == 403

    # Filed 4 days ago with the default lock of 3 days: locked.
    Visit.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(days=4))
    response = client.patch(f"/api/v1/visits/{mine.pk}/", {"outcome": "改了"}, format="json")
    assert response.status_code == 400
    mine.refresh_from_db()
    assert mine.outcome == "签约意向"


def test_moving_a_visit_to_a_customer_outside_scope_is_400(org):
    mine = VisitFactory(customer=CustomerFactory(owner=org.rep1a1), date=timezone.localdate())
    other = CustomerFactory(owner=org.rep2a1)

    response = client_for(org.rep1a1).patch(f"/api/v1/visits/{mine.pk}/", {"customer": other.pk}, format="json")

    assert response.status_code == 400
    assert "customer" in response.json()
    mine.refresh_from_db()
    assert mine.customer_id != other.pk


def test_far_filter_lists_check_ins_away_from_the_customer(org):
    customer = CustomerFactory(owner=org.rep1a1)
    near = VisitFactory(customer=customer, distance_m=120)
    far = VisitFactory(customer=customer, distance_m=5400)
    VisitFactory(customer=customer, distance_m=None)

    ids = [row["id"] for row in client_for(org.tm1a).get("/api/v1/visits/?far=true").json()["results"]]

    assert ids == [far.pk]
    assert near.pk not in ids


@pytest.mark.parametrize("rows", [3, 30])
def test_visit_list_endpoint_query_count_is_flat(org, rows, django_assert_max_num_queries):
    customer = CustomerFactory(owner=org.rep1a1)
    stakeholder = StakeholderFactory(customer=customer)
    for visit in VisitFactory.create_batch(rows, customer=customer, date=date(2026, 3, 2)):
        visit.stakeholders.add(stakeholder)
    client = client_for(org.tm1a)

    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/visits/?page_size=100")

    assert response.json()["count"] == rows
