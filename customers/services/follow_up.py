"""Follow-up discipline: owned customers nobody has contacted for too long.

Per classification, the follow-up part of the one idle-customer rule
(`IdleCustomerRule.objects.follow_up()`: `follow_up_days`, `escalate_after`, `flag_after`; the
pool, customers/services/pool.py, reads the other part of the same rows). The days without contact
count from the one definition of last contact, `customers.hooks.last_activity`: the latest of the
registered activities (visits, orders, opportunity changes) and of the day the owner got the
customer, the same date the pool counts from. After `follow_up_days` the owner is reminded; after
`follow_up_days + escalate_after` their manager is copied; after `follow_up_days + flag_after` the
customer is flagged on the dashboards (which read `FollowUpFlag` through
`customers.selectors.follow_ups`).

The flags are replaced by every run. What the run sends goes through `notifications.services`:
`notify` (one key per customer, contact cycle and stage, so a rerun sends nothing twice) and
`notify_channels` (the flagged customers, to the group robots). The reminders of next-contact
dates set on visits are fieldwork's (fieldwork/services/reminders.py): customers does not read
visits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from customers import hooks
from customers.models import Customer, CustomerStatus, FlagStage, FollowUpFlag, IdleCustomerRule
from notifications.models import Notification, NotificationKind
from notifications.services import Draft, language_of, notify, notify_channels


def follow_up_stage(rule: IdleCustomerRule, days_without_contact: int) -> FlagStage | None:
    """How far a customer idle for so many days has gone under the rule (None: not yet due)."""
    if days_without_contact < rule.follow_up_days:
        return None
    if days_without_contact >= rule.follow_up_days + rule.flag_after:
        return FlagStage.FLAGGED
    if days_without_contact >= rule.follow_up_days + rule.escalate_after:
        return FlagStage.ESCALATED
    return FlagStage.REMINDED


def _owned_customers(classifications: list[str]) -> QuerySet[Customer]:
    # One query: each activity source is a correlated subquery (customers.hooks), not a join.
    return hooks.with_last_activity(
        Customer.objects.filter(
            owner__isnull=False, classification__in=classifications, status=CustomerStatus.ACTIVE
        ).select_related("owner", "owner__manager")
    )


def _drafts(customer: Customer, *, rule: IdleCustomerRule, stage: int, since: date, idle: int) -> list[Draft]:
    """The owner's reminder and, from the escalation on, the copy to their manager."""
    rep = customer.owner
    cycle = since.isoformat()  # a contact starts a new cycle, and so new messages
    url = reverse("customers:customer-detail", args=[customer.pk])
    with translation.override(language_of(rep)):
        drafts = [
            Draft(
                recipient_id=rep.pk,
                kind=NotificationKind.FOLLOW_UP,
                title=str(_("%(customer)s: no contact for %(days)s days") % {"customer": customer.name, "days": idle}),
                body=str(
                    _("Plan a visit or a call: the rule for this classification is %(days)s days.")
                    % {"days": rule.follow_up_days}
                ),
                dedupe_key=f"follow_up:{customer.pk}:{cycle}:1",
                url=url,
                email=rep.email,
            )
        ]
    manager = rep.manager
    if stage >= FlagStage.ESCALATED and manager is not None:
        with translation.override(language_of(manager)):
            title = _("%(rep)s has not contacted %(customer)s for %(days)s days") % {
                "rep": rep.name,
                "customer": customer.name,
                "days": idle,
            }
            drafts.append(
                Draft(
                    recipient_id=manager.pk,
                    kind=NotificationKind.FOLLOW_UP,
                    title=str(title),
                    body=str(_("Copied to you as the rep's manager.")),
                    dedupe_key=f"follow_up:{customer.pk}:{cycle}:2",
                    url=url,
                    email=manager.email,
                )
            )
    return drafts


def _tell_channels(flags: list[FollowUpFlag], created: list[Notification]) -> None:
    """The flagged customers go to the group robots when a manager was newly copied."""
    flagged = [f for f in flags if f.stage == FlagStage.FLAGGED]
    if not flagged or not any(n.dedupe_key.endswith(":2") for n in created):
        return
    by_region: dict[int | None, list[str]] = defaultdict(list)
    for f in flagged:
        by_region[f.region_id].append(f"{f.customer.name} · {f.person.name} · {f.days_without_contact}")
    notify_channels(event="follow_up", title=_("Customers not contacted"), lines_by_region=by_region)


def follow_up_discipline_run(*, today: date) -> dict[str, int]:
    """Find owned customers not contacted for too long; remind the rep, copy the manager, flag them.

    Idempotent for a day. A fixed number of queries whatever the number of customers.
    """
    rules = {rule.classification: rule for rule in IdleCustomerRule.objects.follow_up()}
    flags: list[FollowUpFlag] = []
    drafts: list[Draft] = []
    for customer in _owned_customers(list(rules)):
        rule = rules[customer.classification]
        since = hooks.last_activity(customer)
        idle = (today - since).days
        stage = follow_up_stage(rule, idle)
        if stage is None:
            continue
        rep = customer.owner
        flags.append(
            FollowUpFlag(
                customer=customer,
                person=rep,
                team_id=customer.team_id or rep.team_id,
                region_id=customer.region_id or rep.region_id,
                stage=stage,
                last_contact=hooks.last_contact(customer),
                days_without_contact=idle,
                found_on=today,
            )
        )
        drafts.extend(_drafts(customer, rule=rule, stage=stage, since=since, idle=idle))
    with transaction.atomic():
        FollowUpFlag.objects.all().delete()
        FollowUpFlag.objects.bulk_create(flags)
    created = notify(drafts=drafts)
    _tell_channels(flags, created)
    return {
        "reminded": sum(1 for f in flags if f.stage == FlagStage.REMINDED),
        "escalated": sum(1 for f in flags if f.stage == FlagStage.ESCALATED),
        "flagged": sum(1 for f in flags if f.stage == FlagStage.FLAGGED),
        "sent": len(created),
    }
