"""The engine's write: the computed results (the temporary results table) into the achievements,
in one transaction.

An UPDATE ... FROM rewrites the existing results, an INSERT ... WHERE NOT EXISTS adds the new
ones, a DELETE drops the year's rows, in the run's scope, that this run did not write, and an
upsert keeps today's trend point. A failure anywhere before the commit leaves the previous results
as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from targets.services.engine import statements


def results_write(
    cursor: Any,
    *,
    t: dict[str, str],
    region_ids: Sequence[int] | None,
    year_periods: list[str],
    trend_periods: Sequence[str],
    now: Any,
    fail_after_write: Callable[[], None] | None = None,
    on_written: Callable[[], None] | None = None,
    also: Sequence[Any] = (),
    few_rows: bool = False,
) -> int:
    """Write the results computed at `now`; the number of result rows updated or added.

    `fail_after_write` is called after the first statement (tests prove a failure there leaves the
    previous results); `on_written` before the trend point, inside the transaction (the runner's
    progress report, committed with the results). `also`: statements (SQL text or `Statement`)
    committed with the results (the kept base of a full rebuild, the changes a run consumed).
    `few_rows`: the incremental night's write, a fraction of the results: new rows are looked up
    by key (the statistics are fresh: the full rebuild analyses the results) instead of the
    whole-table anti-join the full rebuild forces. Neither looks for new rows when the update
    rewrote every computed row (a rerun: 0.17 s of a full rebuild on the 5,000,000-line benchmark).
    """
    with transaction.atomic():
        cursor.execute(*statements.results_update(t, periods=year_periods))
        rows = max(cursor.rowcount, 0)
        if fail_after_write is not None:
            fail_after_write()
        if rows < _computed_rows(cursor):
            with planner_for_new_rows(cursor, "" if few_rows else connection.vendor):
                cursor.execute(statements.results_insert_new(t))
                rows += max(cursor.rowcount, 0)
        cursor.execute(*statements.results_delete_stale(t, region_ids=region_ids, year_periods=year_periods, now=now))
        if on_written is not None:
            on_written()
        cursor.execute(*statements.trend_upsert(t, now=now, periods=trend_periods))
        for statement in also:
            if isinstance(statement, str):
                cursor.execute(statement)
            else:
                cursor.execute(*statement)
    return rows


def _computed_rows(cursor: Any) -> int:
    """The rows computed for the write: when the update rewrote as many, none is new."""
    cursor.execute(f"SELECT COUNT(*) FROM {statements.T_RESULT}")  # noqa: S608 (our table's name)
    return cursor.fetchone()[0]


@contextmanager
def planner_for_new_rows(cursor: Any, vendor: str) -> Iterator[None]:
    """Run the block with the planner settings of `statements.planner_settings_for_new_rows`, and
    reset them however the block ends, so a caller's transaction gets its planner back as it was."""
    settings_on, settings_reset = statements.planner_settings_for_new_rows(vendor)
    for sql in settings_on:
        cursor.execute(sql)
    try:
        yield
    finally:
        session_reset(cursor, settings_reset)


def session_reset(cursor: Any, sqls: list[str]) -> None:
    """Run the reset statements of a session setting, unless the transaction has failed: PostgreSQL
    refuses every statement until its rollback, and the rollback undoes the setting itself. (Trying
    anyway would replace the error being raised with "current transaction is aborted".)"""
    if sqls and not _transaction_failed():
        for sql in sqls:
            cursor.execute(sql)


def _transaction_failed() -> bool:
    if connection.vendor != statements.POSTGRESQL:
        return False
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.INERROR
