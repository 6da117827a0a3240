"""The engine's product-line base: sales per product line split line by line between the credit
shares, kept by the full rebuild and the incremental night, and read by the product-mix chart.

The organization and its records are `test_engine.book`'s (as of 2026-03-15), every book order on
product line "line", plus `make_split_order` on 10 March: a line of 100.01 on "Sensors" and one of
50.00 on "Service", credited 33.33 % to rep1a1 and 66.67 % to rep1a2 (primary). Split line by line
(DESIGN.md: every share but the largest rounded down to the cent, the largest takes the rest):
100.01 -> rep1a1 floor(3333.3333) / 100 = 33.33, rep1a2 66.68; 50.00 -> rep1a1 floor(1666.5) / 100
= 16.66, rep1a2 33.34.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db.models import F

from sales.models import CreditShare, OrderLine, Product
from sales.selectors import credited_line_sales
from sales.tests.factories import make_split_order
from targets.models import Achievement, AchievementChange, AchievementLineBase, RecomputeRun, RunMode
from targets.services import achievements_recompute
from targets.tests.test_engine import AS_OF, book  # noqa: F401 (the fixture)

MARCH = "kind=month&period=2026-03&metric=sales_amount"


def kept() -> dict[tuple[int, int | None, str, int], Decimal]:
    """{(person, team, fiscal month, product line): amount} of the kept rows that are not zero."""
    return {
        (person, team, line, month): amount
        for person, team, line, month, amount in AchievementLineBase.objects.filter(fiscal_year=2026)
        .exclude(actual=0)
        .values_list("person_id", "team_id", "product_line", "month_no", "actual")
    }


def mix(client, user, url: str = f"/dashboard/charts/?{MARCH}") -> dict[str, str]:
    cache.clear()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return {row["name"]: row["value"] for row in response.json()["mix"]}


@pytest.fixture
def split(book):  # noqa: F811
    order = make_split_order(book, on=date(2026, 3, 10))
    assert order.status == "confirmed"
    return order


def team_of(order, rep) -> int | None:
    return CreditShare.objects.get(order=order, rep=rep).team_id


@pytest.mark.django_db
def test_the_full_rebuild_keeps_each_reps_sales_per_product_line(book, split):  # noqa: F811
    o = book
    run = achievements_recompute(as_of=AS_OF)
    assert run.base_version == 2
    t_1a2_march = team_of(split, o.rep1a2)
    assert kept() == {
        # O1 (10 January, rep1a1 alone): 1000.00 + 500.00 on "line".
        (o.rep1a1.pk, o.t1a.pk, "line", 1): Decimal("1500.00"),
        # O2 (20 January): 100.00 split 66.67 % rep1a2 (primary, on T1a then) / 33.33 % rep2a1:
        # rep2a1 floor(3333) / 100 = 33.33, rep1a2 the rest.
        (o.rep1a2.pk, o.t1a.pk, "line", 1): Decimal("66.67"),
        (o.rep2a1.pk, o.t2a.pk, "line", 1): Decimal("33.33"),
        # O3 (5 February, rep1a2 on T1b): 2000.00. O7 (1 March, rep2a1): 400.00.
        (o.rep1a2.pk, o.t1b.pk, "line", 2): Decimal("2000.00"),
        (o.rep2a1.pk, o.t2a.pk, "line", 3): Decimal("400.00"),
        # The split order, line by line (module docstring).
        (o.rep1a1.pk, o.t1a.pk, "Sensors", 3): Decimal("33.33"),
        (o.rep1a1.pk, o.t1a.pk, "Service", 3): Decimal("16.66"),
        (o.rep1a2.pk, t_1a2_march, "Sensors", 3): Decimal("66.68"),
        (o.rep1a2.pk, t_1a2_march, "Service", 3): Decimal("33.34"),
        # Not kept: O4 (cancelled), O5 (20 March, after the as-of day), O6 (2025), the draft.
    }
    # The same figures as sales' own split of the records, rep by rep and line by line.
    live = credited_line_sales(shares=CreditShare.objects.all(), start=date(2026, 1, 1), end=AS_OF)
    summed: dict[tuple[int, str], Decimal] = {}
    for (person, _team, line, _month), amount in kept().items():
        summed[(person, line)] = summed.get((person, line), Decimal(0)) + amount
    assert summed == {key: amount for key, amount in live.items() if amount}


@pytest.mark.django_db
def test_the_product_mix_reads_the_kept_base_and_the_days_after_it(client, book, split):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    # The director's March: O7 400.00 and O5 300.00 (20 March, after the run's day: read from the
    # records) on "line"; the split order whole on its two lines.
    assert mix(client, o.director.user) == {"line": "700.00", "Sensors": "100.01", "Service": "50.00"}
    # Proof of the path: without the kept rows, only the days after the run's day are left.
    saved = list(AchievementLineBase.objects.all())
    AchievementLineBase.objects.all().delete()
    assert mix(client, o.director.user) == {"line": "300.00"}
    AchievementLineBase.objects.bulk_create(saved)
    # Scope: T2a's manager and R2's see rep2a1's O7 alone; rep1a1 their own parts of the split
    # order; T1a's manager rep1a1's parts and rep1a2's if recorded on T1a.
    assert mix(client, o.tm2a.user) == {"line": "400.00"}
    assert mix(client, o.rm2.user) == {"line": "400.00"}
    assert mix(client, o.rep1a1.user, f"/dashboard/charts/?level=rep&id={o.rep1a1.pk}&{MARCH}") == {
        "Sensors": "33.33",
        "Service": "16.66",
    }
    on_t1a = team_of(split, o.rep1a2) == o.t1a.pk
    assert mix(client, o.tm1a.user) == (
        {"Sensors": "100.01", "Service": "50.00"} if on_t1a else {"Sensors": "33.33", "Service": "16.66"}
    )
    # Another team's node answers 404 to a team manager, as every node outside the scope.
    cache.clear()
    client.force_login(o.tm2a.user)
    assert client.get(f"/dashboard/charts/?level=team&id={o.t1a.pk}&{MARCH}").status_code == 404
    # A year the engine did not keep (2025) is read from the records: O6, 700.00 on "line".
    year_2025 = "/dashboard/charts/?kind=year&period=2025&metric=sales_amount"
    assert mix(client, o.director.user, year_2025) == {"line": "700.00"}
    # Once a run kept 2025 (as of its last day), its rows stay beside 2026's, and its charts read them.
    achievements_recompute(as_of=date(2025, 12, 31))
    achievements_recompute(as_of=AS_OF)
    assert set(AchievementLineBase.objects.values_list("fiscal_year", flat=True)) == {2025, 2026}
    AchievementLineBase.objects.filter(fiscal_year=2025).update(actual=Decimal("1.00"))
    assert mix(client, o.director.user, year_2025) == {"line": "1.00"}


@pytest.mark.django_db
def test_the_incremental_night_keeps_the_product_lines_as_a_full_rebuild(book, split):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    # A line's amount corrected (a queryset update, as an admin action would), a product moved
    # to another product line, and the next day's orders (O5 of 20 March comes in on the 20th).
    sensors_line = OrderLine.objects.get(order=split, product__product_line="Sensors")
    OrderLine.objects.filter(pk=sensors_line.pk).update(amount=Decimal("200.01"))
    Product.objects.filter(product_line="Service").update(product_line="Support")
    run = achievements_recompute(as_of=date(2026, 3, 20), incremental=True)
    assert run.mode == RunMode.INCREMENTAL
    assert AchievementChange.objects.count() == 0
    incremental = kept()
    # 200.01 split: rep1a1 floor(6666.6333) / 100 = 66.66, rep1a2 the rest 133.35.
    assert incremental[(o.rep1a1.pk, o.t1a.pk, "Sensors", 3)] == Decimal("66.66")
    assert incremental[(o.rep1a2.pk, team_of(split, o.rep1a2), "Sensors", 3)] == Decimal("133.35")
    assert incremental[(o.rep1a1.pk, o.t1a.pk, "Support", 3)] == Decimal("16.66")
    assert not any(line == "Service" for _p, _t, line, _m in incremental)
    assert incremental[(o.rep1b1.pk, o.t1b.pk, "line", 3)] == Decimal("300.00")  # O5
    assert achievements_recompute(as_of=date(2026, 3, 20)).mode == RunMode.FULL
    assert kept() == incremental


@pytest.mark.django_db
def test_a_base_kept_without_product_lines_is_rebuilt_in_full(book):  # noqa: F811
    run = achievements_recompute(as_of=AS_OF)
    # A run of the engine before the product-line base (base version 1) kept no product lines.
    RecomputeRun.objects.filter(pk=run.pk).update(base_version=1)
    AchievementLineBase.objects.all().delete()
    assert achievements_recompute(as_of=AS_OF, incremental=True).mode == RunMode.FULL
    assert AchievementLineBase.objects.exists()
    assert achievements_recompute(as_of=AS_OF, incremental=True).mode == RunMode.INCREMENTAL


@pytest.mark.django_db
def test_the_triggers_note_order_lines_and_product_lines(book, split):  # noqa: F811
    AchievementChange.objects.all().delete()
    line = OrderLine.objects.filter(order=split).first()
    OrderLine.objects.filter(pk=line.pk).update(amount=Decimal("1.00"))
    assert set(AchievementChange.objects.values_list("source", "day")) == {("lines", date(2026, 3, 10))}
    AchievementChange.objects.all().delete()
    # A line's note or quantity alone is nothing the engine reads; a product's name neither.
    OrderLine.objects.filter(pk=line.pk).update(quantity=Decimal("2"))
    Product.objects.filter(pk=line.product_id).update(name="renamed")
    assert not AchievementChange.objects.exists()
    Product.objects.filter(pk=line.product_id).update(product_line="Other")
    assert set(AchievementChange.objects.values_list("source", "day")) == {("lines", None)}
    AchievementChange.objects.all().delete()
    OrderLine.objects.filter(pk=line.pk).delete()
    assert set(AchievementChange.objects.values_list("source", "day")) == {("lines", date(2026, 3, 10))}


@pytest.mark.django_db
def test_the_product_mix_kpi_reads_the_kept_base_and_the_days_after_it(book, split, django_assert_num_queries):  # noqa: F811
    from appraisal.services.kpis import focus_sales
    from salesorg.periods import Period

    o = book
    achievements_recompute(as_of=AS_OF)
    people = [o.rep1a1.pk, o.rep1a2.pk, o.rep2a1.pk, o.rep1b1.pk]
    focus = ["Sensors", "line"]
    march = Period.parse("2026-03")
    # March, focus lines "Sensors" and "line": the split order's Sensors line (100.01: rep1a1
    # 33.33, rep1a2 66.68) and O7 (rep2a1, 400.00) kept by the run of 15 March; O5 (rep1b1,
    # 300.00 on 20 March, after the run's day) read from the records. Service (50.00) is not a
    # focus line. Two queries for the kept part, three for the days after it.
    with django_assert_num_queries(5):
        assert focus_sales(person_ids=people, period=march, focus_lines=focus) == {
            o.rep1a1.pk: Decimal("33.33"),
            o.rep1a2.pk: Decimal("66.68"),
            o.rep2a1.pk: Decimal("400.00"),
            o.rep1b1.pk: Decimal("300.00"),
        }
    # The first quarter adds January and February, kept: rep1a1 O1 1,500.00 + 33.33 = 1,533.33;
    # rep1a2 O2 66.67 + O3 2,000.00 + 66.68 = 2,133.35; rep2a1 O2 33.33 + 400.00 = 433.33.
    assert focus_sales(person_ids=people, period=Period.parse("2026-Q1"), focus_lines=focus) == {
        o.rep1a1.pk: Decimal("1533.33"),
        o.rep1a2.pk: Decimal("2133.35"),
        o.rep2a1.pk: Decimal("433.33"),
        o.rep1b1.pk: Decimal("300.00"),
    }
    # February ended before the run's day: the kept base alone (two queries), O3 for rep1a2.
    with django_assert_num_queries(2):
        assert focus_sales(person_ids=people, period=Period.parse("2026-02"), focus_lines=focus) == {
            o.rep1a2.pk: Decimal("2000.00")
        }
    # Proof of the path: a kept row changed is what the KPI reads, and without the kept rows
    # only the days after the run's day are left.
    AchievementLineBase.objects.filter(person_id=o.rep2a1.pk, product_line="line", month_no=3).update(
        actual=Decimal("1.00")
    )
    assert focus_sales(person_ids=people, period=march, focus_lines=focus)[o.rep2a1.pk] == Decimal("1.00")
    AchievementLineBase.objects.all().delete()
    assert focus_sales(person_ids=people, period=march, focus_lines=focus) == {o.rep1b1.pk: Decimal("300.00")}
    # A year no run kept (2025) is read from the records: O6, rep2a1's 700.00 on "line".
    assert focus_sales(person_ids=people, period=Period.parse("2025"), focus_lines=focus) == {
        o.rep2a1.pk: Decimal("700.00")
    }


@pytest.mark.django_db
def test_a_shares_stored_amounts_corrected_rereads_sales_and_not_the_product_lines(book, split):  # noqa: F811
    o = book
    achievements_recompute(as_of=AS_OF)
    before = kept()
    # The split order's primary share (rep1a2) corrected by 1.00 in its stored amount alone: March's
    # sales are read again, its product lines are not (they split the lines by the percent).
    CreditShare.objects.filter(order=split, rep=o.rep1a2).update(amount=F("amount") + Decimal("1.00"))
    read: list[str] = []
    run = achievements_recompute(as_of=AS_OF, incremental=True, on_step=read.append)
    assert run.mode == RunMode.INCREMENTAL
    assert read == ["sales"]
    assert kept() == before
    # An order line corrected: the product lines of March alone, not sales.
    line = OrderLine.objects.get(order=split, product__product_line="Service")
    OrderLine.objects.filter(pk=line.pk).update(amount=Decimal("60.00"))
    read.clear()
    achievements_recompute(as_of=AS_OF, incremental=True, on_step=read.append)
    assert read == ["lines"]
    # 60.00 split: rep1a1 floor(1999.8) / 100 = 19.99, rep1a2 the rest 40.01.
    incremental = kept()
    assert incremental[(o.rep1a1.pk, o.t1a.pk, "Service", 3)] == Decimal("19.99")
    assert incremental[(o.rep1a2.pk, team_of(split, o.rep1a2), "Service", 3)] == Decimal("40.01")
    # The same rows as a full rebuild, and the same results (sales from the corrected share).
    night = actuals()
    assert night[("rep", o.rep1a2.pk, "sales_amount", "2026-03")] == Decimal("101.02")  # 100.02 + 1.00
    assert achievements_recompute(as_of=AS_OF).mode == RunMode.FULL
    assert kept() == incremental
    assert actuals() == night


def actuals() -> dict[tuple[str, int, str, str], Decimal]:
    return {
        (kind, key, metric, period): actual
        for kind, key, metric, period, actual in Achievement.objects.values_list(
            "owner_kind", "owner_key", "metric", "period", "actual"
        )
    }
