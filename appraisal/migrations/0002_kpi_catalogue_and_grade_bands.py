from decimal import Decimal

from django.db import migrations

KPIS = [
    ("target_achievement_rate", "rate", "engine", "sales_amount actual / target (the engine's rate)"),
    ("gross_margin_rate", "rate", "engine", "gross_margin actual / target (the engine's rate)"),
    ("collection_rate", "rate", "record",
     "payments in the period / (balance at the period start on instalments already due + instalments falling due "
     "in the period)"),
    ("average_daily_visits", "number", "record", "distinct (customer, day) visits / working days of the period"),
    ("customer_count", "number", "record", "distinct customers with a confirmed order in the period"),
    ("customer_breadth", "number", "record", "distinct industries among those customers"),
    ("product_mix", "rate", "record", "share of sales_amount in the scheme's focus product lines"),
    ("customer_satisfaction", "score", "record", "mean satisfaction of customer evaluations in the period"),
    ("new_customers", "number", "engine", "customers whose first order is in the period (the engine's count)"),
]
GRADES = [("A", "90", "Excellent"), ("B", "80", "Good"), ("C", "70", "Meets expectations"),
          ("D", "60", "Needs improvement"), ("E", "0", "Unsatisfactory")]


def install(apps, schema_editor):
    Kpi = apps.get_model("appraisal", "Kpi")
    GradeBand = apps.get_model("appraisal", "GradeBand")
    for order, (code, unit, source, description) in enumerate(KPIS):
        Kpi.objects.get_or_create(
            code=code, defaults={"unit": unit, "source": source, "description": description, "sort_order": order}
        )
    for grade, minimum, label in GRADES:
        GradeBand.objects.get_or_create(grade=grade, defaults={"min_score": Decimal(minimum), "label": label})


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_kpis_schemes_scorecards_outcomes_commission_contests")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
