"""The expense budget shown when a claim is approved: the `expenses` target of the claim's rep (or,
without one, of the rep's team) for the narrowest period containing the claim's date, what the
approved claims of that owner already used, and what remains after this claim.

Targets live above field work (DESIGN.md), so the target comes from a provider that `targets`
registers (`register_budget_provider`); without one, no budget is shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth

from fieldwork.models import ExpenseClaim, ExpenseStatus
from salesorg.periods import Period


@dataclass(frozen=True)
class BudgetTarget:
    """An approved `expenses` target: `owner_kind` is "rep" or "team"."""

    owner_kind: str
    owner_id: int
    period: Period
    value: Decimal


@dataclass(frozen=True)
class ClaimBudget:
    owner_kind: str
    period: str
    target: Decimal
    used: Decimal
    remaining: Decimal  # after this claim (a claim already approved is part of `used`)

    @property
    def over(self) -> bool:
        return self.remaining < 0


# (person id, team id, claim date) of each claim -> the budget target that applies, if any.
BudgetProvider = Callable[[Sequence[tuple[int, int | None, date]]], dict[tuple[int, int | None, date], BudgetTarget]]
_providers: list[BudgetProvider] = []


def register_budget_provider(provider: BudgetProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def claim_budgets(claims: Iterable[ExpenseClaim]) -> dict[int, ClaimBudget]:
    """The budget of each claim (by id), for claims whose owner has an approved `expenses` target.
    Two queries whatever the number of claims (the targets, the approved claims by month)."""
    claims = list(claims)
    if not claims or not _providers:
        return {}
    keys = list({(c.person_id, c.team_id, c.date) for c in claims})
    found: dict[tuple[int, int | None, date], BudgetTarget] = {}
    for provider in _providers:
        for key, target in provider(keys).items():
            found.setdefault(key, target)
    if not found:
        return {}
    targets = set(found.values())
    start = min(t.period.start for t in targets)
    end = max(t.period.end for t in targets)
    people = {t.owner_id for t in targets if t.owner_kind == "rep"}
    teams = {t.owner_id for t in targets if t.owner_kind == "team"}
    rows = (
        ExpenseClaim.objects.filter(status=ExpenseStatus.APPROVED, date__range=(start, end))
        .filter(Q(person_id__in=people) | Q(team_id__in=teams))
        .annotate(month=TruncMonth("date"))
        .values("person_id", "team_id", "month")
        .annotate(total=Sum("amount"))
        .values_list("person_id", "team_id", "month", "total")
    )
    spent: dict[tuple[str, int], dict[date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for person_id, team_id, month, total in rows:
        month = month.date() if hasattr(month, "date") else month
        if person_id in people:
            spent[("rep", person_id)][month] += total
        if team_id in teams:
            spent[("team", team_id)][month] += total
    budgets = {}
    for claim in claims:
        target = found.get((claim.person_id, claim.team_id, claim.date))
        if target is None:
            continue
        used = sum(
            (
                total
                for month, total in spent[(target.owner_kind, target.owner_id)].items()
                if target.period.start <= month <= target.period.end
            ),
            Decimal(0),
        )
        after = used if claim.status == ExpenseStatus.APPROVED else used + claim.amount
        budgets[claim.pk] = ClaimBudget(target.owner_kind, str(target.period), target.value, used, target.value - after)
    return budgets
