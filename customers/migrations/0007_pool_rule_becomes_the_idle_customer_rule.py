"""The pool rule becomes the one idle-customer rule: the pool part, and a follow-up part.

`PoolRule` is renamed `IdleCustomerRule` (its table and history table with it; Django renames the
content types, and this renames their permissions so their grants stay); `is_active` becomes
`pool_active`; `idle_days` may be empty (a classification with a follow-up part only); the
follow-up part (`follow_up_days`, `escalate_after`, `flag_after`, `follow_up_active`) is added.
The dashboard's follow-up rules are copied into it by dashboard 0004, which depends on this one.
"""

import django.db.models.expressions
from django.db import migrations, models

RULE_MODELS = ("idlecustomerrule", "historicalidlecustomerrule")
RENAMED = (("poolrule", "idlecustomerrule"), ("historicalpoolrule", "historicalidlecustomerrule"))
LABELS = ("pool rule", "idle-customer rule")


def _rename(apps, *, forwards: bool) -> None:
    """The renamed models keep their content types and permissions (and so their grants).

    `migrate` renames the content types itself (it adds that step after a RenameModel); a plain
    MigrationExecutor does not, so it is done here when still needed. A content type already made
    for the new name is dropped first, with its unused automatic permissions.
    """
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    old_label, new_label = LABELS if forwards else LABELS[::-1]
    for old, new in RENAMED if forwards else [pair[::-1] for pair in RENAMED]:
        source = content_type.objects.filter(app_label="customers", model=old).first()
        if source is not None:
            content_type.objects.filter(app_label="customers", model=new).delete()
            source.model = new
            source.save(update_fields=["model"])
        target = content_type.objects.filter(app_label="customers", model=new).first()
        if target is None:
            continue
        for found in permission.objects.filter(content_type=target, codename__endswith=f"_{old}"):
            codename = found.codename[: -len(old)] + new
            permission.objects.filter(content_type=target, codename=codename).delete()
            found.codename = codename
            found.name = found.name.replace(old_label, new_label)[:255]
            found.save(update_fields=["codename", "name"])


def permissions_forwards(apps, schema_editor) -> None:
    _rename(apps, forwards=True)


def permissions_backwards(apps, schema_editor) -> None:
    _rename(apps, forwards=False)


def drop_rules_without_pool_part(apps, schema_editor) -> None:
    """Backwards only: a pool rule needs its idle days; rules (and history rows) without them go."""
    for name in ("IdleCustomerRule", "HistoricalIdleCustomerRule"):
        apps.get_model("customers", name).objects.filter(idle_days__isnull=True).delete()


IDLE_DAYS = models.PositiveIntegerField(
    blank=True,
    help_text="The customer returns to the pool after this many days without activity (empty: never).",
    null=True,
    verbose_name="days without visit, opportunity or order",
)
FOLLOW_UP_FIELDS = [
    (
        "follow_up_days",
        models.PositiveIntegerField(
            blank=True,
            help_text="The owner is reminded after this many days without contact (empty: never).",
            null=True,
            verbose_name="days without contact",
        ),
    ),
    ("escalate_after", models.PositiveIntegerField(default=7, verbose_name="then copy the manager after (days)")),
    ("flag_after", models.PositiveIntegerField(default=14, verbose_name="then flag on the dashboard after (days)")),
    ("follow_up_active", models.BooleanField(default=True, verbose_name="reminds of customers not contacted")),
]


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0006_orders_and_visits_moved_to_sales_and_fieldwork"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="poolrule", name="pool_rule_idle_days_positive"),
        migrations.RemoveConstraint(model_name="poolrule", name="pool_rule_warning_before_idle"),
        migrations.RenameModel(old_name="PoolRule", new_name="IdleCustomerRule"),
        migrations.RenameModel(old_name="HistoricalPoolRule", new_name="HistoricalIdleCustomerRule"),
        migrations.AlterModelOptions(
            name="idlecustomerrule",
            options={
                "ordering": ["classification"],
                "verbose_name": "idle-customer rule",
                "verbose_name_plural": "idle-customer rules",
            },
        ),
        migrations.AlterModelOptions(
            name="historicalidlecustomerrule",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical idle-customer rule",
                "verbose_name_plural": "historical idle-customer rules",
            },
        ),
        migrations.RenameField(model_name="idlecustomerrule", old_name="is_active", new_name="pool_active"),
        migrations.RenameField(model_name="historicalidlecustomerrule", old_name="is_active", new_name="pool_active"),
        migrations.AlterField(
            model_name="idlecustomerrule",
            name="pool_active",
            field=models.BooleanField(default=True, verbose_name="returns idle customers to the pool"),
        ),
        migrations.AlterField(
            model_name="historicalidlecustomerrule",
            name="pool_active",
            field=models.BooleanField(default=True, verbose_name="returns idle customers to the pool"),
        ),
        migrations.AlterField(model_name="idlecustomerrule", name="idle_days", field=IDLE_DAYS),
        migrations.AlterField(model_name="historicalidlecustomerrule", name="idle_days", field=IDLE_DAYS.clone()),
        migrations.RunPython(migrations.RunPython.noop, drop_rules_without_pool_part),
        *[
            migrations.AddField(model_name=model, name=name, field=field.clone())
            for name, field in FOLLOW_UP_FIELDS
            for model in RULE_MODELS
        ],
        migrations.AddConstraint(
            model_name="idlecustomerrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("idle_days__isnull", False), ("follow_up_days__isnull", False), _connector="OR"),
                name="idle_rule_has_a_part",
            ),
        ),
        migrations.AddConstraint(
            model_name="idlecustomerrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("idle_days__isnull", True), ("idle_days__gt", 0), _connector="OR"),
                name="idle_rule_idle_days_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="idlecustomerrule",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("idle_days__isnull", True),
                    ("warning_days__lt", django.db.models.expressions.F("idle_days")),
                    _connector="OR",
                ),
                name="idle_rule_warning_before_idle",
            ),
        ),
        migrations.AddConstraint(
            model_name="idlecustomerrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("follow_up_days__isnull", True), ("follow_up_days__gt", 0), _connector="OR"),
                name="idle_rule_follow_up_days_positive",
            ),
        ),
        migrations.AddConstraint(
            model_name="idlecustomerrule",
            constraint=models.CheckConstraint(
                condition=models.Q(("flag_after__gte", django.db.models.expressions.F("escalate_after"))),
                name="idle_rule_flag_after_escalate",
            ),
        ),
        migrations.RunPython(permissions_forwards, permissions_backwards),
    ]
