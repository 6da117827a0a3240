"""The moved follow-up flag's content type follows it: dashboard.followupflag -> customers.followupflag.

So its permissions (kept, with their grants to groups and users) and its admin log entries stay
attached to it. Reversible. A content type already made for the new label (a `migrate` run in
between) is dropped first, with its unused automatic permissions.
"""

from django.db import migrations

MODELS = ("followupflag",)


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
    _move(apps, "dashboard", "customers")


def backwards(apps, schema_editor) -> None:
    _move(apps, "customers", "dashboard")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0008_follow_up_flags_from_dashboard"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
