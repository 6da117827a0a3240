"""The incremental night gives the rows a full rebuild gives, after every kind of change.

The organization and its numbers are `test_engine.book`'s (as of 2026-03-15). Each test makes
changes the way the product does (ORM saves, queryset updates, deletes: the database triggers note
them all), runs the incremental recompute, keeps its rows, then runs a full rebuild for the same
day and compares. The compared columns are every number and unit of a row; the as-of day and
computed time are left out, because the incremental run does not rewrite the rows of periods that
did not change (their numbers are the same; see targets/services/engine/incremental.py).

How many rows an incremental run writes is worked out from the periods the change touches:
11 owners (5 reps, 3 teams, 2 regions, the company) x 6 metrics x the periods rewritten.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fieldwork.models import ExpenseClaim, Visit
from sales.models import CreditShare, Order, Payment
from salesorg.periods import Period
from staff.models import Membership
from targets.models import Achievement, AchievementBase, AchievementChange, AchievementLineBase, RunMode, Target
from targets.services import achievements_recompute
from targets.services.engine.incremental import month_ranges, plan_from_changes
from targets.tests import factories as f
from targets.tests.test_engine import AS_OF, book  # noqa: F401 (the fixture)

FIELDS = [
    "owner_kind",
    "owner_key",
    "metric",
    "period",
    "period_kind",
    "actual",
    "target",
    "stretch",
    "rate",
    "stretch_rate",
    "time_progress",
    "is_behind",
    "person_id",
    "team_id",
    "region_id",
]
OWNERS_X_METRICS = 11 * 6


def rows() -> list[tuple]:
    return list(Achievement.objects.order_by("owner_kind", "owner_key", "metric", "period").values_list(*FIELDS))


def base_rows() -> list[tuple]:
    """The kept rows that are not zero, of the monthly base and of the product lines' base."""
    return sorted(
        AchievementBase.objects.exclude(actual=0).values_list(
            "fiscal_year", "person_id", "team_id", "region_id", "metric", "month_no", "actual"
        )
    ) + sorted(
        AchievementLineBase.objects.exclude(actual=0).values_list(
            "fiscal_year", "person_id", "team_id", "region_id", "product_line", "month_no", "actual"
        )
    )


def incremental_then_full(as_of: date) -> tuple[object, list[tuple], list[tuple]]:
    """Run the incremental recompute, keep its rows and base, run a full rebuild: (the incremental
    run, its rows, the full rebuild's rows); also checks both runs left the same base."""
    run = achievements_recompute(as_of=as_of, incremental=True)
    incremental, incremental_base = rows(), base_rows()
    assert AchievementChange.objects.count() == 0
    full_run = achievements_recompute(as_of=as_of)
    assert full_run.mode == RunMode.FULL
    assert base_rows() == incremental_base
    return run, incremental, rows()


def ach(kind: str, key: int, metric: str, period: str) -> Achievement:
    return Achievement.objects.get(owner_kind=kind, owner_key=key, metric=metric, period=period)


@pytest.mark.django_db
def test_the_first_run_is_a_full_rebuild_and_keeps_its_base(book):  # noqa: F811
    assert AchievementChange.objects.exists()  # the book's records were noted
    run = achievements_recompute(as_of=AS_OF, incremental=True)
    assert run.mode == RunMode.FULL
    assert run.rows == OWNERS_X_METRICS * 17
    assert AchievementChange.objects.count() == 0
    # The kept base: rep1a1's January sales are O1's 1500.00 (fiscal month 1 of 2026).
    kept = AchievementBase.objects.get(fiscal_year=2026, person_id=book.rep1a1.pk, metric="sales_amount", month_no=1)
    assert kept.actual == Decimal("1500.00")


@pytest.mark.django_db
def test_nothing_changed_writes_nothing(book):  # noqa: F811
    achievements_recompute(as_of=AS_OF)
    before = list(Achievement.objects.order_by("pk").values_list("pk", "computed_at"))
    run = achievements_recompute(as_of=AS_OF, incremental=True)
    assert (run.mode, run.rows) == (RunMode.INCREMENTAL, 0)
    assert list(Achievement.objects.order_by("pk").values_list("pk", "computed_at")) == before


