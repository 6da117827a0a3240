"""The expense policy applied to a new claim: limits, receipt, date window, duplicates.

Each rule answers the field it is about (`amount`, `receipt`, `date`), so a claim that breaks
several is refused once, naming each; a duplicate (same rep, date, category and amount as an
earlier claim that was not refused) is flagged on the claim, not refused.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from fieldwork.models import ExpenseClaim, ExpensePolicy, ExpenseStatus
from staff.models import Person


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def policy_for(*, kind: str, position: str) -> ExpensePolicy | None:
    """The position's own rule for the category, else the rule for every position."""
    rules = {rule.position: rule for rule in ExpensePolicy.objects.filter(kind=kind, position__in=[position, ""])}
    return rules.get(position) or rules.get("")


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def policy_errors(
    *, person: Person, kind: str, day: date | None, amount: Decimal | None, has_receipt: bool, today: date
) -> dict[str, list[str]]:
    """What the policy says against this claim, by field (empty when it complies)."""
    rule = policy_for(kind=kind, position=person.position)
    errors: dict[str, list[str]] = {}
    if rule is None:
        return errors
    if day is not None and rule.days_back is not None and day < today - timedelta(days=rule.days_back):
        errors.setdefault("date", []).append(
            _("Claims of this category are dated at most %(days)s days back (from %(earliest)s).")
            % {"days": rule.days_back, "earliest": (today - timedelta(days=rule.days_back)).isoformat()}
        )
    if amount is None:
        return errors
    if rule.per_claim_limit is not None and amount > rule.per_claim_limit:
        errors.setdefault("amount", []).append(
            _("At most %(limit)s per claim for this category.") % {"limit": _money(rule.per_claim_limit)}
        )
    if rule.monthly_limit is not None and day is not None:
        first, last = _month_bounds(day)
        spent = ExpenseClaim.objects.filter(person=person, kind=kind, date__range=(first, last)).exclude(
            status=ExpenseStatus.REFUSED
        ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if spent + amount > rule.monthly_limit:
            errors.setdefault("amount", []).append(
                _("This month's claims of this category would reach %(total)s, above the limit of %(limit)s.")
                % {"total": _money(spent + amount), "limit": _money(rule.monthly_limit)}
            )
    if rule.receipt_above is not None and amount > rule.receipt_above and not has_receipt:
        errors.setdefault("receipt", []).append(
            _("A receipt is required above %(amount)s.") % {"amount": _money(rule.receipt_above)}
        )
    return errors


def duplicate_of(*, person: Person, kind: str, day: date, amount: Decimal) -> ExpenseClaim | None:
    """The earliest claim of the same rep, date, category and amount that was not refused."""
    return (
        ExpenseClaim.objects.filter(person=person, kind=kind, date=day, amount=amount)
        .exclude(status=ExpenseStatus.REFUSED)
        .order_by("id")
        .first()
    )
