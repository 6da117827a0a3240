"""The achievement engine against a small organization worked out by hand.

As of 2026-03-15 (fiscal year = calendar 2026): records dated after that day do not count.
Time progress: the year 74/365 (31 + 28 + 15 days) = 0.2027; Q1 74/90 = 0.8222; March 15/31 =
0.4839; January and February have ended (1.0000).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext

from staff.tests.factories import PersonFactory, TeamFactory
from targets.models import Achievement, AchievementTrend, RecomputeRun, RunStatus
from targets.services import achievements_recompute
from targets.services.engine import statements as engine_statements
from targets.services.engine import write
from targets.tests import factories as f

AS_OF = date(2026, 3, 15)


def ach(owner_kind: str, owner_key: int, metric: str, period: str) -> Achievement:
    return Achievement.objects.get(owner_kind=owner_kind, owner_key=owner_key, metric=metric, period=period)


@pytest.fixture
def book(org):
    """The hand-built organization's records (see the module docstring for the sums)."""
    o = org
    # rep1a2 is in T1a until January's end, then moves to T1b (records keep the team of their day).
    c1, c2, c3, c4, c5 = (f.customer(o.rep1a1) for _ in range(5))
    # O1: C1's first order, rep1a1 alone: 1000.00 + 500.00 = 1500.00; margin 400.00 + 300.00 = 700.00.
    o1 = f.order(
        c1,
        date(2026, 1, 10),
        lines=[("1000.00", "600.00"), ("500.00", "200.00")],
        shares=[(o.rep1a1, o.t1a, o.r1, "100", "1500.00", "700.00", True)],
    )
    # O2: C2's first order, split 66.67 % rep1a2 (T1a then) / 33.33 % rep2a1. Total 100.00, margin 60.00.
    # rep2a1: floor(100.00 x 33.33) / 100 = 33.33, margin floor(60.00 x 33.33) / 100 = floor(1999.8)/100 = 19.99;
    # rep1a2 (primary) takes the rest: 66.67 and 40.01.
    o2 = f.order(
        c2,
        date(2026, 1, 20),
        lines=[("100.00", "40.00")],
        shares=[
            (o.rep1a2, o.t1a, o.r1, "66.67", "66.67", "40.01", True),
            (o.rep2a1, o.t2a, o.r2, "33.33", "33.33", "19.99", False),
        ],
    )
    o.rep1a2.team = o.t1b
    o.rep1a2.save(update_fields=["team"])
    # O3: C1 again (not new), rep1a2 now recorded on T1b: 2000.00, margin 500.00.
    o3 = f.order(
        c1,
        date(2026, 2, 5),
        lines=[("2000.00", "1500.00")],
        shares=[(o.rep1a2, o.t1b, o.r1, "100", "2000.00", "500.00", True)],
    )
    # O4: cancelled, C3's only order: counts for nothing (no sales, no new customer).
    f.order(
        c3,
        date(2026, 2, 10),
        status="cancelled",
        lines=[("9999.00", "1.00")],
        shares=[(o.rep1b1, o.t1b, o.r1, "100", "9999.00", "9998.00", True)],
    )
    # O5: after the as-of day: not counted; C4 is therefore not yet a new customer.
    f.order(
        c4,
        date(2026, 3, 20),
        lines=[("300.00", "100.00")],
        shares=[(o.rep1b1, o.t1b, o.r1, "100", "300.00", "200.00", True)],
    )
    # O6 last year, O7 this March: C5 is not new in 2026; O7 = 400.00, margin 300.00 for rep2a1.
    f.order(
        c5,
        date(2025, 12, 20),
        lines=[("700.00", "100.00")],
        shares=[(o.rep2a1, o.t2a, o.r2, "100", "700.00", "600.00", True)],
    )
    f.order(
        c5,
        date(2026, 3, 1),
        lines=[("400.00", "100.00")],
        shares=[(o.rep2a1, o.t2a, o.r2, "100", "400.00", "300.00", True)],
    )
    # A draft is not counted.
    f.order(
        c1,
        date(2026, 3, 2),
        status="draft",
        lines=[("5000.00", "1.00")],
        shares=[(o.rep1a1, o.t1a, o.r1, "100", "5000.00", "4999.00", True)],
    )
    # Payments. P1 on O2 10.01: rep2a1 floor(10.01 x 33.33 = 333.6333) / 100 = 3.33; rep1a2 6.68.
    f.payment(o2, date(2026, 2, 15), "10.01")
    f.payment(o1, date(2026, 3, 10), "1500.00")
    f.payment(o3, date(2026, 3, 16), "2000.00")  # after the as-of day
    f.payment(o1, date(2025, 12, 31), "1.00")  # last year
    # Visits: rep1a2 once on T1a (January), twice on T1b (February); rep1a1 once; rep2a1 on the
    # as-of day (counted) and the day after (not counted).
    f.visit(o.rep1a2, date(2026, 1, 15), team=o.t1a)
    f.visit(o.rep1a2, date(2026, 2, 20), team=o.t1b)
    f.visit(o.rep1a2, date(2026, 2, 21), team=o.t1b)
    f.visit(o.rep1a1, date(2026, 3, 5))
    f.visit(o.rep2a1, date(2026, 3, 15))
    f.visit(o.rep2a1, date(2026, 3, 16))
    # Expenses: only approved claims count.
    f.expense(o.rep1a1, date(2026, 2, 1), "120.50")
    f.expense(o.rep1a1, date(2026, 2, 2), "80.00", status="submitted")
    f.expense(o.rep1b1, date(2026, 3, 1), "60.25")
    # Approved targets: a normal one, a zero one, a missing one (rep1b1), a team quarter, a budget,
    # a company month; and a draft (rep2a1), which sets no rate.
    approved = {"status": "approved"}
    f.target(o.rep1a1, period="2026", value="10000.00", stretch="12000.00", **approved)
    f.target(o.rep1a2, period="2026", value="0.00", **approved)
    f.target(o.t1b, period="2026-Q1", value="4000.00", **approved)
    f.target(o.rep1a1, metric="expenses", period="2026-02", value="100.00", **approved)
    f.target(None, period="2026-03", value="1000.00", **approved)
    f.target(o.rep2a1, period="2026", value="500.00")
    return o


