# ruff: noqa: S608 -- SQL is built from our own table names and integer ids; values are bound parameters.
"""The achievement engine: every (owner, metric, period) of a fiscal year, as of a day.

How it works (a fixed number of SQL statements, whatever the number of reps, orders or periods):

1. Two small temporary tables describe the year: its 12 fiscal months mapped to the month,
   quarter and year that contain them, with each period's time progress worked out in Python.
2. One INSERT ... SELECT per source (credit shares for sales and margin, payments split by
   credit share, first orders for new customers, visits, approved expense claims) aggregates
   the records of the year up to the as-of day into a base table, one row per (person, team,
   region recorded on the record, metric, fiscal month).
3. One INSERT ... SELECT rolls the base up to rep, team, region and company and to month,
   quarter and year (the period table turns the one join into all three period levels).
4. One INSERT ... SELECT computes every owner x metric x period (actual, target, stretch, rates,
   time progress) into a temporary table; then in ONE transaction an UPDATE ... FROM rewrites the
   existing results and an INSERT ... WHERE NOT EXISTS adds the new ones, a DELETE drops the
   year's rows this run did not write, and an upsert keeps today's trend point. A failure
   anywhere before the commit leaves the previous results as they were.

Steps 1-3 run outside that transaction on temporary tables only, so the run's progress can be
committed for the browser's progress bar while it works.

Two runs never overlap: on PostgreSQL a session advisory lock (released when the connection
closes, so a killed worker does not keep it), on SQLite a check for another running run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from salesorg.periods import MONTH, QUARTER, YEAR, Period
from targets.models import (
    Achievement,
    AchievementTrend,
    Metric,
    RecomputeRun,
    RunStatus,
    Target,
)

logger = logging.getLogger(__name__)

# Any constant: the key of the PostgreSQL advisory lock that keeps runs from overlapping.
ADVISORY_LOCK_KEY = 738_202_605
# A "running" run older than this is taken for dead (a killed worker) on SQLite.
STALE_RUN_AFTER = timedelta(hours=2)

# Temporary tables (one set per database session).
T_PERIOD = "tmp_ach_period"
T_BASE = "tmp_ach_base"
T_AGG = "tmp_ach_agg"
T_OWNER = "tmp_ach_owner"
T_RESULT = "tmp_ach_result"
RESULT_COLUMNS = (
    "owner_kind, owner_key, region_id, team_id, person_id, metric, period, period_kind, as_of, actual, target,"
    " stretch, rate, stretch_rate, time_progress, is_behind, computed_at"
)
KEY_COLUMNS = {"owner_kind", "owner_key", "metric", "period"}


class RecomputeBusy(ApplicationError):
    """Another recompute is running."""


def _month_index_sql(column: str) -> str:
    """Months since year 0 of a date column (year * 12 + month - 1), portable to both databases."""
    if connection.vendor == "postgresql":
        return (
            f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {column}) AS INTEGER) - 1)"
        )
    # Always used in statements with parameters: %% is the literal percent sign there.
    return f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%%m', {column}) AS INTEGER) - 1)"


def _floor_cents_sql(amount: str, percent: str) -> str:
    """amount x percent / 100 rounded down to the cent (DESIGN.md: every share but the primary)."""
    if connection.vendor == "postgresql":
        return f"(FLOOR({amount} * {percent}) / 100)"
    # SQLite keeps decimals as binary floats: 0.29 * 100 is 28.999...; the true product has at
    # most 4 decimals, so a nudge far below 0.0001 restores it without crossing a cent.
    return f"(CAST({amount} * {percent} + 0.0000001 AS INTEGER) / 100.0)"


def _round(expr: str, places: int) -> str:
    return f"ROUND({expr}, {places})"


def _tables() -> dict[str, str]:
    from customers.models import Customer
    from fieldwork.models import ExpenseClaim, Visit
    from sales.models import CreditShare, Order, Payment
    from staff.models import Person, Region, Team

    return {
        "order": Order._meta.db_table,
        "share": CreditShare._meta.db_table,
        "payment": Payment._meta.db_table,
        "visit": Visit._meta.db_table,
        "expense": ExpenseClaim._meta.db_table,
        "customer": Customer._meta.db_table,
        "person": Person._meta.db_table,
        "team": Team._meta.db_table,
        "region": Region._meta.db_table,
        "target": Target._meta.db_table,
        "ach": Achievement._meta.db_table,
        "trend": AchievementTrend._meta.db_table,
    }


def fiscal_year_of(day: date) -> Period:
    return Period(Period.month_of(day).year)


def _period_rows(year: Period, as_of: date) -> list[tuple]:
    """(fiscal month 1-12, period, period kind, time progress) for each month and its quarter and year."""
    rows = []
    for month in year.month_periods():
        quarter = month.parent
        for period, kind in ((month, MONTH), (quarter, QUARTER), (year, YEAR)):
            # Rounded here so both databases compare the same 4-place value.
            rows.append((month.number, str(period), kind, period.time_progress(as_of).quantize(Decimal("0.0001"))))
    return rows


def _set_progress(run: RecomputeRun, progress: int, step: str) -> None:
    run.progress = progress
    run.step = step
    # Outside the write transaction: committed at once, so the progress bar can follow.
    RecomputeRun.objects.filter(pk=run.pk).update(progress=progress, step=step)


def _acquire_lock(run: RecomputeRun) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_LOCK_KEY])
            if not cursor.fetchone()[0]:
                raise RecomputeBusy(_("Another recompute is running; try again when it has finished."))
        # Holding the lock proves no run is alive: earlier "running" rows are from killed workers.
        RecomputeRun.objects.filter(status=RunStatus.RUNNING).exclude(pk=run.pk).update(
            status=RunStatus.FAILED, error="Interrupted (the worker stopped).", finished_at=timezone.now()
        )
        return
    cutoff = timezone.now() - STALE_RUN_AFTER
    others = RecomputeRun.objects.filter(status=RunStatus.RUNNING).exclude(pk=run.pk)
    others.filter(started_at__lt=cutoff).update(
        status=RunStatus.FAILED, error="Interrupted (the worker stopped).", finished_at=timezone.now()
    )
    if others.filter(started_at__gte=cutoff).exists():
        raise RecomputeBusy(_("Another recompute is running; try again when it has finished."))


def _release_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


def _drop_temp_tables(cursor) -> None:
    for name in (T_PERIOD, T_BASE, T_AGG, T_OWNER, T_RESULT):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def _create_temp_tables(cursor) -> None:
    temp = "CREATE TEMPORARY TABLE"
    cursor.execute(
        f"{temp} {T_PERIOD} (month_no INTEGER NOT NULL, period VARCHAR(7) NOT NULL,"
        " period_kind VARCHAR(10) NOT NULL, time_progress NUMERIC(6,4) NOT NULL)"
    )
    cursor.execute(
        f"{temp} {T_BASE} (person_id INTEGER, team_id INTEGER, region_id INTEGER,"
        " metric VARCHAR(20) NOT NULL, month_no INTEGER NOT NULL, actual NUMERIC(18,2) NOT NULL)"
    )
    cursor.execute(
        f"{temp} {T_AGG} (owner_kind VARCHAR(10) NOT NULL, owner_key INTEGER NOT NULL,"
        " metric VARCHAR(20) NOT NULL, period VARCHAR(7) NOT NULL, actual NUMERIC(18,2) NOT NULL)"
    )
    cursor.execute(
        f"{temp} {T_OWNER} (owner_kind VARCHAR(10) NOT NULL, owner_key INTEGER NOT NULL,"
        " person_id INTEGER, team_id INTEGER, region_id INTEGER)"
    )
    cursor.execute(
        f"{temp} {T_RESULT} (owner_kind VARCHAR(10) NOT NULL, owner_key INTEGER NOT NULL, region_id INTEGER,"
        " team_id INTEGER, person_id INTEGER, metric VARCHAR(20) NOT NULL, period VARCHAR(7) NOT NULL,"
        " period_kind VARCHAR(10) NOT NULL, as_of DATE NOT NULL, actual NUMERIC(16,2) NOT NULL,"
        " target NUMERIC(16,2), stretch NUMERIC(16,2), rate NUMERIC(10,4), stretch_rate NUMERIC(10,4),"
        " time_progress NUMERIC(6,4) NOT NULL, is_behind BOOLEAN NOT NULL,"
        " computed_at TIMESTAMP WITH TIME ZONE NOT NULL)"
    )


def _base_statements(t: dict[str, str], *, region_filter: str) -> list[tuple[str, str]]:
    """(step label, INSERT ... SELECT) per source. Each reads the records of [start, as_of].

    Parameters, in order, of every statement: start, as_of, first month index.
    """
    month = _month_index_sql
    insert = f"INSERT INTO {T_BASE} (person_id, team_id, region_id, metric, month_no, actual) "
    # One pass over the shares gives both sums; the small result is then unpivoted to two metrics.
    sales = (
        insert + "SELECT g.rep_id, g.team_id, g.region_id, m.metric, g.month_no,"
        " CASE WHEN m.metric = 'sales_amount' THEN g.amount ELSE g.margin END FROM ("
        f"SELECT s.rep_id, s.team_id, s.region_id, {month('o.date')} - %s + 1 AS month_no,"
        " SUM(s.amount) AS amount, SUM(s.margin) AS margin"
        f" FROM {t['share']} s JOIN {t['order']} o ON o.id = s.order_id"
        " WHERE o.status = 'confirmed' AND o.date BETWEEN %s AND %s"
        f"{region_filter.format(p='s.rep_id', r='s.region_id')}"
        f" GROUP BY s.rep_id, s.team_id, s.region_id, {month('o.date')}) g"
        " CROSS JOIN (SELECT 'sales_amount' AS metric UNION ALL SELECT 'gross_margin') m"
    )
    # Each payment is split by the order's credit shares: every share but the primary rounded
    # down to the cent, the primary takes the rest. Without a sort: every share gets its part
    # (the primary the whole payment), and each non-primary part is taken back from the primary.
    floor_part = _floor_cents_sql("p.amount", "s.percent")
    collection = (
        insert + "SELECT rep_id, team_id, region_id, 'collection', month_no - %s + 1, SUM(part) FROM ("
        f" SELECT s.rep_id, s.team_id, s.region_id, {month('p.date')} AS month_no,"
        f" CASE WHEN s.is_primary THEN p.amount ELSE {floor_part} END AS part"
        f" FROM {t['payment']} p JOIN {t['share']} s ON s.order_id = p.order_id"
        " WHERE p.date BETWEEN %s AND %s"
        " UNION ALL"
        f" SELECT sp.rep_id, sp.team_id, sp.region_id, {month('p.date')}, -{floor_part}"
        f" FROM {t['payment']} p JOIN {t['share']} s ON s.order_id = p.order_id AND NOT s.is_primary"
        f" JOIN {t['share']} sp ON sp.order_id = p.order_id AND sp.is_primary"
        " WHERE p.date BETWEEN %s AND %s"
        # The region filter goes outside: the primary's part needs every share of a payment.
        f") split WHERE 1 = 1{region_filter.format(p='rep_id', r='region_id')}"
        " GROUP BY rep_id, team_id, region_id, month_no"
    )
    # A customer's first confirmed order (earliest date, then lowest id), credited once to its
    # primary share. Two hash aggregations instead of a sort over every order.
    new_customers = (
        insert + f"SELECT s.rep_id, s.team_id, s.region_id, 'new_customers', {month('f.date')} - %s + 1, COUNT(*)"
        " FROM (SELECT o.customer_id, o.date, MIN(o.id) AS id"
        f" FROM {t['order']} o JOIN (SELECT customer_id, MIN(date) AS first_date FROM {t['order']}"
        "  WHERE status = 'confirmed' AND date <= %s GROUP BY customer_id) c"
        " ON c.customer_id = o.customer_id AND o.date = c.first_date"
        " WHERE o.status = 'confirmed' AND c.first_date >= %s GROUP BY o.customer_id, o.date) f"
        f" JOIN {t['share']} s ON s.order_id = f.id AND s.is_primary"
        f" WHERE 1 = 1{region_filter.format(p='s.rep_id', r='s.region_id')}"
        f" GROUP BY s.rep_id, s.team_id, s.region_id, {month('f.date')}"
    )
    visits = (
        insert + f"SELECT v.author_id, v.team_id, v.region_id, 'visits', {month('v.date')} - %s + 1, COUNT(*)"
        f" FROM {t['visit']} v WHERE v.date BETWEEN %s AND %s"
        f"{region_filter.format(p='v.author_id', r='v.region_id')}"
        f" GROUP BY v.author_id, v.team_id, v.region_id, {month('v.date')}"
    )
    expenses = (
        insert + f"SELECT e.person_id, e.team_id, e.region_id, 'expenses', {month('e.date')} - %s + 1, SUM(e.amount)"
        f" FROM {t['expense']} e WHERE e.status = 'approved' AND e.date BETWEEN %s AND %s"
        f"{region_filter.format(p='e.person_id', r='e.region_id')}"
        f" GROUP BY e.person_id, e.team_id, e.region_id, {month('e.date')}"
    )
    return [
        ("sales", sales),
        ("collection", collection),
        ("new_customers", new_customers),
        ("visits", visits),
        ("expenses", expenses),
    ]


def achievements_recompute(
    *,
    as_of: date,
    run: RecomputeRun | None = None,
    region_ids: Iterable[int] | None = None,
    include_company: bool | None = None,
    fail_after_write: Callable[[], None] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> RecomputeRun:
    """Recompute every achievement of the fiscal year containing `as_of` (records up to that day).

    `region_ids` limits the run to the reps, teams and regions of those regions (the fan-out of
    the nightly task); the company row is then left out unless `include_company` is true.
    `fail_after_write` is called inside the write transaction after the first statement
    (tests use it to prove a failed run leaves the previous results); `on_step` after each step
    (the worker test uses it to kill a worker mid-run).
    """
    region_list = sorted({int(r) for r in region_ids}) if region_ids is not None else None
    if include_company is None:
        include_company = region_list is None
    if region_list == [] and not include_company:
        raise ApplicationError(_("Nothing to recompute: give regions or include the company."))
    if run is None:
        run = RecomputeRun.objects.create(
            as_of=as_of,
            region_ids=",".join(map(str, region_list or [])),
        )
    run.started_at = timezone.now()
    run.status = RunStatus.RUNNING
    run.error = ""
    run.save(update_fields=["started_at", "status", "error"])
    try:
        _acquire_lock(run)
    except RecomputeBusy as exc:
        _finish(run, status=RunStatus.FAILED, error=str(exc))
        raise
    try:
        rows = _compute(
            as_of=as_of,
            run=run,
            region_list=region_list,
            include_company=include_company,
            fail_after_write=fail_after_write,
            on_step=on_step,
        )
    except Exception as exc:
        logger.exception("achievement recompute as of %s failed", as_of)
        _finish(run, status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        _release_lock()
    _finish(run, status=RunStatus.SUCCEEDED, rows=rows)
    return run


def _finish(run: RecomputeRun, *, status: str, error: str = "", rows: int | None = None) -> None:
    run.status = status
    run.error = error
    run.finished_at = timezone.now()
    fields = ["status", "error", "finished_at"]
    if status == RunStatus.SUCCEEDED:
        run.progress = 100
        run.step = "done"
        fields += ["progress", "step"]
    if rows is not None:
        run.rows = rows
        fields.append("rows")
    RecomputeRun.objects.filter(pk=run.pk).update(**{f: getattr(run, f) for f in fields})


def _compute(
    *,
    as_of: date,
    run: RecomputeRun,
    region_list: list[int] | None,
    include_company: bool,
    fail_after_write: Callable[[], None] | None,
    on_step: Callable[[str], None] | None = None,
) -> int:
    t = _tables()
    year = fiscal_year_of(as_of)
    start = year.start
    last_day = min(as_of, year.end)
    first_month_index = start.year * 12 + start.month - 1
    year_periods = [str(year)] + [str(q) for q in year.children()] + [str(m) for m in year.month_periods()]
    # Bound through the backend's adapters (SQLite stores dates and datetimes as text).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    as_of_param = connection.ops.adapt_datefield_value(as_of)
    start_param = connection.ops.adapt_datefield_value(start)
    last_day_param = connection.ops.adapt_datefield_value(last_day)

    # A fan-out part for regions, or (no regions) the company alone.
    with_units = region_list is None or len(region_list) > 0
    if not region_list:
        region_filter = ""
        region_params: list = []
    else:
        # The records of these regions, and every record of the people now in them.
        ids = ",".join(str(r) for r in region_list) or "NULL"
        region_filter = f" AND ({{r}} IN ({ids}) OR {{p}} IN (SELECT id FROM {t['person']} WHERE region_id IN ({ids})))"
        region_params = []

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Sorts and hashes of the roll-up fit in memory instead of spilling to disk.
            cursor.execute("SET work_mem = '64MB'")
        _drop_temp_tables(cursor)
        _create_temp_tables(cursor)
        placeholders = ", ".join(["(%s, %s, %s, %s)"] * 36)
        params = [value for row in _period_rows(year, as_of) for value in row]
        cursor.execute(
            f"INSERT INTO {T_PERIOD} (month_no, period, period_kind, time_progress) VALUES {placeholders}", params
        )
        _set_progress(run, 5, "periods")

        statements = _base_statements(t, region_filter=region_filter)
        for index, (label, sql) in enumerate(statements):
            if label == "new_customers":
                cursor.execute(sql, [first_month_index, last_day_param, start_param, *region_params])
            elif label == "collection":
                dates = [start_param, last_day_param]
                cursor.execute(sql, [first_month_index, *dates, *dates, *region_params])
            else:
                cursor.execute(sql, [first_month_index, start_param, last_day_param, *region_params])
            _set_progress(run, 10 + 50 * (index + 1) // len(statements), label)
            if on_step is not None:
                on_step(label)

        if connection.vendor == "postgresql":
            # Temporary tables have no statistics until analysed; without them the planner guesses.
            cursor.execute(f"ANALYZE {T_BASE}, {T_PERIOD}")
        # Roll up: rep (all the person's records), team and region (recorded on the record), company.
        unit_parts = [
            "SELECT 'rep', b.person_id, b.metric, p.period, SUM(b.actual) FROM {base} b"
            " JOIN {period} p ON p.month_no = b.month_no WHERE b.person_id IS NOT NULL"
            " GROUP BY b.person_id, b.metric, p.period",
            "SELECT 'team', b.team_id, b.metric, p.period, SUM(b.actual) FROM {base} b"
            " JOIN {period} p ON p.month_no = b.month_no WHERE b.team_id IS NOT NULL"
            " GROUP BY b.team_id, b.metric, p.period",
            "SELECT 'region', b.region_id, b.metric, p.period, SUM(b.actual) FROM {base} b"
            " JOIN {period} p ON p.month_no = b.month_no WHERE b.region_id IS NOT NULL"
            " GROUP BY b.region_id, b.metric, p.period",
        ]
        agg_parts = unit_parts if with_units else []
        if include_company:
            agg_parts.append(
                "SELECT 'company', 0, b.metric, p.period, SUM(b.actual) FROM {base} b"
                " JOIN {period} p ON p.month_no = b.month_no GROUP BY b.metric, p.period"
            )
        agg_sql = " UNION ALL ".join(agg_parts).format(base=T_BASE, period=T_PERIOD)
        cursor.execute(f"INSERT INTO {T_AGG} (owner_kind, owner_key, metric, period, actual) {agg_sql}")
        _set_progress(run, 70, "rollup")

        # The owners: everyone and every unit with a record, a target, or (reps) still employed;
        # a rep row carries the rep's current team and region, a team row its region (for scope).
        person_where = (
            f"region_id IN ({','.join(map(str, region_list)) or 'NULL'})" if region_list is not None else "1=1"
        )
        team_where = person_where
        region_where = f"id IN ({','.join(map(str, region_list)) or 'NULL'})" if region_list is not None else "1=1"
        period_marks = ", ".join(["%s"] * len(year_periods))
        unit_owners = (
            f" SELECT 'rep', id, id, team_id, region_id FROM {t['person']} WHERE ({person_where}) AND ("
            f" (position = 'rep' AND status <> 'left')"
            f" OR id IN (SELECT owner_key FROM {T_AGG} WHERE owner_kind = 'rep')"
            f" OR id IN (SELECT owner_key FROM {t['target']} WHERE owner_kind = 'rep' AND period IN ({period_marks})))"
            f" UNION ALL SELECT 'team', id, NULL, id, region_id FROM {t['team']} WHERE ({team_where}) AND (is_active"
            f" OR id IN (SELECT owner_key FROM {T_AGG} WHERE owner_kind = 'team'))"
            f" UNION ALL SELECT 'region', id, NULL, NULL, id FROM {t['region']} WHERE ({region_where}) AND (is_active"
            f" OR id IN (SELECT owner_key FROM {T_AGG} WHERE owner_kind = 'region'))"
        )
        owner_parts = [unit_owners] if with_units else []
        if include_company:
            owner_parts.append(" SELECT 'company', 0, NULL, NULL, NULL")
        owner_sql = f"INSERT INTO {T_OWNER} (owner_kind, owner_key, person_id, team_id, region_id)" + " UNION ALL".join(
            owner_parts
        )
        cursor.execute(owner_sql, year_periods if with_units else [])
        if connection.vendor == "postgresql":
            # Temporary tables have no statistics until analysed; without them the planner guesses.
            cursor.execute(f"ANALYZE {T_AGG}, {T_OWNER}")
        _set_progress(run, 80, "owners")

        # A rate is capped below the column's limit (999,999x): beyond that a target is a typo.
        least = "LEAST" if connection.vendor == "postgresql" else "MIN"
        rate = f"{least}({_round('COALESCE(a.actual, 0) * 1.0 / t.value', 4)}, 999999.9999)"
        stretch_rate = f"{least}({_round('COALESCE(a.actual, 0) * 1.0 / t.stretch_value', 4)}, 999999.9999)"
        rate_expr = f"CASE WHEN t.value > 0 THEN {rate} END"
        stretch_expr = f"CASE WHEN t.stretch_value > 0 THEN {stretch_rate} END"
        budget = "', '".join(m.value for m in (Metric.EXPENSES,))
        behind = (
            f"CASE WHEN t.value > 0 AND ((m.metric IN ('{budget}') AND {rate} > p.time_progress)"
            f" OR (m.metric NOT IN ('{budget}') AND {rate} < p.time_progress)) THEN 1 ELSE 0 END"
        )
        if connection.vendor == "postgresql":
            behind = f"({behind}) = 1"
        metrics_sql = " UNION ALL ".join(f"SELECT '{m.value}' AS metric" for m in Metric)
        # The computed rows go to a temporary table first (no indexes, no WAL), then into the
        # results in the transaction: an UPDATE of the existing rows (in place: HOT) and a plain
        # INSERT of the new ones, cheaper than a speculative INSERT ... ON CONFLICT per row. The
        # lock above guarantees no other writer in between.
        compute = (
            f"INSERT INTO {T_RESULT} ({RESULT_COLUMNS})"
            " SELECT o.owner_kind, o.owner_key, o.region_id, o.team_id, o.person_id, m.metric, p.period,"
            f" p.period_kind, %s, COALESCE(a.actual, 0), t.value, t.stretch_value, {rate_expr}, {stretch_expr},"
            f" p.time_progress, {behind}, %s"
            f" FROM {T_OWNER} o CROSS JOIN ({metrics_sql}) m"
            f" CROSS JOIN (SELECT DISTINCT period, period_kind, time_progress FROM {T_PERIOD}) p"
            f" LEFT JOIN {T_AGG} a ON a.owner_kind = o.owner_kind AND a.owner_key = o.owner_key"
            "  AND a.metric = m.metric AND a.period = p.period"
            f" LEFT JOIN {t['target']} t ON t.owner_kind = o.owner_kind AND t.owner_key = o.owner_key"
            "  AND t.metric = m.metric AND t.period = p.period"
        )
        same_key = (
            f"{t['ach']}.owner_kind = r.owner_kind AND {t['ach']}.owner_key = r.owner_key"
            f" AND {t['ach']}.metric = r.metric AND {t['ach']}.period = r.period"
        )
        update = (
            f"UPDATE {t['ach']} SET "
            + ", ".join(f"{c} = r.{c}" for c in RESULT_COLUMNS.split(", ") if c not in KEY_COLUMNS)
            + f" FROM {T_RESULT} r WHERE {same_key}"
        )
        insert_new = (
            f"INSERT INTO {t['ach']} ({RESULT_COLUMNS}) SELECT {RESULT_COLUMNS} FROM {T_RESULT} r"
            f" WHERE NOT EXISTS (SELECT 1 FROM {t['ach']} WHERE {same_key})"
        )
        period_in = ", ".join(["%s"] * len(year_periods))
        stale_scope = ""
        if region_list:
            ids = ",".join(map(str, region_list))
            stale_scope = f" AND owner_kind <> 'company' AND region_id IN ({ids})"
        elif region_list is not None:
            stale_scope = " AND owner_kind = 'company'"
        delete_stale = f"DELETE FROM {t['ach']} WHERE period IN ({period_in}) AND computed_at <> %s{stale_scope}"
        current = [str(p) for p in (Period.month_of(as_of), Period.month_of(as_of).parent, year)]
        trend = (
            f"INSERT INTO {t['trend']} (owner_kind, owner_key, region_id, team_id, person_id, metric, period, date,"
            " actual, rate)"
            f" SELECT owner_kind, owner_key, region_id, team_id, person_id, metric, period, as_of, actual, rate"
            f" FROM {t['ach']} WHERE computed_at = %s AND period IN (%s, %s, %s)"
            " ON CONFLICT (owner_kind, owner_key, metric, period, date) DO UPDATE SET"
            " region_id = excluded.region_id, team_id = excluded.team_id, person_id = excluded.person_id,"
            " actual = excluded.actual, rate = excluded.rate"
        )
        cursor.execute(compute, [as_of_param, now])
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {T_RESULT}")
        with transaction.atomic():
            cursor.execute(update)
            rows = max(cursor.rowcount, 0)
            if fail_after_write is not None:
                fail_after_write()
            if connection.vendor == "postgresql":
                # The results table's statistics can say "empty" (a new database analysed before
                # its first run): the planner then picks a nested loop that scans the table once
                # per new row, quadratic in the rows this very statement inserts. A hash or merge
                # anti-join is right at every size. Reset at once: a SET LOCAL lasts to the end of
                # the outermost transaction (a request's, when the engine runs inside one), and every
                # later query there would be planned without nested loops.
                cursor.execute("SET LOCAL enable_nestloop = off")
            cursor.execute(insert_new)
            rows += max(cursor.rowcount, 0)
            if connection.vendor == "postgresql":
                cursor.execute("RESET enable_nestloop")
            cursor.execute(delete_stale, [*year_periods, now])
            _set_progress(run, 90, "write")
            if year.contains(as_of):
                cursor.execute(trend, [now, *current])
        _drop_temp_tables(cursor)
        if connection.vendor == "postgresql":
            cursor.execute("RESET work_mem")
    return max(rows, 0)
