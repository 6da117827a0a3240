"""Payment plans: writing an order's instalments, applying payments to them, overdue flags, reminders.

Payments apply to the oldest open instalment first; a plan always adds up to the order total and
never falls below what was already paid.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from sales.domain import ZERO, InstalmentInput, allocate_paid, default_plan, instalment_status, to_decimal
from sales.models import Instalment, InstalmentStatus, Order, OrderStatus
from sales.selectors import order_paid
from salesorg.exceptions import ApplicationError
from salesorg.formatting import money
from salesorg.money import to_money
from staff.models import Person, PersonStatus, Position


def reminder_days() -> int:
    return int(getattr(settings, "INSTALMENT_REMINDER_DAYS", 7))


def write_plan(order: Order, plan: Sequence[InstalmentInput], *, today: date | None = None) -> None:
    """Replace the order's instalments by a plan that adds up to its total, what was already paid
    spread over them oldest first."""
    today = today or timezone.localdate()
    total = sum((to_money(to_decimal(i.amount, "instalments")) for i in plan), ZERO)
    if plan and total != order.total_amount:
        raise ApplicationError(
            _("The instalments add up to %(total)s, not the order total %(order)s.")
            % {"total": total, "order": order.total_amount},
            fields={"instalments": [_("Instalments must add up to the order total.")]},
        )
    for row, instalment in enumerate(plan):
        if to_money(to_decimal(instalment.amount, "instalments")) <= 0:
            raise ApplicationError(
                _("An instalment must be positive."),
                fields={"instalments": _row_error(plan, row, "amount", _("Must be > 0."))},
            )
        if not isinstance(instalment.due_date, date):
            message = _("Enter a valid date.")
            raise ApplicationError(
                _("Bad due date."), fields={"instalments": _row_error(plan, row, "due_date", message)}
            )
        if instalment.due_date < order.date:
            message = _("An instalment is due on %(due)s, before the order date %(date)s.") % {
                "due": instalment.due_date,
                "date": order.date,
            }
            raise ApplicationError(message, fields={"instalments": _row_error(plan, row, "due_date", message)})
    paid = order_paid(order)
    if paid > order.total_amount:
        raise ApplicationError(
            _("The order total cannot fall below what was already paid (%(paid)s).") % {"paid": paid},
            fields={"lines": [_("Total below payments received.")]},
        )
    order.instalments.all().delete()
    rows = [
        Instalment(order=order, due_date=i.due_date, amount=to_money(to_decimal(i.amount, "instalments")))
        for i in sorted(plan, key=lambda i: i.due_date)
    ]
    allocate_paid(rows, paid, today)
    bulk_create_with_history(rows, Instalment)


def _row_error(plan: Sequence[InstalmentInput], row: int, field: str, message: str) -> list[dict[str, list[str]]]:
    """The error of one row of a plan as DRF words a list of objects: one entry per row, empty but
    for the bad one, which names its field (`instalments[row].due_date`)."""
    return [{field: [message]} if i == row else {} for i in range(len(plan))]


def apply_to_instalments(order: Order, amount: Decimal, today: date) -> None:
    """A new payment settles the oldest open instalments first."""
    instalments = list(order.instalments.filter(paid_amount__lt=F("amount")).order_by("due_date", "id"))
    if not instalments:
        # An order with no plan yet (e.g. a total of 0 before): create the default one now.
        write_plan(order, default_plan(order), today=today)
        return
    remaining = amount
    for instalment in instalments:
        if remaining <= 0:
            break
        applied = min(remaining, instalment.amount - instalment.paid_amount)
        instalment.paid_amount += applied
        remaining -= applied
        instalment.status = instalment_status(instalment, today)
    bulk_update_with_history(instalments, Instalment, ["paid_amount", "status"])


def instalments_mark_overdue(*, today: date | None = None) -> int:
    """Flag unpaid instalments past their due date as overdue (one UPDATE)."""
    today = today or timezone.localdate()
    return (
        Instalment.objects.filter(due_date__lt=today, paid_amount__lt=F("amount"))
        .exclude(status=InstalmentStatus.OVERDUE)
        .update(status=InstalmentStatus.OVERDUE)
    )


def instalments_send_reminders(*, today: date | None = None, days_before: int | None = None) -> int:
    """E-mail the credited reps about open instalments due in N days; each instalment once."""
    today = today or timezone.localdate()
    days_before = reminder_days() if days_before is None else days_before
    due = today + timedelta(days=days_before)
    instalments = list(
        Instalment.objects.filter(
            due_date__gt=today,
            due_date__lte=due,
            reminded_on__isnull=True,
            paid_amount__lt=F("amount"),
            order__status=OrderStatus.CONFIRMED,
        )
        .select_related("order__customer")
        .prefetch_related("order__shares__rep")
    )
    messages = []
    for instalment in instalments:
        recipients = [s.rep.email for s in instalment.order.shares.all() if s.rep.email]
        if recipients:
            open_amount = instalment.amount - instalment.paid_amount
            messages.append(
                (
                    _("Payment due %(date)s: %(order)s") % {"date": instalment.due_date, "order": instalment.order},
                    _("%(customer)s owes %(amount)s on order %(order)s, due %(date)s.")
                    % {
                        "customer": instalment.order.customer,
                        "amount": open_amount,
                        "order": instalment.order,
                        "date": instalment.due_date,
                    },
                    settings.DEFAULT_FROM_EMAIL,
                    recipients,
                )
            )
    if messages:
        send_mass_mail(messages, fail_silently=True)
    Instalment.objects.filter(pk__in=[i.pk for i in instalments]).update(reminded_on=today)
    return len(instalments)


def instalments_flag_overdue_and_notify(*, today: date | None = None) -> int:
    """Flag the instalments that fell overdue and tell each credited rep and their manager, once.

    Only instalments newly flagged are announced (never a backlog of old ones); the key
    `overdue_instalment:<id>` keeps a rerun from telling anyone twice. Returns notifications written.
    """
    today = today or timezone.localdate()
    newly = list(
        Instalment.objects.filter(due_date__lt=today, paid_amount__lt=F("amount"))
        .exclude(status=InstalmentStatus.OVERDUE)
        .select_related("order__customer")
        .prefetch_related("order__shares__rep__manager")
    )
    if not newly:
        return 0
    Instalment.objects.filter(pk__in=[i.pk for i in newly]).update(status=InstalmentStatus.OVERDUE)
    reps = {share.rep for i in newly for share in i.order.shares.all()}
    # A rep without a recorded manager: their team's manager(s) (one query for all).
    team_ids = {r.team_id for r in reps if r.manager_id is None and r.team_id}
    team_managers: dict[int, list[Person]] = {}
    for manager in Person.objects.filter(team_id__in=team_ids, position=Position.TEAM_MANAGER).exclude(
        status=PersonStatus.LEFT
    ):
        team_managers.setdefault(manager.team_id, []).append(manager)
    drafts: list[Draft] = []
    for instalment in newly:
        recipients: dict[int, Person] = {}
        for share in instalment.order.shares.all():
            rep = share.rep
            recipients[rep.pk] = rep
            managers = [rep.manager] if rep.manager_id else team_managers.get(rep.team_id, [])
            for manager in managers:
                recipients[manager.pk] = manager
        order = instalment.order
        for person in recipients.values():
            with translation.override(language_of(person)):
                title = _("Instalment overdue: %(customer)s, order %(order)s") % {
                    "customer": order.customer.name,
                    "order": order.number,
                }
                body = _("%(amount)s was due on %(date)s and is not paid.") % {
                    "amount": money(instalment.amount - instalment.paid_amount),
                    "date": instalment.due_date.isoformat(),
                }
            drafts.append(
                Draft(
                    recipient_id=person.pk,
                    kind=NotificationKind.OVERDUE_INSTALMENT,
                    title=str(title),
                    body=str(body),
                    dedupe_key=f"overdue_instalment:{instalment.pk}",
                    url=reverse("sales:order-detail", args=[order.pk]),
                    email=person.email,
                )
            )
    return len(notify(drafts=drafts))
