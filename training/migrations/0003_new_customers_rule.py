from django.db import migrations


def install(apps, schema_editor):
    apps.get_model("training", "SuggestionRule").objects.get_or_create(
        kpi_code="new_customers", defaults={"course_topic": "prospecting", "course_kind": "sales_skills"}
    )


def uninstall(apps, schema_editor):
    apps.get_model("training", "SuggestionRule").objects.filter(kpi_code="new_customers").delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0002_default_suggestion_rules")]

    operations = [migrations.RunPython(install, uninstall)]