@pytest.mark.django_db
def test_the_next_day_counts_its_records(book):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    run, incremental, full = incremental_then_full(date(2026, 3, 16))
    assert run.mode == RunMode.INCREMENTAL
    # The days between the runs are in March: March, Q1 and the year are rewritten (their time
    # progress moved and March has new records); 3 periods.
    assert run.rows == OWNERS_X_METRICS * 3
    assert incremental == full
    # The 16 March payment (2000.00 on O3, rep1a2 alone) now counts: 6.68 + 2000.00.
    assert ach("rep", o.rep1a2.pk, "collection", "2026").actual == Decimal("2006.68")


@pytest.mark.django_db
def test_night_after_night_the_days_add_up(book):  # noqa: F811
    """Three nights in a row, each adding its day to the kept month; records filed during the day
    for that day and a correction of an earlier day of the same month in between."""
    o = book
    achievements_recompute(as_of=AS_OF)
    o3 = Order.objects.get(date=date(2026, 2, 5))
    f.payment(o3, date(2026, 3, 17), "100.00")  # filed on the 17th for the 17th
    f.visit(o.rep1b1, date(2026, 3, 17))
    assert achievements_recompute(as_of=date(2026, 3, 16), incremental=True).mode == RunMode.INCREMENTAL
    assert achievements_recompute(as_of=date(2026, 3, 17), incremental=True).mode == RunMode.INCREMENTAL
    # On the 18th: the 18th's own visit, and the 17th's payment corrected (already counted).
    f.visit(o.rep1b1, date(2026, 3, 18))
    Payment.objects.filter(date=date(2026, 3, 17)).update(amount=Decimal("90.00"))
    run, incremental, full = incremental_then_full(date(2026, 3, 18))
    assert run.mode == RunMode.INCREMENTAL
    assert incremental == full
    # rep1a2 collects O3's March payments: 2000.00 (16 March) + 90.00 (17 March, corrected).
    assert ach("rep", o.rep1a2.pk, "collection", "2026-03").actual == Decimal("2090.00")
    assert ach("rep", o.rep1b1.pk, "visits", "2026-03").actual == 2


@pytest.mark.django_db
def test_a_back_dated_record_rewrites_its_periods_only(book):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    untouched = ach("rep", o.rep1a1.pk, "visits", "2026-03")
    f.visit(o.rep1a1, date(2026, 2, 3))  # a visit filed late for February
    run = achievements_recompute(as_of=AS_OF, incremental=True)
    # February, Q1 and the year: 3 periods.
    assert (run.mode, run.rows) == (RunMode.INCREMENTAL, OWNERS_X_METRICS * 3)
    assert ach("rep", o.rep1a1.pk, "visits", "2026-02").actual == 1
    assert ach("rep", o.rep1a1.pk, "visits", "2026").actual == 2  # 5 March and 3 February
    assert ach("rep", o.rep1a1.pk, "visits", "2026-03").computed_at == untouched.computed_at
    incremental = rows()
    achievements_recompute(as_of=AS_OF)
    assert rows() == incremental


@pytest.mark.django_db
def test_every_kind_of_change_gives_the_full_rebuilds_rows(book):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    o3 = Order.objects.get(date=date(2026, 2, 5))
    # A payment back-dated to January; a share's amount corrected by a queryset update (as an
    # admin action would); an approved expense claim; a visit deleted; a cancelled order confirmed.
    f.payment(o3, date(2026, 1, 31), "250.00")
    CreditShare.objects.filter(order=o3).update(amount=Decimal("1900.00"), margin=Decimal("450.00"))
    ExpenseClaim.objects.filter(status="submitted").update(status="approved")
    Visit.objects.filter(date=date(2026, 1, 15)).delete()
    cancelled = Order.objects.get(status="cancelled")
    cancelled.status = "confirmed"
    cancelled.save(update_fields=["status"])
    run, incremental, full = incremental_then_full(AS_OF)
    assert run.mode == RunMode.INCREMENTAL
    assert incremental == full
    # O3's share now 1900.00: rep1a2's 2026 sales 66.67 + 1900.00.
    assert ach("rep", o.rep1a2.pk, "sales_amount", "2026").actual == Decimal("1966.67")
    # The confirmed O4 makes C3 a new customer of rep1b1 in February.
    assert ach("rep", o.rep1b1.pk, "new_customers", "2026-02").actual == 1

    # Targets, a move to another team, a membership: the results of their periods (all of them
    # for the move and the membership's collection).
    Target.objects.filter(owner_kind="team", owner_key=o.t1b.pk).update(value=Decimal("5000.00"))
    o.rep1b1.team = o.t1a
    o.rep1b1.save(update_fields=["team"])
    Membership.objects.filter(person=o.rep1a2).update(start=date(2026, 1, 25))
    run, incremental, full = incremental_then_full(AS_OF)
    assert run.mode == RunMode.INCREMENTAL
    assert run.rows == OWNERS_X_METRICS * 17
    assert incremental == full
    assert ach("team", o.t1b.pk, "sales_amount", "2026-Q1").target == Decimal("5000.00")
    assert ach("rep", o.rep1b1.pk, "visits", "2026").team_id == o.t1a.pk


