"""Databases made by earlier layouts migrate forward with every row, and the moves migrate back.

Three changes moved tables between apps: the split of `customers` (products, the pipeline, orders,
payments and imports went to `sales`; visits, expense claims and intelligence notes to
`fieldwork`), the move of the inbox from `dashboard` to `notifications`, and the one idle-customer
rule (`customers.PoolRule` and `dashboard.FollowUpRule` became `customers.IdleCustomerRule`, the
follow-up flags went to `customers`). One trip back and forward checks all three, because every
trip costs the state of every later migration twice (about a minute of a CI worker each way):

1. back to the rules of before (customers 0006, dashboard 0003): today's rules come back as the
   two old ones;
2. further back to before the split and the move (customers 0005, dashboard 0002, no `sales`,
   `fieldwork` or `notifications`): the inbox's content types went back to `dashboard`; the old
   code's rows are written through the historical models of that state;
3. forward to the rules of before: the old code's rules, a flag and a group's grants are written;
4. forward to today, where the new models read every row: each table keeps its row count and its
   columns, values, content types (same ids) and permissions (with their grants).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from customers.models import FollowUpFlag, IdleCustomerRule
from customers.tests.factories import CustomerFactory
from fieldwork.models import ExpenseClaim, IntelNote, Visit
from notifications.models import Notification, NotificationChannel
from sales.models import CreditShare, Order, OrderLine, Payment, PipelineStage, Product
from staff.tests.factories import PersonFactory, RegionFactory

NOON = datetime(2026, 3, 1, 4, tzinfo=UTC)
# Before the one idle-customer rule.
RULES_BEFORE = [
    ("customers", "0006_orders_and_visits_moved_to_sales_and_fieldwork"),
    ("dashboard", "0003_notifications_moved_to_their_app"),
]
# Before the split of customers and before the inbox moved to notifications.
SPLIT_AND_MOVE_BEFORE = [
    ("customers", "0005_order_distributor_opportunity_lost_to_competitor"),
    ("training", "0003_new_customers_rule"),
    ("sales", None),
    ("fieldwork", None),
    ("dashboard", "0002_default_follow_up_rules"),
    ("notifications", None),
]
MOVED = {
    "sales": [Product, Order, OrderLine, CreditShare, Payment, PipelineStage],
    "fieldwork": [Visit, ExpenseClaim, IntelNote],
}
SPLIT_TABLES = sorted(
    [model._meta.db_table for models in MOVED.values() for model in models]
    + ["customers_historicalorder", "customers_historicalvisit", "customers_visit_stakeholders"]
)
MOVE_TABLES = ("dashboard_notification", "dashboard_notificationchannel", "dashboard_historicalnotificationchannel")
# classification: (idle_days, warning_days, cooloff_days, is_active) of the pool rules written.
POOL_RULES = {"key": (90, 14, 60, False), "general": (60, 10, 30, True)}
# classification: (days, escalate_after, flag_after, is_active) of the follow-up rules written.
FOLLOW_UP_RULES = {"key": (21, 5, 9, True), "general": (30, 10, 20, False), "potential": (45, 15, 30, True)}


def _split_schema() -> dict[str, tuple[int, list[str]]]:
    """Each table's row count and column names, read from the database itself."""
    out = {}
    with connection.cursor() as cursor:
        for table in SPLIT_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
            count = cursor.fetchone()[0]
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            out[table] = (count, sorted(columns))
    return out


def _move_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in MOVE_TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _flag_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM dashboard_followupflag")
        return cursor.fetchone()[0]


def _migrate(targets) -> None:
    MigrationExecutor(connection).migrate(targets)


def _old_apps(nodes):
    """The historical models of the state at `nodes` (auth and contenttypes as today)."""
    loader = MigrationExecutor(connection).loader
    latest = [node for node in loader.graph.leaf_nodes() if node[0] in ("auth", "contenttypes")]
    return loader.project_state([*[node for node in nodes if node[1]], *latest]).apps


