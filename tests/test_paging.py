"""Paged lists: a list longer than a page says its total, shows a page of rows and links to the
next page with the filters kept; a page number out of range or not a number answers a page, and
the page costs the same number of queries at any size."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import Visit
from salesorg.paging import PAGE_ROWS


def _visits(org, n: int) -> None:
    customer = CustomerFactory(owner=org.rep1a1)
    Visit.objects.bulk_create([VisitFactory.build(customer=customer) for _ in range(n)])


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr[ >]", body))


def test_a_long_visit_list_pages_with_its_filters(client, org):
    # PAGE_ROWS + 10 visits: page 1 holds PAGE_ROWS, page 2 the other 10, two pages in all.
    _visits(org, PAGE_ROWS + 10)
    client.force_login(org.rep1a1.user)
    first = client.get(reverse("fieldwork:visit-list") + "?q=")
    html = first.content.decode()
    assert _rows(html) == PAGE_ROWS
    assert f"of {PAGE_ROWS + 10}" in html and "Page 1 of 2" in html
    assert 'href="?q=&amp;page=2"' in html
    second = client.get(reverse("fieldwork:visit-list") + "?q=&page=2").content.decode()
    assert _rows(second) == 10
    assert 'rel="next"' not in second and 'rel="prev"' in second


@pytest.mark.parametrize("page", ["999", "abc", "-1", "0"])
def test_a_page_number_out_of_range_answers_a_page(client, org, page):
    _visits(org, 3)
    client.force_login(org.rep1a1.user)
    response = client.get(reverse("fieldwork:visit-list"), {"page": page})
    assert response.status_code == 200
    assert _rows(response.content.decode()) == 3


def test_a_short_list_shows_no_pager(client, org):
    _visits(org, 3)
    client.force_login(org.rep1a1.user)
    assert 'data-testid="pager"' not in client.get(reverse("fieldwork:visit-list")).content.decode()


@pytest.mark.parametrize("n", [5, PAGE_ROWS + 5])
def test_paged_lists_cost_a_fixed_number_of_queries(client, org, django_assert_max_num_queries, n):
    _visits(org, n)
    client.force_login(org.tm1a.user)
    for name in (
        "fieldwork:visit-list",
        "fieldwork:expense-list",
        "sales:order-list",
        "sales:payment-list",
        "sales:quotation-list",
        "customers:customer-list",
        "customers:pool",
    ):
        with django_assert_max_num_queries(16):
            response = client.get(reverse(name), {"page": "2"})
        assert response.status_code == 200, name
