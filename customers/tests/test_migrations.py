"""A database from before the one idle-customer rule migrates forward with every rule's values.

Before, customers had `PoolRule` (idle, warning and cool-off days per classification) and the
dashboard had `FollowUpRule` (days, escalate after, flag after per classification) and the
`FollowUpFlag`s of its run. The test migrates back to that state (customers 0006, dashboard 0003):
the follow-up rules of today come back as they were. It writes rows through the historical models
of that state, migrates forward and reads them through the new models: both rules' values are in
`IdleCustomerRule`, the flags' table kept its rows, and the content types and permissions (with
their grants) followed the models.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.models import FollowUpFlag, IdleCustomerRule
from customers.tests.factories import CustomerFactory
from staff.tests.factories import PersonFactory

BEFORE = [
    ("customers", "0006_orders_and_visits_moved_to_sales_and_fieldwork"),
    ("dashboard", "0003_notifications_moved_to_their_app"),
]
# classification: (idle_days, warning_days, cooloff_days, is_active) of the pool rules written.
POOL_RULES = {"key": (90, 14, 60, False), "general": (60, 10, 30, True)}
# classification: (days, escalate_after, flag_after, is_active) of the follow-up rules written.
FOLLOW_UP_RULES = {"key": (21, 5, 9, True), "general": (30, 10, 20, False), "potential": (45, 15, 30, True)}


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _old_apps():
    loader = MigrationExecutor(connection).loader
    latest = [node for node in loader.graph.leaf_nodes() if node[0] in ("auth", "contenttypes")]
    return loader.project_state([*BEFORE, *latest]).apps


def _write_old_rows(apps, rep, customer) -> dict[str, int]:
    """What the code before wrote: pool rules and follow-up rules (over what the way back left), a flag,
    and a group allowed to change pool rules and to view flags."""
    pool_rule = apps.get_model("customers", "PoolRule")
    pool_rule.objects.all().delete()
    for classification, (idle, warning, cooloff, active) in POOL_RULES.items():
        pool_rule.objects.create(
            classification=classification, idle_days=idle, warning_days=warning, cooloff_days=cooloff, is_active=active
        )
    follow_up_rule = apps.get_model("dashboard", "FollowUpRule")
    follow_up_rule.objects.all().delete()
    for classification, (days, escalate, flag, active) in FOLLOW_UP_RULES.items():
        follow_up_rule.objects.create(
            classification=classification, days=days, escalate_after=escalate, flag_after=flag, is_active=active
        )
    flag = apps.get_model("dashboard", "FollowUpFlag").objects.create(
        customer_id=customer.pk, person_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id, stage=3,
        last_contact=date(2026, 5, 1), days_without_contact=60, found_on=date(2026, 6, 30),
    )  # fmt: skip
    content_type = apps.get_model("contenttypes", "ContentType")
    permission = apps.get_model("auth", "Permission")
    rule_type, _ = content_type.objects.get_or_create(app_label="customers", model="poolrule")
    flag_type, _ = content_type.objects.get_or_create(app_label="dashboard", model="followupflag")
    change_rule, _ = permission.objects.get_or_create(
        codename="change_poolrule", content_type=rule_type, defaults={"name": "Can change pool rule"}
    )
    view_flag, _ = permission.objects.get_or_create(
        codename="view_followupflag", content_type=flag_type, defaults={"name": "Can view follow-up flag"}
    )
    group = apps.get_model("auth", "Group").objects.create(name="Rule keepers")
    group.permissions.add(change_rule, view_flag)
    return {"flag": flag.pk, "rule_type": rule_type.pk, "flag_type": flag_type.pk, "group": group.pk}


def _flag_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM dashboard_followupflag")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_both_rules_go_into_the_one_table_and_back_and_the_flags_keep_their_rows():
    """One trip back and forward (each costs a minute): the way back is checked on the rules of
    today, the way forward on the rows the old code wrote."""
    rep = PersonFactory()
    customer = CustomerFactory(owner=rep)
    IdleCustomerRule.objects.all().delete()
    IdleCustomerRule.objects.create(
        classification="key", idle_days=90, follow_up_days=21, escalate_after=5, flag_after=9
    )
    IdleCustomerRule.objects.create(
        classification="potential", idle_days=None, follow_up_days=45, escalate_after=15, flag_after=30
    )
    try:
        _migrate(BEFORE)
        apps = _old_apps()
        follow_up = {
            r.classification: (r.days, r.escalate_after, r.flag_after, r.is_active)
            for r in apps.get_model("dashboard", "FollowUpRule").objects.all()
        }
        pool = list(apps.get_model("customers", "PoolRule").objects.values_list("classification", "idle_days"))
        ids = _write_old_rows(apps, rep, customer)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    # Back: the follow-up rules come back as they were, and a rule without a pool part was no pool rule.
    assert follow_up == {"key": (21, 5, 9, True), "potential": (45, 15, 30, True)}
    assert pool == [("key", 90)]

    # Every rule's values, in the one rule of its classification.
    rules = {
        r.classification: (
            (r.idle_days, r.warning_days, r.cooloff_days, r.pool_active),
            (r.follow_up_days, r.escalate_after, r.flag_after, r.follow_up_active),
        )
        for r in IdleCustomerRule.objects.all()
    }
    assert rules == {
        "key": ((90, 14, 60, False), (21, 5, 9, True)),
        "general": ((60, 10, 30, True), (30, 10, 20, False)),
        # No pool rule: the follow-up part only (warning and cool-off days at their defaults).
        "potential": ((None, 7, 30, True), (45, 15, 30, True)),
    }
    # Each rule written has a history row saying why: two pool rules changed, one rule created.
    moved = IdleCustomerRule.history.filter(history_change_reason="Follow-up rule moved from the dashboard")
    assert sorted((h.classification, h.history_type, h.follow_up_days) for h in moved) == [
        ("general", "~", 30),
        ("key", "~", 21),
        ("potential", "+", 45),
    ]
    # The flag kept its row, read through the customers model.
    assert _flag_rows() == 1
    flag = FollowUpFlag.objects.get(pk=ids["flag"])
    assert (flag.customer_id, flag.person_id, flag.stage, flag.days_without_contact, flag.last_contact) == (
        customer.pk,
        rep.pk,
        3,
        60,
        date(2026, 5, 1),
    )
    # The content types followed their models (same ids), the group keeps its grants.
    assert ContentType.objects.get_for_model(IdleCustomerRule).pk == ids["rule_type"]
    assert ContentType.objects.get_for_model(FollowUpFlag).pk == ids["flag_type"]
    granted = set(Group.objects.get(pk=ids["group"]).permissions.values_list("content_type__app_label", "codename"))
    assert granted == {("customers", "change_idlecustomerrule"), ("customers", "view_followupflag")}
    assert not Permission.objects.filter(codename__endswith="_poolrule").exists()
    assert "dashboard_followuprule" not in connection.introspection.table_names()
