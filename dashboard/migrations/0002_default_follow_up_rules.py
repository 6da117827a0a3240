from django.db import migrations

# Days a customer may go without contact: key accounts are seen every two weeks.
DEFAULTS = [("key", 14, 7, 14), ("general", 30, 10, 20), ("potential", 60, 15, 30)]


def add_defaults(apps, schema_editor):
    FollowUpRule = apps.get_model("dashboard", "FollowUpRule")
    for classification, days, escalate, flag in DEFAULTS:
        FollowUpRule.objects.get_or_create(
            classification=classification, defaults={"days": days, "escalate_after": escalate, "flag_after": flag}
        )


class Migration(migrations.Migration):
    dependencies = [("dashboard", "0001_notifications_channels_follow_up_rules")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
