"""A list's count stops at LIST_COUNT_CAP rows past the start (salesorg.paging): the page says
"N+" and offers Next but no Last; a page past the cap counts on to itself; the API answers
`count_exact` and keeps its next link right."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import Visit
from sales.tests.factories import make_order
from salesorg.paging import PAGE_ROWS

pytestmark = pytest.mark.django_db


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr[ >]", body))


def test_a_list_longer_than_the_cap_says_so_and_pages_on(client, org, settings):
    settings.LIST_COUNT_CAP = 5
    customer = CustomerFactory(owner=org.rep1a1)
    total = PAGE_ROWS + 7
    Visit.objects.bulk_create([VisitFactory.build(customer=customer) for _ in range(total)])
    client.force_login(org.rep1a1.user)
    url = reverse("fieldwork:visit-list")

    # Page 1: counted to max(5, 1 x PAGE_ROWS) + 1 = PAGE_ROWS + 1 rows, more than a page holds.
    first = client.get(url).content.decode()
    assert _rows(first) == PAGE_ROWS
    assert f"{PAGE_ROWS}+" in first
    assert f"of {PAGE_ROWS}+" in first  # "Rows 1-50 of 50+"
    assert "Page 1 of" not in first and ">Page 1<" in first
    assert 'rel="next"' in first and ">Last<" not in first

    # Page 2: counted to max(5, 2 x PAGE_ROWS) + 1, past the total: exact again.
    second = client.get(url, {"page": "2"}).content.decode()
    assert _rows(second) == total - PAGE_ROWS
    assert f"of {total}<" in second and "Page 2 of 2" in second
    assert 'rel="next"' not in second


def test_the_api_says_whether_its_count_is_the_total(client, org, settings):
    settings.LIST_COUNT_CAP = 5
    customer = CustomerFactory(owner=org.rep1a1)
    for day in range(1, 8):
        make_order(customer=customer, shares=[(org.rep1a1, "100")], on=date(2026, 3, day))
    client.force_login(org.rep1a1.user)

    # 7 orders, 2 a page. Page 1 counts to max(5, 2) + 1 = 6: at least 6, not the total.
    first = client.get("/api/v1/orders/", {"page_size": 2}).json()
    assert (first["count"], first["count_exact"]) == (6, False)
    assert len(first["results"]) == 2 and first["next"]
    # Page 3 counts to max(5, 6) + 1 = 7 and finds 7: at least 7 (the count reached its limit);
    # a next page (row 7) is there.
    third = client.get("/api/v1/orders/", {"page_size": 2, "page": 3}).json()
    assert (third["count"], third["count_exact"]) == (7, False)
    assert third["next"]
    # Page 4 counts to max(5, 8) + 1 = 9 and finds 7: exact; it holds the last row, no next link.
    fourth = client.get("/api/v1/orders/", {"page_size": 2, "page": 4}).json()
    assert (fourth["count"], fourth["count_exact"], fourth["next"]) == (7, True, None)
    assert len(fourth["results"]) == 1
    # Under the cap nothing changes: the count is the total.
    settings.LIST_COUNT_CAP = 10_000
    whole = client.get("/api/v1/orders/").json()
    assert (whole["count"], whole["count_exact"]) == (7, True)


@pytest.mark.parametrize("page", ["999999999999999999999", "9" * 40, "-5", "x"])
def test_a_huge_or_bad_page_number_answers_a_page_or_404_never_an_error(client, org, page):
    CustomerFactory(owner=org.rep1a1)
    client.force_login(org.rep1a1.user)
    assert client.get(reverse("customers:customer-list"), {"page": page}).status_code == 200
    assert client.get("/api/v1/customers/", {"page": page}).status_code in (200, 404)


def test_a_page_is_found_by_its_ids_and_holds_the_rows_a_slice_would(org):
    """CappedPaginator.page: the page's ids first (the list's order and scope walked on narrow
    rows), then those rows whole; the same rows, in the same order, as the plain slice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sales.models import Order
    from salesorg.paging import CappedPaginator

    mine = CustomerFactory(owner=org.rep1a1)
    theirs = CustomerFactory(owner=org.rep2a1)
    # 7 orders of team T1A and 5 of T2A, interleaved by date (two on the 3rd: the id breaks the tie).
    for day in (1, 2, 3, 3, 4, 5, 6):
        make_order(customer=mine, shares=[(org.rep1a1, "100")], on=date(2026, 3, day))
    for day in (1, 2, 3, 4, 5):
        make_order(customer=theirs, shares=[(org.rep2a1, "100")], on=date(2026, 3, day))
    rows = Order.objects.visible_to(org.tm1a.user).order_by("-date", "-id")
    expected = list(rows.values_list("pk", flat=True))
    assert len(expected) == 7
    paginator = CappedPaginator(rows, 3)
    with CaptureQueriesContext(connection) as queries:
        pages = [[order.pk for order in paginator.page(n)] for n in (1, 2, 3)]
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]
    # One count, then one query a page: the rows whose ids are the page's.
    page_sql = [q["sql"] for q in queries.captured_queries if "COUNT(" not in q["sql"]]
    assert len(page_sql) == 3
    assert all(" IN (SELECT " in sql for sql in page_sql)
    # The ids of each page: 3, 3, and the last row (the slice stops at the count of 7).
    assert ["LIMIT 3" in page_sql[0], "LIMIT 3 OFFSET 3" in page_sql[1], "LIMIT 1 OFFSET 6" in page_sql[2]] == [
        True,
        True,
        True,
    ]


def test_a_grouped_list_is_paged_by_slicing(org):
    """A grouped list (a report by customer) has no row id: its page is the plain slice."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    from sales.models import Order
    from salesorg.paging import CappedPaginator

    for owner in (org.rep1a1, org.rep1a2, org.rep1b1):
        customer = CustomerFactory(owner=owner)
        make_order(customer=customer, shares=[(owner, "100")], on=date(2026, 3, 1))
    grouped = Order.objects.values("customer").annotate(n=Count("id")).order_by("customer")
    paginator = CappedPaginator(grouped, 2)
    with CaptureQueriesContext(connection) as queries:
        first = list(paginator.page(1))
    assert [row["n"] for row in first] == [1, 1]
    assert paginator.count == 3
    assert not any(" IN (SELECT " in q["sql"] for q in queries.captured_queries)
