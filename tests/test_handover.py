"""Handover: a leaving rep's customers, open opportunities and open action items go to the
successor the manager chooses, with the history of who owned them when; the successor is told."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from customers.models import Customer, CustomerMove
from customers.tests.factories import CustomerFactory
from notifications.models import Notification, NotificationKind
from sales.models import Opportunity, PipelineStage
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.models import EmploymentEvent, EventKind
from staff.services import person_handover
from training.models import ActionItem, ActionItemStatus

ON = date(2026, 11, 30)


def _opportunity(owner, customer, stage):
    return Opportunity.objects.create(
        name=f"deal {stage.name}", customer=customer, owner=owner, team=owner.team, region=owner.region,
        stage=stage, expected_amount=1000, expected_close_date=date(2026, 12, 31), stage_entered_at=timezone.now(),
    )  # fmt: skip


def _action(owner, coach, status):
    done_on = ON if status == ActionItemStatus.DONE else None
    return ActionItem.objects.create(
        owner=owner, coach=coach, team=owner.team, region=owner.region, title="follow up", due_on=ON, status=status,
        done_on=done_on,
    )  # fmt: skip


@pytest.fixture
def leaver(org):
    """rep1a2 with three customers, an open and a won opportunity, an open and a done action."""
    customers = [CustomerFactory(owner=org.rep1a2, team=org.t1a, region=org.r1) for _ in range(3)]
    open_stage = PipelineStage.objects.filter(is_won=False, is_lost=False).order_by("order").first()
    won_stage = PipelineStage.objects.filter(is_won=True).first()
    _opportunity(org.rep1a2, customers[0], open_stage)
    _opportunity(org.rep1a2, customers[1], won_stage)
    _action(org.rep1a2, org.tm1a, ActionItemStatus.OPEN)
    _action(org.rep1a2, org.tm1a, ActionItemStatus.DONE)
    return customers


def test_everything_open_goes_to_the_successor_with_its_history(org, leaver):
    counts = person_handover(person=org.rep1a2, successor=org.rep1a1, on=ON, recorded_by=org.rm1.user)

    assert counts == {"customers": 3, "opportunities": 1, "action_items": 1}
    assert set(Customer.objects.filter(owner=org.rep1a1).values_list("pk", flat=True)) == {c.pk for c in leaver}
    moves = CustomerMove.objects.filter(customer__in=leaver)
    assert {(m.from_owner_id, m.to_owner_id, m.date) for m in moves} == {(org.rep1a2.pk, org.rep1a1.pk, ON)}
    assert [h.owner_id for h in Customer.objects.get(pk=leaver[0].pk).history.order_by("history_id")][-2:] == [
        org.rep1a2.pk,
        org.rep1a1.pk,
    ]
    assert Opportunity.objects.filter(owner=org.rep1a1).count() == 1  # the open one
    assert Opportunity.objects.filter(owner=org.rep1a2).count() == 1  # the won one stays
    assert ActionItem.objects.filter(owner=org.rep1a1).values_list("status", flat=True).get() == "open"
    titles = set(
        Notification.objects.filter(recipient=org.rep1a1, kind=NotificationKind.HANDOVER).values_list(
            "title", flat=True
        )
    )
    assert titles == {
        "3 customers of rep1a2 are now yours",
        "1 open opportunities of rep1a2 are now yours",
    }
    event = EmploymentEvent.objects.get(person=org.rep1a2, kind=EventKind.HANDED_OVER)
    assert event.reason == "Handed over to rep1a1 (open action items: 1, customers: 3, open opportunities: 1)."


def test_a_handover_of_some_customers_only(org, leaver):
    counts = person_handover(
        person=org.rep1a2, successor=org.rep1a1, on=ON, recorded_by=org.director.user, customer_ids=[leaver[2].pk]
    )
    assert counts["customers"] == 1
    assert list(Customer.objects.filter(owner=org.rep1a1).values_list("pk", flat=True)) == [leaver[2].pk]


def test_another_reps_customer_in_the_list_refuses_the_whole_handover(org, leaver):
    other = CustomerFactory(owner=org.rep1b1)
    with pytest.raises(ApplicationError) as refused:
        person_handover(
            person=org.rep1a2, successor=org.rep1a1, on=ON, recorded_by=org.director.user, customer_ids=[other.pk]
        )
    assert "customer_ids" in refused.value.fields
    assert Customer.objects.filter(owner=org.rep1a2).count() == 3
    assert not Opportunity.objects.filter(owner=org.rep1a1).exists()


@pytest.mark.parametrize("who", ["rep1a1", "tm1a", "rm2"])
def test_only_who_may_change_the_organization_hands_over(org, leaver, who):
    with pytest.raises(NotAllowed):
        person_handover(person=org.rep1a2, successor=org.rep1a1, on=ON, recorded_by=getattr(org, who).user)
    assert Customer.objects.filter(owner=org.rep1a2).count() == 3
