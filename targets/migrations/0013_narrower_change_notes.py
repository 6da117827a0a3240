# ruff: noqa: S608 -- SQL built from our own table and column names; no values from outside.
"""Narrower notes for the incremental night's outbox, so that a change re-reads only what it can
touch (the triggers of 0009 and 0012, same tables, same conditions, other source names):

- an order line added, removed or changed, and a product moved to another product line, note
  `lines` (the product-line base alone: the engine's sales come from the credit shares' stored
  amounts, never from the lines), where they noted `sales`;
- a credit share whose stored amounts alone changed notes `share_amounts` (sales and margin, not
  the product lines: they split the lines by the share's percent), where it noted `sales`.

`sales` itself still means both (an order's date or status, a share's rep, unit or percent). The
SQL is frozen here; PostgreSQL and SQLite run it; going back restores the `sales` notes.
"""

from django.db import migrations

CHANGE = "targets_achievementchange"
LINE = "customers_orderline"
PRODUCT = "customers_product"
SHARE = "customers_creditshare"
LINE_CHANGED = ("order_id", "product_id", "amount")
SHARE_AMOUNTS = ("amount", "margin")
SHARE_REST = ("order_id", "rep_id", "team_id", "region_id", "percent", "is_primary")


def _line_note(source, row):
    return f"INSERT INTO {CHANGE} (source, day, period) SELECT '{source}', date, '' FROM customers_order WHERE id = {row}.order_id"


def _product_note(source):
    return f"INSERT INTO {CHANGE} (source, day, period) VALUES ('{source}', NULL, '')"


def _share_note(source):
    return f"INSERT INTO {CHANGE} (source, day, period) SELECT '{source}', date, '' FROM customers_order WHERE id = NEW.order_id"


def _changed(vendor, columns):
    differ = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return " OR ".join(f'OLD."{c}" {differ} NEW."{c}"' for c in columns)


def _postgresql(line_source, share_source):
    """The trigger functions replaced in place (the triggers and their conditions stay)."""
    old, new = _line_note(line_source, "OLD"), _line_note(line_source, "NEW")
    return [
        f"CREATE OR REPLACE FUNCTION {LINE}_ach_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {old}; END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {new}; END IF;"
        " RETURN NULL; END $$",
        f"CREATE OR REPLACE FUNCTION {PRODUCT}_ach_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" {_product_note(line_source)}; RETURN NULL; END $$",
        f"CREATE OR REPLACE FUNCTION {SHARE}_ach_one() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" {_share_note(share_source)}; RETURN NULL; END $$",
    ]


def _sqlite(line_source, share_source):
    """SQLite's triggers hold their statements: each is dropped and created again."""
    vendor = "sqlite"
    names = [f"{LINE}_ach_ins", f"{LINE}_ach_del", f"{LINE}_ach_upd", f"{PRODUCT}_ach_upd", f"{SHARE}_ach_one"]
    share_when = f"({_changed(vendor, SHARE_AMOUNTS)}) AND NOT ({_changed(vendor, SHARE_REST)})"
    return [f"DROP TRIGGER IF EXISTS {name}" for name in names] + [
        f"CREATE TRIGGER {LINE}_ach_ins AFTER INSERT ON {LINE} BEGIN {_line_note(line_source, 'NEW')}; END",
        f"CREATE TRIGGER {LINE}_ach_del AFTER DELETE ON {LINE} BEGIN {_line_note(line_source, 'OLD')}; END",
        f"CREATE TRIGGER {LINE}_ach_upd AFTER UPDATE ON {LINE} WHEN {_changed(vendor, LINE_CHANGED)}"
        f" BEGIN {_line_note(line_source, 'OLD')}; {_line_note(line_source, 'NEW')}; END",
        f"CREATE TRIGGER {PRODUCT}_ach_upd AFTER UPDATE ON {PRODUCT}"
        f" WHEN {_changed(vendor, ('product_line',))} BEGIN {_product_note(line_source)}; END",
        f"CREATE TRIGGER {SHARE}_ach_one AFTER UPDATE ON {SHARE} WHEN {share_when} BEGIN {_share_note(share_source)}; END",
    ]


def _replace(schema_editor, line_source, share_source):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        sqls = _postgresql(line_source, share_source)
    elif vendor == "sqlite":
        sqls = _sqlite(line_source, share_source)
    else:
        return
    for sql in sqls:
        schema_editor.execute(sql, params=None)


def narrower(apps, schema_editor):
    _replace(schema_editor, "lines", "share_amounts")


def wider(apps, schema_editor):
    _replace(schema_editor, "sales", "sales")


class Migration(migrations.Migration):
    dependencies = [("targets", "0012_product_line_base")]

    operations = [migrations.RunPython(narrower, wider)]
