"""The engine's runner: a recorded run from start to finish. It takes the lock, executes the
statements of `statements` in order on one cursor, reports progress on the run, hands the results
to `write`, and records how the run ended."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from salesorg.periods import MONTH, Period, periods_containing
from targets.exceptions import RecomputeBusy
from targets.models import BASE_VERSION, RecomputeRun, RunMode, RunStatus
from targets.services.engine import incremental as incremental_plan
from targets.services.engine import statements
from targets.services.engine.write import results_write, session_reset

logger = logging.getLogger(__name__)

# Any constant: the key of the PostgreSQL advisory lock that keeps runs from overlapping.
ADVISORY_LOCK_KEY = 738_202_605
# A "running" run older than this is taken for dead (a killed worker) on SQLite.
STALE_RUN_AFTER = timedelta(hours=2)


def fiscal_year_of(day: date) -> Period:
    return Period(Period.month_of(day).year)


def achievements_recompute(
    *,
    as_of: date,
    run: RecomputeRun | None = None,
    region_ids: Iterable[int] | None = None,
    include_company: bool | None = None,
    fail_after_write: Callable[[], None] | None = None,
    on_step: Callable[[str], None] | None = None,
    incremental: bool = False,
) -> RecomputeRun:
    """Recompute every achievement of the fiscal year containing `as_of` (records up to that day).

    `region_ids` limits the run to the reps, teams and regions of those regions (the fan-out of
    the nightly task); the company row is then left out unless `include_company` is true.
    `incremental`: recompute only what changed since the last whole-company run (`incremental`
    module); a full rebuild when that cannot be done. Whole-company runs only.
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
            incremental=incremental,
        )
    except Exception as exc:
        logger.exception("achievement recompute as of %s failed", as_of)
        _finish(run, status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        raise
    finally:
        _release_lock()
    _finish(run, status=RunStatus.SUCCEEDED, rows=rows)
    return run


# --- Locking ------------------------------------------------------------------------------------


def _acquire_lock(run: RecomputeRun) -> None:
    """On PostgreSQL a session advisory lock (released when the connection closes, so a killed
    worker does not keep it); on SQLite a check for another running run."""
    if connection.vendor == statements.POSTGRESQL:
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
    if connection.vendor == statements.POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_LOCK_KEY])


# --- Progress -----------------------------------------------------------------------------------


def _set_progress(run: RecomputeRun, progress: int, step: str) -> None:
    run.progress = progress
    run.step = step
    # Outside the write transaction: committed at once, so the progress bar can follow.
    RecomputeRun.objects.filter(pk=run.pk).update(progress=progress, step=step)


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


# --- Execution ----------------------------------------------------------------------------------


def _execute(cursor: Any, sqls: list[str]) -> None:
    for sql in sqls:
        cursor.execute(sql)


