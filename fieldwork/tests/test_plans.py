"""Visit plans (issue 19): a week's plan lists exactly the customers due, each day ordered by
nearest neighbour; the rep edits, the manager line approves; planned against done. Dates and
distances worked out by hand."""

from datetime import date
from decimal import Decimal

import pytest

from customers.models import Classification, CustomerStatus
from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import PlanStatus, VisitPlan, VisitPlanItem
from fieldwork.routing import Stop, nearest_neighbour_route, route_length
from fieldwork.services.plans import visit_plan_decide, visit_plan_item_add, visit_plan_propose, visit_plan_submit
from fieldwork.tests.test_api import client_for
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.models import CalendarDay, CalendarDayKind

pytestmark = pytest.mark.django_db

# The week of Monday 9 March 2026 (1 March 2026 is a Sunday), planned on Friday 6 March.
MONDAY = date(2026, 3, 9)
TODAY = date(2026, 3, 6)
START = (Decimal("31.000000"), Decimal("121.000000"))


def customer(rep, name: str, classification: str, at: tuple[str, str], last_visit: date | None = None, **kwargs):
    c = CustomerFactory(
        owner=rep,
        name=name,
        code=name,
        classification=classification,
        latitude=Decimal(at[0]),
        longitude=Decimal(at[1]),
        **kwargs,
    )
    if last_visit is not None:
        VisitFactory(customer=c, date=last_visit)
    return c


@pytest.fixture
def book(org):
    """rep1a1's customers. Seeded frequencies: key every 14 days, general 30, potential 60.

    name  class      last visit  + days  = due      in the week of 9-15 Mar?  planned on
    K1    key        23 Feb      14        9 Mar    yes                       Mon 9
    K2    key         2 Mar      14       16 Mar    no (after Sunday 15)
    K3    key        28 Feb      14       14 Mar    yes (a Saturday)          Fri 13 (last working day)
    G1    general     1 Feb      30        3 Mar    yes, overdue              Mon 9
    G2    general     9 Feb      30       11 Mar    yes                       Wed 11
    G3    general    20 Feb      30       22 Mar    no
    P1    potential  never        -       now       yes, never visited        Mon 9
    P2    potential   1 Jan      60        2 Mar    yes, overdue              Mon 9
    P3    potential  15 Jan      60       16 Mar    no
    (Feb has 28 days: 23 Feb + 14 = 9 Mar; 28 Feb + 14 = 14 Mar; 1 Feb + 30 = 3 Mar; 9 Feb + 30 =
    11 Mar; 20 Feb + 30 = 22 Mar; 1 Jan + 60 = 2 Mar (31 + 28 = 59, day 60 after 1 Jan);
    15 Jan + 60 = 16 Mar.)
    Not rep1a1's plan: a lost customer of his never visited, and a key customer of rep1a2.
    """
    rep = org.rep1a1
    c = {
        # Monday's four, placed around the start point (31.00 N, 121.00 E).
        "K1": customer(rep, "K1", Classification.KEY, ("31.020000", "121.000000"), date(2026, 2, 23)),
        "G1": customer(rep, "G1", Classification.GENERAL, ("31.000000", "121.030000"), date(2026, 2, 1)),
        "P1": customer(rep, "P1", Classification.POTENTIAL, ("31.030000", "121.000000")),
        "P2": customer(rep, "P2", Classification.POTENTIAL, ("31.010000", "121.000000"), date(2026, 1, 1)),
        "K2": customer(rep, "K2", Classification.KEY, ("31.100000", "121.100000"), date(2026, 3, 2)),
        "K3": customer(rep, "K3", Classification.KEY, ("31.200000", "121.200000"), date(2026, 2, 28)),
        "G2": customer(rep, "G2", Classification.GENERAL, ("31.300000", "121.300000"), date(2026, 2, 9)),
        "G3": customer(rep, "G3", Classification.GENERAL, ("31.400000", "121.400000"), date(2026, 2, 20)),
        "P3": customer(rep, "P3", Classification.POTENTIAL, ("31.500000", "121.500000"), date(2026, 1, 15)),
    }
    customer(rep, "LOST", Classification.KEY, ("31.0", "121.0"), status=CustomerStatus.LOST)
    customer(org.rep1a2, "OTHER", Classification.KEY, ("31.0", "121.0"))
    # A visit inside the planned week does not move K1's due date (counted from before the week),
    # and makes K1 done.
    VisitFactory(customer=c["K1"], date=date(2026, 3, 10))
    return c


