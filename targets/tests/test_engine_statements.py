# ruff: noqa: S608 -- the expected SQL is spelled out from our own table names.
"""The engine's statement builders, for both vendors, without a database.

No test here is marked `django_db`: pytest-django refuses any query, so these tests also prove the
builders never touch the database. Where an expression's arithmetic matters (months, cents), the
SQLite text is evaluated by Python's own sqlite3 on literals; the numbers are worked out by hand.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from decimal import Decimal

import pytest

from salesorg.periods import Period
from targets.services.engine import statements as st

PG, SQLITE = "postgresql", "sqlite"
VENDORS = [PG, SQLITE]
T = st.tables()
# The scope of a run: everyone, two regions (the fan-out), the company alone.
EVERYONE, REGIONS, COMPANY_ONLY = None, [3, 7], []
YEAR_PERIODS = ["2026", "2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"] + [f"2026-{m:02d}" for m in range(1, 13)]
NOW = "2026-03-16 01:30:00"


def placeholders(sql: str) -> int:
    """The %s a statement binds (a %% is a literal percent sign, not a parameter)."""
    return len(re.findall(r"(?<!%)%s", sql.replace("%%", "")))


def sqlite_value(expression: str, **columns: object):
    """Evaluate a SQLite expression with its column names replaced by literals."""
    for name, value in columns.items():
        expression = expression.replace(name, repr(value))
    return sqlite3.connect(":memory:").execute(f"SELECT {expression.replace('%%', '%')}").fetchone()[0]


# --- Vendor expressions -------------------------------------------------------------------------


def test_month_index_is_months_since_year_zero_on_both_vendors():
    # 2026-03-15: 2026 x 12 + 3 - 1 = 24314.
    assert sqlite_value(st.month_index_sql("o.date", SQLITE), **{"o.date": "2026-03-15"}) == 24314
    assert sqlite_value(st.month_index_sql("o.date", SQLITE), **{"o.date": "2025-12-31"}) == 24311
    # In a statement with parameters the percent signs are doubled (%% reaches SQLite as %).
    assert "strftime('%%Y', o.date)" in st.month_index_sql("o.date", SQLITE)
    pg = st.month_index_sql("o.date", PG)
    # date_part (a float, exact for a year or a month), not EXTRACT (a numeric since PostgreSQL 14).
    assert pg == ("(CAST(date_part('year', o.date) AS INTEGER) * 12 + CAST(date_part('month', o.date) AS INTEGER) - 1)")
    assert "strftime" not in pg


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        # 0.29 x 100 is 28.999... as a binary float: the nudge gives back 29 cents.
        (0.29, 100, 0.29),
        # 100.00 x 33.33 % = 33.33 exactly.
        (100.00, 33.33, 33.33),
        # 60.00 x 33.33 % = 19.998: rounded down, never up, to 19.99.
        (60.00, 33.33, 19.99),
        # 10.01 x 50 % = 5.005: 5.00.
        (10.01, 50, 5.00),
    ],
)
def test_floor_cents_on_sqlite_rounds_every_share_down_to_the_cent(amount, percent, expected):
    expression = st.floor_cents_sql("p.amount", "s.percent", SQLITE)
    assert sqlite_value(expression, **{"p.amount": amount, "s.percent": percent}) == pytest.approx(expected, abs=1e-9)


def test_floor_cents_on_postgresql_is_exact_decimal_floor():
    assert st.floor_cents_sql("p.amount", "s.percent", PG) == "(FLOOR(p.amount * s.percent) / 100)"


# --- Session settings and statistics ------------------------------------------------------------


def test_postgresql_settings_come_with_their_reset_and_sqlite_has_none():
    assert st.memory_settings(PG) == (
        ["SET work_mem = '64MB'", "SET enable_mergejoin = off"],
        ["RESET work_mem", "RESET enable_mergejoin"],
    )
    assert st.planner_settings_for_new_rows(PG) == (["SET LOCAL enable_nestloop = off"], ["RESET enable_nestloop"])
    assert st.memory_settings(SQLITE) == ([], [])
    assert st.planner_settings_for_new_rows(SQLITE) == ([], [])


def test_temporary_tables_are_analysed_on_postgresql_only():
    assert st.analyze(PG, st.T_BASE, st.T_PERIOD) == ["ANALYZE tmp_ach_base, tmp_ach_period"]
    assert st.analyze(SQLITE, st.T_BASE, st.T_PERIOD) == []


def test_temporary_tables_are_dropped_and_created_as_one_set():
    drops = st.drop_temp_tables()
    creates = st.create_temp_tables()
    # With the staging table of the parallel reads (a killed worker's is dropped by the next run).
    assert drops == [f"DROP TABLE IF EXISTS {name}" for name in (*st.TEMP_TABLES, st.T_STAGE)]
    assert [re.match(r"CREATE TEMPORARY TABLE (\w+) ", sql).group(1) for sql in creates] == list(st.TEMP_TABLES)
    # The results table has every column the write copies into the achievements.
    result = creates[-1]
    assert all(f"{column} " in result for column in st.RESULT_COLUMNS.split(", "))


def test_every_temporary_table_is_created_in_sqlite():
    db = sqlite3.connect(":memory:")
    for sql in [*st.drop_temp_tables(), *st.create_temp_tables(), *st.drop_temp_tables()]:
        db.execute(sql)


def test_a_read_on_postgresql_is_staged_so_that_it_can_run_in_parallel():
    sql = "SELECT e.person_id, 1 FROM expenses e WHERE e.date BETWEEN %s AND %s"
    read = st.Statement(st.BASE_INSERT + sql, ["2026-01-01", "2026-03-15"])
    assert st.parallel_read(read, SQLITE) == [read]
    # A user who may not create tables reads with the plain insert.
    assert st.parallel_read(read, PG, can_stage=False) == [read]
    assert st.parallel_read(read, PG) == [
        st.Statement(
            f"CREATE UNLOGGED TABLE targets_engine_stage ({st.BASE_COLUMNS}) AS {sql}", ["2026-01-01", "2026-03-15"]
        ),
        st.Statement(st.BASE_INSERT + "SELECT * FROM targets_engine_stage"),
        st.Statement("DROP TABLE targets_engine_stage"),
    ]
    with pytest.raises(ValueError):
        st.parallel_read(st.Statement("DELETE FROM tmp_ach_base"), PG)
    # The planner's costs of workers lowered for the run, and reset.
    assert st.parallel_settings(PG) == (
        ["SET parallel_setup_cost = 10", "SET parallel_tuple_cost = 0.001", "SET enable_nestloop = off"],
        ["RESET parallel_setup_cost", "RESET parallel_tuple_cost", "RESET enable_nestloop"],
    )
    assert st.parallel_settings(SQLITE) == ([], [])


# --- The periods of the year --------------------------------------------------------------------


def test_period_rows_map_each_month_to_its_month_quarter_and_year_with_time_progress():
    rows = st.period_rows(Period(2026), date(2026, 3, 15))
    assert len(rows) == 36
    # March: 15/31 = 0.4839; Q1: (31 + 28 + 15)/90 = 74/90 = 0.8222; the year: 74/365 = 0.2027.
    assert rows[6:9] == [
        (3, "2026-03", "month", Decimal("0.4839")),
        (3, "2026-Q1", "quarter", Decimal("0.8222")),
        (3, "2026", "year", Decimal("0.2027")),
    ]
    assert rows[0] == (1, "2026-01", "month", Decimal("1.0000"))  # ended
    assert rows[9:11] == [(4, "2026-04", "month", Decimal("0.0000")), (4, "2026-Q2", "quarter", Decimal("0.0000"))]


def test_period_rows_follow_the_fiscal_year(settings):
    settings.FISCAL_YEAR_START_MONTH = 4
    # Fiscal 2026 runs from 2026-04-01; as of 2026-05-10 its month 2 (May) is 10/31 = 0.3226, its
    # Q1 (April-June, 91 days) 40/91 = 0.4396, the year (365 days) 40/365 = 0.1096.
    rows = st.period_rows(Period(2026), date(2026, 5, 10))
    assert rows[3:6] == [
        (2, "2026-02", "month", Decimal("0.3226")),
        (2, "2026-Q1", "quarter", Decimal("0.4396")),
        (2, "2026", "year", Decimal("0.1096")),
    ]


def test_period_insert_binds_four_values_per_row():
    statement = st.period_insert(Period(2026), date(2026, 3, 15))
    assert statement.sql.startswith("INSERT INTO tmp_ach_period (month_no, period, period_kind, time_progress) VALUES")
    assert placeholders(statement.sql) == len(statement.params) == 36 * 4
    assert statement.params[:4] == [1, "2026-01", "month", Decimal("1.0000")]


# --- Step 2: the sources ------------------------------------------------------------------------


def test_region_filter_limits_to_the_regions_records_and_their_peoples():
    assert st.region_filter(T, EVERYONE) == ""
    assert st.region_filter(T, COMPANY_ONLY) == ""
    where = st.region_filter(T, REGIONS).format(p="v.author_id", r="v.region_id")
    assert where == (
        f" AND (v.region_id IN (3,7) OR v.author_id IN (SELECT id FROM {T['person']} WHERE region_id IN (3,7)))"
    )


@pytest.mark.parametrize("vendor", VENDORS)
def test_base_inserts_one_statement_per_source_with_its_parameters_in_order(vendor):
    start, last_day = "2026-01-01", "2026-03-15"
    base = st.base_inserts(T, vendor, region_ids=EVERYONE, first_month_index=24312, start=start, last_day=last_day)
    assert [label for label, _ in base] == ["sales", "collection", "new_customers", "visits", "expenses"]
    params = {label: statement.params for label, statement in base}
    assert params == {
        "sales": [24312, start, last_day],
        "collection": [24312, start, last_day, start, last_day],
        # The first order up to the last day, then whether it falls on or after the start.
        "new_customers": [24312, last_day, start],
        "visits": [24312, start, last_day],
        "expenses": [24312, start, last_day],
    }
    for label, statement in base:
        assert statement.sql.startswith(st.BASE_INSERT), label
        assert placeholders(statement.sql) == len(statement.params), label
        # Only this vendor's functions.
        assert ("date_part(" in statement.sql) == (vendor == PG), label
        assert ("strftime(" in statement.sql) == (vendor == SQLITE), label
        assert " IN (3,7)" not in statement.sql


@pytest.mark.parametrize("vendor", VENDORS)
def test_base_inserts_read_what_each_metric_counts(vendor):
    base = dict(st.base_inserts(T, vendor, region_ids=EVERYONE, first_month_index=0, start="s", last_day="e"))
    assert "o.status = 'confirmed'" in base["sales"].sql
    assert "SELECT 'sales_amount' AS metric UNION ALL SELECT 'gross_margin'" in base["sales"].sql
    # Each non-primary part of a payment is taken back from the primary share.
    collection = base["collection"].sql
    assert collection.count(st.floor_cents_sql("p.amount", "s.percent", vendor)) == 2
    assert "CASE WHEN s.is_primary THEN p.amount ELSE" in collection
    assert "s.is_primary" in base["new_customers"].sql and "MIN(date) AS first_date" in base["new_customers"].sql
    assert f"FROM {T['visit']} v WHERE v.date BETWEEN %s AND %s" in base["visits"].sql
    assert "e.status = 'approved'" in base["expenses"].sql


@pytest.mark.parametrize("vendor", VENDORS)
def test_base_inserts_of_a_fan_out_part_filter_every_source_by_region(vendor):
    base = st.base_inserts(T, vendor, region_ids=REGIONS, first_month_index=0, start="s", last_day="e")
    person_columns = {
        "sales": "s.rep_id",
        "collection": "rep_id",
        "new_customers": "s.rep_id",
        "visits": "v.author_id",
        "expenses": "e.person_id",
    }
    for label, statement in base:
        column = person_columns[label]
        assert f"OR {column} IN (SELECT id FROM {T['person']} WHERE region_id IN (3,7))" in statement.sql, label
        assert placeholders(statement.sql) == len(statement.params), label
    # Collection: outside the union, so the primary's part still sees every share of a payment.
    collection = dict(base)["collection"].sql
    assert ") split WHERE 1 = 1 AND (region_id IN (3,7)" in collection


# --- Step 3: roll-up and owners -----------------------------------------------------------------


def test_rollup_of_a_full_run_has_the_three_units_and_the_company():
    sql = st.rollup_insert(with_units=True, include_company=True)
    assert sql.startswith("INSERT INTO tmp_ach_agg (owner_kind, owner_key, metric, period, actual) SELECT 'rep'")
    parts = sql.split(" UNION ALL ")
    assert [re.search(r"SELECT '(\w+)'", part).group(1) for part in parts] == ["rep", "team", "region", "company"]
    assert "GROUP BY b.person_id, b.metric, p.period" in parts[0]
    assert "WHERE b.team_id IS NOT NULL" in parts[1]
    assert "SELECT 'company', 0," in parts[3] and "IS NOT NULL" not in parts[3]


def test_rollup_of_a_full_run_on_postgresql_is_one_pass_by_grouping_sets():
    # The numbers are the hand-worked ones of test_engine.py, run on PostgreSQL in CI.
    sql = st.rollup_insert(with_units=True, include_company=True, vendor=st.POSTGRESQL)
    assert " UNION ALL " not in sql and sql.count("FROM tmp_ach_base b") == 1
    assert "GROUP BY GROUPING SETS ((b.person_id, b.metric, b.period)" in sql
    # The temporary base is grouped once; the kept base (the incremental night) is summed by
    # period first, then grouped.
    assert sql.count("GROUP BY") == 1
    kept = st.rollup_insert(with_units=True, include_company=True, base=st.kept_base_sql(T, 2026), vendor=st.POSTGRESQL)
    assert kept.count("GROUP BY") == 2
    assert "SUM(b.actual) AS actual FROM (SELECT person_id, team_id, region_id, metric, month_no, actual" in kept
    assert "GROUP BY b.person_id, b.team_id, b.region_id, b.metric, p.period) b GROUP BY GROUPING SETS" in kept
    # A part keeps one query per level.
    assert " UNION ALL " in st.rollup_insert(with_units=True, include_company=False, vendor=st.POSTGRESQL)


def test_rollup_of_a_part_has_the_units_or_the_company_only():
    units = st.rollup_insert(with_units=True, include_company=False)
    assert units.count(" UNION ALL ") == 2 and "'company'" not in units
    company = st.rollup_insert(with_units=False, include_company=True)
    assert " UNION ALL " not in company and "SELECT 'company', 0" in company


def test_owners_of_a_full_run_are_everyone_and_the_company():
    statement = st.owners_insert(T, region_ids=EVERYONE, include_company=True, year_periods=YEAR_PERIODS)
    assert statement.params == YEAR_PERIODS
    assert placeholders(statement.sql) == 17
    assert f"FROM {T['person']} WHERE (1=1)" in statement.sql
    assert "(position = 'rep' AND status <> 'left')" in statement.sql
    assert statement.sql.endswith(" UNION ALL SELECT 'company', 0, NULL, NULL, NULL")


def test_owners_of_a_fan_out_part_are_the_regions_people_and_units():
    statement = st.owners_insert(T, region_ids=REGIONS, include_company=False, year_periods=YEAR_PERIODS)
    assert f"FROM {T['person']} WHERE (region_id IN (3,7))" in statement.sql
    assert f"FROM {T['team']} WHERE (region_id IN (3,7))" in statement.sql
    assert f"FROM {T['region']} WHERE (id IN (3,7))" in statement.sql
    assert "'company'" not in statement.sql
    assert placeholders(statement.sql) == len(statement.params) == 17


def test_owners_of_the_company_part_is_the_company_alone():
    statement = st.owners_insert(T, region_ids=COMPANY_ONLY, include_company=True, year_periods=YEAR_PERIODS)
    assert statement == st.Statement(
        "INSERT INTO tmp_ach_owner (owner_kind, owner_key, person_id, team_id, region_id)"
        " SELECT 'company', 0, NULL, NULL, NULL",
        [],
    )


# --- Step 4: results and the write --------------------------------------------------------------


@pytest.mark.parametrize("vendor", VENDORS)
def test_results_compute_rates_capped_and_empty_without_a_target(vendor):
    statement = st.results_compute(T, vendor, as_of="2026-03-15", now=NOW, periods=["2026", "2026-03"])
    sql = statement.sql
    assert statement.params == ["2026-03-15", NOW, "2026", "2026-03"]
    assert placeholders(sql) == 4
    # The targets of the periods computed alone.
    assert sql.endswith("AND t.status = 'approved'  AND t.period IN (%s, %s)")
    smaller = "LEAST" if vendor == PG else "MIN"
    rate = f"{smaller}(ROUND(COALESCE(a.actual, 0) * 1.0 / t.value, 4), 999999.9999)"
    assert f"CASE WHEN t.value > 0 THEN {rate} END" in sql
    assert (
        f"CASE WHEN t.stretch_value > 0 THEN {smaller}(ROUND(COALESCE(a.actual, 0) * 1.0 / t.stretch_value, 4)," in sql
    )
    assert ("LEAST(" in sql) == (vendor == PG)
    # Every metric, every period of the year, every owner.
    for metric in ("sales_amount", "gross_margin", "collection", "new_customers", "visits", "expenses"):
        assert f"SELECT '{metric}' AS metric" in sql
    assert "FROM tmp_ach_owner o CROSS JOIN" in sql


@pytest.mark.parametrize("vendor", VENDORS)
def test_results_compute_behind_is_above_time_progress_for_a_budget(vendor):
    sql = st.results_compute(T, vendor, as_of="2026-03-15", now=NOW, periods=["2026"]).sql
    smaller = "LEAST" if vendor == PG else "MIN"
    rate = f"{smaller}(ROUND(COALESCE(a.actual, 0) * 1.0 / t.value, 4), 999999.9999)"
    behind = (
        f"CASE WHEN t.value > 0 AND ((m.metric IN ('expenses') AND {rate} > p.time_progress)"
        f" OR (m.metric NOT IN ('expenses') AND {rate} < p.time_progress)) THEN 1 ELSE 0 END"
    )
    # PostgreSQL's boolean column takes a comparison; SQLite stores the 0 or 1 as it is.
    expected = f"({behind}) = 1" if vendor == PG else behind
    assert f"p.time_progress, {expected}, %s FROM" in sql


def test_results_update_rewrites_every_column_but_the_key():
    statement = st.results_update(T, periods=["2026", "2026-Q1"])
    sql = statement.sql
    ach = T["ach"]
    assert sql.startswith(f"UPDATE {ach} SET region_id = r.region_id, team_id = r.team_id,")
    assert sql.endswith(
        f"FROM tmp_ach_result r WHERE {ach}.owner_kind = r.owner_kind AND {ach}.owner_key = r.owner_key"
        f" AND {ach}.metric = r.metric AND {ach}.period = r.period AND {ach}.period IN (%s, %s)"
    )
    # Only the results of the periods computed are matched.
    assert statement.params == ["2026", "2026-Q1"]
    assignments = sql.split(" SET ")[1].split(" FROM ")[0]
    assert "computed_at = r.computed_at" in assignments and "is_behind = r.is_behind" in assignments
    assert not any(f"{key} = " in assignments for key in ("owner_kind", "owner_key", "metric", "period "))


def test_results_insert_new_adds_only_missing_keys():
    ach = T["ach"]
    assert st.results_insert_new(T) == (
        f"INSERT INTO {ach} ({st.RESULT_COLUMNS}) SELECT {st.RESULT_COLUMNS} FROM tmp_ach_result r"
        f" WHERE NOT EXISTS (SELECT 1 FROM {ach} WHERE {ach}.owner_kind = r.owner_kind"
        f" AND {ach}.owner_key = r.owner_key AND {ach}.metric = r.metric AND {ach}.period = r.period)"
    )


@pytest.mark.parametrize(
    ("region_ids", "scope"),
    [
        (EVERYONE, ""),
        (REGIONS, " AND owner_kind <> 'company' AND region_id IN (3,7)"),
        (COMPANY_ONLY, " AND owner_kind = 'company'"),
    ],
)
def test_delete_stale_drops_only_the_runs_own_scope(region_ids, scope):
    statement = st.results_delete_stale(T, region_ids=region_ids, year_periods=YEAR_PERIODS, now=NOW)
    marks = ", ".join(["%s"] * 17)
    assert statement.sql == f"DELETE FROM {T['ach']} WHERE period IN ({marks}) AND computed_at <> %s{scope}"
    assert statement.params == [*YEAR_PERIODS, NOW]


def test_trend_upsert_keeps_one_point_a_day_for_the_as_of_periods():
    statement = st.trend_upsert(T, now=NOW, periods=["2026-03", "2026-Q1", "2026"])
    assert statement.params == [NOW, "2026-03", "2026-Q1", "2026"]
    # From the run's own results (exactly the rows it wrote), not a scan of every result.
    assert f"FROM {st.T_RESULT} WHERE computed_at = %s AND period IN (%s, %s, %s)" in statement.sql
    assert "ON CONFLICT (owner_kind, owner_key, metric, period, date) DO UPDATE SET" in statement.sql
    assert placeholders(statement.sql) == 4


def test_the_product_lines_read_is_staged_like_the_bases():
    read = st.line_sales_read(
        st.tables(), PG, region_ids=None, first_month_index=2026 * 12, start="2026-01-01", last_day="2026-03-15"
    )
    staged = st.parallel_read(read, PG)
    assert staged[0].sql.startswith(f"CREATE UNLOGGED TABLE {st.T_STAGE} ({st.LINE_COLUMNS}) AS SELECT ")
    assert staged[0].params == [2026 * 12, "2026-01-01", "2026-03-15", "2026-01-01", "2026-03-15"]
    assert staged[1].sql == f"{st.LINES_INSERT}SELECT * FROM {st.T_STAGE}"
    assert st.parallel_read(read, SQLITE) == [read]
    with pytest.raises(ValueError):
        st.parallel_read(st.Statement("INSERT INTO elsewhere SELECT 1"), PG)
