"""Pure helpers of sales: no database. The services write, the selectors read; both use these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import TypeVar

from salesorg.money import split_by_shares

Key = TypeVar("Key", bound=Hashable)
Owner = TypeVar("Owner", bound=Hashable)


def credit_by_shares(
    amounts: Iterable[tuple[int, Key, Decimal]],
    shares: Iterable[tuple[int, Owner | None, Decimal]],
) -> dict[tuple[Owner, Key], Decimal]:
    """Split each amount between the credit shares of its order and add the parts up per owner.

    `amounts` are (order id, key, amount): an order line under its product line, a payment, what
    was owed on the order. `shares` are (order id, owner, percent) in the order the shares were
    recorded (the first wins a tie for the largest). Each amount is split by `split_by_shares`
    (DESIGN.md glossary: every share but the largest rounded down to the cent, the largest takes
    the rest), so the parts of one amount add up to it exactly. A share whose owner is None takes
    part in the split but is left out of the answer: {(owner, key): sum of its parts}.
    """
    by_order: dict[int, list[tuple[Owner | None, Decimal]]] = defaultdict(list)
    for order_id, owner, percent in shares:
        by_order[order_id].append((owner, percent))
    credited: dict[tuple[Owner, Key], Decimal] = defaultdict(Decimal)
    for order_id, key, amount in amounts:
        order_shares = by_order.get(order_id, [])
        parts = split_by_shares(amount, [percent for _owner, percent in order_shares])
        for (owner, _percent), part in zip(order_shares, parts, strict=True):
            if owner is not None:
                credited[(owner, key)] += part
    return dict(credited)
