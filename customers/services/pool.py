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
owner from claiming the customer back at once; its `protection_days` keep a customer with the one
who claimed it (or was assigned it): no return before the protection ends, no transfer to another.

Pools: a customer without an owner waits in its region's pool (the region it had with its last
owner); a director may open it to the company pool, where anyone may claim it (a customer without
a region is there too). The people of a region claim from its pool (`customers.claim`), within the
daily claim limit and the holding cap of their position and the customer's classification
(`PoolLimit`, admin-edited); managers assign from their unit's pool (`customers.assign`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from customers import hooks
from customers.models import (
    Customer,
    CustomerMove,
    FollowUp,
    FollowUpKind,
    IdleCustomerRule,
    MoveKind,
    PoolLimit,
    follow_up_text,
)
from customers.models.rules import DEFAULT_COOLOFF_DAYS
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person


@dataclass
class PoolRunResult:
    warned: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    exempt: int = 0


def _idle_customers(rule: IdleCustomerRule) -> QuerySet[Customer]:
    # Correlated subqueries per activity source (registered by the apps that record them), not
    # joins: joining visits x orders x opportunities would multiply rows.
    return (
        hooks.with_last_activity(Customer.objects.filter(owner__isnull=False, classification=rule.classification))
        .only(
            "id",
            "owner_id",
            "owner_since",
            "name",
            "pool_due_date",
            "pool_warned_on",
            "protected_until",
            "created_at",
            "owner__language",
            "owner__email",
        )
        .select_related("owner")
    )


def _warning_draft(customer: Customer, *, days_left: int) -> Draft:
    """The owner's notification that the customer returns to the pool (once per return date)."""
    owner = customer.owner
    with translation.override(language_of(owner)):
        return Draft(
            recipient_id=owner.pk,
            kind=NotificationKind.FOLLOW_UP,
            title=str(
                _("%(customer)s returns to the pool on %(date)s")
                % {"customer": customer.name, "date": customer.pool_due_date.isoformat()}
            ),
            body=str(
                _("%(days)s days left: a visit, an opportunity or an order keeps the customer with you.")
                % {"days": days_left}
            ),
            dedupe_key=f"pool_warning:{customer.pk}:{customer.pool_due_date.isoformat()}",
            url=reverse("customers:customer-detail", args=[customer.pk]),
            email=owner.email,
        )


@transaction.atomic
def pool_run(*, today: date | None = None) -> PoolRunResult:
    """Warn, then return idle customers to the pool, as of `today`. Idempotent for a day."""
    today = today or timezone.localdate()
    result = PoolRunResult()
    to_update: list[Customer] = []
    returned: list[Customer] = []
    follow_ups: list[FollowUp] = []
    moves: list[CustomerMove] = []
    drafts: list[Draft] = []
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
            if customer.protected_until is not None:
                # Protected through `protected_until`: the earliest return is the day after.
                due = max(due, customer.protected_until + timedelta(days=1))
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
                        **follow_up_text("pool_warning", customer=customer.name, days=days_left),
                        due_date=customer.pool_due_date,
                        created_on=today,
                    )
                )
                drafts.append(_warning_draft(customer, days_left=days_left))
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
                customer.protected_until = None
                customer.in_company_pool = customer.region_id is None
                returned.append(customer)
                result.returned.append(customer.pk)
            elif customer.pool_due_date != max(due, customer.pool_due_date or due):
                customer.pool_due_date = max(due, customer.pool_due_date or due)
                to_update.append(customer)
    fields = ["owner", "owner_since", "pool_due_date", "pool_warned_on", "protected_until", "in_company_pool"]
    if to_update or returned:
        bulk_update_with_history(to_update + returned, Customer, fields, batch_size=500)
    FollowUp.objects.bulk_create(follow_ups, batch_size=500)
    CustomerMove.objects.bulk_create(moves, batch_size=500)
    # The warning follow-ups of returned customers are settled.
    FollowUp.objects.filter(customer_id__in=result.returned, kind=FollowUpKind.POOL_WARNING, done=False).update(
        done=True
    )
    notify(drafts=drafts)
    return result


def claim_refusal(*, person_id: int, customer: Customer, today: date) -> str | None:
    """Why this person may not claim this customer back today: the cool-off (None when they may)."""
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


def pool_limit_for(*, person: Person, classification: str) -> PoolLimit | None:
    return PoolLimit.objects.filter(position=person.position, classification=classification).first()


def limit_refusal(*, person: Person, customer: Customer, today: date, claiming: bool) -> str | None:
    """Why this person may not take one more customer of this classification today (None: may).

    The holding cap counts the customers of the classification the person owns; the daily limit
    (claims only, not a manager's assignments) counts today's claims of that classification."""
    limit = pool_limit_for(person=person, classification=customer.classification)
    if limit is None:
        return None
    label = customer.get_classification_display()
    if limit.holding_cap is not None:
        held = Customer.objects.filter(owner=person, classification=customer.classification).count()
        if held >= limit.holding_cap:
            return _("%(person)s already holds %(held)s %(classification)s customers, the cap is %(cap)s.") % {
                "person": person.name,
                "held": held,
                "classification": label,
                "cap": limit.holding_cap,
            }
    if claiming and limit.daily_claims is not None:
        claimed = CustomerMove.objects.filter(
            to_owner=person, kind=MoveKind.CLAIMED, date=today, customer__classification=customer.classification
        ).count()
        if claimed >= limit.daily_claims:
            return _("You claimed %(claimed)s %(classification)s customers today, the most allowed a day.") % {
                "claimed": claimed,
                "classification": label,
            }
    return None