@pytest.mark.django_db
def test_actuals_match_the_hand_worked_numbers(book):
    o = book
    achievements_recompute(as_of=AS_OF)

    def actual(kind, key, metric, period="2026"):
        return ach(kind, key, metric, period).actual

    # sales_amount, year: rep1a1 1500.00; rep1a2 66.67 + 2000.00 = 2066.67; rep2a1 33.33 + 400.00 = 433.33;
    # rep1b1 0 (cancelled, after as-of).
    assert actual("rep", o.rep1a1.pk, "sales_amount") == Decimal("1500.00")
    assert actual("rep", o.rep1a2.pk, "sales_amount") == Decimal("2066.67")
    assert actual("rep", o.rep2a1.pk, "sales_amount") == Decimal("433.33")
    assert actual("rep", o.rep1b1.pk, "sales_amount") == Decimal("0.00")
    # Teams by what was recorded: T1a 1500.00 + 66.67 = 1566.67 (rep1a2's January share stays there);
    # T1b 2000.00; T2a 433.33. Regions: R1 3566.67, R2 433.33. Company 4000.00.
    assert actual("team", o.t1a.pk, "sales_amount") == Decimal("1566.67")
    assert actual("team", o.t1b.pk, "sales_amount") == Decimal("2000.00")
    assert actual("team", o.t2a.pk, "sales_amount") == Decimal("433.33")
    assert actual("region", o.r1.pk, "sales_amount") == Decimal("3566.67")
    assert actual("region", o.r2.pk, "sales_amount") == Decimal("433.33")
    assert actual("company", 0, "sales_amount") == Decimal("4000.00")
    # Months and quarters: rep1a2 January 66.67, February 2000.00, Q1 2066.67; company March 400.00.
    assert actual("rep", o.rep1a2.pk, "sales_amount", "2026-01") == Decimal("66.67")
    assert actual("rep", o.rep1a2.pk, "sales_amount", "2026-02") == Decimal("2000.00")
    assert actual("rep", o.rep1a2.pk, "sales_amount", "2026-Q1") == Decimal("2066.67")
    assert actual("company", 0, "sales_amount", "2026-03") == Decimal("400.00")
    assert actual("company", 0, "sales_amount", "2026-Q2") == Decimal("0.00")
    # gross_margin: rep1a2 40.01 + 500.00 = 540.01; rep2a1 19.99 + 300.00 = 319.99;
    # company 700 + 60 + 500 + 300 = 1560.00.
    assert actual("rep", o.rep1a1.pk, "gross_margin") == Decimal("700.00")
    assert actual("rep", o.rep1a2.pk, "gross_margin") == Decimal("540.01")
    assert actual("rep", o.rep2a1.pk, "gross_margin") == Decimal("319.99")
    assert actual("company", 0, "gross_margin") == Decimal("1560.00")
    # collection: rep1a1 1500.00; rep1a2 6.68; rep2a1 3.33; T1a 1500.00 + 6.68 = 1506.68;
    # company 1510.01 (the 2025 and after-as-of payments are out).
    assert actual("rep", o.rep1a1.pk, "collection") == Decimal("1500.00")
    assert actual("rep", o.rep1a2.pk, "collection") == Decimal("6.68")
    assert actual("rep", o.rep2a1.pk, "collection") == Decimal("3.33")
    assert actual("team", o.t1a.pk, "collection") == Decimal("1506.68")
    assert actual("company", 0, "collection") == Decimal("1510.01")
    # new_customers: C1 (rep1a1) and C2 (rep1a2, the primary share, T1a) in January; C3 cancelled,
    # C4 after as-of, C5 first bought in 2025.
    assert actual("rep", o.rep1a1.pk, "new_customers") == Decimal(1)
    assert actual("rep", o.rep1a2.pk, "new_customers") == Decimal(1)
    assert actual("rep", o.rep2a1.pk, "new_customers") == Decimal(0)
    assert actual("team", o.t1a.pk, "new_customers") == Decimal(2)
    assert actual("team", o.t1b.pk, "new_customers") == Decimal(0)
    assert actual("company", 0, "new_customers", "2026-01") == Decimal(2)
    # visits: rep1a2 3 (T1a 1, T1b 2); T1a = 1 + rep1a1's 1 = 2; company 5 (the 16 March one is out).
    assert actual("rep", o.rep1a2.pk, "visits") == Decimal(3)
    assert actual("team", o.t1a.pk, "visits") == Decimal(2)
    assert actual("team", o.t1b.pk, "visits") == Decimal(2)
    assert actual("company", 0, "visits") == Decimal(5)
    # expenses: approved only: rep1a1 120.50, rep1b1 60.25, company 180.75.
    assert actual("rep", o.rep1a1.pk, "expenses") == Decimal("120.50")
    assert actual("company", 0, "expenses") == Decimal("180.75")


