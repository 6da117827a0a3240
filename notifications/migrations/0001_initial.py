"""The inbox, e-mail and group-robot models, moved here from `dashboard` (state only).

Their tables stay `dashboard_notification`, `dashboard_notificationchannel` and
`dashboard_historicalnotificationchannel` (`Meta.db_table`): dashboard's 0001 created them, and
dashboard's 0003 removes them from its state and runs before this one (`run_before` there, so
the dependency points the permitted way, dashboard -> notifications). Nothing is done to the
database: every row stays where it is.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('staff', '0002_recruitment'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalNotificationChannel',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('wecom', 'WeCom group robot'), ('dingtalk', 'DingTalk group robot'), ('lark', 'Lark group robot')], max_length=20, verbose_name='kind')),
                        ('url', models.URLField(max_length=500, verbose_name='webhook URL')),
                        ('secret', models.CharField(blank=True, max_length=200, verbose_name='signing secret')),
                        ('send_milestones', models.BooleanField(default=True, verbose_name='milestones')),
                        ('send_digest', models.BooleanField(default=True, verbose_name='weekly digest')),
                        ('send_follow_ups', models.BooleanField(default=False, verbose_name='follow-up flags')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('last_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='last sent at')),
                        ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('region', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='staff.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'historical notification channel',
                        'verbose_name_plural': 'historical notification channels',
                        'db_table': 'dashboard_historicalnotificationchannel',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='NotificationChannel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('kind', models.CharField(choices=[('wecom', 'WeCom group robot'), ('dingtalk', 'DingTalk group robot'), ('lark', 'Lark group robot')], max_length=20, verbose_name='kind')),
                        ('url', models.URLField(max_length=500, verbose_name='webhook URL')),
                        ('secret', models.CharField(blank=True, max_length=200, verbose_name='signing secret')),
                        ('send_milestones', models.BooleanField(default=True, verbose_name='milestones')),
                        ('send_digest', models.BooleanField(default=True, verbose_name='weekly digest')),
                        ('send_follow_ups', models.BooleanField(default=False, verbose_name='follow-up flags')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('last_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='last sent at')),
                        ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                        ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='staff.region', verbose_name='region')),
                    ],
                    options={
                        'verbose_name': 'notification channel',
                        'verbose_name_plural': 'notification channels',
                        'db_table': 'dashboard_notificationchannel',
                        'ordering': ['name'],
                    },
                ),
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('milestone', 'Target milestone'), ('digest', 'Weekly progress digest'), ('follow_up', 'Customer not contacted'), ('next_contact', 'Next contact due')], max_length=20, verbose_name='kind')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(blank=True, verbose_name='message')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('dedupe_key', models.CharField(max_length=200, verbose_name='key')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mailed at')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to='staff.person', verbose_name='recipient')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'db_table': 'dashboard_notification',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['recipient', 'read_at'], name='dashboard_n_recipie_e4c2e2_idx')],
                        'constraints': [models.UniqueConstraint(fields=('recipient', 'dedupe_key'), name='one_notification_per_key')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
