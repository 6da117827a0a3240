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

The modules:
- `statements`: builds every statement (SQL text and parameters) for PostgreSQL or SQLite; pure,
  no database access;
- `runner`: `achievements_recompute`, the recorded run: lock, execution of the statements in
  order, progress reporting, how the run ended;
- `write`: the one write transaction, and the planner setting around it reset however it ends.
"""

from targets.services.engine.runner import (  # noqa: F401
    ADVISORY_LOCK_KEY,
    STALE_RUN_AFTER,
    RecomputeBusy,
    achievements_recompute,
    fiscal_year_of,
)