@pytest.mark.django_db
def test_rates_time_progress_and_behind(book):
    o = book
    achievements_recompute(as_of=AS_OF)
    # rep1a1 year: 1500.00 / 10000.00 = 0.1500; stretch 1500 / 12000 = 0.1250; time 74/365 = 0.2027 -> behind.
    row = ach("rep", o.rep1a1.pk, "sales_amount", "2026")
    assert (row.target, row.stretch) == (Decimal("10000.00"), Decimal("12000.00"))
    assert (row.rate, row.stretch_rate) == (Decimal("0.1500"), Decimal("0.1250"))
    assert row.time_progress == Decimal("0.2027")
    assert row.is_behind is True
    assert row.as_of == AS_OF
    # A zero target: rates empty, not behind.
    row = ach("rep", o.rep1a2.pk, "sales_amount", "2026")
    assert row.target == Decimal("0.00")
    assert (row.rate, row.stretch_rate, row.is_behind) == (None, None, False)
    # A missing target: the actual is there, target and rates empty.
    row = ach("rep", o.rep1b1.pk, "sales_amount", "2026")
    assert (row.target, row.rate, row.is_behind) == (None, None, False)
    # A draft sets no rate: only approved targets do (its actual is there all the same).
    row = ach("rep", o.rep2a1.pk, "sales_amount", "2026")
    assert (row.target, row.rate, row.stretch_rate, row.is_behind) == (None, None, None, False)
    # T1b Q1: 2000.00 / 4000.00 = 0.5000 against 74/90 = 0.8222: behind.
    row = ach("team", o.t1b.pk, "sales_amount", "2026-Q1")
    assert (row.rate, row.time_progress, row.is_behind) == (Decimal("0.5000"), Decimal("0.8222"), True)
    # Budget: rep1a1 February expenses 120.50 / 100.00 = 1.2050 over a finished month (1.0): over budget.
    row = ach("rep", o.rep1a1.pk, "expenses", "2026-02")
    assert (row.rate, row.time_progress, row.is_behind) == (Decimal("1.2050"), Decimal("1.0000"), True)
    # Company March: 400.00 / 1000.00 = 0.4000 against 15/31 = 0.4839: behind.
    row = ach("company", 0, "sales_amount", "2026-03")
    assert (row.rate, row.time_progress, row.is_behind) == (Decimal("0.4000"), Decimal("0.4839"), True)
    # A period not begun: time progress 0.
    assert ach("company", 0, "sales_amount", "2026-04").time_progress == Decimal("0.0000")


