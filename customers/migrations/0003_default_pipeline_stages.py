"""The default pipeline stages (admins may rename, reorder or add stages afterwards)."""

from django.db import migrations

DEFAULT_STAGES = [
    # name, order, probability, is_won, is_lost
    ("Lead", 10, 10, False, False),
    ("Qualified", 20, 25, False, False),
    ("Proposal/quote", 30, 50, False, False),
    ("Negotiation", 40, 75, False, False),
    ("Won", 50, 100, True, False),
    ("Lost", 60, 0, False, True),
]


def create_stages(apps, schema_editor):
    stage_model = apps.get_model("customers", "PipelineStage")
    if stage_model.objects.exists():
        return
    stage_model.objects.bulk_create(
        [
            stage_model(name=name, order=order, probability=probability, is_won=won, is_lost=lost)
            for name, order, probability, won, lost in DEFAULT_STAGES
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_pipeline_order_approval_imports")]

    operations = [migrations.RunPython(create_stages, migrations.RunPython.noop)]
