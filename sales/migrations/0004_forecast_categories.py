
from django.db import migrations, models


# The default stages' categories (sales.models.pipeline.DEFAULT_STAGE_CATEGORIES, frozen here).
CATEGORIES = {
    "Lead": "pipeline",
    "Qualified": "pipeline",
    "Proposal/quote": "best_case",
    "Negotiation": "commit",
    "Won": "commit",
    "Lost": "omitted",
}


def set_stage_categories(apps, schema_editor):
    PipelineStage = apps.get_model("sales", "PipelineStage")
    for name, category in CATEGORIES.items():
        PipelineStage.objects.filter(name=name).update(default_forecast_category=category)
    # A stage an admin added: won counts as commit, lost is left out of the forecast.
    PipelineStage.objects.exclude(name__in=CATEGORIES).filter(is_won=True).update(default_forecast_category="commit")
    PipelineStage.objects.exclude(name__in=CATEGORIES).filter(is_lost=True).update(default_forecast_category="omitted")


class Migration(migrations.Migration):

    dependencies = [
        ('sales', '0003_order_number_sequence'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalopportunity',
            name='forecast_category',
            field=models.CharField(blank=True, choices=[('commit', 'Commit'), ('best_case', 'Best case'), ('pipeline', 'Pipeline'), ('omitted', 'Omitted')], default='', max_length=10, verbose_name='forecast category'),
        ),
        migrations.AddField(
            model_name='opportunity',
            name='forecast_category',
            field=models.CharField(blank=True, choices=[('commit', 'Commit'), ('best_case', 'Best case'), ('pipeline', 'Pipeline'), ('omitted', 'Omitted')], default='', max_length=10, verbose_name='forecast category'),
        ),
        migrations.AddField(
            model_name='pipelinestage',
            name='default_forecast_category',
            field=models.CharField(choices=[('commit', 'Commit'), ('best_case', 'Best case'), ('pipeline', 'Pipeline'), ('omitted', 'Omitted')], default='pipeline', max_length=10, verbose_name='default forecast category'),
        ),
        migrations.RunPython(set_stage_categories, migrations.RunPython.noop),
    ]
