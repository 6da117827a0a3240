"""The customer pool (公海): idle customers return to it, reps claim from it.

The nightly run (`pool_run`) works per classification with the pool part of the one
idle-customer rule (`IdleCustomerRule.objects.pool()`: `idle_days`, `warning_days`; the follow-up
discipline, customers/services/follow_up.py, reads the other part of the same rows). A customer's
last activity is the one definition of `customers.hooks.last_activity` (the latest of its visits,
orders, opportunity changes and the day its owner got it), the same the follow-up run counts
from. When the return date comes within the rule's warning days the owner gets a follow-up
(once); when it has passed and the warning was given, the customer returns to the pool. Customers
with open business (sales registers open orders, draft or awaiting approval, and open
opportunities) are exempt. Every move is recorded. The rule's `cooloff_days` keep a previous
owner from claiming the customer back at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from customers import hooks
from customers.models import Customer, CustomerMove, FollowUp, FollowUpKind, IdleCustomerRule, MoveKind
from customers.models.rules import DEFAULT_COOLOFF_DAYS
from salesorg.exceptions import ApplicationError
from staff import authority


def claim_cap() -> int:
    """How many customers one rep may own before claiming from the pool is refused."""
    return getattr(settings, "POOL_MAX_OWNED_CUSTOMERS", 150)


@dataclass
class PoolRunResult:
    warned: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    exempt: int = 0


def _idle_customers(rule: IdleCustomerRule) -> QuerySet[Customer]:
    # Correlated subqueries per activity source (registered by the apps that record them), not
    # joins: joining visits x orders x opportunities would multiply rows.
    return hooks.with_last_activity(
        Customer.objects.filter(owner__isnull=False, classification=rule.classification)
    ).only("id", "owner_id", "owner_since", "name", "pool_due_date", "pool_warned_on", "created_at")


@transaction.atomic
def pool_run(*, today: date | None = None) -> PoolRunResult:
    """Warn, then return idle customers to the pool, as of `today`. Idempotent for a day."""
    today = today or timezone.localdate()
    result = PoolRunResult()
    to_update: list[Customer] = []
    returned: list[Customer] = []
    follow_ups: list[FollowUp] = []
    moves: list[CustomerMove] = []
    for rule in IdleCustomerRule.objects.pool():
        for customer in _idle_customers(rule):
            if hooks.has_open_business(customer):
                result.exempt += 1
                if customer.pool_due_date or customer.pool_warned_on:
                    customer.pool_due_date = customer.pool_warned_on = None
                    to_update.append(customer)
                continue
            last_activity = hooks.last_activity(customer)
            due = last_activity + timedelta(days=rule.idle_days)
            if (due - today).days > rule.warning_days:
                # Activity moved the date away: any earlier warning no longer applies.
                if customer.pool_due_date != due or customer.pool_warned_on:
                    customer.pool_due_date, customer.pool_warned_on = due, None
                    to_update.append(customer)
                continue
            if customer.pool_warned_on is None:
                # Warn first; the rep always gets the rule's warning days (at least one day).
                customer.pool_warned_on = today
                customer.pool_due_date = max(due, today + timedelta(days=max(rule.warning_days, 1)))
                to_update.append(customer)
                days_left = (customer.pool_due_date - today).days
                follow_ups.append(
                    FollowUp(
                        person_id=customer.owner_id,
                        customer=customer,
                        kind=FollowUpKind.POOL_WARNING,
                        message=(
                            _("%(customer)s returns to the pool in %(days)s days unless you visit it.")
                            % {"customer": customer.name, "days": days_left}
                        )[:300],
                        due_date=customer.pool_due_date,
                        created_on=today,
                    )
                )
                result.warned.append(customer.pk)
            elif today >= max(due, customer.pool_due_date or due):
                moves.append(
                    CustomerMove(
                        customer=customer,
                        date=today,
                        kind=MoveKind.RETURNED,
                        from_owner_id=customer.owner_id,
                        reason=_("No visit, opportunity or order for %(days)s days.") % {"days": rule.idle_days},
                    )
                )
                customer.owner = None
                customer.owner_since = customer.pool_due_date = customer.pool_warned_on = None
                returned.append(customer)
                result.returned.append(customer.pk)
            elif customer.pool_due_date != max(due, customer.pool_due_date or due):
                customer.pool_due_date = max(due, customer.pool_due_date or due)
                to_update.append(customer)
    fields = ["owner", "owner_since", "pool_due_date", "pool_warned_on"]
    if to_update or returned:
        bulk_update_with_history(to_update + returned, Customer, fields, batch_size=500)
    FollowUp.objects.bulk_create(follow_ups, batch_size=500)
    CustomerMove.objects.bulk_create(moves, batch_size=500)
    # The warning follow-ups of returned customers are settled.
    FollowUp.objects.filter(customer_id__in=result.returned, kind=FollowUpKind.POOL_WARNING, done=False).update(
        done=True
    )
    return result


def pool_customers():
    """Customers in the pool (no owner). Everyone with a person may browse the pool."""
    return Customer.objects.filter(owner__isnull=True)


def claim_refusal(*, person_id: int, customer: Customer, today: date) -> str | None:
    """Why this person may not claim this customer today (None when they may)."""
    rule = IdleCustomerRule.objects.filter(classification=customer.classification).first()
    cooloff = rule.cooloff_days if rule else DEFAULT_COOLOFF_DAYS
    recent_return = (
        CustomerMove.objects.filter(
            customer=customer,
            kind__in=(MoveKind.RETURNED, MoveKind.RELEASED),
            from_owner_id=person_id,
            date__gt=today - timedelta(days=cooloff),
        )
        .order_by("-date")
        .first()
    )
    if recent_return is not None:
        until = recent_return.date + timedelta(days=cooloff)
        return _("You lost this customer on %(date)s; you may claim it again from %(until)s.") % {
            "date": recent_return.date.isoformat(),
            "until": until.isoformat(),
        }
    return None


@transaction.atomic
def customer_claim(*, user: Any, customer: Customer, today: date | None = None) -> Customer:
    """Take a customer from the pool (`customers.claim`: a rep, a manager within their unit),
    within the cap and after any cool-off."""
    today = today or timezone.localdate()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    person = authority.require(user, "customers.claim", customer).person
    if customer.owner_id is not None:
        raise ApplicationError(_("This customer is not in the pool."), fields={"customer": [_("Already owned.")]})
    owned = Customer.objects.filter(owner=person).count()
    if owned >= claim_cap():
        raise ApplicationError(
            _("You own %(owned)s customers, the most allowed.") % {"owned": owned},
            fields={"customer": [_("The cap of %(cap)s customers is reached.") % {"cap": claim_cap()}]},
        )
    refusal = claim_refusal(person_id=person.pk, customer=customer, today=today)
    if refusal:
        raise ApplicationError(refusal, fields={"customer": [refusal]})
    customer.owner = person
    customer.owner_since = today
    customer.pool_due_date = customer.pool_warned_on = None
    customer.team_id, customer.region_id = person.team_id, person.region_id
    customer.save(update_fields=["owner", "owner_since", "pool_due_date", "pool_warned_on", "team", "region"])
    CustomerMove.objects.create(customer=customer, date=today, kind=MoveKind.CLAIMED, to_owner=person, moved_by=person)
    return customer


@transaction.atomic
def customer_release(*, user: Any, customer: Customer, reason: str, today: date | None = None) -> Customer:
    """The owner (or a manager of its unit: `customers.release`) gives a customer back to the pool;
    the cool-off applies to the owner."""
    today = today or timezone.localdate()
    authority.require(user, "customers.release", customer)
    if not (reason or "").strip():
        raise ApplicationError(_("Say why."), fields={"reason": [_("This field is required.")]})
    if customer.owner_id is None:
        raise ApplicationError(_("This customer is already in the pool."), fields={"customer": [_("No owner.")]})
    previous = customer.owner_id
    customer.owner = None
    customer.owner_since = customer.pool_due_date = customer.pool_warned_on = None
    customer.save(update_fields=["owner", "owner_since", "pool_due_date", "pool_warned_on"])
    CustomerMove.objects.create(
        customer=customer,
        date=today,
        kind=MoveKind.RELEASED,
        from_owner_id=previous,
        reason=reason.strip(),
        moved_by=authority.actor_of(user).person,
    )
    return customer
