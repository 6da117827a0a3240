"""Credit shares: the single-column indexes of rep, team and region replaced by (column, order)
indexes, so the scope's probes of an order's shares and a unit's order ids read the index alone.

The field's `db_index=False` is a state change only: Django would rebuild the whole table on SQLite
to drop an index, and a rebuilt table loses the incremental night's triggers
(targets/migrations/0009_change_triggers.py). The old indexes are dropped by name instead (the
names Django gave them, the same on SQLite and PostgreSQL), after the new ones exist."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "customers_creditshare"
OLD_INDEXES = {
    "rep_id": "customers_creditshare_rep_id_8c628e30",
    "team_id": "customers_creditshare_team_id_b684929d",
    "region_id": "customers_creditshare_region_id_d70767c0",
}


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0009_engine_read_indexes"),
        ("staff", "0004_calendar_source_history_official_holidays"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="creditshare",
            index=models.Index(fields=["rep", "order"], name="share_rep_order"),
        ),
        migrations.AddIndex(
            model_name="creditshare",
            index=models.Index(fields=["team", "order"], name="share_team_order"),
        ),
        migrations.AddIndex(
            model_name="creditshare",
            index=models.Index(fields=["region", "order"], name="share_region_order"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="creditshare",
                    name="region",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="staff.region",
                        verbose_name="region",
                    ),
                ),
                migrations.AlterField(
                    model_name="creditshare",
                    name="rep",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credit_shares",
                        to="staff.person",
                        verbose_name="rep",
                    ),
                ),
                migrations.AlterField(
                    model_name="creditshare",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="staff.team",
                        verbose_name="team",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{TABLE}" ("{column}")',
                )
                for column, name in OLD_INDEXES.items()
            ],
        ),
    ]
