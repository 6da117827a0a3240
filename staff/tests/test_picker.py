"""The people picker: the filters and forms that name a person list the people in scope, or past
`PICK_LIST_LIMIT` of them hold only the chosen one beside a search box that fills the select from
`staff:person-pick`; the search and the posted id keep to the data-scope rule."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.tests.factories import CustomerFactory
from sales.models import Order, PipelineStage
from sales.tests.factories import ProductFactory
from sales.tests.test_order_pages import order_form
from staff.models import PersonStatus, Position
from staff.tests.factories import PersonFactory

OPTION = re.compile(r'<option value="(\d*)"( disabled)?[^>]*>([^<]*)</option>')


@pytest.fixture(autouse=True)
def _own_stages(db):
    PipelineStage.objects.all().delete()


def client_for(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def select_of(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select named {name}"
    return match.group(1)


def options(html: str) -> list[tuple[str, str]]:
    return [(value, label) for value, disabled, label in OPTION.findall(html) if not disabled]


def pick(person, **params) -> tuple[int, list[tuple[str, str]], str]:
    response = client_for(person).get(reverse("staff:person-pick"), params)
    text = response.content.decode()
    return response.status_code, options(text), text


def test_a_team_managers_owner_filter_lists_the_team_and_a_directors_is_a_search(org, settings):
    settings.PICK_LIST_LIMIT = 5
    # Team 1A: its manager, two reps and a junior (4, under the limit); the company: 10 people.
    html = client_for(org.tm1a).get(reverse("customers:customer-list")).content.decode()
    assert sorted(label for _value, label in options(select_of(html, "owner"))[1:]) == sorted(
        p.name for p in (org.tm1a, org.rep1a1, org.rep1a2, org.junior1a)
    )
    assert 'data-pick-search="id_owner"' not in html

    customer = CustomerFactory(owner=org.rep2a1, name="South Works")
    CustomerFactory(owner=org.rep1a1, name="East Works")
    html = client_for(org.director).get(reverse("customers:customer-list"), {"owner": org.rep2a1.pk}).content.decode()
    # Past the limit: the search box, and the chosen owner as the only choice; the filter holds.
    assert 'data-pick-search="id_owner"' in html
    assert f'hx-get="{reverse("staff:person-pick")}"' in html
    assert options(select_of(html, "owner")) == [("", "---------"), (str(org.rep2a1.pk), org.rep2a1.name)]
    assert customer.name in html
    assert "East Works" not in html


def test_the_search_finds_by_name_or_employee_number_start_within_scope_only(org):
    ann = PersonFactory(name="Ann Lee", employee_no="K-100", team=org.t1a, region=org.r1, manager=org.tm1a)
    bob = PersonFactory(name="Bob Annan", employee_no="K-200", team=org.t1b, region=org.r1, manager=org.tm1b)
    south = PersonFactory(name="Anna South", employee_no="K-300", team=org.t2a, region=org.r2, manager=org.tm2a)
    PersonFactory(name="Anne Gone", team=org.t1a, region=org.r1, status=PersonStatus.LEFT)

    status, found, _ = pick(org.director, q="ann")
    assert status == 200
    # By name; who has left is no choice.
    assert found == [
        ("", "---------"),
        (str(ann.pk), "Ann Lee"),
        (str(south.pk), "Anna South"),
        (str(bob.pk), "Bob Annan"),
    ]
    assert pick(org.director, q="k-2")[1] == [("", "---------"), (str(bob.pk), "Bob Annan")]
    assert pick(org.director, q="-2")[1] == [("", "---------")]
    # A regional manager: their region's; the manager of another team: their team's only.
    assert pick(org.rm1, q="ann")[1] == [("", "---------"), (str(ann.pk), "Ann Lee"), (str(bob.pk), "Bob Annan")]
    assert pick(org.tm1b, q="ann")[1] == [("", "---------"), (str(bob.pk), "Bob Annan")]
    # Someone hidden answers exactly like nobody.
    status, found, text = pick(org.tm1b, q="Ann Lee")
    assert (status, found) == (200, [("", "---------")])
    assert "Nobody matches." in text
    assert pick(org.tm1b, q="Zed Nobody")[2] == text


def test_bad_search_input_is_a_400_and_the_search_needs_a_login_and_a_get(org):
    status, _found, text = pick(org.director, q="x" * 101)
    assert (status, text) == (400, "q: at most 100 characters.")
    response = Client().get(reverse("staff:person-pick"), {"q": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client_for(org.director).post(reverse("staff:person-pick"), {"q": "a"}).status_code == 405


def test_a_share_names_a_rep_found_by_search_and_never_one_outside_scope(org, settings):
    settings.PICK_LIST_LIMIT = 3
    customer = CustomerFactory(owner=org.rep1b1)
    product = ProductFactory(list_price=Decimal("10.00"), unit_cost=Decimal("4.00"))
    client = client_for(org.rm1)
    html = client.get(reverse("sales:order-create")).content.decode()
    # The East's people are more than three: the rep of each share row is a search.
    assert options(select_of(html, "shares-0-rep")) == [("", "---------")]
    assert 'data-pick-search="id_shares-0-rep"' in html
    # The share template (a row added by a tap) carries the search box too.
    assert 'data-pick-search="id_shares-__prefix__-rep"' in html

    # The South's rep is outside the regional manager's scope: no choice, nothing written.
    shares = [(org.rep1b1, "60"), (org.rep2a1, "40")]
    response = client.post(reverse("sales:order-create"), order_form(customer, product, shares))
    assert response.status_code == 400
    assert not Order.objects.exists()
    # The row sent back shows the chosen rep in scope, and nothing for the hidden one.
    html = response.content.decode()
    assert options(select_of(html, "shares-0-rep")) == [("", "---------"), (str(org.rep1b1.pk), org.rep1b1.name)]
    assert options(select_of(html, "shares-1-rep")) == [("", "---------")]

    shares = [(org.rep1b1, "60"), (org.rep1a1, "40")]
    response = client.post(reverse("sales:order-create"), order_form(customer, product, shares))
    assert response.status_code == 302
    assert sorted(Order.objects.get().shares.values_list("rep_id", "percent")) == sorted(
        [(org.rep1b1.pk, Decimal("60.00")), (org.rep1a1.pk, Decimal("40.00"))]
    )


@pytest.mark.parametrize("url_name", ["customers:customer-list", "fieldwork:visit-list", "staff:person-pick"])
def test_filters_and_the_search_cost_the_same_queries_at_any_size(org, settings, url_name):
    settings.PICK_LIST_LIMIT = 5
    client = client_for(org.director)
    counts = []
    for size in (10, 60):
        PersonFactory.create_batch(size, team=org.t1a, region=org.r1, manager=org.tm1a, position=Position.REP)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
