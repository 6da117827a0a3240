import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from staff.models import Position
from staff.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_token_auth_round_trip(org):
    client = APIClient()
    response = client.post(reverse("api-token"), {"username": "tm1a", "password": "pw-secret-123"})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    names = {row["name"] for row in client.get(reverse("person-list")).json()["results"]}
    assert names == {"tm1a", "rep1a1", "rep1a2", "junior1a"}


def test_token_refused_for_a_wrong_password(org):
    response = APIClient().post(reverse("api-token"), {"username": "tm1a", "password": "wrong"})
    assert response.status_code == 400
    assert "token" not in response.json()


def test_people_filters(org):
    client = APIClient()
    client.force_authenticate(org.director.user)
    reps = client.get(reverse("person-list"), {"position": "rep", "region": org.r1.pk}).json()["results"]
    assert {r["name"] for r in reps} == {"rep1a1", "rep1a2", "rep1b1", "junior1a"}
    bad = client.get(reverse("person-list"), {"position": "astronaut"})
    assert bad.status_code == 400 and "position" in bad.json()


def test_page_size_has_a_ceiling(org):
    client = APIClient()
    client.force_authenticate(org.director.user)
    PersonFactory.create_batch(3, team=org.t1a)
    body = client.get(reverse("person-list"), {"page_size": 100000}).json()
    assert body["count"] == 14 and len(body["results"]) == 14  # 11 in the org + 3, under the 500 ceiling


def test_schema_and_docs_are_served_with_local_assets(org, client):
    client.force_login(org.director.user)
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/v1/people/" in schema.content
    docs = client.get(reverse("api-docs")).content.decode()
    assert "drf_spectacular_sidecar" in docs
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower()


@pytest.mark.parametrize("url_name", ["person-list", "team-list", "region-list"])
def test_list_endpoints_run_fixed_queries(org, url_name, django_assert_max_num_queries):
    client = APIClient()
    client.force_authenticate(org.rm1.user)

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url_name)).status_code == 200
        return len(ctx.captured_queries)

    small = count_queries()
    for i in range(25):
        PersonFactory(team=[org.t1a, org.t1b][i % 2], position=Position.REP, manager=org.tm1a)
    with django_assert_max_num_queries(small):
        client.get(reverse(url_name))