def _compute(
    *,
    as_of: date,
    run: RecomputeRun,
    region_list: list[int] | None,
    include_company: bool,
    fail_after_write: Callable[[], None] | None,
    on_step: Callable[[str], None] | None = None,
    incremental: bool = False,
) -> int:
    """Steps 1-3 on temporary tables only (each committed at once, so the progress bar can follow),
    then the results computed into a temporary table and written in one transaction; the rows written.

    A whole-company run keeps its base and consumes the outbox of changes (up to the last change
    read before it reads any record); an incremental one recomputes only what the changes name."""
    whole_company = region_list is None and include_company
    upto = incremental_plan.changes_upto() if whole_company else None
    plan = (
        incremental_plan.plan_for(as_of=as_of, year=fiscal_year_of(as_of), upto=upto)
        if (incremental and whole_company)
        else None
    )
    run.mode = RunMode.INCREMENTAL if plan is not None else RunMode.FULL
    run.base_version = BASE_VERSION if whole_company else 0
    RecomputeRun.objects.filter(pk=run.pk).update(mode=run.mode, base_version=run.base_version)
    if plan is not None:
        return _compute_changes(
            as_of=as_of, run=run, plan=plan, upto=upto, fail_after_write=fail_after_write, on_step=on_step
        )
    vendor = connection.vendor
    t = statements.tables()
    year = fiscal_year_of(as_of)
    year_periods = [str(year)] + [str(q) for q in year.children()] + [str(m) for m in year.month_periods()]
    keep = [*statements.base_keep_all(t, year.year), *statements.changes_consume(t, upto)] if whole_company else []
    # Bound through the backend's adapters (SQLite stores dates and datetimes as text).
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    as_of_param = connection.ops.adapt_datefield_value(as_of)
    memory_on, memory_reset = statements.memory_settings(vendor)
    # The reads run in parallel (`statements.parallel_read`); nothing after them can.
    parallel_on, parallel_reset = statements.parallel_settings(vendor)
    sort_off, sort_reset = statements.line_read_settings(vendor)
    with connection.cursor() as cursor:
        _execute(cursor, memory_on + parallel_on)
        try:
            _execute(cursor, statements.drop_temp_tables())
            _execute(cursor, statements.create_temp_tables())
            cursor.execute(*statements.period_insert(year, as_of))
            _set_progress(run, 5, "periods")

            base = statements.base_inserts(
                t,
                vendor,
                region_ids=region_list,
                first_month_index=year.start.year * 12 + year.start.month - 1,
                start=connection.ops.adapt_datefield_value(year.start),
                last_day=as_of_param,
            )
            can_stage = True
            if vendor == statements.POSTGRESQL:
                cursor.execute(statements.CAN_STAGE_SQL)
                can_stage = bool(cursor.fetchone()[0])
            for index, (label, statement) in enumerate(base):
                for step in statements.parallel_read(statement, vendor, can_stage=can_stage):
                    cursor.execute(*step)
                _set_progress(run, 10 + 50 * (index + 1) // len(base), label)
                if on_step is not None:
                    on_step(label)
            if whole_company:
                # The product lines' base, kept with the monthly base (a region's part keeps neither).
                lines = statements.line_sales_read(
                    t,
                    vendor,
                    region_ids=None,
                    first_month_index=year.start.year * 12 + year.start.month - 1,
                    start=connection.ops.adapt_datefield_value(year.start),
                    last_day=as_of_param,
                )
                _execute(cursor, sort_off)
                for step in statements.parallel_read(lines, vendor, can_stage=can_stage):
                    cursor.execute(*step)
                _execute(cursor, sort_reset)
                _set_progress(run, 65, "product lines")
                if on_step is not None:
                    on_step("product lines")
            _execute(cursor, statements.analyze(vendor, statements.T_BASE, statements.T_PERIOD))

            with_units = region_list is None or len(region_list) > 0
            cursor.execute(
                statements.rollup_insert(with_units=with_units, include_company=include_company, vendor=vendor)
            )
            _set_progress(run, 70, "rollup")
            cursor.execute(
                *statements.owners_insert(
                    t, region_ids=region_list, include_company=include_company, year_periods=year_periods
                )
            )
            _execute(cursor, statements.analyze(vendor, statements.T_AGG, statements.T_OWNER))
            _set_progress(run, 80, "owners")

            cursor.execute(*statements.results_compute(t, vendor, as_of=as_of_param, now=now, periods=year_periods))
            _execute(cursor, statements.analyze(vendor, statements.T_RESULT))
            rows = results_write(
                cursor,
                t=t,
                region_ids=region_list,
                year_periods=year_periods,
                trend_periods=[str(p) for p in periods_containing(as_of)],
                now=now,
                fail_after_write=fail_after_write,
                on_written=lambda: _set_progress(run, 90, "write"),
                also=keep,
            )
            if whole_company:
                # Fresh statistics of the rewritten results and kept base: the incremental nights
                # find their rows by key (a stale "empty" makes the planner scan per row instead).
                _execute(cursor, statements.analyze(vendor, t["ach"], t["base"], t["line_base"]))
            _execute(cursor, statements.drop_temp_tables())
        finally:
            session_reset(cursor, memory_reset + parallel_reset + sort_reset)
    return rows


def _compute_changes(
    *,
    as_of: date,
    run: RecomputeRun,
    plan: incremental_plan.Plan,
    upto: int | None,
    fail_after_write: Callable[[], None] | None,
    on_step: Callable[[str], None] | None = None,
) -> int:
    """The incremental run: the base rows of the changed months recomputed from their records and
    kept, then the results of the changed periods rolled up from the kept base and written with
    the changes consumed; the rows written."""
    vendor = connection.vendor
    t = statements.tables()
    year = fiscal_year_of(as_of)
    year_periods = [str(year)] + [str(q) for q in year.children()] + [str(m) for m in year.month_periods()]
    consume = statements.changes_consume(t, upto)
    if plan.empty:
        # Nothing to rewrite: the write transaction only consumes the changes (the fault seam
        # still runs inside it, as in every write).
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in consume:
                cursor.execute(*statement)
            if fail_after_write is not None:
                fail_after_write()
        return 0
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    as_of_param = connection.ops.adapt_datefield_value(as_of)
    first_month_index = year.start.year * 12 + year.start.month - 1
    memory_on, memory_reset = statements.memory_settings(vendor)
    sort_off, sort_reset = statements.line_read_settings(vendor)
    with connection.cursor() as cursor:
        _execute(cursor, memory_on)
        try:
            _execute(cursor, statements.drop_temp_tables())
            _execute(cursor, statements.create_temp_tables())
            cursor.execute(*statements.period_insert(year, as_of, only=plan.periods))
            _set_progress(run, 5, "periods")
            for source, first, last in _read_ranges(plan, year, as_of):
                start, last_day = (
                    connection.ops.adapt_datefield_value(first),
                    connection.ops.adapt_datefield_value(last),
                )
                if source == incremental_plan.LINES:
                    _execute(cursor, sort_off)
                    cursor.execute(
                        *statements.line_sales_read(
                            t,
                            vendor,
                            region_ids=None,
                            first_month_index=first_month_index,
                            start=start,
                            last_day=last_day,
                        )
                    )
                    _execute(cursor, sort_reset)
                else:
                    cursor.execute(*_source_statement(t, vendor, source, first_month_index, start, last_day))
                if on_step is not None:
                    on_step(source)
            for source in plan.added:
                if source == incremental_plan.LINES:
                    cursor.execute(statements.line_base_carry(t, year.year, plan.kept_months(source)))
                else:
                    cursor.execute(statements.base_carry(t, year.year, source, plan.kept_months(source)))
            rewritten = plan.rewritten_months()
            lines_rewritten = rewritten.pop(incremental_plan.LINES, [])
            with transaction.atomic():
                _execute(cursor, statements.base_replace(t, year.year, rewritten))
                _execute(cursor, statements.line_base_replace(t, year.year, lines_rewritten))
            _set_progress(run, 50, "base")
            _execute(cursor, statements.analyze(vendor, statements.T_PERIOD))
            cursor.execute(
                statements.rollup_insert(
                    with_units=True, include_company=True, base=statements.kept_base_sql(t, year.year), vendor=vendor
                )
            )
            _set_progress(run, 70, "rollup")
            cursor.execute(
                *statements.owners_insert(t, region_ids=None, include_company=True, year_periods=year_periods)
            )
            _set_progress(run, 80, "owners")
            # Not analysed (the roll-up, the owners, the results): a fraction of the year, joined
            # by hash whatever the estimates (merge joins are off for the run), the results
            # written by key (PostgreSQL estimates an unanalysed table's rows from its pages).
            cursor.execute(
                *statements.results_compute(t, vendor, as_of=as_of_param, now=now, periods=sorted(plan.periods))
            )
            rows = results_write(
                cursor,
                t=t,
                region_ids=None,
                year_periods=sorted(plan.periods),
                trend_periods=[str(p) for p in periods_containing(as_of) if str(p) in plan.periods],
                now=now,
                fail_after_write=fail_after_write,
                on_written=lambda: _set_progress(run, 90, "write"),
                also=consume,
                few_rows=True,
            )
            _execute(cursor, statements.drop_temp_tables())
        finally:
            session_reset(cursor, memory_reset + sort_reset)
    return rows


def _read_ranges(plan: incremental_plan.Plan, year: Period, as_of: date) -> list[tuple[str, date, date]]:
    """(source, first day, last day) of every read of records: the recomputed months (up to the
    as-of day) in contiguous runs, and the days added."""
    reads = []
    for source, numbers in plan.months.items():
        for first, last in incremental_plan.month_ranges(numbers):
            start = Period(year.year, MONTH, first).start
            if start <= as_of:
                reads.append((source, start, min(Period(year.year, MONTH, last).end, as_of)))
    for source, ranges in plan.added.items():
        reads.extend((source, first, last) for first, last in ranges)
    return reads


def _source_statement(
    t: dict[str, str], vendor: str, source: str, first_month_index: int, start: Any, end: Any
) -> statements.Statement:
    """One source's insert into the temporary base for the records dated in [start, end]."""
    if source == "new_customers":
        return statements.Statement(
            statements.new_customers_changed_insert(t, vendor, ""), [first_month_index, start, end]
        )
    base = dict(
        statements.base_inserts(
            t, vendor, region_ids=None, first_month_index=first_month_index, start=start, last_day=end
        )
    )
    return base[source]
