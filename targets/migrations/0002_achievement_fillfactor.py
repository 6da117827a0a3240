"""Leave room on the results tables' pages (PostgreSQL) so the nightly upsert updates rows in place.

With free space on the page and no indexed column changed, PostgreSQL makes a "HOT" update: no
index entry is written. The nightly run rewrites every row of the year, so this halves its cost.
"""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ("targets_achievement", "targets_achievementtrend"):
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 50)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ("targets_achievement", "targets_achievementtrend"):
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_targets_achievements_runs_plans")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