def planned(plan: VisitPlan) -> list[tuple[date, str]]:
    return [(i.day, i.customer.name) for i in plan.items.select_related("customer").order_by("day", "position")]


def test_the_weekly_plan_lists_exactly_the_customers_due_in_a_short_route(org, book):
    plan = visit_plan_propose(
        user=org.rep1a1.user, person=org.rep1a1, week_start=MONDAY, start_latitude=START[0],
        start_longitude=START[1], today=TODAY,
    )  # fmt: skip

    wed, fri = date(2026, 3, 11), date(2026, 3, 13)
    # Monday by hand, from the start point: P2 is nearest (0.01 deg north = 1 112 m), then K1 (1 112 m
    # further north), then P1 (1 112 m further), then G1 last (0.03 deg south and 0.03 deg east:
    # 3 336 m north-south and 3 336 x cos 31 deg = 2 859 m east-west, sqrt(3336^2 + 2859^2) = 4 393 m).
    assert planned(plan) == [(MONDAY, "P2"), (MONDAY, "K1"), (MONDAY, "P1"), (MONDAY, "G1"), (wed, "G2"), (fri, "K3")]
    monday = list(plan.items.filter(day=MONDAY).order_by("position"))
    assert [i.distance_m for i in monday[:3]] == [1112, 1112, 1112]
    assert abs(monday[3].distance_m - 4393) <= 5
    # Hand-worked alternatives are not shorter: start -> G1 -> P2 -> K1 -> P1 is 2 859 + 3 070 +
    # 1 112 + 1 112 = 8 153 m against 1 112 x 3 + 4 393 = 7 729 m.
    points = {i.customer.name: (i.customer.latitude, i.customer.longitude) for i in monday}
    ours = route_length(START, [points[n] for n in ("P2", "K1", "P1", "G1")])
    assert abs(ours - 7729) <= 5
    assert ours <= route_length(START, [points[n] for n in ("G1", "P2", "K1", "P1")])
    assert plan.status == PlanStatus.DRAFT and plan.team == org.t1a and plan.drafted_by == org.rep1a1
    due = {i.customer.name: i.due_date for i in plan.items.select_related("customer")}
    assert due == {
        "K1": date(2026, 3, 9),
        "G1": date(2026, 3, 3),
        "P1": None,
        "P2": date(2026, 3, 2),
        "G2": date(2026, 3, 11),
        "K3": date(2026, 3, 14),
    }


def test_a_holiday_moves_the_visit_to_the_next_working_day(org, book):
    CalendarDay.objects.update_or_create(date=date(2026, 3, 11), defaults={"kind": CalendarDayKind.HOLIDAY})

    plan = visit_plan_propose(user=org.rep1a1.user, person=org.rep1a1, week_start=MONDAY, today=TODAY)

    # G2 falls due on Wednesday 11, a holiday: planned on Thursday 12.
    assert (date(2026, 3, 12), "G2") in planned(plan)


def test_nearest_neighbour_without_a_start_begins_at_the_most_urgent_and_puts_unlocated_last():
    stops = [Stop("a", 0, 0), Stop("far", 0, 1), Stop("none", None, None), Stop("near", 0, Decimal("0.1"))]
    # 0.1 deg of longitude on the equator = 11 119 m; from there to 1 deg: 0.9 deg = 100 075 m.
    route = nearest_neighbour_route(None, stops)
    assert [key for key, _ in route] == ["a", "near", "far", "none"]
    assert route[0][1] is None and abs(route[1][1] - 11119) <= 2 and abs(route[2][1] - 100075) <= 5
    assert route[3][1] is None


