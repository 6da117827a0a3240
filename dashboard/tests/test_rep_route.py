"""Today's route on the rep's phone home (issue 19): the day's stops of the approved weekly plan,
nearest neighbour from the plan's start point, each with a large tap target to check in."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import PlanStatus, VisitPlan, VisitPlanItem
from fieldwork.routing import week_of

pytestmark = pytest.mark.django_db

LON = Decimal("121.470000")
START = Decimal("31.200000")


def plan_today(org, latitudes: list[str], *, status: str = PlanStatus.APPROVED, day=None) -> list:
    """An approved plan of this week for rep1a1 starting at (31.20, 121.47), with one stop today per
    latitude (all on the meridian 121.47), added in the order given."""
    today = timezone.localdate()
    plan = VisitPlan.objects.create(
        person=org.rep1a1,
        team=org.t1a,
        region=org.r1,
        week_start=week_of(today),
        drafted_by=org.rep1a1,
        status=status,
        start_latitude=START,
        start_longitude=LON,
    )
    customers = []
    for position, lat in enumerate(latitudes, start=1):
        customer = CustomerFactory(owner=org.rep1a1, name=f"客户{lat}", latitude=Decimal(lat), longitude=LON)
        VisitPlanItem.objects.create(plan=plan, customer=customer, day=day or today, position=position)
        customers.append(customer)
    return customers


def stops_on(page: str) -> list[str]:
    return re.findall(r'data-testid="route-stop" data-customer="(\d+)"', page)


def test_todays_route_is_ordered_nearest_neighbour_from_the_start_point(org, client):
    a, b, c = plan_today(org, ["31.230000", "31.210000", "31.250000"])
    client.force_login(org.rep1a1.user)

    page = client.get("/").content.decode()

    # Along a meridian one degree of latitude is 6,371,000 m x pi / 180 = 111,194.93 m. From the
    # start at 31.20: B (31.21) is 0.01 deg = 1,111.95 -> 1112 m, A (31.23) 0.03 deg, C 0.05 deg:
    # B first; from B, A is 0.02 deg = 2,223.90 -> 2224 m, C 0.04 deg: A; then C, 0.02 deg = 2224 m.
    # In all 1112 + 2224 + 2224 = 5560 m (the order given, A B C, would be 3336 + 2224 + 4448 m).
    assert stops_on(page) == [str(b.pk), str(a.pk), str(c.pk)]
    assert "1112 m from the stop before" in page
    assert page.count("2224 m from the stop before") == 2
    assert "5560 m in all" in page
    # Each stop opens the visit form for its customer, with a tap target of at least 44 px.
    assert f'href="/customers/visits/new/?customer={b.pk}"' in page
    assert "min-height: 48px" in page


def test_a_stop_visited_today_is_marked_and_offers_no_check_in(org, client):
    a, b = plan_today(org, ["31.230000", "31.210000"])
    VisitFactory(author=org.rep1a1, customer=b, date=timezone.localdate())
    client.force_login(org.rep1a1.user)

    page = client.get("/").content.decode()

    assert f"?customer={a.pk}" in page
    assert f"?customer={b.pk}" not in page
    assert "Visited" in page


@pytest.mark.parametrize("status", [PlanStatus.DRAFT, PlanStatus.SUBMITTED])
def test_only_an_approved_plan_makes_the_route(org, client, status):
    plan_today(org, ["31.230000"], status=status)
    client.force_login(org.rep1a1.user)

    page = client.get("/").content.decode()

    assert stops_on(page) == []
    assert "No approved plan for today." in page


def test_another_days_stops_are_not_on_todays_route(org, client):
    today = timezone.localdate()
    other = today + timedelta(days=1) if today.weekday() < 6 else today - timedelta(days=1)
    plan_today(org, ["31.230000"], day=other)
    client.force_login(org.rep1a1.user)

    assert stops_on(client.get("/").content.decode()) == []


def test_the_route_runs_the_same_queries_for_2_and_8_stops(org, client):
    client.force_login(org.rep1a1.user)
    client.get("/")  # warm the session and the per-request caches

    def queries_for(latitudes: list[str]) -> tuple[int, int]:
        VisitPlan.objects.all().delete()
        plan_today(org, latitudes)
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/").content.decode()
        return len(stops_on(page)), len(captured)

    small = queries_for(["31.21", "31.22"])
    large = queries_for([f"31.2{i}" for i in range(1, 9)])

    assert (small[0], large[0]) == (2, 8)
    assert small[1] == large[1]
