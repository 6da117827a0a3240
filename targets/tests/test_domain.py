"""The largest-remainder split of breakdowns and allocations (targets/domain.py), by hand and by
property: every child within one unit (a cent, or one for counts) of its exact share, the children
adding up exactly, and a stretch child never below the realistic child."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from targets.domain import CENT, ONE, split_by_weights, split_pair, split_year, weights_sum_to_hundred


def test_1250_into_three_gives_the_two_largest_remainders_a_cent():
    # 1250.00 / 3 = 416.666...: each rounded down 416.66 (3 x 416.66 = 1249.98), 2 cents left,
    # the remainders tie (0.666...), so the earliest two take one each.
    assert split_by_weights(Decimal("1250.00"), [ONE] * 3) == [
        Decimal("416.67"),
        Decimal("416.67"),
        Decimal("416.66"),
    ]


def test_the_largest_remainder_takes_the_cent_not_the_last_child():
    # 10.00 by weights 1, 1, 1, 3 (total 6): exact 1.666.., 1.666.., 1.666.., 5.00;
    # rounded down 1.66 x 3 + 5.00 = 9.98; 2 cents to the largest remainders (the first two, 0.666..),
    # none to the last, whose share is exact.
    assert split_by_weights(Decimal("10.00"), [1, 1, 1, 3]) == [
        Decimal("1.67"),
        Decimal("1.67"),
        Decimal("1.66"),
        Decimal("5.00"),
    ]


def test_counts_split_into_whole_units():
    # 10 visits into 4: 2.5 each -> 2 x 4 = 8, 2 left to the earliest (tie) -> 3, 3, 2, 2.
    assert split_by_weights(Decimal(10), [1, 1, 1, 1], unit=ONE) == [Decimal(3), Decimal(3), Decimal(2), Decimal(2)]


def test_year_of_awkward_cents():
    # 1,000,000.01 equally: each quarter's share 250,000.0025 -> 250,000.00 x 4, the cent left to Q1
    # (a tie: the earliest). Months' shares 83,333.334166..: Q1 = 250,000.01 = 3 x 83,333.33 + 2 cents
    # (January, February); Q4 = 250,000.00 = 3 x 83,333.33 + 1 cent (October).
    quarters, months = split_year(Decimal("1000000.01"), [ONE] * 12)
    assert quarters == [Decimal("250000.01")] + [Decimal("250000.00")] * 3
    assert months[:3] == [Decimal("83333.34"), Decimal("83333.34"), Decimal("83333.33")]
    assert months[9:] == [Decimal("83333.34"), Decimal("83333.33"), Decimal("83333.33")]


def test_template_weights_sum_to_a_hundred():
    assert weights_sum_to_hundred([Decimal("8.334"), Decimal("8.333"), Decimal("8.333")] * 4)
    assert not weights_sum_to_hundred([ONE] * 12)


amounts = st.decimals(min_value=0, max_value=Decimal("99999999999999.99"), places=2)
counts = st.integers(min_value=0, max_value=10**9).map(Decimal)
weight = st.decimals(min_value=0, max_value=1000, places=3)


def _within_one_unit(parts, exact, unit, *, strictly=True):
    """Each part within one unit of its exact share: strictly for a realistic split; a stretch split
    may sit exactly one unit away when that keeps it at or above the realistic one."""
    if strictly:
        return all(abs(Fraction(p) - e) < Fraction(unit) for p, e in zip(parts, exact, strict=True))
    return all(abs(Fraction(p) - e) <= Fraction(unit) for p, e in zip(parts, exact, strict=True))


def _check_year(total, stretch_extra, weights, unit):
    stretch = total + stretch_extra
    quarters, months = split_year(total, weights, unit)
    s_quarters, s_months = split_year(stretch, weights, unit, at_least=(quarters, months))
    # When no split within one unit stays at or above the realistic one, the stretch is the
    # realistic split plus the extra split by the same weights (within two units).
    extra_quarters, extra_months = split_year(stretch_extra, weights, unit)
    fallback = (
        [a + b for a, b in zip(quarters, extra_quarters, strict=True)],
        [a + b for a, b in zip(months, extra_months, strict=True)],
    )
    for value, qs, ms, strictly in ((total, quarters, months, True), (stretch, s_quarters, s_months, False)):
        weight_total = sum(Fraction(w) for w in weights) or None
        shares = [Fraction(w) / weight_total if weight_total else Fraction(1, 12) for w in weights]
        month_exact = [Fraction(value) * s for s in shares]
        quarter_exact = [sum(month_exact[q * 3 : q * 3 + 3]) for q in range(4)]
        assert sum(qs) == value
        assert all(sum(ms[q * 3 : q * 3 + 3]) == qs[q] for q in range(4))
        if strictly or (qs, ms) != fallback:
            assert _within_one_unit(qs, quarter_exact, unit, strictly=strictly)
            assert _within_one_unit(ms, month_exact, unit, strictly=strictly)
        else:
            assert _within_one_unit(qs, quarter_exact, 2 * unit, strictly=True)
            assert _within_one_unit(ms, month_exact, 2 * unit, strictly=True)
        assert all(p == p.quantize(unit) and p >= 0 for p in (*qs, *ms))
    assert all(s >= v for s, v in zip(s_quarters + s_months, quarters + months, strict=True))


def test_a_stretch_with_no_room_above_the_realistic_split_is_it_plus_the_extra():
    """Found by hypothesis: a count of 26,916 split by these weights rounds three months up
    (240.56 -> 241, 341.55 -> 342, 806.69 -> 807); a stretch of 26,917 has shares 240.57, 341.56,
    12,698.01, 806.72 and 12,830.14, whose least parts within one unit at or above the realistic
    months (241 + 342 + 12,698 + 807 + 12,830) add up to 26,918. The stretch is then the realistic
    split plus the extra 1 split by the same weights (to the largest share, December's)."""
    weights = [Decimal(w) for w in ("0",) * 3 + ("9.666", "13.724", "510.208") + ("0",) * 4 + ("32.414", "515.517")]
    quarters, months = split_year(Decimal(26916), weights, ONE)
    assert quarters == [0, 13280, 0, 13636]
    assert months == [0, 0, 0, 241, 342, 12697, 0, 0, 0, 0, 807, 12829]
    s_quarters, s_months = split_year(Decimal(26917), weights, ONE, at_least=(quarters, months))
    assert s_quarters == [0, 13280, 0, 13637]
    assert s_months == [0, 0, 0, 241, 342, 12697, 0, 0, 0, 0, 807, 12830]
    _check_year(Decimal(26916), Decimal(1), weights, ONE)


@settings(max_examples=300, deadline=None)
@given(amounts, amounts, st.lists(weight, min_size=12, max_size=12))
def test_every_quarter_and_month_is_within_a_cent_of_its_share(total, stretch_extra, weights):
    _check_year(total, stretch_extra, weights, CENT)


@settings(max_examples=300, deadline=None)
@given(counts, counts, st.lists(weight, min_size=12, max_size=12))
def test_count_breakdowns_are_whole_and_within_one_of_their_share(total, stretch_extra, weights):
    _check_year(total, stretch_extra, weights, ONE)


@settings(max_examples=300, deadline=None)
@given(amounts, amounts, st.lists(weight, min_size=1, max_size=40), st.sampled_from([CENT, ONE]))
def test_every_allocated_child_is_within_a_unit_of_its_share(total, stretch_extra, weights, unit):
    total = total.quantize(unit, rounding="ROUND_DOWN")
    stretch = total + stretch_extra.quantize(unit, rounding="ROUND_DOWN")
    values, stretches = split_pair(total, stretch, weights, unit)
    weight_total = sum(Fraction(w) for w in weights)
    for value, parts, strictly in ((total, values, True), (stretch, stretches, False)):
        exact = [
            Fraction(value) * Fraction(w) / weight_total if weight_total else Fraction(value) / len(weights)
            for w in weights
        ]
        assert sum(parts) == value
        assert _within_one_unit(parts, exact, unit, strictly=strictly)
    assert all(s >= v for s, v in zip(stretches, values, strict=True))
