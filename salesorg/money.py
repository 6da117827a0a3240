"""Money helpers: Decimal with two places, and exact splitting by percentage shares."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_money(value: Decimal | int | str) -> Decimal:
    """Round half up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def largest_share(percents: Sequence[Decimal]) -> int:
    """The index of the largest share, the first on a tie: it takes the rounding rest (and is the
    order's primary share)."""
    return max(range(len(percents)), key=lambda i: (percents[i], -i))


def split_by_shares(amount: Decimal, percents: Sequence[Decimal]) -> list[Decimal]:
    """Split an amount by percentage shares so the parts add up exactly.

    Every share but the largest is rounded down to the cent; the largest (the first on a tie)
    takes the rest (DESIGN.md, glossary).
    """
    if not percents:
        return []
    largest = largest_share(percents)
    parts = [
        (amount * Decimal(p) / 100).quantize(CENT, rounding=ROUND_DOWN) if i != largest else Decimal(0)
        for i, p in enumerate(percents)
    ]
    parts[largest] = amount - sum(parts)
    return parts


def split_evenly(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split an amount by weights to the cent; the rounding remainder goes to the last part."""
    total_weight = sum(Decimal(w) for w in weights)
    if not weights:
        return []
    if total_weight == 0:
        weights = [Decimal(1)] * len(weights)
        total_weight = Decimal(len(weights))
    parts = [(amount * Decimal(w) / total_weight).quantize(CENT, rounding=ROUND_DOWN) for w in weights[:-1]]
    parts.append(amount - sum(parts))
    return parts