def test_the_rep_edits_the_draft_and_the_manager_approves_planned_against_done(org, book):
    plan = visit_plan_propose(user=org.rep1a1.user, person=org.rep1a1, week_start=MONDAY, today=TODAY)
    rep = client_for(org.rep1a1)

    # Add K2 on Thursday; refused: a day outside the week, a customer of another rep (hidden: 400).
    added = rep.post(f"/api/v1/visit-plans/{plan.pk}/items/", {"customer": book["K2"].pk, "day": "2026-03-12"})
    assert added.status_code == 201
    assert rep.post(f"/api/v1/visit-plans/{plan.pk}/items/", {"customer": book["G3"].pk, "day": "2026-03-16"}).json()[
        "day"
    ]
    other = CustomerFactory(owner=org.rep1a2)
    hidden = rep.post(f"/api/v1/visit-plans/{plan.pk}/items/", {"customer": other.pk, "day": "2026-03-12"})
    assert hidden.status_code == 400
    k3 = plan.items.get(customer=book["K3"])
    assert rep.post(f"/api/v1/visit-plans/{plan.pk}/remove-item/", {"item": k3.pk}).status_code == 200
    assert sorted(name for _, name in planned(plan)) == ["G1", "G2", "K1", "K2", "P1", "P2"]

    assert rep.post(f"/api/v1/visit-plans/{plan.pk}/submit/").status_code == 200
    # A submitted plan is no longer edited.
    assert rep.post(f"/api/v1/visit-plans/{plan.pk}/remove-item/", {"item": plan.items.first().pk}).status_code == 400

    body = {"decision": "approve"}
    # Refusals: the rep himself (403), the manager of another team (404: not in his scope), a manager
    # of another region (404); sending back without a note (400 on "note").
    assert rep.post(f"/api/v1/visit-plans/{plan.pk}/decide/", body).status_code == 403
    assert client_for(org.tm1b).post(f"/api/v1/visit-plans/{plan.pk}/decide/", body).status_code == 404
    assert client_for(org.rm2).post(f"/api/v1/visit-plans/{plan.pk}/decide/", body).status_code == 404
    answer = client_for(org.tm1a).post(f"/api/v1/visit-plans/{plan.pk}/decide/", {"decision": "return"})
    assert answer.status_code == 400 and "note" in answer.json()
    assert VisitPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED

    approved = client_for(org.tm1a).post(f"/api/v1/visit-plans/{plan.pk}/decide/", body)
    assert approved.status_code == 200 and approved.json()["status"] == PlanStatus.APPROVED
    # Planned against done: K1 was visited on Tuesday 10 March, the other five not yet.
    items = approved.json()["items"]
    assert [i["customer_name"] for i in items if i["done"]] == ["K1"] and len(items) == 6