def protection_days(classification: str) -> int:
    rule = IdleCustomerRule.objects.filter(classification=classification).first()
    return rule.protection_days if rule else IdleCustomerRule._meta.get_field("protection_days").default


def protection_refusal(customer: Customer, *, today: date) -> str | None:
    """Why the customer may not be taken from its owner today: still protected (None: it may)."""
    if customer.owner_id is not None and customer.is_protected(today):
        return _("This customer is protected for its owner until %(date)s.") % {
            "date": customer.protected_until.isoformat()
        }
    return None


def _refuse(message: str, field_name: str = "customer") -> None:
    raise ApplicationError(message, fields={field_name: [message]})


def _take(customer: Customer, person: Person, *, today: date) -> None:
    """The person becomes the owner; the protection period starts."""
    customer.owner = person
    customer.owner_since = today
    customer.pool_due_date = customer.pool_warned_on = None
    customer.in_company_pool = False
    customer.protected_until = today + timedelta(days=protection_days(customer.classification))
    customer.team_id, customer.region_id = person.team_id, person.region_id
    customer.save(
        update_fields=[
            "owner",
            "owner_since",
            "pool_due_date",
            "pool_warned_on",
            "in_company_pool",
            "protected_until",
            "team",
            "region",
        ]
    )


@transaction.atomic
def customer_claim(*, user: Any, customer: Customer, today: date | None = None) -> Customer:
    """Take a customer from the pool (`customers.claim`: the people of the pool's region, anyone
    from the company pool), within the limits of the position and after any cool-off."""
    today = today or timezone.localdate()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    person = authority.require(user, "customers.claim", customer).person
    if customer.owner_id is not None:
        raise ApplicationError(_("This customer is not in the pool."), fields={"customer": [_("Already owned.")]})
    refusal = limit_refusal(person=person, customer=customer, today=today, claiming=True) or claim_refusal(
        person_id=person.pk, customer=customer, today=today
    )
    if refusal:
        _refuse(refusal)
    _take(customer, person, today=today)
    CustomerMove.objects.create(customer=customer, date=today, kind=MoveKind.CLAIMED, to_owner=person, moved_by=person)
    return customer


@transaction.atomic
def customer_assign(
    *, user: Any, customer: Customer, to_owner: Person | None, reason: str = "", today: date | None = None
) -> Customer:
    """A manager gives a pool customer to a person of their unit (`customers.assign`), within the
    new owner's holding cap; the protection period starts for the new owner."""
    today = today or timezone.localdate()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    actor = authority.require(user, "customers.assign", customer)
    if to_owner is None:
        _refuse(_("This field is required."), "to_owner")
    if customer.owner_id is not None:
        raise ApplicationError(_("This customer is not in the pool."), fields={"customer": [_("Already owned.")]})
    authority.require(user, "customers.assign", customer, to_person=to_owner)
    refusal = limit_refusal(person=to_owner, customer=customer, today=today, claiming=False)
    if refusal:
        _refuse(refusal, "to_owner")
    _take(customer, to_owner, today=today)
    CustomerMove.objects.create(
        customer=customer,
        date=today,
        kind=MoveKind.ASSIGNED,
        to_owner=to_owner,
        reason=(reason or "").strip(),
        moved_by=actor.person,
    )
    return customer


@transaction.atomic
def customer_open_to_company(*, user: Any, customer: Customer, today: date | None = None) -> Customer:
    """A director opens a region's pool customer to the company pool: every region may claim it."""
    today = today or timezone.localdate()
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    actor = authority.require(user, "customers.open_to_company", customer)
    if customer.owner_id is not None:
        raise ApplicationError(_("This customer is not in the pool."), fields={"customer": [_("Already owned.")]})
    if customer.in_company_pool or customer.region_id is None:
        _refuse(_("This customer is already in the company pool."))
    customer.in_company_pool = True
    customer.save(update_fields=["in_company_pool"])
    CustomerMove.objects.create(customer=customer, date=today, kind=MoveKind.OPENED, moved_by=actor.person)
    return customer


@transaction.atomic
def customer_release(*, user: Any, customer: Customer, reason: str, today: date | None = None) -> Customer:
    """The owner (or a manager of its unit: `customers.release`) gives a customer back to the pool
    of its region; the cool-off applies to the owner. While the customer is protected only its
    owner releases it."""
    today = today or timezone.localdate()
    actor = authority.require(user, "customers.release", customer)
    if not (reason or "").strip():
        raise ApplicationError(_("Say why."), fields={"reason": [_("This field is required.")]})
    if customer.owner_id is None:
        raise ApplicationError(_("This customer is already in the pool."), fields={"customer": [_("No owner.")]})
    if not actor.is_person(customer.owner_id):
        refusal = protection_refusal(customer, today=today)
        if refusal:
            _refuse(refusal)
    previous = customer.owner_id
    customer.owner = None
    customer.owner_since = customer.pool_due_date = customer.pool_warned_on = None
    customer.protected_until = None
    customer.in_company_pool = customer.region_id is None
    customer.save(
        update_fields=["owner", "owner_since", "pool_due_date", "pool_warned_on", "protected_until", "in_company_pool"]
    )
    CustomerMove.objects.create(
        customer=customer,
        date=today,
        kind=MoveKind.RELEASED,
        from_owner_id=previous,
        reason=reason.strip(),
        moved_by=actor.person,
    )
    return customer