@pytest.mark.django_db
def test_rows_keep_the_owner_for_scoping(book):
    o = book
    achievements_recompute(as_of=AS_OF)
    # A rep's row carries the rep's team today (rep1a2 moved to T1b), a team row its region.
    row = ach("rep", o.rep1a2.pk, "sales_amount", "2026")
    assert (row.person_id, row.team_id, row.region_id) == (o.rep1a2.pk, o.t1b.pk, o.r1.pk)
    row = ach("team", o.t2a.pk, "visits", "2026")
    assert (row.person_id, row.team_id, row.region_id) == (None, o.t2a.pk, o.r2.pk)
    assert Achievement.objects.visible_to(o.rep1a1.user).values("person_id").distinct().count() == 1
    assert not Achievement.objects.visible_to(o.rep1a1.user).exclude(person=o.rep1a1).exists()


@pytest.mark.django_db
def test_recompute_twice_gives_identical_results(book):
    first_run = achievements_recompute(as_of=AS_OF)
    fields = [
        "owner_kind",
        "owner_key",
        "metric",
        "period",
        "actual",
        "target",
        "stretch",
        "rate",
        "stretch_rate",
        "time_progress",
        "is_behind",
        "as_of",
        "person_id",
        "team_id",
        "region_id",
    ]
    first = list(Achievement.objects.order_by("owner_kind", "owner_key", "metric", "period").values_list(*fields))
    second_run = achievements_recompute(as_of=AS_OF)
    second = list(Achievement.objects.order_by("owner_kind", "owner_key", "metric", "period").values_list(*fields))
    assert first == second
    # Owners: 5 reps (managers have no records or targets) + 3 teams + 2 regions + company = 11,
    # x 6 metrics x 17 periods (12 months, 4 quarters, the year) = 1122 rows.
    assert len(first) == 11 * 6 * 17
    assert first_run.rows == second_run.rows == 1122
    assert first_run.status == second_run.status == RunStatus.SUCCEEDED
    # Trend: one point per owner x metric for March, Q1 and 2026 on the as-of day, not duplicated.
    assert AchievementTrend.objects.count() == 11 * 6 * 3
    assert AchievementTrend.objects.filter(date=AS_OF).count() == 11 * 6 * 3


