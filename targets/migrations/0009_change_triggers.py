"""Database triggers that feed the incremental night's outbox (targets_achievementchange).

Every insert, delete and relevant update of a record the engine reads notes what it changed: the
base metrics and month to recompute, or the results (of a period, or of every period) to rewrite.
Triggers, not the services, so admin edits, imports and raw SQL are seen too. The SQL is frozen
here (a later change gets a new migration); PostgreSQL and SQLite both run it.

What each table notes (`{row}` is OLD for a delete, NEW for an insert, both for an update):
- orders: sales (and margin) and new customers of the order's month, and new customers of the
  month of the customer's first confirmed order among its other orders (a new first order moves
  a customer's "new" month; the old one is then one of these two);
- credit shares: sales and new customers of the order's month, collection of the months of the
  order's payments (payments are split by the shares);
- payments, visits, expense claims: their metric of the record's month;
- memberships (a payment's team and region are its rep's on its date): collection of every month;
- targets: the results of the target's period;
- people, teams, regions (owners and the units their rows carry): the results of every period.
"""

from django.db import migrations

CHANGE = "targets_achievementchange"


def _month(vendor: str, column: str) -> str:
    if vendor == "postgresql":
        return f"(CAST(EXTRACT(YEAR FROM {column}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {column}) AS INTEGER) - 1)"
    return f"(CAST(strftime('%Y', {column}) AS INTEGER) * 12 + CAST(strftime('%m', {column}) AS INTEGER) - 1)"


def _note(source: str, month: str = "NULL", period: str = "''", where: str = "") -> str:
    return f"SELECT '{source}', {month}, {period}{where}"


def _inserts(vendor: str, row: str, table: str) -> list[str]:
    """The outbox inserts of one row (OLD or NEW) of `table`."""
    m = lambda column: _month(vendor, column)  # noqa: E731
    parts: list[str]
    if table == "customers_order":
        first = (
            " FROM (SELECT MIN(date) AS first_date FROM customers_order"
            f" WHERE customer_id = {row}.customer_id AND status = 'confirmed' AND id <> {row}.id) f"
            " WHERE f.first_date IS NOT NULL"
        )
        parts = [
            _note("sales", m(f"{row}.date")),
            _note("new_customers", m(f"{row}.date")),
            _note("new_customers", m("f.first_date"), where=first),
        ]
    elif table == "customers_creditshare":
        parts = [
            _note("sales", m("date"), where=f" FROM customers_order WHERE id = {row}.order_id"),
            _note("new_customers", m("date"), where=f" FROM customers_order WHERE id = {row}.order_id"),
            _note("collection", m("date"), where=f" FROM customers_payment WHERE order_id = {row}.order_id"),
        ]
    elif table == "customers_payment":
        parts = [_note("collection", m(f"{row}.date"))]
    elif table == "customers_visit":
        parts = [_note("visits", m(f"{row}.date"))]
    elif table == "customers_expenseclaim":
        parts = [_note("expenses", m(f"{row}.date"))]
    elif table == "staff_membership":
        parts = [_note("collection")]
    elif table == "targets_target":
        parts = [_note("results", period=f"{row}.period")]
    else:  # staff_person, staff_team, staff_region
        parts = [_note("results")]
    return [f"INSERT INTO {CHANGE} (source, month_index, period) {part}" for part in parts]


# table -> the update condition (the columns whose change matters), in terms of OLD and NEW.
WATCHED = {
    "customers_order": ("date", "status", "customer_id"),
    "customers_creditshare": ("order_id", "rep_id", "team_id", "region_id", "percent", "amount", "margin", "is_primary"),
    "customers_payment": ("order_id", "date", "amount", "awaiting_confirmation"),
    "customers_visit": ("date", "author_id", "team_id", "region_id"),
    "customers_expenseclaim": ("date", "status", "amount", "person_id", "team_id", "region_id"),
    "staff_membership": ("person_id", "team_id", "region_id", "start", "end"),
    "targets_target": ("owner_kind", "owner_key", "metric", "period", "value", "stretch_value", "status"),
    "staff_person": ("team_id", "region_id", "position", "status"),
    "staff_team": ("region_id", "is_active"),
    "staff_region": ("is_active",),
}


def _changed(vendor: str, columns: tuple[str, ...]) -> str:
    differ = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f'OLD."{c}" {differ} NEW."{c}"' for c in columns)


def _create_sqlite(table: str) -> list[str]:
    def trigger(name: str, event: str, rows: list[str], when: str = "") -> str:
        body = "; ".join(s for row in rows for s in _inserts("sqlite", row, table))
        condition = f" WHEN {when}" if when else ""
        return f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN {body}; END"

    return [
        trigger(f"{table}_ach_ins", "INSERT", ["NEW"]),
        trigger(f"{table}_ach_del", "DELETE", ["OLD"]),
        trigger(f"{table}_ach_upd", "UPDATE", ["OLD", "NEW"], _changed("sqlite", WATCHED[table])),
    ]


def _create_postgresql(table: str) -> list[str]:
    old = "; ".join(_inserts("postgresql", "OLD", table))
    new = "; ".join(_inserts("postgresql", "NEW", table))
    return [
        f"CREATE OR REPLACE FUNCTION {table}_ach_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {new}; END IF;"
        " RETURN NULL; END $$",
        f"CREATE TRIGGER {table}_ach_insdel AFTER INSERT OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION {table}_ach_note()",
        f"CREATE TRIGGER {table}_ach_upd AFTER UPDATE ON {table} FOR EACH ROW"
        f" WHEN ({_changed('postgresql', WATCHED[table])}) EXECUTE FUNCTION {table}_ach_note()",
    ]


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
        elif vendor == "sqlite":
            for suffix in ("ins", "del", "upd"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_ach_{suffix}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0008_incremental_night"),
        ("sales", "0009_engine_read_indexes"),
        ("fieldwork", "0008_engine_read_indexes"),
        ("staff", "0004_calendar_source_history_official_holidays"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
