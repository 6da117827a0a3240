"""Pure helpers of the appraisal app (no database): sharing out the weights of KPIs left out, and
what each KPI is computed from (for the messages that say what a card is missing)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appraisal.models import KpiCode

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# The catalogue's NUMBER KPIs that count whole things; the others (average daily visits) have decimals.
COUNT_KPIS = {KpiCode.CUSTOMER_COUNT, KpiCode.CUSTOMER_BREADTH, KpiCode.NEW_CUSTOMERS}


def share_out_weights(weights: Sequence[Decimal], counted: Sequence[bool]) -> list[Decimal]:
    """The weights a card is scored with: the counted lines' weights scaled up to 100, 0 for the
    lines left out (DESIGN.md glossary: a KPI with no value is left out and the other weights are
    scaled up to 100 %).

    Each counted line gets weight x 100 / (sum of the counted weights), to the cent. The rounding
    is the glossary's for a breakdown: every share is rounded down to the cent, then the cents
    still missing go one each to the lines with the largest remainders (the earliest on a tie), so
    the effective weights add up to exactly 100.00 and a card that meets every target scores 100.
    Weights 40 / 30 / 30 with the third left out: 40 x 100 / 70 = 57.142857 -> 57.14 and
    30 x 100 / 70 = 42.857142 -> 42.85, one cent missing, given to the larger remainder: 42.86.

    When nothing is left out the scheme's weights (which add up to 100) come back unchanged; when
    nothing is counted every weight is 0.
    """
    weights = [Decimal(w) for w in weights]
    if all(counted):
        return list(weights)
    base = sum((w for w, c in zip(weights, counted, strict=True) if c), Decimal(0))
    if base <= 0:
        return [Decimal(0).quantize(CENT) for _w in weights]
    exact = [w * HUNDRED / base if c else Decimal(0) for w, c in zip(weights, counted, strict=True)]
    shares = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    missing_cents = int((HUNDRED - sum(shares, Decimal(0))) / CENT)
    by_remainder = sorted((i for i, c in enumerate(counted) if c), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:missing_cents]:
        shares[i] += CENT
    return shares


# What a KPI's value is computed from: a card missing a required KPI says what to record.
KPI_SOURCES: dict[str, Promise] = {
    KpiCode.TARGET_ACHIEVEMENT_RATE: _("an approved sales target of the period and the achievement engine's results"),
    KpiCode.GROSS_MARGIN_RATE: _("an approved gross margin target of the period and the achievement engine's results"),
    KpiCode.COLLECTION_RATE: _("instalments falling due by the period end on the person's orders"),
    KpiCode.AVERAGE_DAILY_VISITS: _("working days of the period in the working-day calendar"),
    KpiCode.CUSTOMER_COUNT: _("confirmed orders dated in the period"),
    KpiCode.CUSTOMER_BREADTH: _("confirmed orders dated in the period"),
    KpiCode.PRODUCT_MIX: _("the scheme's focus product lines and sales in the period"),
    KpiCode.CUSTOMER_SATISFACTION: _("customer evaluations dated in the period"),
    KpiCode.NEW_CUSTOMERS: _("the achievement engine's results of the period"),
}
