"""Complaints: a new one tells the owner and their manager; one open too long goes to the
regional manager; each once."""

from __future__ import annotations

from datetime import date

from customers.models import ComplaintStatus
from customers.services.complaint_alerts import complaints_escalate
from customers.services.customer_records import complaint_create, complaint_update
from customers.tests.factories import CustomerFactory
from notifications.models import Notification, NotificationKind

TODAY = date(2026, 6, 10)


def _sent() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("recipient__name", "kind", "dedupe_key"))


def test_a_new_complaint_tells_the_owner_and_their_manager_not_the_filer(org):
    customer = CustomerFactory(owner=org.rep1a1, name="投诉客户")
    # Filed by the team manager: the owner rep1a1 hears of it; tm1a (the filer) does not.
    complaint = complaint_create(user=org.tm1a.user, customer=customer, data={"subject": "迟到"}, today=TODAY)
    assert _sent() == [("rep1a1", NotificationKind.COMPLAINT, f"complaint:{complaint.pk}")]
    assert Notification.objects.get().title == "New complaint from 投诉客户: 迟到"
    # Filed by the owner: their manager tm1a hears of it.
    other = complaint_create(user=org.rep1a1.user, customer=customer, data={"subject": "质量"}, today=TODAY)
    assert ("tm1a", NotificationKind.COMPLAINT, f"complaint:{other.pk}") in _sent() and len(_sent()) == 2


def test_a_complaint_open_3_days_goes_to_the_regional_manager_once(org):
    customer = CustomerFactory(owner=org.rep1a1, name="投诉客户")
    open_one = complaint_create(user=org.rep1a1.user, customer=customer, data={"subject": "A"}, today=TODAY)
    closed = complaint_create(user=org.rep1a1.user, customer=customer, data={"subject": "B"}, today=TODAY)
    complaint_update(
        user=org.rep1a1.user,
        complaint=closed,
        data={"status": ComplaintStatus.CLOSED, "resolution": "done"},
        today=TODAY,
    )
    Notification.objects.all().delete()
    # 10 June + 2 days: not yet; + 3 days (13 June): rm1 of the owner's region, for the open one only.
    assert complaints_escalate(today=date(2026, 6, 12)) == 0
    assert complaints_escalate(today=date(2026, 6, 13)) == 1
    assert _sent() == [("rm1", NotificationKind.COMPLAINT_ESCALATED, f"complaint_escalated:{open_one.pk}")]
    assert Notification.objects.get().title == "Complaint from 投诉客户 open for 3 days: A"
    assert complaints_escalate(today=date(2026, 6, 14)) == 0
