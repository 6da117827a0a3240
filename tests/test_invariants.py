"""Invariants that must hold for any input (Hypothesis), and money that must never go negative.

- the yearly breakdown: months add up to their quarter and quarters to the year, to the cent, for
  any amount and any 12 weights (the targets breakdown service);
- `split_by_shares`: the parts add up exactly, and the largest share (first on a tie) is primary
  and the only part that can take the rounding remainder;
- credit shares must sum to exactly 100: the order service refuses any other total;
- the database refuses negative money where the model forbids it (checked on rows of the demo world).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesorg.exceptions import ApplicationError
from salesorg.money import CENT, split_by_shares

FAST = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])

amounts = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2, allow_nan=False)
weights = st.lists(st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False), min_size=12, max_size=12)


@FAST
@given(amount=amounts, month_weights=weights)
def test_breakdown_months_sum_to_quarters_and_quarters_to_the_year(amount, month_weights):
    from targets.services.breakdown import split_year

    quarters, months = split_year(amount, month_weights)
    assert len(quarters) == 4 and len(months) == 12
    assert sum(quarters) == amount
    for q in range(4):
        assert sum(months[q * 3 : q * 3 + 3]) == quarters[q]
    assert all(m == m.quantize(CENT) and m >= 0 for m in months)


@FAST
@given(amount=amounts)
def test_breakdown_with_every_saved_template_shape(amount):
    """Equal, seasonal and all-in-one-month shapes (what templates hold) keep the sums exact."""
    from targets.services.breakdown import split_year

    for shape in ([1] * 12, [1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 5, 8], [0] * 11 + [1], [0] * 12):
        quarters, months = split_year(amount, [Decimal(w) for w in shape])
        assert sum(months) == sum(quarters) == amount


def test_breakdown_refuses_negative_or_missing_weights():
    from targets.services.breakdown import split_year

    with pytest.raises(ApplicationError):
        split_year(Decimal("100.00"), [Decimal(1)] * 11 + [Decimal(-1)])
    with pytest.raises(ApplicationError):
        split_year(Decimal("100.00"), [Decimal(1)] * 11)


@st.composite
def percents_summing_to_100(draw):
    """2-6 shares, each 0.01..100, adding up to exactly 100 (to the hundredth of a percent)."""
    n = draw(st.integers(min_value=1, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(min_value=1, max_value=9999), min_size=n - 1, max_size=n - 1, unique=True)))
    bounds = [0, *cuts, 10000]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(n)]


@FAST
@given(
    amount=st.decimals(min_value=Decimal("-99999999.99"), max_value=Decimal("99999999.99"), places=2),
    percents=percents_summing_to_100(),
)
def test_split_by_shares_parts_sum_exactly_and_primary_takes_the_rest(amount, percents):
    parts = split_by_shares(amount, percents)
    assert sum(parts) == amount
    primary = max(range(len(percents)), key=lambda i: (percents[i], -i))
    for i, (part, percent) in enumerate(zip(parts, percents, strict=True)):
        assert part == part.quantize(CENT)
        if i != primary:
            # Every non-primary part is its share rounded down to the cent.
            assert part == (amount * percent / 100).quantize(CENT, rounding=ROUND_DOWN)
    if amount >= 0:
        assert all(p >= 0 for p in parts)


@FAST
@given(percents=st.lists(st.decimals(min_value=Decimal("0.01"), max_value=100, places=2), min_size=1, max_size=5))
def test_credit_shares_must_sum_to_exactly_100(percents):
    from sales.domain import check_percents

    if sum(percents) == 100:
        check_percents(percents)
    else:
        with pytest.raises(ApplicationError) as caught:
            check_percents(percents)
        assert "shares" in caught.value.fields


@FAST
@given(
    percent=st.one_of(
        st.decimals(max_value=0, places=2, allow_nan=False, allow_infinity=False),
        st.decimals(min_value=Decimal("100.01"), places=2, allow_nan=False, allow_infinity=False),
    )
)
def test_a_share_outside_0_to_100_is_refused(percent):
    from sales.domain import check_percents

    with pytest.raises(ApplicationError):
        check_percents([percent, Decimal(100) - percent])


# Money the database must refuse to make negative: (model label, field, bad value).
NEVER_NEGATIVE = [
    ("targets.Target", "value", Decimal("-0.01")),
    ("sales.Payment", "amount", Decimal("-0.01")),
    ("sales.Payment", "amount", Decimal("0")),
    ("fieldwork.ExpenseClaim", "amount", Decimal("-0.01")),
    ("sales.Opportunity", "expected_amount", Decimal("-0.01")),
    ("sales.CreditShare", "percent", Decimal("0")),
    ("sales.CreditShare", "percent", Decimal("100.01")),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "field", "bad"), NEVER_NEGATIVE)
def test_database_refuses_negative_money(world, label, field, bad):
    from django.apps import apps

    model = apps.get_model(label)
    row = model._default_manager.order_by("pk").first()
    assert row is not None, f"the demo world has no {label}"
    with pytest.raises(IntegrityError), transaction.atomic():
        model._default_manager.filter(pk=row.pk).update(**{field: bad})
