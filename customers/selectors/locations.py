"""Reads of customers' locations: the proposals in scope and every position a customer had."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from customers.models import Customer, LocationProposal


def proposal_list(*, user: Any) -> QuerySet[LocationProposal]:
    """Location proposals of the customers the user sees (the customer's scope)."""
    return LocationProposal.objects.visible_to(user).select_related("customer", "proposed_by", "decided_by")


@dataclass(frozen=True)
class Position:
    since: datetime
    latitude: Decimal | None
    longitude: Decimal | None
    by: str


def location_history(*, customer: Customer) -> list[Position]:
    """Every position the customer had, oldest first, each from the history row that set it (one
    query): the customer's own history keeps them, whoever moved it."""
    rows = customer.history.order_by("history_date", "history_id").values(
        "history_date", "latitude", "longitude", "history_user__username"
    )
    positions: list[Position] = []
    for row in rows:
        point = (row["latitude"], row["longitude"])
        if positions and (positions[-1].latitude, positions[-1].longitude) == point:
            continue
        positions.append(
            Position(
                since=row["history_date"],
                latitude=point[0],
                longitude=point[1],
                by=row["history_user__username"] or "",
            )
        )
    return positions
