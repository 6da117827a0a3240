"""The customer picker: a select of the customers in scope, or past `PICK_LIST_LIMIT` of
them a search box that fills the select from `customers:pick`; the search and the posted id keep
to the data-scope rule (a hidden customer is never listed, never taken)."""

from __future__ import annotations

import re
from decimal import Decimal

import factory
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import CustomerKind
from customers.tests.factories import CustomerFactory
from sales.models import Order, PipelineStage
from sales.tests.factories import ProductFactory
from sales.tests.test_order_pages import order_form
from salesorg.picking import PICK_ROWS

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
    """The choices of a select or of the search's answer (not its disabled lines of advice)."""
    return [(value, label) for value, disabled, label in OPTION.findall(html) if not disabled]


def pick(person, **params) -> tuple[int, list[tuple[str, str]], str]:
    response = client_for(person).get(reverse("customers:pick"), params)
    text = response.content.decode()
    return response.status_code, options(text), text


def test_under_the_limit_the_picker_lists_every_customer_in_scope_and_no_search_box(org, settings):
    settings.PICK_LIST_LIMIT = 3
    mine = [CustomerFactory(owner=org.rep1a1, name=name) for name in ("Beta", "Alpha", "Gamma")]
    CustomerFactory(owner=org.rep2a1, name="Hidden South")
    html = client_for(org.rep1a1).get(reverse("sales:order-create")).content.decode()
    # Three in scope, the limit is three: all of them, by name; the other region's is no choice.
    assert options(select_of(html, "customer")) == [("", "---------")] + [
        (str(c.pk), c.name) for c in sorted(mine, key=lambda c: c.name)
    ]
    assert 'data-pick-search="id_customer"' not in html


def test_past_the_limit_the_page_lists_only_the_chosen_customer_beside_a_search_box(org, settings):
    settings.PICK_LIST_LIMIT = 2
    customers = [CustomerFactory(owner=org.rep1a1, name=f"Acme {n}") for n in range(3)]
    CustomerFactory.create_batch(3, owner=org.rep1a1, kind=CustomerKind.DISTRIBUTOR)
    client = client_for(org.director)
    html = client.get(reverse("sales:order-create")).content.decode()
    assert options(select_of(html, "customer")) == [("", "---------")]
    assert 'data-pick-search="id_customer"' in html
    assert f'hx-get="{reverse("customers:pick")}"' in html
    # The distributor's search (three distributors in scope) asks for distributors and agents only.
    assert f'hx-get="{reverse("customers:pick")}?kind=distributor&amp;kind=agent"' in html

    # A form sent back with an error shows the chosen customer, and only it.
    product = ProductFactory(list_price=Decimal("10.00"), unit_cost=Decimal("4.00"))
    bad = order_form(customers[1], product, [], payment_terms_days="-1")
    response = client.post(reverse("sales:order-create"), bad)
    assert response.status_code == 400
    assert options(select_of(response.content.decode(), "customer")) == [
        ("", "---------"),
        (str(customers[1].pk), "Acme 1"),
    ]
    # The chosen customer, never listed on the page, is taken.
    response = client.post(reverse("sales:order-create"), order_form(customers[1], product, []))
    assert response.status_code == 302
    assert Order.objects.get().customer_id == customers[1].pk


def test_a_customer_outside_scope_is_no_choice_whichever_way_the_picker_shows(org, settings):
    settings.PICK_LIST_LIMIT = 1
    CustomerFactory.create_batch(2, owner=org.rep1b1)
    theirs = CustomerFactory(owner=org.rep1a1, name="Team A's")
    product = ProductFactory(list_price=Decimal("10.00"), unit_cost=Decimal("4.00"))
    # The manager of another team, in search mode (two customers in scope, the limit is one).
    response = client_for(org.tm1b).post(reverse("sales:order-create"), order_form(theirs, product, []))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # Nothing chosen is shown for the hidden id either.
    assert options(select_of(response.content.decode(), "customer")) == [("", "---------")]
    assert not Order.objects.exists()


def test_the_search_finds_by_name_or_code_start_within_scope_only(org):
    acme = CustomerFactory(owner=org.rep1a1, name="Acme Pumps", code="K-100")
    also = CustomerFactory(owner=org.rep1b1, name="Big Acme", code="K-200")
    CustomerFactory(owner=org.rep1a1, name="Other", code="X-1")
    south = CustomerFactory(owner=org.rep2a1, name="Acme South", code="K-300")

    status, found, _ = pick(org.director, q="acme")
    assert status == 200
    # By name: "Acme Pumps" < "Acme South" < "Big Acme"; the empty choice first.
    assert found == [
        ("", "---------"),
        (str(acme.pk), "Acme Pumps"),
        (str(south.pk), "Acme South"),
        (str(also.pk), "Big Acme"),
    ]
    # A code matches from its start only.
    assert pick(org.director, q="k-2")[1] == [("", "---------"), (str(also.pk), "Big Acme")]
    assert pick(org.director, q="-2")[1] == [("", "---------")]
    # The regional manager of the East sees the East's only; a team manager their team's only.
    assert pick(org.rm1, q="acme")[1] == [("", "---------"), (str(acme.pk), "Acme Pumps"), (str(also.pk), "Big Acme")]
    assert pick(org.tm1b, q="acme")[1] == [("", "---------"), (str(also.pk), "Big Acme")]
    # A hidden customer answers exactly like a missing one: no match.
    status, found, text = pick(org.rep1a1, q="Acme South")
    assert (status, found) == (200, [("", "---------")])
    assert "No customer matches." in text
    assert pick(org.rep1a1, q="no such name")[2] == text


def test_the_search_narrows_to_kinds_and_stops_at_a_page(org):
    distributor = CustomerFactory(owner=org.rep1a1, name="Acme Trade", kind=CustomerKind.DISTRIBUTOR)
    agent = CustomerFactory(owner=org.rep1a1, name="Acme Agency", kind=CustomerKind.AGENT)
    CustomerFactory(owner=org.rep1a1, name="Acme End")
    found = pick(org.rep1a1, q="acme", kind=["distributor", "agent"])[1]
    assert found == [("", "---------"), (str(agent.pk), "Acme Agency"), (str(distributor.pk), "Acme Trade")]

    CustomerFactory.create_batch(PICK_ROWS + 1, owner=org.rep1a2, name=factory.Sequence(lambda n: f"Bulk {n:03d}"))
    status, found, text = pick(org.tm1a, q="bulk")
    # 51 match: the first 50 and a line that says to type more.
    assert status == 200
    assert len(found) == 1 + PICK_ROWS
    assert f"The first {PICK_ROWS} are shown: type more to narrow them." in text


def test_bad_search_input_is_a_400_naming_the_parameter(org):
    status, _found, text = pick(org.director, q="x" * 101)
    assert status == 400
    assert text.startswith("q:")
    status, _found, text = pick(org.director, kind=["distributor", "wholesaler"])
    assert status == 400
    assert text == "kind: no such kind of customer: wholesaler."


def test_the_search_needs_a_login_and_a_get(org):
    response = Client().get(reverse("customers:pick"), {"q": "a"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client_for(org.director).post(reverse("customers:pick"), {"q": "a"}).status_code == 405


@pytest.mark.parametrize("url_name", ["sales:order-create", "customers:pick"])
def test_the_order_form_and_the_search_cost_the_same_queries_at_any_size(org, settings, url_name):
    settings.PICK_LIST_LIMIT = 5
    client = client_for(org.director)
    counts = []
    for size in (10, 60):
        CustomerFactory.create_batch(size, owner=org.rep1a1)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
