# ruff: noqa: S608 -- SQL built from our own table and column names; no values from outside.
"""Database triggers that feed the incremental night's outbox (targets_achievementchange).

Every insert, delete and relevant update of a record the engine reads notes what it changed: the
base metrics and month to recompute, or the results (of a period, or of every period) to rewrite.
Triggers, not the services, so admin edits, imports and raw SQL are seen too. The SQL is frozen
here (a later change gets a new migration); PostgreSQL and SQLite both run it.

What each table notes (`{row}` is OLD for a delete, NEW for an insert, both for an update), with
the record's date (the run works out the month):
- orders: sales (and margin) of the order's day; when the order is confirmed and not later than
  its customer's other confirmed orders (it is, or was, the customer's first), new customers of
  its day and of the day of the customer's first other confirmed order (the customer's "new" day
  moves between those two);
- credit shares: sales of the order's day, new customers of it (a primary share), collection of
  the days of the order's payments (payments are split by the shares); a change of the stored
  amounts alone (a correction): sales only;
- payments, visits, expense claims: their metric on the record's date;
- memberships (a payment's team and region are its rep's on its date): collection of every day;
- targets: the results of the target's period;
- people, teams, regions (owners and the units their rows carry): the results of every period.
"""

from django.db import migrations

CHANGE = "targets_achievementchange"


def _note(source: str, day: str = "NULL", period: str = "''", where: str = "") -> str:
    return f"SELECT '{source}', {day}, {period}{where}"


def _inserts(vendor: str, row: str, table: str, only: str = "") -> list[str]:
    """The outbox inserts of one row (OLD or NEW) of `table` (of the source `only`, if given)."""
    parts: list[str]
    if table == "customers_order":
        # A customer's "new" day moves only when this order is (or was) its first confirmed one:
        # note this order's day and the first day among the customer's other confirmed orders
        # when this one is confirmed and not later than that (ties go by id: noted either way).
        others = (
            "(SELECT MIN(date) FROM customers_order"
            f" WHERE customer_id = {row}.customer_id AND status = 'confirmed' AND id <> {row}.id)"
        )
        first = f" FROM (SELECT {others} AS first_date) f WHERE {row}.status = 'confirmed'"
        parts = [
            _note("sales", f"{row}.date"),
            _note(
                "new_customers",
                f"{row}.date",
                where=f"{first} AND (f.first_date IS NULL OR {row}.date <= f.first_date)",
            ),
            _note("new_customers", "f.first_date", where=f"{first} AND {row}.date <= f.first_date"),
        ]
    elif table == "customers_creditshare":
        parts = [
            _note("sales", "date", where=f" FROM customers_order WHERE id = {row}.order_id"),
            _note(
                "new_customers", "date", where=f" FROM customers_order WHERE id = {row}.order_id AND {row}.is_primary"
            ),
            _note("collection", "date", where=f" FROM customers_payment WHERE order_id = {row}.order_id"),
        ]
    elif table == "customers_payment":
        parts = [_note("collection", f"{row}.date")]
    elif table == "customers_visit":
        parts = [_note("visits", f"{row}.date")]
    elif table == "customers_expenseclaim":
        parts = [_note("expenses", f"{row}.date")]
    elif table == "staff_membership":
        parts = [_note("collection")]
    elif table == "targets_target":
        parts = [_note("results", period=f"{row}.period")]
    else:  # staff_person, staff_team, staff_region
        parts = [_note("results")]
    return [
        f"INSERT INTO {CHANGE} (source, day, period) {part}"
        for part in parts
        if not only or part.startswith(f"SELECT '{only}'")
    ]


# table -> the update condition (the columns whose change matters), in terms of OLD and NEW.
WATCHED = {
    "customers_order": ("date", "status", "customer_id"),
    "customers_creditshare": (
        "order_id",
        "rep_id",
        "team_id",
        "region_id",
        "percent",
        "amount",
        "margin",
        "is_primary",
    ),
    "customers_payment": ("order_id", "date", "amount", "awaiting_confirmation"),
    "customers_visit": ("date", "author_id", "team_id", "region_id"),
    "customers_expenseclaim": ("date", "status", "amount", "person_id", "team_id", "region_id"),
    "staff_membership": ("person_id", "team_id", "region_id", "start", "end"),
    "targets_target": ("owner_kind", "owner_key", "metric", "period", "value", "stretch_value", "status"),
    "staff_person": ("team_id", "region_id", "position", "status"),
    "staff_team": ("region_id", "is_active"),
    "staff_region": ("is_active",),
}


