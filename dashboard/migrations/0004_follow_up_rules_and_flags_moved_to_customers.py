"""The follow-up rules and flags move to `customers`, which owns the one idle-customer rule.

1. Every follow-up rule's values go into the idle-customer rule of its classification (customers
   0007 added the follow-up part): `days` -> `follow_up_days`, `escalate_after`, `flag_after`,
   `is_active` -> `follow_up_active`. A classification with no pool rule gets a rule with the
   follow-up part only (no `idle_days`). Each rule written gets a history row saying so.
2. The follow-up rule tables are dropped (their values live on in the one rule).
3. The flags leave this app's state only: their table keeps its name and rows, and customers 0008
   (which runs after this one, `run_before` below, so the dependency points down the order of the
   apps) takes the model into its state.

Reversible: backwards, the follow-up rules are recreated from the idle-customer rules, and the
rules that had no pool part are removed from the one table.
"""

from django.db import migrations
from django.utils import timezone

REASON = "Follow-up rule moved from the dashboard"


def _history(apps, rule, history_type: str) -> None:
    """A history row of the rule as it now is (simple_history's own shape)."""
    historical = apps.get_model("customers", "HistoricalIdleCustomerRule")
    fields = {f.attname: getattr(rule, f.attname) for f in rule._meta.concrete_fields}
    historical.objects.create(
        **fields, history_date=timezone.now(), history_type=history_type, history_change_reason=REASON
    )


def rules_forwards(apps, schema_editor) -> None:
    follow_up_rule = apps.get_model("dashboard", "FollowUpRule")
    idle_rule = apps.get_model("customers", "IdleCustomerRule")
    for old in follow_up_rule.objects.order_by("pk"):
        rule, created = idle_rule.objects.get_or_create(
            classification=old.classification,
            defaults={"idle_days": None, "follow_up_days": old.days},
        )
        rule.follow_up_days = old.days
        rule.escalate_after = old.escalate_after
        rule.flag_after = old.flag_after
        rule.follow_up_active = old.is_active
        rule.save(update_fields=["follow_up_days", "escalate_after", "flag_after", "follow_up_active"])
        _history(apps, rule, "+" if created else "~")


def rules_backwards(apps, schema_editor) -> None:
    follow_up_rule = apps.get_model("dashboard", "FollowUpRule")
    idle_rule = apps.get_model("customers", "IdleCustomerRule")
    for rule in idle_rule.objects.filter(follow_up_days__isnull=False):
        follow_up_rule.objects.create(
            classification=rule.classification,
            days=rule.follow_up_days,
            escalate_after=rule.escalate_after,
            flag_after=rule.flag_after,
            is_active=rule.follow_up_active,
        )
    idle_rule.objects.filter(idle_days__isnull=True).delete()
    idle_rule.objects.update(follow_up_days=None)


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_pool_rule_becomes_the_idle_customer_rule"),
        ("dashboard", "0003_notifications_moved_to_their_app"),
    ]
    run_before = [
        ("customers", "0008_follow_up_flags_from_dashboard"),
    ]

    operations = [
        migrations.RunPython(rules_forwards, rules_backwards),
        migrations.DeleteModel(name="HistoricalFollowUpRule"),
        migrations.DeleteModel(name="FollowUpRule"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FollowUpFlag")],
            database_operations=[],
        ),
    ]