@pytest.mark.django_db
def test_a_new_first_order_moves_the_customers_new_month(book):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    # C1's first order was O1 (10 January, rep1a1). An order of C1 dated 2025 makes C1 a customer
    # of last year: January loses its new customer.
    o1 = Order.objects.get(shares__rep=o.rep1a1, date=date(2026, 1, 10))
    assert ach("rep", o.rep1a1.pk, "new_customers", "2026-01").actual == 1
    f.order(
        o1.customer,
        date(2025, 11, 3),
        lines=[("10.00", "5.00")],
        shares=[(o.rep1a1, o.t1a, o.r1, "100", "10.00", "5.00", True)],
    )
    run, incremental, full = incremental_then_full(AS_OF)
    assert run.mode == RunMode.INCREMENTAL
    assert incremental == full
    assert ach("rep", o.rep1a1.pk, "new_customers", "2026-01").actual == 0
    # C2's first order O2 (20 January) moved to 3 March: January loses C2, March gains it (rep1a2
    # primary on O2); then back-dating one of C2's other orders is seen the same way.
    o2 = Order.objects.get(customer=Order.objects.get(date=date(2026, 1, 20)).customer, date=date(2026, 1, 20))
    o2.date = date(2026, 3, 3)
    o2.save(update_fields=["date"])
    run, incremental, full = incremental_then_full(AS_OF)
    assert incremental == full
    assert ach("rep", o.rep1a2.pk, "new_customers", "2026-03").actual == 1
    assert ach("company", 0, "new_customers", "2026-01").actual == 0


@pytest.mark.django_db
def test_a_new_year_or_an_earlier_day_rebuilds_in_full(book):  # noqa: F811
    achievements_recompute(as_of=AS_OF)
    assert achievements_recompute(as_of=date(2026, 3, 14), incremental=True).mode == RunMode.FULL
    assert achievements_recompute(as_of=date(2027, 1, 1), incremental=True).mode == RunMode.FULL
    # A region part neither keeps the base nor consumes the changes: the next night still can.
    f.visit(book.rep1a1, date(2027, 1, 1))
    achievements_recompute(as_of=date(2027, 1, 1), region_ids=[book.r1.pk])
    assert AchievementChange.objects.exists()
    assert achievements_recompute(as_of=date(2027, 1, 1), incremental=True).mode == RunMode.INCREMENTAL
    assert ach("rep", book.rep1a1.pk, "visits", "2027-01").actual == 1