def _write_split_rows(apps, rep, customer) -> dict[str, int]:
    """What the code before the split wrote: an order with a line, a share and a payment, a visit
    with its history row, an expense claim and an intelligence note, all as `customers.*`."""
    old = {name: apps.get_model("customers", name) for name in ("Product", "Order", "Visit", "IntelNote")}
    product = old["Product"].objects.create(
        code="P-OLD", name="Old pump", product_line="Pumps", list_price=Decimal("100.00"), unit_cost=Decimal("60.00")
    )
    order = old["Order"].objects.create(
        number="SO-OLD-1", customer_id=customer.pk, date=date(2026, 3, 2), status="confirmed",
        total_amount=Decimal("200.00"), created_by_id=rep.pk,
    )  # fmt: skip
    apps.get_model("customers", "OrderLine").objects.create(
        order=order, product=product, quantity=Decimal("2.00"), unit_price=Decimal("100.00"),
        unit_cost=Decimal("60.00"), amount=Decimal("200.00"), cost=Decimal("120.00"),
    )  # fmt: skip
    apps.get_model("customers", "CreditShare").objects.create(
        order=order, rep_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id, percent=Decimal("100.00"),
        amount=Decimal("200.00"), margin=Decimal("80.00"),
    )  # fmt: skip
    apps.get_model("customers", "Payment").objects.create(
        order=order, date=date(2026, 3, 20), amount=Decimal("150.00"), reference="OLD-PAY-1"
    )
    visit = old["Visit"].objects.create(
        customer_id=customer.pk, author_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id,
        date=date(2026, 3, 1), kind="visit", purpose="old visit",
    )  # fmt: skip
    apps.get_model("customers", "HistoricalVisit").objects.create(
        id=visit.pk, customer_id=customer.pk, author_id=rep.pk, date=visit.date, kind="visit",
        purpose="old visit", created_at=NOON, updated_at=NOON, history_date=NOON, history_type="+",
    )  # fmt: skip
    apps.get_model("customers", "ExpenseClaim").objects.create(
        person_id=rep.pk, team_id=rep.team_id, region_id=rep.region_id, date=date(2026, 3, 1), kind="travel",
        amount=Decimal("88.50"), description="taxi", customer_id=customer.pk, visit=visit,
    )  # fmt: skip
    old["IntelNote"].objects.create(
        customer_id=customer.pk, visit=visit, author_id=rep.pk, date=date(2026, 3, 1), note="rival cut prices"
    )
    content_type = apps.get_model("contenttypes", "ContentType")
    order_type, _ = content_type.objects.get_or_create(app_label="customers", model="order")
    visit_type, _ = content_type.objects.get_or_create(app_label="customers", model="visit")
    # One made for the new label by a `migrate` run in between: replaced by the old one.
    content_type.objects.get_or_create(app_label="sales", model="order")
    permission = apps.get_model("auth", "Permission").objects.create(
        name="Can export order", codename="export_order", content_type=order_type
    )
    return {"order": order.pk, "visit": visit.pk, "order_type": order_type.pk, "visit_type": visit_type.pk,
            "permission": permission.pk}  # fmt: skip


def _write_move_rows(apps, person, region) -> dict[str, int]:
    old_notification = apps.get_model("dashboard", "Notification")
    old_channel = apps.get_model("dashboard", "NotificationChannel")
    old_history = apps.get_model("dashboard", "HistoricalNotificationChannel")
    old_content_type = apps.get_model("contenttypes", "ContentType")
    old_permission = apps.get_model("auth", "Permission")
    for n in range(3):
        old_notification.objects.create(
            recipient_id=person.pk, kind="digest", title=f"Old {n}", dedupe_key=f"digest:{n}", url="/home/"
        )
    channel = old_channel.objects.create(
        name="East robot", kind="lark", url="http://127.0.0.1:9/h", region_id=region.pk
    )
    old_history.objects.create(
        id=channel.pk,
        name=channel.name,
        kind=channel.kind,
        url=channel.url,
        region_id=region.pk,
        history_date=datetime(2026, 11, 1, tzinfo=UTC),
        history_type="+",
    )
    content_type, _ = old_content_type.objects.get_or_create(app_label="dashboard", model="notification")
    channel_type, _ = old_content_type.objects.get_or_create(app_label="dashboard", model="notificationchannel")
    # One made for the new label by a `migrate` run in between: replaced by the old one.
    old_content_type.objects.get_or_create(app_label="notifications", model="notificationchannel")
    permission = old_permission.objects.create(
        name="Can read notification", codename="read_notification", content_type=content_type
    )
    return {
        "content_type": content_type.pk,
        "channel_type": channel_type.pk,
        "permission": permission.pk,
        "channel": channel.pk,
    }


def _write_rule_rows(apps, rep, customer) -> dict[str, int]:
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


