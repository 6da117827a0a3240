"""The follow-up flags moved here from `dashboard` (state only): the table keeps its name
(`Meta.db_table`), so no row moves. dashboard 0004 runs before this one (`run_before` there): it
copies the follow-up rules into the idle-customer rules and takes the flags out of its state, so
every dependency points down the order of the apps."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0007_pool_rule_becomes_the_idle_customer_rule"),
        ("staff", "0002_recruitment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FollowUpFlag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "stage",
                            models.PositiveSmallIntegerField(
                                choices=[(1, "Rep reminded"), (2, "Manager copied"), (3, "Flagged on the dashboard")],
                                verbose_name="stage",
                            ),
                        ),
                        ("last_contact", models.DateField(blank=True, null=True, verbose_name="last contact")),
                        ("days_without_contact", models.PositiveIntegerField(verbose_name="days without contact")),
                        ("found_on", models.DateField(verbose_name="found on")),
                        (
                            "customer",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="customers.customer",
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="staff.person",
                                verbose_name="rep",
                            ),
                        ),
                        (
                            "region",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="staff.region",
                                verbose_name="region",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="staff.team",
                                verbose_name="team",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "follow-up flag",
                        "verbose_name_plural": "follow-up flags",
                        "db_table": "dashboard_followupflag",
                        "ordering": ["-days_without_contact", "id"],
                        "indexes": [
                            models.Index(fields=["region", "team", "stage"], name="dashboard_f_region__8a66ed_idx")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