def test_the_plan_names_the_months_days_and_periods_of_each_change():
    year = Period(2026)
    # Worked by hand: a February visit, a Q3 target, a sale of last year; the day unchanged.
    plan = plan_from_changes(
        as_of=date(2026, 3, 15),
        year=year,
        last_as_of=date(2026, 3, 15),
        changes=[("visits", date(2026, 2, 3), ""), ("results", None, "2026-Q3"), ("sales", date(2025, 12, 31), "")],
    )
    assert (plan.months, plan.added) == ({"visits": [2]}, {})
    assert plan.periods == {"2026-02", "2026-Q1", "2026-Q3", "2026"}
    # The next day, from 31 March to 1 April: 1 April's records are added to April (a visit dated
    # that day is among them, not a recompute); the time progress of March, April, Q1, Q2 and the
    # year moved.
    plan = plan_from_changes(
        as_of=date(2026, 4, 1), year=year, last_as_of=date(2026, 3, 31), changes=[("visits", date(2026, 4, 1), "")]
    )
    assert plan.months == {}
    assert plan.added["visits"] == plan.added["sales"] == [(date(2026, 4, 1), date(2026, 4, 1))]
    assert plan.kept_months("sales") == [4]
    assert plan.periods == {"2026-03", "2026-04", "2026-Q1", "2026-Q2", "2026"}
    # A visit of 10 March edited on the 16th, when the last run was as of the 15th: March's visits
    # are recomputed (up to the 16th), the other sources add the 16th.
    plan = plan_from_changes(
        as_of=date(2026, 3, 16), year=year, last_as_of=date(2026, 3, 15), changes=[("visits", date(2026, 3, 10), "")]
    )
    assert plan.months == {"visits": [3]}
    assert "visits" not in plan.added
    assert plan.added["collection"] == [(date(2026, 3, 16), date(2026, 3, 16))]
    assert plan.rewritten_months() == {
        s: [3] for s in ("collection", "expenses", "lines", "new_customers", "sales", "visits")
    }
    # A note of sales names the product lines too; an order line's names the product lines alone,
    # a share's stored amounts sales alone (each a change of 10 March, the last run as of the 15th).
    for noted, months in (
        ("sales", {"sales": [3], "lines": [3]}),
        ("lines", {"lines": [3]}),
        ("share_amounts", {"sales": [3]}),
    ):
        plan = plan_from_changes(
            as_of=date(2026, 3, 15), year=year, last_as_of=date(2026, 3, 15), changes=[(noted, date(2026, 3, 10), "")]
        )
        assert plan.months == months, noted
        assert plan.periods == {"2026-03", "2026-Q1", "2026"}, noted
    # Across a month's end: two ranges, one per month.
    plan = plan_from_changes(as_of=date(2026, 5, 2), year=year, last_as_of=date(2026, 4, 29), changes=[])
    assert plan.added["expenses"] == [(date(2026, 4, 30), date(2026, 4, 30)), (date(2026, 5, 1), date(2026, 5, 2))]
    assert plan_from_changes(as_of=date(2026, 3, 15), year=year, last_as_of=date(2026, 3, 15), changes=[]).empty
    assert month_ranges([7, 1, 2, 3, 12]) == [(1, 3), (7, 7), (12, 12)]


@pytest.mark.django_db
def test_the_triggers_note_what_a_change_can_touch(book):  # noqa: F811
    o = book
    o3 = Order.objects.get(date=date(2026, 2, 5))
    AchievementChange.objects.all().delete()
    # A share's stored amounts corrected: O3's sales of 5 February, nothing else (not its product
    # lines, split by the share's percent).
    CreditShare.objects.filter(order=o3).update(amount=Decimal("1999.00"))
    assert set(AchievementChange.objects.values_list("source", "day")) == {("share_amounts", date(2026, 2, 5))}
    AchievementChange.objects.all().delete()
    # The share moved to another rep: sales and the new customer of O3's day, and the collection
    # of O3's payment days (its 16 March payment).
    CreditShare.objects.filter(order=o3).update(rep=o.rep1b1)
    assert set(AchievementChange.objects.values_list("source", "day")) == {
        ("sales", date(2026, 2, 5)),
        ("new_customers", date(2026, 2, 5)),
        ("collection", date(2026, 3, 16)),
    }
    AchievementChange.objects.all().delete()
    # An order's note edited: nothing the engine reads.
    Order.objects.filter(pk=o3.pk).update(note="called back")
    assert not AchievementChange.objects.exists()
    # O3 is C1's second order (C1's first is O1 of 10 January): moving it within February changes
    # its sales days only, not C1's new-customer day.
    Order.objects.filter(pk=o3.pk).update(date=date(2026, 2, 6))
    assert set(AchievementChange.objects.values_list("source", "day")) == {
        ("sales", date(2026, 2, 5)),
        ("sales", date(2026, 2, 6)),
    }
    AchievementChange.objects.all().delete()
    # Moved before O1, O3 becomes C1's first order: the new-customer days of both are noted.
    Order.objects.filter(pk=o3.pk).update(date=date(2026, 1, 2))
    assert set(AchievementChange.objects.values_list("source", "day")) == {
        ("sales", date(2026, 2, 6)),
        ("sales", date(2026, 1, 2)),
        ("new_customers", date(2026, 1, 2)),
        ("new_customers", date(2026, 1, 10)),
    }