# table -> (source, columns): an update of only these columns changes only that source (a credit
# share's stored amounts: its sales and margin, not the collection split by its percent nor the
# new customer credited to the primary share).
ONLY_SOURCE = {"customers_creditshare": ("sales", ("amount", "margin"))}


def _watched_rest(table: str) -> tuple[str, ...]:
    """The watched columns whose change can touch every source of the table."""
    narrow = ONLY_SOURCE.get(table, ("", ()))[1]
    return tuple(c for c in WATCHED[table] if c not in narrow)


def _changed(vendor: str, columns: tuple[str, ...]) -> str:
    differ = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f'OLD."{c}" {differ} NEW."{c}"' for c in columns)


def _create_sqlite(table: str) -> list[str]:
    def trigger(name: str, event: str, rows: list[str], when: str = "") -> str:
        body = "; ".join(s for row in rows for s in _inserts("sqlite", row, table))
        condition = f" WHEN {when}" if when else ""
        return f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN {body}; END"

    sqls = [
        trigger(f"{table}_ach_ins", "INSERT", ["NEW"]),
        trigger(f"{table}_ach_del", "DELETE", ["OLD"]),
        trigger(f"{table}_ach_upd", "UPDATE", ["OLD", "NEW"], _changed("sqlite", _watched_rest(table))),
    ]
    if table in ONLY_SOURCE:
        source, columns = ONLY_SOURCE[table]
        body = "; ".join(_inserts("sqlite", "NEW", table, only=source))
        when = f"({_changed('sqlite', columns)}) AND NOT ({_changed('sqlite', _watched_rest(table))})"
        sqls.append(f"CREATE TRIGGER {table}_ach_one AFTER UPDATE ON {table} WHEN {when} BEGIN {body}; END")
    return sqls


def _create_postgresql(table: str) -> list[str]:
    old = "; ".join(_inserts("postgresql", "OLD", table))
    new = "; ".join(_inserts("postgresql", "NEW", table))
    sqls = [
        f"CREATE OR REPLACE FUNCTION {table}_ach_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {new}; END IF;"
        " RETURN NULL; END $$",
        f"CREATE TRIGGER {table}_ach_insdel AFTER INSERT OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {table}_ach_note()",
        f"CREATE TRIGGER {table}_ach_upd AFTER UPDATE ON {table} FOR EACH ROW"
        f" WHEN ({_changed('postgresql', _watched_rest(table))}) EXECUTE FUNCTION {table}_ach_note()",
    ]
    if table in ONLY_SOURCE:
        source, columns = ONLY_SOURCE[table]
        body = "; ".join(_inserts("postgresql", "NEW", table, only=source))
        when = f"({_changed('postgresql', columns)}) AND NOT ({_changed('postgresql', _watched_rest(table))})"
        sqls += [
            f"CREATE OR REPLACE FUNCTION {table}_ach_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" {body}; RETURN NULL; END $$",
            f"CREATE TRIGGER {table}_ach_one AFTER UPDATE ON {table} FOR EACH ROW"
            f" WHEN ({when}) EXECUTE FUNCTION {table}_ach_one()",
        ]
    return sqls


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return
    for table in WATCHED:
        statements = _create_postgresql(table) if vendor == "postgresql" else _create_sqlite(table)
        for sql in statements:
            schema_editor.execute(sql, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in WATCHED:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_ach_note() CASCADE", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_ach_one() CASCADE", params=None)
        elif vendor == "sqlite":
            for suffix in ("ins", "del", "upd", "one"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_ach_{suffix}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0008_incremental_night"),
        ("sales", "0009_engine_read_indexes"),
        ("fieldwork", "0008_engine_read_indexes"),
        ("staff", "0004_calendar_source_history_official_holidays"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
