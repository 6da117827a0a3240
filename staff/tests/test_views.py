import pytest
from django.urls import reverse

from staff.models import Position
from staff.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["staff:person-list", "staff:team-list", "staff:region-list", "home"])
def test_pages_run_fixed_queries(org, client, url_name, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.director.user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(url_name)).status_code == 200
    small = len(ctx.captured_queries)
    for i in range(30):
        PersonFactory(team=[org.t1a, org.t2a][i % 2], position=Position.REP, manager=org.tm1a)
    with django_assert_max_num_queries(small):
        assert client.get(reverse(url_name)).status_code == 200


def test_person_list_filters(org, client):
    client.force_login(org.rm1.user)
    response = client.get(reverse("staff:person-list"), {"team": org.t1b.pk})
    assert {p.name for p in response.context["people"]} == {"tm1b", "rep1b1"}
    # A team outside the manager's scope is not offered, and is refused as a filter.
    response = client.get(reverse("staff:person-list"), {"team": org.t2a.pk})
    assert "team" in response.context["form"].errors


def test_navigation_follows_the_role(org, client):
    client.force_login(org.rep1a1.user)
    html = client.get(reverse("home")).content.decode()
    assert reverse("staff:person-list") in html
    assert reverse("staff:region-list") not in html
    client.force_login(org.director.user)
    assert reverse("staff:region-list") in client.get(reverse("home")).content.decode()


def test_login_and_logout(org, client):
    response = client.post(reverse("login"), {"username": "rep1a1", "password": "pw-secret-123"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302