@pytest.mark.django_db
def test_a_rerun_looks_for_new_rows_only_when_the_update_missed_some(book):
    achievements_recompute(as_of=AS_OF)
    ach = Achievement._meta.db_table

    def inserts(queries) -> int:
        return sum(q["sql"].startswith(f"INSERT INTO {ach} ") for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as rerun:
        assert achievements_recompute(as_of=AS_OF).rows == 1122
    assert inserts(rerun) == 0
    # The company's 6 x 17 rows gone: the update rewrites 1020, the insert adds the 102 back.
    Achievement.objects.filter(owner_kind="company").delete()
    with CaptureQueriesContext(connection) as refill:
        assert achievements_recompute(as_of=AS_OF).rows == 1122
    assert inserts(refill) == 1
    assert Achievement.objects.filter(owner_kind="company").count() == 6 * 17


@pytest.mark.django_db
def test_next_day_adds_a_trend_point_and_replaces_results(book):
    o = book
    achievements_recompute(as_of=AS_OF)
    achievements_recompute(as_of=date(2026, 3, 16))
    # The 16 March payment (2000.00) and visit now count: rep1a2 collection 6.68 + 2000.00 = 2006.68.
    assert ach("rep", o.rep1a2.pk, "collection", "2026").actual == Decimal("2006.68")
    assert Achievement.objects.filter(as_of=AS_OF).count() == 0
    points = AchievementTrend.objects.filter(
        owner_kind="rep", owner_key=o.rep1a2.pk, metric="collection", period="2026"
    ).order_by("date")
    assert [(p.date, p.actual) for p in points] == [(AS_OF, Decimal("6.68")), (date(2026, 3, 16), Decimal("2006.68"))]


@pytest.mark.django_db
def test_failed_recompute_leaves_previous_results(book):
    o = book
    achievements_recompute(as_of=AS_OF)
    before = list(Achievement.objects.order_by("pk").values_list("pk", "actual", "as_of", "computed_at"))
    # New records that a successful run would pick up.
    f.expense(o.rep1a1, date(2026, 3, 16), "999.00")

    def boom() -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        achievements_recompute(as_of=date(2026, 3, 16), fail_after_write=boom)
    after = list(Achievement.objects.order_by("pk").values_list("pk", "actual", "as_of", "computed_at"))
    assert after == before
    failed = RecomputeRun.objects.order_by("-pk").first()
    assert failed.status == RunStatus.FAILED
    assert "disk full" in failed.error
    assert failed.finished_at is not None


@pytest.mark.django_db
def test_region_fan_out_equals_a_full_run(book):
    o = book
    achievements_recompute(as_of=AS_OF)
    fields = ["owner_kind", "owner_key", "metric", "period", "actual", "rate"]
    full = sorted(Achievement.objects.values_list(*fields))
    Achievement.objects.all().delete()
    achievements_recompute(as_of=AS_OF, region_ids=[o.r1.pk])
    achievements_recompute(as_of=AS_OF, region_ids=[o.r2.pk])
    achievements_recompute(as_of=AS_OF, region_ids=[], include_company=True)
    # The director has no region: only a full run counts them; compare everyone else.
    parts = sorted(Achievement.objects.values_list(*fields))
    full_without_unplaced = [r for r in full if not (r[0] == "rep" and r[1] == o.director.pk)]
    assert parts == full_without_unplaced


def _grow(n_reps: int) -> None:
    team = TeamFactory()
    for i in range(n_reps):
        rep = PersonFactory(team=team, region=team.region)
        cust = f.customer(rep)
        o1 = f.order(
            cust,
            date(2026, 1, 1 + i % 28),
            lines=[("10.00", "5.00")],
            shares=[(rep, team, team.region, "100", "10.00", "5.00", True)],
        )
        f.payment(o1, date(2026, 2, 1), "10.00")
        f.visit(rep, date(2026, 2, 2))
        f.expense(rep, date(2026, 2, 3), "1.00")
        f.target(rep, value="100.00", status="approved")


@pytest.mark.django_db
def test_query_count_does_not_grow_with_size(org):
    _grow(2)
    with CaptureQueriesContext(connection) as small:
        achievements_recompute(as_of=AS_OF)
    _grow(30)
    with CaptureQueriesContext(connection) as large:
        achievements_recompute(as_of=AS_OF)
    assert len(small.captured_queries) == len(large.captured_queries)
    # 92 on PostgreSQL: each of the 6 reads (5 sources and the product lines) is staged in 3
    # statements (parallel_read) after a check of the privilege it needs, the run's session
    # settings are set and reset (and the product lines' read's), both bases are kept in 2
    # statements each; fewer on SQLite.
    assert len(large.captured_queries) <= 92


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_planner_setting_of_the_write_does_not_outlive_it(book):
    """The insert of new results runs with nested loops off; a recompute inside a longer transaction
    (a request's, this test's) must hand every later query its planner back as it found it."""

    def nestloop() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_nestloop")
            return cursor.fetchone()[0]

    assert nestloop() == "on"
    with CaptureQueriesContext(connection) as queries:
        achievements_recompute(as_of=AS_OF)
    assert any("enable_nestloop = off" in q["sql"] for q in queries.captured_queries)
    assert nestloop() == "on"
    # The run's own settings (merge joins off, more memory) are reset too.
    assert any("enable_mergejoin = off" in q["sql"] for q in queries.captured_queries)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_mergejoin")
        assert cursor.fetchone()[0] == "on"


def _nestloop() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_nestloop")
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_planner_setting_is_reset_when_the_block_raises():
    """An exception between the SET LOCAL and its reset (a time limit, a bug) inside a caller's
    transaction that goes on: the caller's later queries get the planner as it was."""
    with (
        connection.cursor() as cursor,
        pytest.raises(RuntimeError),
        write.planner_for_new_rows(cursor, connection.vendor),
    ):
        assert _nestloop() == "off"
        raise RuntimeError("soft time limit")
    assert _nestloop() == "on"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_failed_insert_of_new_results_is_recorded_as_itself_and_leaves_the_planner(book, monkeypatch):
    """A database error in the insert aborts the transaction: the reset is left to its rollback, so
    the run records the insert's own error (not "current transaction is aborted"), the previous
    results stay, and the planner is as it was."""
    achievements_recompute(as_of=AS_OF)
    # The company's rows gone: the next run has new rows to insert (a rerun that rewrites every
    # row does not look for new ones).
    Achievement.objects.filter(owner_kind="company").delete()
    before = list(Achievement.objects.order_by("pk").values_list("pk", "actual", "computed_at"))
    monkeypatch.setattr(
        engine_statements, "results_insert_new", lambda t: "INSERT INTO no_such_table_for_the_test SELECT 1"
    )
    with pytest.raises(DatabaseError):
        achievements_recompute(as_of=date(2026, 3, 16))
    failed = RecomputeRun.objects.order_by("-pk").first()
    assert failed.status == RunStatus.FAILED
    assert "no_such_table_for_the_test" in failed.error
    assert list(Achievement.objects.order_by("pk").values_list("pk", "actual", "computed_at")) == before
    assert _nestloop() == "on"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_user_who_may_not_create_tables_still_rebuilds_with_plain_reads(book):
    """PostgreSQL 15 grants CREATE on the public schema to its owner alone: a worker whose
    database user has only the tables' privileges reads with plain inserts, and the results are
    the same as a staged run's."""
    achievements_recompute(as_of=AS_OF)
    staged = list(Achievement.objects.order_by("owner_kind", "owner_key", "metric", "period").values_list("actual"))
    role = f"engine_no_create_{connection.settings_dict['NAME']}"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" NOSUPERUSER NOLOGIN')
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        cursor.execute(f'REVOKE CREATE ON SCHEMA public FROM "{role}"')
        cursor.execute(f'SET ROLE "{role}"')
        cursor.execute(engine_statements.CAN_STAGE_SQL)
        assert cursor.fetchone()[0] is False
    try:
        with CaptureQueriesContext(connection) as queries:
            run = achievements_recompute(as_of=AS_OF)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")
    assert run.status == RunStatus.SUCCEEDED
    assert not any("CREATE UNLOGGED TABLE" in q["sql"] for q in queries.captured_queries)
    plain = list(Achievement.objects.order_by("owner_kind", "owner_key", "metric", "period").values_list("actual"))
    assert plain == staged and len(plain) == 1122
