from django.db import migrations

# A copy of training.rules.STANDARD_RULES at the time of writing (migrations must not import app code).
RULES = [
    ("target_achievement_rate", "closing", "sales_skills"),
    ("gross_margin_rate", "pricing", "sales_skills"),
    ("collection_rate", "collection", "sales_skills"),
    ("average_daily_visits", "visit_planning", "sales_skills"),
    ("customer_count", "prospecting", "sales_skills"),
    ("customer_breadth", "market_development", "sales_skills"),
    ("product_mix", "product_knowledge", "product"),
    ("customer_satisfaction", "customer_service", "communication"),
]


def install(apps, schema_editor):
    rule_model = apps.get_model("training", "SuggestionRule")
    for kpi_code, topic, kind in RULES:
        rule_model.objects.get_or_create(kpi_code=kpi_code, defaults={"course_topic": topic, "course_kind": kind})


def uninstall(apps, schema_editor):
    apps.get_model("training", "SuggestionRule").objects.filter(kpi_code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_courses_coaching_reports_suggestions")]

    operations = [migrations.RunPython(install, uninstall)]
