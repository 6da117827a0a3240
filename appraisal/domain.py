"""Pure helpers of the appraisal app (no database): sharing out the weights of KPIs left out, and
what each KPI is computed from (for the messages that say what a card is missing)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

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


# --- commission ---------------------------------------------------------------------------------

# A tier as the domain reads it: (from % of target, to % of target or None for no top, rate %).
Tier = tuple[Decimal, Decimal | None, Decimal]
EXCESS = "excess"
WHOLE = "whole"


def _tier_reached(attainment: Decimal, tiers: Sequence[Tier]) -> Tier | None:
    """The tier whose [from, to) holds the attainment (% of target); the top one is open above."""
    for tier in sorted(tiers, key=lambda t: t[0]):
        lower, upper, _rate = tier
        if attainment >= lower and (upper is None or attainment < upper):
            return tier
    return None


def commission_earned(
    basis_amount: Decimal,
    target: Decimal | None,
    tiers: Sequence[Tier],
    mode: str = EXCESS,
    cap: Decimal | None = None,
    floor: Decimal | None = None,
) -> Decimal:
    """The commission a basis earns against a target, to the cent (half up). The one formula of
    the statements and the estimator.

    Excess only: each slice of the basis between a tier's bounds (as % of target) earns that
    tier's rate; with 0-80 % at 1 %, 80-100 % at 2 % and 100 %+ at 4 %, 110 of a 100 target earns
    80 x 1 % + 20 x 2 % + 10 x 4 % = 0.80 + 0.40 + 0.40 = 1.60.
    Whole amount: the whole basis earns the rate of the tier reached: 110 of 100 earns 110 x 4 %.
    Tiers above 100 % with higher rates are the accelerators. No target (or 0): nothing earned.
    Then the cap (at most) and the floor (at least) apply.
    """
    basis = Decimal(basis_amount)
    earned = Decimal(0)
    if target is not None and target > 0 and basis > 0:
        if mode == WHOLE:
            reached = _tier_reached(basis * HUNDRED / target, tiers)
            earned = basis * reached[2] / HUNDRED if reached is not None else Decimal(0)
        else:
            for lower, upper, rate in sorted(tiers, key=lambda t: t[0]):
                low = target * lower / HUNDRED
                high = basis if upper is None else min(basis, target * upper / HUNDRED)
                if high > low:
                    earned += (high - low) * rate / HUNDRED
    if cap is not None:
        earned = min(earned, cap)
    if floor is not None:
        earned = max(earned, floor)
    return earned.quantize(CENT, rounding=ROUND_HALF_UP)


def commission_by_line(
    amounts: Sequence[Decimal],
    target: Decimal | None,
    tiers: Sequence[Tier],
    mode: str = EXCESS,
    cap: Decimal | None = None,
) -> list[Decimal]:
    """What each basis amount (in date order) adds: the commission earned on the running total
    after it less the commission earned before it (`commission_earned`, the floor left out: it is
    a statement's minimum, not a line's). The lines add up exactly to the commission earned on
    the total, and an amount that crosses into a higher tier earns the higher rate on its part
    above the bound."""
    running, before, parts = Decimal(0), Decimal(0).quantize(CENT), []
    for amount in amounts:
        running += amount
        after = commission_earned(running, target, tiers, mode, cap)
        parts.append(after - before)
        before = after
    return parts


def next_tier_gap(
    basis_amount: Decimal, target: Decimal | None, tiers: Sequence[Tier]
) -> tuple[Decimal | None, Decimal | None]:
    """How much more basis reaches the next tier, and that tier's rate (None, None at the top or
    with no target)."""
    if target is None or target <= 0:
        return None, None
    attainment = Decimal(basis_amount) * HUNDRED / target
    for lower, _upper, rate in sorted(tiers, key=lambda t: t[0]):
        if lower > attainment:
            return (target * lower / HUNDRED - Decimal(basis_amount)).quantize(CENT, rounding=ROUND_HALF_UP), rate
    return None, None
