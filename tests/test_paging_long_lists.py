"""Lists that showed their first 200 rows and no more (complaints, follow-ups, visit plans,
opportunities) are paged like every other list: a page of PAGE_ROWS, the next page reachable
with the list's filters kept, the same number of queries at any size."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Complaint, FollowUp, FollowUpKind
from customers.tests.factories import ComplaintFactory, CustomerFactory
from fieldwork.models import VisitPlan
from sales.models import Opportunity, PipelineStage
from salesorg.paging import PAGE_ROWS

pytestmark = pytest.mark.django_db

EXTRA = 3


def _complaints(org, n: int, start: int = 0) -> None:
    customer = CustomerFactory(owner=org.rep1a1)
    Complaint.objects.bulk_create(
        [
            ComplaintFactory.build(customer=customer, received_on=date(2026, 3, 2) + timedelta(days=i))
            for i in range(start, start + n)
        ]
    )


def _follow_ups(org, n: int, start: int = 0) -> None:
    customer = CustomerFactory(owner=org.rep1a1)
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                person=org.rep1a1,
                customer=customer,
                kind=FollowUpKind.NEXT_STEP,
                message=f"step {i}",
                created_on=date(2026, 3, 1),
                due_date=date(2026, 3, 2) + timedelta(days=i),
            )
            for i in range(start, start + n)
        ]
    )


def _plans(org, n: int, start: int = 0) -> None:
    monday = date(2026, 1, 5)
    VisitPlan.objects.bulk_create(
        [
            VisitPlan(person=org.rep1a1, team=org.t1a, region=org.r1, week_start=monday + timedelta(weeks=i))
            for i in range(start, start + n)
        ]
    )


def _opportunities(org, n: int, start: int = 0) -> None:
    stage, _ = PipelineStage.objects.get_or_create(name="线索-分页", defaults={"order": 1, "probability": 10})
    customer = CustomerFactory(owner=org.rep1a1)
    Opportunity.objects.bulk_create(
        [
            Opportunity(
                name=f"商机 {i}",
                customer=customer,
                owner=org.rep1a1,
                team=org.t1a,
                region=org.r1,
                stage=stage,
                expected_close_date=date(2026, 6, 1) + timedelta(days=i),
                stage_entered_at=timezone.now(),
            )
            for i in range(start, start + n)
        ]
    )


LISTS = [
    ("customers:complaint-list", _complaints, "tbody"),
    ("customers:follow-up-list", _follow_ups, "ul"),
    ("fieldwork:plan-list", _plans, "tbody"),
    ("sales:pipeline", _opportunities, "tbody"),
]


def _rows(html: str, body: str) -> int:
    if body == "ul":
        part = html.split('<ul class="list-group">', 1)[1].split("</ul>", 1)[0]
        return len(re.findall(r'<li class="list-group-item d-flex', part))
    # The last table of the page is the list (the pipeline shows its forecast table first).
    part = html.rsplit("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return len(re.findall(r"<tr[ >]", part))


@pytest.mark.parametrize(("name", "make", "body"), LISTS)
def test_a_list_past_a_page_shows_the_rest_on_the_next_page(client, org, name, make, body):
    make(org, PAGE_ROWS + EXTRA)
    client.force_login(org.rep1a1.user)
    first = client.get(reverse(name)).content.decode()
    assert _rows(first, body) == PAGE_ROWS
    assert f"of {PAGE_ROWS + EXTRA}" in first and 'rel="next"' in first
    second = client.get(reverse(name), {"page": "2"}).content.decode()
    assert _rows(second, body) == EXTRA
    assert 'rel="next"' not in second
    # Another team's manager sees none of them: no pages, at most the list's "nothing here" row.
    client.force_login(org.tm2a.user)
    other = client.get(reverse(name)).content.decode()
    assert _rows(other, body) <= 1
    assert f"of {PAGE_ROWS + EXTRA}" not in other and 'rel="next"' not in other


def test_the_complaints_pager_keeps_the_status_filter(client, org):
    _complaints(org, PAGE_ROWS + EXTRA)
    client.force_login(org.rep1a1.user)
    html = client.get(reverse("customers:complaint-list"), {"status": "received"}).content.decode()
    assert 'href="?status=received&amp;page=2"' in html


@pytest.mark.parametrize(("name", "make", "body"), LISTS)
def test_a_long_list_costs_the_queries_of_a_short_one(client, org, name, make, body, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(org.rep1a1.user)
    make(org, 3)
    with CaptureQueriesContext(connection) as short:
        client.get(reverse(name))
    make(org, PAGE_ROWS + EXTRA, start=3)
    with django_assert_num_queries(len(short)):
        client.get(reverse(name), {"page": "2"})
