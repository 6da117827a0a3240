"""The inbox, e-mail and group-robot models moved to the `notifications` app (state only).

Their tables keep their names (`Meta.db_table` in notifications.models), so no data moves. This
runs before notifications' 0001, which takes them into its state: a database made by the code
before the move migrates forward with every row where it was.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0002_default_follow_up_rules"),
    ]
    # The tables exist (0001 made them) before notifications takes the models over; declared here
    # so the dependency points down the order (dashboard -> notifications), never up.
    run_before = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notification", name="recipient"),
                migrations.RemoveField(model_name="notificationchannel", name="region"),
                migrations.DeleteModel(name="HistoricalNotificationChannel"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationChannel"),
            ],
            database_operations=[],
        ),
    ]