# PostgreSQL only (CI's second pass, the production database): the test costs a CI worker 200-320 s
# (Django renders and clones the migration state for every migration it unapplies), too much to
# run twice within CI's 30 minutes.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_earlier_layouts_migrate_forward_with_every_row_and_the_moves_migrate_back():
    rep = PersonFactory()
    customer = CustomerFactory(owner=rep)
    person = PersonFactory()
    region = RegionFactory()
    notification_type = ContentType.objects.get_for_model(Notification)
    IdleCustomerRule.objects.all().delete()
    IdleCustomerRule.objects.create(
        classification="key", idle_days=90, follow_up_days=21, escalate_after=5, flag_after=9
    )
    IdleCustomerRule.objects.create(
        classification="potential", idle_days=None, follow_up_days=45, escalate_after=15, flag_after=30
    )
    try:
        # 1. Back to the two rules.
        _migrate(RULES_BEFORE)
        apps = _old_apps(RULES_BEFORE)
        follow_up = {
            r.classification: (r.days, r.escalate_after, r.flag_after, r.is_active)
            for r in apps.get_model("dashboard", "FollowUpRule").objects.all()
        }
        pool = list(apps.get_model("customers", "PoolRule").objects.values_list("classification", "idle_days"))
        # 2. Back to before the split and the move; the old code writes.
        _migrate(SPLIT_AND_MOVE_BEFORE)
        moved_back = ContentType.objects.filter(pk=notification_type.pk, app_label="dashboard").exists()
        apps = _old_apps(SPLIT_AND_MOVE_BEFORE)
        ids = _write_split_rows(apps, rep, customer)
        before = _split_schema()
        move_ids = _write_move_rows(apps, person, region)
        move_before = _move_counts()
        # 3. Forward to the two rules; the old code writes.
        _migrate(RULES_BEFORE)
        rule_ids = _write_rule_rows(_old_apps(RULES_BEFORE), rep, customer)
    finally:
        # 4. Forward to today.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    # The split: one row written per table by the old code (the stakeholders link: none)
    none_written = {"customers_visit_stakeholders", "customers_historicalorder"}
    assert {table: count for table, (count, _columns) in before.items()} == {
        table: 0 if table in none_written else 1 for table in SPLIT_TABLES
    } | {"customers_pipelinestage": before["customers_pipelinestage"][0]}  # the default stages
    # then every table keeps its rows and its columns (later migrations may add columns: visit
    # evidence, check-out and confirmation came after the split).
    after = _split_schema()
    assert {table: count for table, (count, _columns) in after.items()} == {
        table: count for table, (count, _columns) in before.items()
    }
    assert {table: sorted(set(columns) - set(after[table][1])) for table, (_count, columns) in before.items()} == {
        table: [] for table in SPLIT_TABLES
    }
    # and the new models read them.
    order = Order.objects.get(pk=ids["order"])
    assert (order.number, order.total_amount, order.customer_id) == ("SO-OLD-1", Decimal("200.00"), customer.pk)
    assert [(line.amount, line.cost) for line in order.lines.all()] == [(Decimal("200.00"), Decimal("120.00"))]
    assert [(s.rep_id, s.amount) for s in order.shares.all()] == [(rep.pk, Decimal("200.00"))]
    assert [p.reference for p in Payment.objects.filter(order=order)] == ["OLD-PAY-1"]
    visit = Visit.objects.get(pk=ids["visit"])
    assert [h.purpose for h in visit.history.all()] == ["old visit"]
    assert ExpenseClaim.objects.get(visit=visit).amount == Decimal("88.50")
    assert IntelNote.objects.get(visit=visit).note == "rival cut prices"
    # The content types moved with their models (same ids), and the permission with them.
    assert ContentType.objects.get_for_model(Order).pk == ids["order_type"]
    assert ContentType.objects.get_for_model(Visit).pk == ids["visit_type"]
    assert Permission.objects.get(pk=ids["permission"]).content_type.app_label == "sales"
    assert not ContentType.objects.filter(app_label="customers", model__in=["order", "visit"]).exists()

    # The move of the inbox.
    assert moved_back
    assert move_before == {MOVE_TABLES[0]: 3, MOVE_TABLES[1]: 1, MOVE_TABLES[2]: 1}
    assert _move_counts() == move_before
    assert sorted(Notification.objects.filter(recipient=person).values_list("title", "dedupe_key")) == [
        ("Old 0", "digest:0"),
        ("Old 1", "digest:1"),
        ("Old 2", "digest:2"),
    ]
    channel = NotificationChannel.objects.get(pk=move_ids["channel"])
    assert (channel.name, channel.region_id) == ("East robot", region.pk)
    assert [(h.history_type, h.name) for h in channel.history.all()] == [("+", "East robot")]
    # The content type moved with the model (same id), and its permission with it.
    assert ContentType.objects.get_for_model(Notification).pk == move_ids["content_type"] == notification_type.pk
    assert ContentType.objects.get_for_model(NotificationChannel).pk == move_ids["channel_type"]
    assert Permission.objects.get(pk=move_ids["permission"]).content_type.app_label == "notifications"
    assert not ContentType.objects.filter(app_label="dashboard", model="notification").exists()

    # The one idle-customer rule.
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
    flag = FollowUpFlag.objects.get(pk=rule_ids["flag"])
    assert (flag.customer_id, flag.person_id, flag.stage, flag.days_without_contact, flag.last_contact) == (
        customer.pk,
        rep.pk,
        3,
        60,
        date(2026, 5, 1),
    )
    # The content types followed their models (same ids), the group keeps its grants.
    assert ContentType.objects.get_for_model(IdleCustomerRule).pk == rule_ids["rule_type"]
    assert ContentType.objects.get_for_model(FollowUpFlag).pk == rule_ids["flag_type"]
    granted = set(
        Group.objects.get(pk=rule_ids["group"]).permissions.values_list("content_type__app_label", "codename")
    )
    assert granted == {("customers", "change_idlecustomerrule"), ("customers", "view_followupflag")}
    assert not Permission.objects.filter(codename__endswith="_poolrule").exists()
    assert "dashboard_followuprule" not in connection.introspection.table_names()
