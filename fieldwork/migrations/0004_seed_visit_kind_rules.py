"""Seed the evidence rules of the three visit kinds: an on-site visit requires a check-in within
1,000 m of the customer (the far-check-in threshold the product already used), a joint visit the
manager's confirmation, a phone call neither. Admins edit them afterwards; an existing row is kept."""

from django.db import migrations

RULES = (
    ("visit", True, 1000, False),
    ("joint", False, 1000, True),
    ("call", False, 1000, False),
)


def seed(apps, schema_editor):
    rule = apps.get_model("fieldwork", "VisitKindRule")
    for kind, check_in, radius, confirmation in RULES:
        rule.objects.get_or_create(
            kind=kind,
            defaults={"requires_check_in": check_in, "radius_m": radius, "requires_confirmation": confirmation},
        )


def unseed(apps, schema_editor):
    apps.get_model("fieldwork", "VisitKindRule").objects.filter(kind__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0003_visit_kind_rules_evidence_check_out_comments"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