def test_who_drafts_and_who_approves(org, book):
    # A rep drafts only his own plan: rep1a2 is outside rep1a1's scope (400 on the field).
    response = client_for(org.rep1a1).post(
        "/api/v1/visit-plans/", {"person": org.rep1a2.pk, "week_start": "2099-03-09"}
    )
    assert response.status_code == 400 and "person" in response.json()
    with pytest.raises(NotAllowed):
        visit_plan_propose(user=org.rep1a1.user, person=org.rep1a2, week_start=MONDAY, today=TODAY)
    # The manager of another team does not see rep1a1 (400); his own manager drafts for him.
    other = client_for(org.tm1b).post("/api/v1/visit-plans/", {"person": org.rep1a1.pk, "week_start": "2099-03-09"})
    assert other.status_code == 400
    # A week that does not start on a Monday, and a past week, are refused on the field.
    with pytest.raises(ApplicationError) as not_monday:
        visit_plan_propose(user=org.rep1a1.user, person=org.rep1a1, week_start=date(2026, 3, 10), today=TODAY)
    assert "week_start" in not_monday.value.fields
    # The week of 23 Feb has ended: Friday 6 Mar is in the week of 2 Mar.
    with pytest.raises(ApplicationError):
        visit_plan_propose(user=org.rep1a1.user, person=org.rep1a1, week_start=date(2026, 2, 23), today=TODAY)

    plan = visit_plan_propose(user=org.tm1a.user, person=org.rep1a1, week_start=MONDAY, today=TODAY)
    visit_plan_submit(user=org.rep1a1.user, plan=plan)
    # Drafted by tm1a: a second person approves (the regional manager or the director).
    with pytest.raises(NotAllowed):
        visit_plan_decide(user=org.tm1a.user, plan=plan, decision="approve")
    visit_plan_decide(user=org.rm1.user, plan=plan, decision="return", note="周三多安排一家")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.decision_note == "周三多安排一家"
    # Back in draft the rep edits again; the director approves the resubmitted plan.
    visit_plan_item_add(user=org.rep1a1.user, plan=plan, customer=book["G3"], day=date(2026, 3, 11))
    visit_plan_submit(user=org.rep1a1.user, plan=plan)
    visit_plan_decide(user=org.director.user, plan=plan, decision="approve")
    assert VisitPlan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED
    assert VisitPlanItem.objects.filter(plan=plan, added_by_rep=True).count() == 1
    assert plan.history.count() >= 5


def test_the_plan_pages_and_the_pool_page_in_chinese(org, book, client):
    from tests.test_i18n import english_words

    org.rep1a1.language = "zh-hans"
    org.rep1a1.save(update_fields=["language"])
    plan = visit_plan_propose(user=org.rep1a1.user, person=org.rep1a1, week_start=MONDAY, today=TODAY)
    CustomerFactory(owner=None, owner_since=None, region=org.r1, team=org.t1a, name="公海客户")
    client.force_login(org.rep1a1.user)
    # Customer names, codes and units are data (K1, G1, East, Shanghai ...), not interface words.
    data = {"K1", "K2", "K3", "G1", "G2", "G3", "P1", "P2", "P3", "East", "Shanghai", "rep", "C", "LOST", "OTHER"}
    for url in ("/customers/visit-plans/", f"/customers/visit-plans/{plan.pk}/", "/customers/pool/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.content.decode(), data) == set(), url
    detail = client.get(f"/customers/visit-plans/{plan.pk}/").content.decode()
    # 6 planned, K1 done (visited 10 Mar): "计划拜访 6 家，已完成 1 家".
    assert "计划拜访 6 家，已完成 1 家" in detail


def test_the_plan_list_runs_a_fixed_number_of_queries(org, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def plans_for(rep, weeks: int) -> None:
        for week in range(weeks):
            monday = date(2026, 3, 9 + 7 * week)
            plan = VisitPlan.objects.create(person=rep, team=rep.team, region=rep.region, week_start=monday)
            for n in range(3):
                c = CustomerFactory(owner=rep)
                VisitPlanItem.objects.create(plan=plan, customer=c, day=monday, position=n + 1)
                VisitFactory(customer=c, date=monday)

    def queries() -> tuple[int, int]:
        counted = []
        for who, path in ((api, "/api/v1/visit-plans/"), (client, "/customers/visit-plans/")):
            with CaptureQueriesContext(connection) as captured:
                assert who.get(path).status_code == 200
            counted.append(len(captured))
        return counted[0], counted[1]

    api = client_for(org.tm1a)
    client.force_login(org.tm1a.user)
    plans_for(org.rep1a1, 1)
    queries()  # warm the caches a first request fills
    small = queries()
    plans_for(org.rep1a2, 3)
    # 1 plan of 3 visits, then 4 plans of 3 visits each: the same number of queries.
    assert queries() == small
