# ruff: noqa: S608 -- SQL is built from our own table names and integer ids; values are bound parameters.
"""The engine's SQL, built without touching the database.

Every builder is a pure function of its arguments: the vendor (`connection.vendor`: "postgresql"
or "sqlite"), the table names (`tables()`), the run's scope and its parameter values, which the
runner passes already adapted for the backend (SQLite binds dates and datetimes as text). A
builder answers SQL text, or a `Statement` (text and its parameters), or a list of statements to
run in order; a list is empty where the vendor needs nothing (SQLite has no planner settings).

The run's scope (`region_ids`): None for every rep, team and region; a list of region ids for
the people and units of those regions (the nightly fan-out); an empty list for none of them (the
company row alone, with `include_company`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from salesorg.periods import MONTH, QUARTER, YEAR, Period
from targets.models import (
    BUDGET_METRICS,
    Achievement,
    AchievementBase,
    AchievementChange,
    AchievementLineBase,
    AchievementTrend,
    Metric,
    Target,
)

POSTGRESQL = "postgresql"

# Temporary tables (one set per database session).
T_PERIOD = "tmp_ach_period"
T_BASE = "tmp_ach_base"
T_AGG = "tmp_ach_agg"
T_OWNER = "tmp_ach_owner"
T_RESULT = "tmp_ach_result"
T_LINES = "tmp_ach_lines"
TEMP_TABLES = (T_PERIOD, T_BASE, T_AGG, T_OWNER, T_LINES, T_RESULT)
RESULT_COLUMNS = (
    "owner_kind, owner_key, region_id, team_id, person_id, metric, period, period_kind, as_of, actual, target,"
    " stretch, rate, stretch_rate, time_progress, is_behind, computed_at"
)
KEY_COLUMNS = {"owner_kind", "owner_key", "metric", "period"}
# A rate is capped below the column's limit (999,999x): beyond that a target is a typo.
RATE_CAP = "999999.9999"


class Statement(NamedTuple):
    """One statement and its parameters; None (not an empty list) for a statement sent without
    any, so that its `%` signs reach the database as they are written."""

    sql: str
    params: list[Any] | None = None


def tables() -> dict[str, str]:
    """The tables the engine reads and writes, by short name (models' metadata, no query)."""
    from customers.models import Customer
    from fieldwork.models import ExpenseClaim, Visit
    from sales.models import CreditShare, Order, OrderLine, Payment, Product
    from staff.models import Membership, Person, Region, Team

    return {
        "order": Order._meta.db_table,
        "share": CreditShare._meta.db_table,
        "line": OrderLine._meta.db_table,
        "product": Product._meta.db_table,
        "payment": Payment._meta.db_table,
        "visit": Visit._meta.db_table,
        "expense": ExpenseClaim._meta.db_table,
        "customer": Customer._meta.db_table,
        "person": Person._meta.db_table,
        "membership": Membership._meta.db_table,
        "team": Team._meta.db_table,
        "region": Region._meta.db_table,
        "target": Target._meta.db_table,
        "ach": Achievement._meta.db_table,
        "trend": AchievementTrend._meta.db_table,
        "base": AchievementBase._meta.db_table,
        "line_base": AchievementLineBase._meta.db_table,
        "change": AchievementChange._meta.db_table,
    }


# --- Vendor expressions -------------------------------------------------------------------------


def month_index_sql(column: str, vendor: str) -> str:
    """Months since year 0 of a date column (year * 12 + month - 1). On PostgreSQL by `date_part`,
    a float (exact for a year or a month), not `EXTRACT`, a numeric since PostgreSQL 14: the sales
    read groups a million shares by it (1.56 s against 1.30 s on the 5,000,000-line benchmark)."""
    if vendor == POSTGRESQL:
        return (
            f"(CAST(date_part('year', {column}) AS INTEGER) * 12 + CAST(date_part('month', {column}) AS INTEGER) - 1)"
        )
    # Always used in statements with parameters: %% is the literal percent sign there.
    return f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%%m', {column}) AS INTEGER) - 1)"


def floor_cents_sql(amount: str, percent: str, vendor: str) -> str:
    """amount x percent / 100 rounded down to the cent (DESIGN.md: every share but the primary)."""
    if vendor == POSTGRESQL:
        return f"(FLOOR({amount} * {percent}) / 100)"
    # SQLite keeps decimals as binary floats: 0.29 * 100 is 28.999...; the true product has at
    # most 4 decimals, so a nudge far below 0.0001 restores it without crossing a cent.
    return f"(CAST({amount} * {percent} + 0.0000001 AS INTEGER) / 100.0)"


def _capped_rate_sql(divisor: str, vendor: str) -> str:
    smaller = "LEAST" if vendor == POSTGRESQL else "MIN"
    return f"{smaller}(ROUND(COALESCE(a.actual, 0) * 1.0 / {divisor}, 4), {RATE_CAP})"


# --- Session settings (PostgreSQL only) -----------------------------------------------------------


def memory_settings(vendor: str) -> tuple[list[str], list[str]]:
    """(set, reset) around a run: sorts and hashes of the roll-up fit in memory instead of
    spilling to disk, and joins are by hash, not merge: a merge join sorts the owners and the
    roll-up by their text keys in the database's collation, the slowest part of computing the
    results (on the 5,000,000-line benchmark 1.46 s against 0.94 s for a full rebuild, 0.25 s
    against 0.16 s for an incremental night)."""
    if vendor != POSTGRESQL:
        return [], []
    return ["SET work_mem = '64MB'", "SET enable_mergejoin = off"], ["RESET work_mem", "RESET enable_mergejoin"]


def planner_settings_for_new_rows(vendor: str) -> tuple[list[str], list[str]]:
    """(set, reset) around the insert of new results.

    The results table's statistics can say "empty" (a new database analysed before its first
    run): the planner then picks a nested loop that scans the table once per new row, quadratic
    in the rows this very statement inserts. A hash or merge anti-join is right at every size.
    Reset at once: a SET LOCAL lasts to the end of the outermost transaction (a request's, when
    the engine runs inside one), and every later query there would be planned without nested
    loops.
    """
    if vendor != POSTGRESQL:
        return [], []
    return ["SET LOCAL enable_nestloop = off"], ["RESET enable_nestloop"]


def analyze(vendor: str, *names: str) -> list[str]:
    """Temporary tables have no statistics until analysed; without them PostgreSQL's planner guesses."""
    if vendor != POSTGRESQL:
        return []
    return [f"ANALYZE {', '.join(names)}"]


# --- Temporary tables and the periods of the year --------------------------------------------------


def drop_temp_tables() -> list[str]:
    """The run's temporary tables, and the staging table of the parallel reads (`parallel_read`)."""
    return [f"DROP TABLE IF EXISTS {name}" for name in (*TEMP_TABLES, T_STAGE)]


def create_temp_tables() -> list[str]:
    temp = "CREATE TEMPORARY TABLE"
    return [
        f"{temp} {T_PERIOD} (month_no INTEGER NOT NULL, period VARCHAR(7) NOT NULL,"
        " period_kind VARCHAR(10) NOT NULL, time_progress NUMERIC(6,4) NOT NULL)",
        f"{temp} {T_BASE} (person_id INTEGER, team_id INTEGER, region_id INTEGER,"
        " metric VARCHAR(20) NOT NULL, month_no INTEGER NOT NULL, actual NUMERIC(18,2) NOT NULL)",
        f"{temp} {T_AGG} (owner_kind VARCHAR(10) NOT NULL, owner_key INTEGER NOT NULL,"
        " metric VARCHAR(20) NOT NULL, period VARCHAR(7) NOT NULL, actual NUMERIC(18,2) NOT NULL)",
        f"{temp} {T_OWNER} (owner_kind VARCHAR(10) NOT NULL, owner_key INTEGER NOT NULL,"
        " person_id INTEGER, team_id INTEGER, region_id INTEGER)",
        f"{temp} {T_LINES} (person_id INTEGER, team_id INTEGER, region_id INTEGER,"
        " product_line VARCHAR(100) NOT NULL, month_no INTEGER NOT NULL, actual NUMERIC(18,2) NOT NULL)",
        f"{temp} {T_RESULT} (owner_kind VARCHAR(10) NOT NULL, owner_key INTEGER NOT NULL, region_id INTEGER,"
        " team_id INTEGER, person_id INTEGER, metric VARCHAR(20) NOT NULL, period VARCHAR(7) NOT NULL,"
        " period_kind VARCHAR(10) NOT NULL, as_of DATE NOT NULL, actual NUMERIC(16,2) NOT NULL,"
        " target NUMERIC(16,2), stretch NUMERIC(16,2), rate NUMERIC(10,4), stretch_rate NUMERIC(10,4),"
        " time_progress NUMERIC(6,4) NOT NULL, is_behind BOOLEAN NOT NULL,"
        " computed_at TIMESTAMP WITH TIME ZONE NOT NULL)",
    ]


def period_rows(year: Period, as_of: date) -> list[tuple]:
    """(fiscal month 1-12, period, period kind, time progress) for each month and its quarter and year."""
    rows = []
    for month in year.month_periods():
        quarter = month.parent
        for period, kind in ((month, MONTH), (quarter, QUARTER), (year, YEAR)):
            # Rounded here so both databases compare the same 4-place value.
            rows.append((month.number, str(period), kind, period.time_progress(as_of).quantize(Decimal("0.0001"))))
    return rows


def period_insert(year: Period, as_of: date, only: set[str] | None = None) -> Statement:
    """The period table; with `only`, the rows of those periods alone (the incremental night)."""
    rows = [row for row in period_rows(year, as_of) if only is None or row[1] in only]
    placeholders = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
    return Statement(
        f"INSERT INTO {T_PERIOD} (month_no, period, period_kind, time_progress) VALUES {placeholders}",
        [value for row in rows for value in row],
    )


# --- Step 2: the records of the year, per source ---------------------------------------------------


def region_filter(t: dict[str, str], region_ids: Sequence[int] | None) -> str:
    """A condition to append to a WHERE clause, with `{p}` (the record's person column) and `{r}`
    (its region column) to fill in: the records of these regions, and every record of the
    people now in them. Empty when the run is not limited to regions."""
    if not region_ids:
        return ""
    ids = ",".join(str(int(r)) for r in region_ids)
    return f" AND ({{r}} IN ({ids}) OR {{p}} IN (SELECT id FROM {t['person']} WHERE region_id IN ({ids})))"


BASE_COLUMNS = "person_id, team_id, region_id, metric, month_no, actual"
BASE_INSERT = f"INSERT INTO {T_BASE} ({BASE_COLUMNS}) "


def base_inserts(
    t: dict[str, str],
    vendor: str,
    *,
    region_ids: Sequence[int] | None,
    first_month_index: int,
    start: Any,
    last_day: Any,
) -> list[tuple[str, Statement]]:
    """(step label, INSERT ... SELECT into the base table) per source, reading the records dated
    in [start, last_day]; a row per (person, team, region recorded on the record, metric, fiscal
    month 1-12, counted from `first_month_index`, the month index of the year's start)."""
    where = region_filter(t, region_ids)
    dated = [first_month_index, start, last_day]
    return [
        ("sales", Statement(sales_insert(t, vendor, where), dated)),
        ("collection", Statement(collection_insert(t, vendor, where), [*dated, start, last_day])),
        ("new_customers", Statement(new_customers_insert(t, vendor, where), [first_month_index, last_day, start])),
        ("visits", Statement(visits_insert(t, vendor, where), dated)),
        ("expenses", Statement(expenses_insert(t, vendor, where), dated)),
    ]


def line_sales_read(
    t: dict[str, str],
    vendor: str,
    *,
    region_ids: Sequence[int] | None,
    first_month_index: int,
    start: Any,
    last_day: Any,
) -> Statement:
    """The read into the product lines' temporary table of the records dated in [start, last_day]
    (`line_sales_insert`; arguments as `base_inserts`')."""
    where = region_filter(t, region_ids)
    return Statement(line_sales_insert(t, vendor, where), [first_month_index, start, last_day, start, last_day])


# The staging table of a parallel read: a regular table, unlogged (no WAL), created and dropped by
# the run that holds the lock. PostgreSQL runs `CREATE TABLE ... AS SELECT` with parallel workers,
# but never an `INSERT ... SELECT` (up to 15 at least) nor anything that writes a temporary table.
T_STAGE = "targets_engine_stage"


# Whether the session's user may create the staging table (PostgreSQL 15 grants no CREATE on the
# public schema to users other than its owner): without it the reads run as plain inserts.
CAN_STAGE_SQL = "SELECT has_schema_privilege(current_schema(), 'CREATE')"


def parallel_read(statement: Statement, vendor: str, *, can_stage: bool = True) -> list[Statement]:
    """One source's read (an insert into the temporary base, `base_inserts`, or into the product
    lines' one, `line_sales_insert`) as statements that let PostgreSQL read the records with
    parallel workers, as the floor statement does: the select into the unlogged staging table, its
    few rows into the temporary table, the staging table dropped. Elsewhere, or for a user who may
    not create tables (`can_stage`, from `CAN_STAGE_SQL`), the statement as it is."""
    if vendor != POSTGRESQL or not can_stage:
        return [statement]
    into = next(
        ((insert, columns) for insert, columns in STAGED_INSERTS if statement.sql.startswith(insert)),
        None,
    )
    if into is None:
        raise ValueError("not a read into the base")
    insert, columns = into
    select = statement.sql.removeprefix(insert)
    # Dropped before (`drop_temp_tables`, at the start of every run: a killed worker's) and after.
    return [
        Statement(f"CREATE UNLOGGED TABLE {T_STAGE} ({columns}) AS {select}", statement.params),
        Statement(f"{insert}SELECT * FROM {T_STAGE}"),
        Statement(f"DROP TABLE {T_STAGE}"),
    ]


def parallel_settings(vendor: str) -> tuple[list[str], list[str]]:
    """(set, reset) around a full rebuild's reads of the whole year. The planner's default costs
    of starting workers and passing rows between them keep every read serial, although the floor
    statement, the same size, runs with two workers. And no nested loops: every read joins a
    year of records, and the new customers' read, misjudged at 800 first orders for 100,000, would
    look up each one's share by index (0.5 s on the 5,000,000-line benchmark)."""
    if vendor != POSTGRESQL:
        return [], []
    return (
        ["SET parallel_setup_cost = 10", "SET parallel_tuple_cost = 0.001", "SET enable_nestloop = off"],
        ["RESET parallel_setup_cost", "RESET parallel_tuple_cost", "RESET enable_nestloop"],
    )


# Each source's statement takes `where` from `region_filter`; its parameters are the first month
# index, then the dates named in its text, in order (see `base_inserts`).


def sales_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """Sales and margin of the credit shares of confirmed orders. One pass over the shares gives
    both sums; the small result is then unpivoted to two metrics."""
    month = month_index_sql("o.date", vendor)
    return (
        BASE_INSERT + "SELECT g.rep_id, g.team_id, g.region_id, m.metric, g.month_no,"
        " CASE WHEN m.metric = 'sales_amount' THEN g.amount ELSE g.margin END FROM ("
        f"SELECT s.rep_id, s.team_id, s.region_id, {month} - %s + 1 AS month_no,"
        " SUM(s.amount) AS amount, SUM(s.margin) AS margin"
        f" FROM {t['share']} s JOIN {t['order']} o ON o.id = s.order_id"
        " WHERE o.status = 'confirmed' AND o.date BETWEEN %s AND %s"
        f"{where.format(p='s.rep_id', r='s.region_id')}"
        f" GROUP BY s.rep_id, s.team_id, s.region_id, {month}) g"
        " CROSS JOIN (SELECT 'sales_amount' AS metric UNION ALL SELECT 'gross_margin') m"
    )


def collection_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """Payments that count (not awaiting confirmation, as `Payment.objects.counted()`), each split
    by the order's credit shares: every share but the primary rounded
    down to the cent, the primary takes the rest. Without a sort: every share gets its part (the
    primary the whole payment), and each non-primary part is taken back from the primary. Each
    part is credited to the team and region its rep had on the payment's date (the dated
    membership; the share's own unit for a rep without one)."""
    month = month_index_sql("p.date", vendor)
    floor_part = floor_cents_sql("p.amount", "s.percent", vendor)

    def on_payment_date(share: str, alias: str) -> str:
        return (
            f" LEFT JOIN {t['membership']} {alias} ON {alias}.person_id = {share}.rep_id"
            f' AND {alias}.start <= p.date AND ({alias}."end" IS NULL OR {alias}."end" >= p.date)'
        )

    return (
        BASE_INSERT + "SELECT rep_id, team_id, region_id, 'collection', month_no - %s + 1, SUM(part) FROM ("
        f" SELECT s.rep_id, COALESCE(m.team_id, s.team_id) AS team_id,"
        f" COALESCE(m.region_id, s.region_id) AS region_id, {month} AS month_no,"
        f" CASE WHEN s.is_primary THEN p.amount ELSE {floor_part} END AS part"
        f" FROM {t['payment']} p JOIN {t['share']} s ON s.order_id = p.order_id"
        + on_payment_date("s", "m")
        + " WHERE p.date BETWEEN %s AND %s AND NOT p.awaiting_confirmation"
        " UNION ALL"
        f" SELECT sp.rep_id, COALESCE(mp.team_id, sp.team_id), COALESCE(mp.region_id, sp.region_id), {month},"
        f" -{floor_part}"
        f" FROM {t['payment']} p JOIN {t['share']} s ON s.order_id = p.order_id AND NOT s.is_primary"
        f" JOIN {t['share']} sp ON sp.order_id = p.order_id AND sp.is_primary"
        + on_payment_date("sp", "mp")
        + " WHERE p.date BETWEEN %s AND %s AND NOT p.awaiting_confirmation"
        # The region filter goes outside: the primary's part needs every share of a payment.
        f") split WHERE 1 = 1{where.format(p='rep_id', r='region_id')}"
        " GROUP BY rep_id, team_id, region_id, month_no"
    )


LINE_COLUMNS = "person_id, team_id, region_id, product_line, month_no, actual"
LINES_INSERT = f"INSERT INTO {T_LINES} ({LINE_COLUMNS}) "


def line_sales_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """Sales per product line of the credit shares of confirmed orders (into the product lines'
    temporary table; parameters as `sales_insert`'s). Each order line is split between the
    order's shares as `sales.domain.credit_by_shares` splits it, without a sort and in one pass
    over the lines: every share gets its part (the primary the whole line), and each other share's
    part, rounded down to the cent, is taken back from the primary through a second row of that
    share carrying the primary's rep, team and region (`taken`). A part goes to the rep, team and
    region of its share. On the 5,000,000-line benchmark 6.2 s against 6.9 s for a second pass
    over the lines for the parts taken back, and 11 s when the planner sorts the groups."""
    month = month_index_sql("o.date", vendor)
    floor_part = floor_cents_sql("l.amount", "s.percent", vendor)
    dated = " o.status = 'confirmed' AND o.date BETWEEN %s AND %s"
    # The shares of the orders dated in the range, and a second row of each share but the primary
    # with the primary's rep, team and region; the orders' months go with them (worked out once
    # per share, not once per line).
    share_rows = (
        f"SELECT s.order_id, {month} AS month_no, s.rep_id, s.team_id, s.region_id, s.percent, s.is_primary,"
        f" 0 AS taken FROM {t['share']} s JOIN {t['order']} o ON o.id = s.order_id WHERE{dated}"
        " UNION ALL"
        f" SELECT s.order_id, {month}, sp.rep_id, sp.team_id, sp.region_id, s.percent, s.is_primary, 1"
        f" FROM {t['share']} s JOIN {t['order']} o ON o.id = s.order_id"
        f" JOIN {t['share']} sp ON sp.order_id = s.order_id AND sp.is_primary"
        f" WHERE NOT s.is_primary AND{dated}"
    )
    return (
        LINES_INSERT + "SELECT s.rep_id, s.team_id, s.region_id, pr.product_line, s.month_no - %s + 1,"
        f" SUM(CASE WHEN s.taken = 1 THEN -{floor_part} WHEN s.is_primary THEN l.amount ELSE {floor_part} END)"
        f" FROM {t['line']} l JOIN {t['product']} pr ON pr.id = l.product_id"
        f" JOIN ({share_rows}) s ON s.order_id = l.order_id"
        f" WHERE 1 = 1{where.format(p='s.rep_id', r='s.region_id')}"
        " GROUP BY s.rep_id, s.team_id, s.region_id, pr.product_line, s.month_no"
    )


def line_read_settings(vendor: str) -> tuple[list[str], list[str]]:
    """(set, reset) around the product lines' read: its groups are hashed, never sorted. The
    planner cannot estimate the groups of the parts taken back (they come from a union) and sorts
    the year's 6,300,000 parts by rep, team, region, product line and month, spilling to disk:
    10.3 s against 6.2-8.4 s hashed on the 5,000,000-line benchmark."""
    if vendor != POSTGRESQL:
        return [], []
    return ["SET enable_sort = off"], ["RESET enable_sort"]


# The temporary tables a read may go to through the staging table (`parallel_read`).
STAGED_INSERTS = ((BASE_INSERT, BASE_COLUMNS), (LINES_INSERT, LINE_COLUMNS))


def new_customers_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """A customer's first confirmed order (earliest date, then lowest id), credited once to its
    primary share. Two hash aggregations instead of a sort over every order. Its dates: the last
    day, then the start."""
    month = month_index_sql("f.date", vendor)
    return (
        BASE_INSERT + f"SELECT s.rep_id, s.team_id, s.region_id, 'new_customers', {month} - %s + 1, COUNT(*)"
        " FROM (SELECT o.customer_id, o.date, MIN(o.id) AS id"
        f" FROM {t['order']} o JOIN (SELECT customer_id, MIN(date) AS first_date FROM {t['order']}"
        "  WHERE status = 'confirmed' AND date <= %s GROUP BY customer_id) c"
        " ON c.customer_id = o.customer_id AND o.date = c.first_date"
        " WHERE o.status = 'confirmed' AND c.first_date >= %s GROUP BY o.customer_id, o.date) f"
        f" JOIN {t['share']} s ON s.order_id = f.id AND s.is_primary"
        f" WHERE 1 = 1{where.format(p='s.rep_id', r='s.region_id')}"
        f" GROUP BY s.rep_id, s.team_id, s.region_id, {month}"
    )


def new_customers_changed_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """New customers of the months in [start, last day] alone (the incremental night): the
    confirmed orders dated there with no earlier confirmed order of their customer (earliest date,
    then lowest id, as `new_customers_insert`), each looked up in the customer's confirmed orders
    by index instead of aggregating every order. Its dates: the start, then the last day."""
    month = month_index_sql("o.date", vendor)
    return (
        BASE_INSERT + f"SELECT s.rep_id, s.team_id, s.region_id, 'new_customers', {month} - %s + 1, COUNT(*)"
        f" FROM {t['order']} o JOIN {t['share']} s ON s.order_id = o.id AND s.is_primary"
        " WHERE o.status = 'confirmed' AND o.date BETWEEN %s AND %s"
        f" AND NOT EXISTS (SELECT 1 FROM {t['order']} e WHERE e.customer_id = o.customer_id"
        "  AND e.status = 'confirmed' AND (e.date < o.date OR (e.date = o.date AND e.id < o.id)))"
        f"{where.format(p='s.rep_id', r='s.region_id')}"
        f" GROUP BY s.rep_id, s.team_id, s.region_id, {month}"
    )


def visits_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """Visit reports of every kind, credited to their author."""
    month = month_index_sql("v.date", vendor)
    return (
        BASE_INSERT + f"SELECT v.author_id, v.team_id, v.region_id, 'visits', {month} - %s + 1, COUNT(*)"
        f" FROM {t['visit']} v WHERE v.date BETWEEN %s AND %s"
        f"{where.format(p='v.author_id', r='v.region_id')}"
        f" GROUP BY v.author_id, v.team_id, v.region_id, {month}"
    )


def expenses_insert(t: dict[str, str], vendor: str, where: str) -> str:
    """Approved expense claims."""
    month = month_index_sql("e.date", vendor)
    return (
        BASE_INSERT + f"SELECT e.person_id, e.team_id, e.region_id, 'expenses', {month} - %s + 1, SUM(e.amount)"
        f" FROM {t['expense']} e WHERE e.status = 'approved' AND e.date BETWEEN %s AND %s"
        f"{where.format(p='e.person_id', r='e.region_id')}"
        f" GROUP BY e.person_id, e.team_id, e.region_id, {month}"
    )


# --- Step 3: roll-up and owners ---------------------------------------------------------------------


def rollup_insert(*, with_units: bool, include_company: bool, base: str = T_BASE, vendor: str = "") -> str:
    """Roll up the base: rep (all the person's records), team and region (recorded on the
    record), company; the period table turns the one join into month, quarter and year. `base`:
    the run's temporary base, or (the incremental night) the kept one, `kept_base_sql`. On
    PostgreSQL, every level at once is one pass by grouping sets (340 ms against 194 ms on the
    5,000,000-line benchmark's base); elsewhere, and for a part, one query per level."""
    if vendor == POSTGRESQL and with_units and include_company:
        return (
            f"INSERT INTO {T_AGG} (owner_kind, owner_key, metric, period, actual)"
            " SELECT CASE WHEN GROUPING(b.person_id) = 0 THEN 'rep' WHEN GROUPING(b.team_id) = 0 THEN 'team'"
            " WHEN GROUPING(b.region_id) = 0 THEN 'region' ELSE 'company' END,"
            " COALESCE(b.person_id, b.team_id, b.region_id, 0), b.metric, b.period, SUM(b.actual)"
            f" FROM {_by_period(base, presum=base != T_BASE)} b"
            " GROUP BY GROUPING SETS ((b.person_id, b.metric, b.period), (b.team_id, b.metric, b.period),"
            " (b.region_id, b.metric, b.period), (b.metric, b.period))"
            # A record without a person, team or region counts for no owner of that level.
            " HAVING NOT ((GROUPING(b.person_id) = 0 AND b.person_id IS NULL)"
            " OR (GROUPING(b.team_id) = 0 AND b.team_id IS NULL)"
            " OR (GROUPING(b.region_id) = 0 AND b.region_id IS NULL))"
        )
    parts = []
    if with_units:
        parts += [
            f"SELECT '{kind}', b.{column}, b.metric, p.period, SUM(b.actual) FROM {base} b"
            f" JOIN {T_PERIOD} p ON p.month_no = b.month_no WHERE b.{column} IS NOT NULL"
            f" GROUP BY b.{column}, b.metric, p.period"
            for kind, column in (("rep", "person_id"), ("team", "team_id"), ("region", "region_id"))
        ]
    if include_company:
        parts.append(
            f"SELECT 'company', 0, b.metric, p.period, SUM(b.actual) FROM {base} b"
            f" JOIN {T_PERIOD} p ON p.month_no = b.month_no GROUP BY b.metric, p.period"
        )
    return f"INSERT INTO {T_AGG} (owner_kind, owner_key, metric, period, actual) " + " UNION ALL ".join(parts)


def _by_period(base: str, *, presum: bool) -> str:
    """The base by period (the period table turns each month into its month, quarter and year).
    `presum`: summed by period first at the finest level, so the grouping sets hash fewer rows:
    faster for the incremental night's kept base (0.16 s against 0.21 s on the 5,000,000-line
    benchmark), slower for a full rebuild's temporary one (0.82 s against 0.61 s)."""
    joined = f"{base} b JOIN {T_PERIOD} p ON p.month_no = b.month_no"
    if not presum:
        return f"(SELECT b.person_id, b.team_id, b.region_id, b.metric, p.period, b.actual FROM {joined})"
    return (
        f"(SELECT b.person_id, b.team_id, b.region_id, b.metric, p.period, SUM(b.actual) AS actual FROM {joined}"
        " GROUP BY b.person_id, b.team_id, b.region_id, b.metric, p.period)"
    )


def owners_insert(
    t: dict[str, str], *, region_ids: Sequence[int] | None, include_company: bool, year_periods: list[str]
) -> Statement:
    """The owners: everyone and every unit with a record, a target, or (reps) still employed; a
    rep row carries the rep's current team and region, a team row its region (for scope)."""
    parts = []
    if region_ids is None or len(region_ids) > 0:
        ids = ",".join(str(int(r)) for r in region_ids or [])
        person_where = f"region_id IN ({ids})" if region_ids is not None else "1=1"
        region_where = f"id IN ({ids})" if region_ids is not None else "1=1"
        period_marks = ", ".join(["%s"] * len(year_periods))
        parts.append(
            f" SELECT 'rep', id, id, team_id, region_id FROM {t['person']} WHERE ({person_where}) AND ("
            " (position = 'rep' AND status <> 'left')"
            f" OR id IN (SELECT owner_key FROM {T_AGG} WHERE owner_kind = 'rep')"
            f" OR id IN (SELECT owner_key FROM {t['target']} WHERE owner_kind = 'rep' AND period IN ({period_marks})))"
            f" UNION ALL SELECT 'team', id, NULL, id, region_id FROM {t['team']} WHERE ({person_where}) AND (is_active"
            f" OR id IN (SELECT owner_key FROM {T_AGG} WHERE owner_kind = 'team'))"
            f" UNION ALL SELECT 'region', id, NULL, NULL, id FROM {t['region']} WHERE ({region_where}) AND (is_active"
            f" OR id IN (SELECT owner_key FROM {T_AGG} WHERE owner_kind = 'region'))"
        )
    params = list(year_periods) if parts else []
    if include_company:
        parts.append(" SELECT 'company', 0, NULL, NULL, NULL")
    sql = f"INSERT INTO {T_OWNER} (owner_kind, owner_key, person_id, team_id, region_id)" + " UNION ALL".join(parts)
    return Statement(sql, params)


# --- Step 4: the results and the write --------------------------------------------------------------


def results_compute(t: dict[str, str], vendor: str, *, as_of: Any, now: Any, periods: Sequence[str]) -> Statement:
    """Every owner x metric x period (actual, target, stretch, rates, time progress, behind) into
    the temporary results table: no indexes, no WAL, cheaper than writing them one by one.
    `periods`: the periods of the period table, named again so that the targets are read for
    those alone (the incremental night's three periods: a hash of 38,000 targets instead of all
    215,000 on the 5,000,000-line benchmark)."""
    rate = _capped_rate_sql("t.value", vendor)
    stretch_rate = _capped_rate_sql("t.stretch_value", vendor)
    budget = "', '".join(sorted(m.value for m in BUDGET_METRICS))
    behind = (
        f"CASE WHEN t.value > 0 AND ((m.metric IN ('{budget}') AND {rate} > p.time_progress)"
        f" OR (m.metric NOT IN ('{budget}') AND {rate} < p.time_progress)) THEN 1 ELSE 0 END"
    )
    if vendor == POSTGRESQL:
        behind = f"({behind}) = 1"
    metrics = " UNION ALL ".join(f"SELECT '{m.value}' AS metric" for m in Metric)
    sql = (
        f"INSERT INTO {T_RESULT} ({RESULT_COLUMNS})"
        " SELECT o.owner_kind, o.owner_key, o.region_id, o.team_id, o.person_id, m.metric, p.period,"
        " p.period_kind, %s, COALESCE(a.actual, 0), t.value, t.stretch_value,"
        f" CASE WHEN t.value > 0 THEN {rate} END, CASE WHEN t.stretch_value > 0 THEN {stretch_rate} END,"
        f" p.time_progress, {behind}, %s"
        f" FROM {T_OWNER} o CROSS JOIN ({metrics}) m"
        f" CROSS JOIN (SELECT DISTINCT period, period_kind, time_progress FROM {T_PERIOD}) p"
        f" LEFT JOIN {T_AGG} a ON a.owner_kind = o.owner_kind AND a.owner_key = o.owner_key"
        "  AND a.metric = m.metric AND a.period = p.period"
        # Only an approved target sets a rate: a draft is shown as a draft and sets none.
        f" LEFT JOIN {t['target']} t ON t.owner_kind = o.owner_kind AND t.owner_key = o.owner_key"
        "  AND t.metric = m.metric AND t.period = p.period AND t.status = 'approved'"
        f"  AND t.period IN ({', '.join(['%s'] * len(periods))})"
    )
    return Statement(sql, [as_of, now, *periods])


def _same_key(t: dict[str, str]) -> str:
    return " AND ".join(f"{t['ach']}.{c} = r.{c}" for c in ("owner_kind", "owner_key", "metric", "period"))


def results_update(t: dict[str, str], *, periods: Sequence[str]) -> Statement:
    """Rewrite the existing results in place (PostgreSQL: a HOT update). `periods`: the periods
    computed, named so that only their results are matched (the incremental night's: 38,000 of
    215,000 rows hashed, by the period index)."""
    values = ", ".join(f"{c} = r.{c}" for c in RESULT_COLUMNS.split(", ") if c not in KEY_COLUMNS)
    marks = ", ".join(["%s"] * len(periods))
    return Statement(
        f"UPDATE {t['ach']} SET {values} FROM {T_RESULT} r WHERE {_same_key(t)} AND {t['ach']}.period IN ({marks})",
        list(periods),
    )


def results_insert_new(t: dict[str, str]) -> str:
    """Add the results that do not exist yet: a plain insert, cheaper than a speculative INSERT
    ... ON CONFLICT per row (the run's lock guarantees no other writer in between)."""
    return (
        f"INSERT INTO {t['ach']} ({RESULT_COLUMNS}) SELECT {RESULT_COLUMNS} FROM {T_RESULT} r"
        f" WHERE NOT EXISTS (SELECT 1 FROM {t['ach']} WHERE {_same_key(t)})"
    )


def results_delete_stale(
    t: dict[str, str], *, region_ids: Sequence[int] | None, year_periods: list[str], now: Any
) -> Statement:
    """Drop the year's results, in the run's scope, that this run (computed at `now`) did not write."""
    scope = ""
    if region_ids:
        scope = f" AND owner_kind <> 'company' AND region_id IN ({','.join(str(int(r)) for r in region_ids)})"
    elif region_ids is not None:
        scope = " AND owner_kind = 'company'"
    marks = ", ".join(["%s"] * len(year_periods))
    return Statement(
        f"DELETE FROM {t['ach']} WHERE period IN ({marks}) AND computed_at <> %s{scope}", [*year_periods, now]
    )


def trend_upsert(t: dict[str, str], *, now: Any, periods: Sequence[str]) -> Statement:
    """Keep today's trend point of the results written at `now` for `periods` (the as-of day's
    month, quarter and year): one point per owner, metric, period and day. Read from the temporary
    results table, which holds exactly the rows written (`now` is their computed time)."""
    sql = (
        f"INSERT INTO {t['trend']} (owner_kind, owner_key, region_id, team_id, person_id, metric, period, date,"
        " actual, rate)"
        " SELECT owner_kind, owner_key, region_id, team_id, person_id, metric, period, as_of, actual, rate"
        f" FROM {T_RESULT} WHERE computed_at = %s AND period IN ({', '.join(['%s'] * len(periods))})"
        " ON CONFLICT (owner_kind, owner_key, metric, period, date) DO UPDATE SET"
        " region_id = excluded.region_id, team_id = excluded.team_id, person_id = excluded.person_id,"
        " actual = excluded.actual, rate = excluded.rate"
    )
    return Statement(sql, [now, *periods])


# --- The kept base and the outbox of changes (the incremental night) ----------------------------------

# The metrics each source of `base_inserts` writes (the outbox's `source` names the same).
SOURCE_METRICS = {
    "sales": ("sales_amount", "gross_margin"),
    "collection": ("collection",),
    "new_customers": ("new_customers",),
    "visits": ("visits",),
    "expenses": ("expenses",),
}


def kept_base_sql(t: dict[str, str], fiscal_year: int) -> str:
    """The kept base of a fiscal year, as a sub-select shaped like the temporary base."""
    return f"(SELECT {BASE_COLUMNS} FROM {t['base']} WHERE fiscal_year = {int(fiscal_year)})"


def base_keep_all(t: dict[str, str], fiscal_year: int) -> list[str]:
    """The full rebuild keeps its base: every kept row replaced by the temporary base, and the
    product lines' base of the fiscal year by theirs (other years' stay: the charts of a past
    year read them)."""
    return [
        f"DELETE FROM {t['base']}",
        _base_copy(t, fiscal_year),
        f"DELETE FROM {t['line_base']} WHERE fiscal_year = {int(fiscal_year)}",
        f"INSERT INTO {t['line_base']} (fiscal_year, {LINE_COLUMNS})"
        f" SELECT {int(fiscal_year)}, {LINE_COLUMNS} FROM {T_LINES}",
    ]


def _base_copy(t: dict[str, str], fiscal_year: int) -> str:
    return (
        f"INSERT INTO {t['base']} (fiscal_year, {BASE_COLUMNS}) SELECT {int(fiscal_year)}, {BASE_COLUMNS} FROM {T_BASE}"
    )


def base_carry(t: dict[str, str], fiscal_year: int, source: str, months: list[int]) -> str:
    """Carry the kept rows of a source's months into the temporary base (the days added to them
    are summed with them by `base_replace`)."""
    metrics = "', '".join(SOURCE_METRICS[source])
    return (
        f"INSERT INTO {T_BASE} ({BASE_COLUMNS}) SELECT {BASE_COLUMNS} FROM {t['base']}"
        f" WHERE fiscal_year = {int(fiscal_year)} AND metric IN ('{metrics}')"
        f" AND month_no IN ({', '.join(str(int(m)) for m in months)})"
    )


def line_base_carry(t: dict[str, str], fiscal_year: int, months: list[int]) -> str:
    """Carry the kept product-line rows of these months into the temporary table (the product
    lines' kept months, as `base_carry`)."""
    return (
        f"INSERT INTO {T_LINES} ({LINE_COLUMNS}) SELECT {LINE_COLUMNS} FROM {t['line_base']}"
        f" WHERE fiscal_year = {int(fiscal_year)} AND month_no IN ({', '.join(str(int(m)) for m in months)})"
    )


def line_base_replace(t: dict[str, str], fiscal_year: int, months: list[int]) -> list[str]:
    """Replace the kept product-line rows of the months the night rewrote by the temporary table
    (`base_replace`), summed to one row per key."""
    if not months:
        return []
    keys = "person_id, team_id, region_id, product_line, month_no"
    return [
        f"DELETE FROM {t['line_base']} WHERE fiscal_year = {int(fiscal_year)}"
        f" AND month_no IN ({', '.join(str(int(m)) for m in months)})",
        f"INSERT INTO {t['line_base']} (fiscal_year, {LINE_COLUMNS})"
        f" SELECT {int(fiscal_year)}, {keys}, SUM(actual) FROM {T_LINES} GROUP BY {keys}",
    ]


def base_replace(t: dict[str, str], fiscal_year: int, months: dict[str, list[int]]) -> list[str]:
    """The incremental night replaces the kept rows of the months it rewrote, metric by metric, by
    the temporary base (which holds exactly those months of those metrics: recomputed, or carried
    over with the days added), summed to one row per key."""
    sqls = []
    for source, month_list in sorted(months.items()):
        if not month_list:
            continue
        metrics = "', '".join(SOURCE_METRICS[source])
        sqls.append(
            f"DELETE FROM {t['base']} WHERE fiscal_year = {int(fiscal_year)} AND metric IN ('{metrics}')"
            f" AND month_no IN ({', '.join(str(int(m)) for m in month_list)})"
        )
    keys = "person_id, team_id, region_id, metric, month_no"
    sqls.append(
        f"INSERT INTO {t['base']} (fiscal_year, {BASE_COLUMNS})"
        f" SELECT {int(fiscal_year)}, {keys}, SUM(actual) FROM {T_BASE} GROUP BY {keys}"
    )
    return sqls


def changes_consume(t: dict[str, str], upto: int | None) -> list[Statement]:
    """Delete the changes a run took into account (ids up to the one read at its start)."""
    if upto is None:
        return []
    return [Statement(f"DELETE FROM {t['change']} WHERE id <= %s", [upto])]
