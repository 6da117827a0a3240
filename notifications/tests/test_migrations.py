"""A database made before the move (the models in `dashboard`) migrates forward with every row.

Migrates back to the state before the move (dashboard 0002, no notifications app), writes rows
into the old tables through the historical models of that state, migrates forward, and reads
them through the new models: row counts per table equal, values and content types kept.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification, NotificationChannel
from staff.tests.factories import PersonFactory, RegionFactory

OLD_LATEST = ("dashboard", "0002_default_follow_up_rules")
BEFORE = [OLD_LATEST, ("notifications", None)]
TABLES = ("dashboard_notification", "dashboard_notificationchannel", "dashboard_historicalnotificationchannel")


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _write_old_rows(apps, person, region) -> dict[str, int]:
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


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_every_row_and_the_move_migrates_back():
    """One trip back and forward (each costs close to a minute): unapplying the move gives the
    content types back to dashboard; applying it again keeps every row written in between."""
    person = PersonFactory()
    region = RegionFactory()
    content_type = ContentType.objects.get_for_model(Notification)
    try:
        _migrate(BEFORE)
        moved_back = ContentType.objects.filter(pk=content_type.pk, app_label="dashboard").exists()
        loader = MigrationExecutor(connection).loader
        latest = [node for node in loader.graph.leaf_nodes() if node[0] in ("auth", "contenttypes")]
        old_apps = loader.project_state([OLD_LATEST, *latest]).apps
        ids = _write_old_rows(old_apps, person, region)
        before = _counts()
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert moved_back
    assert before == {TABLES[0]: 3, TABLES[1]: 1, TABLES[2]: 1}
    assert _counts() == before
    assert sorted(Notification.objects.filter(recipient=person).values_list("title", "dedupe_key")) == [
        ("Old 0", "digest:0"),
        ("Old 1", "digest:1"),
        ("Old 2", "digest:2"),
    ]
    channel = NotificationChannel.objects.get(pk=ids["channel"])
    assert (channel.name, channel.region_id) == ("East robot", region.pk)
    assert [(h.history_type, h.name) for h in channel.history.all()] == [("+", "East robot")]
    # The content type moved with the model (same id), and its permission with it.
    assert ContentType.objects.get_for_model(Notification).pk == ids["content_type"] == content_type.pk
    assert ContentType.objects.get_for_model(NotificationChannel).pk == ids["channel_type"]
    assert Permission.objects.get(pk=ids["permission"]).content_type.app_label == "notifications"
    assert not ContentType.objects.filter(app_label="dashboard", model="notification").exists()
