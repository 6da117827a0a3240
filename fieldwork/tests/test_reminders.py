"""Next-contact reminders: the next step a rep set on a visit, once it falls due."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.services.reminders import next_contact_reminders_send
from fieldwork.tasks import remind_next_contacts
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 30)


def test_a_next_contact_due_reminds_the_author_once(org, django_capture_on_commit_callbacks):
    org.rep1b1.email = "rep1b1@example.com"
    org.rep1b1.save(update_fields=["email"])
    customer = CustomerFactory(owner=org.rep1b1, name="回访客户")
    visit = VisitFactory(
        customer=customer, date=TODAY - timedelta(days=3), next_step="Send the quote", next_step_date=TODAY
    )

    # Mailed once the transaction commits (a delivery task per e-mail).
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_next_contacts.delay(today=TODAY.isoformat()).get() == 1

    reminder = Notification.objects.get()
    assert (reminder.recipient, reminder.kind, reminder.dedupe_key) == (
        org.rep1b1,
        NotificationKind.NEXT_CONTACT,
        f"next_contact:{visit.pk}",
    )
    assert reminder.title == "Next contact with 回访客户 is due (2026-06-30)" and reminder.body == "Send the quote"
    assert reminder.url == reverse("fieldwork:visit-create") + f"?customer={customer.pk}"
    assert [m.to for m in mail.outbox] == [["rep1b1@example.com"]]
    # The next day: nothing again.
    assert next_contact_reminders_send(today=TODAY + timedelta(days=1)) == 0


def test_only_next_contacts_due_in_the_last_week_and_not_kept_remind(org):
    kept, too_old, not_yet, week_ago = (CustomerFactory(owner=org.rep1a1) for _ in range(4))
    VisitFactory(customer=kept, date=TODAY - timedelta(days=10), next_step_date=TODAY - timedelta(days=2))
    VisitFactory(customer=kept, date=TODAY - timedelta(days=1))  # a later visit: the contact was kept
    VisitFactory(customer=too_old, date=TODAY - timedelta(days=20), next_step_date=TODAY - timedelta(days=8))
    VisitFactory(customer=not_yet, date=TODAY - timedelta(days=2), next_step_date=TODAY + timedelta(days=1))
    due = VisitFactory(customer=week_ago, date=TODAY - timedelta(days=9), next_step_date=TODAY - timedelta(days=7))

    assert next_contact_reminders_send(today=TODAY) == 1
    assert Notification.objects.get().dedupe_key == f"next_contact:{due.pk}"


def test_the_daily_task_is_registered_under_its_beat_name():
    from salesorg.celery import app

    name = settings.CELERY_BEAT_SCHEDULE["fieldwork-next-contacts"]["task"]
    assert name == "fieldwork.tasks.remind_next_contacts"
    assert name in app.tasks
