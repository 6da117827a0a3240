"""The moved models' content types follow them: customers.<model> -> fieldwork.<model>.

So their permissions (kept, with their grants to groups and users) and their admin log entries
stay attached to them. Reversible. A content type already made for the new label (a `migrate`
run in between) is dropped first, with its unused automatic permissions.
"""

from django.db import migrations

MODELS = ("visit", "historicalvisit", "visitphoto", "expenseclaim", "historicalexpenseclaim", "intelnote")


def _move(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = content_type.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        content_type.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor) -> None:
    _move(apps, "customers", "fieldwork")


def backwards(apps, schema_editor) -> None:
    _move(apps, "fieldwork", "customers")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("fieldwork", "0001_visits_expenses_intel_from_customers"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
