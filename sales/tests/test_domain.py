"""Pure helpers of sales (no database)."""

from decimal import Decimal

from sales.domain import credit_by_shares


def test_credit_by_shares_splits_each_amount_and_adds_up_per_owner():
    # Order 1: shares A 33.33 %, B 66.67 %; lines 100.01 and 50.00 on line "x", 0.03 on "y".
    # 100.01 -> A floor(33.333333) = 33.33, B 66.68; 50.00 -> A 16.66, B 33.34; 0.03 -> A
    # floor(0.009999) = 0.00, B 0.03. Order 2: A alone, 7.00 on "x".
    shares = [(1, "A", Decimal("33.33")), (1, "B", Decimal("66.67")), (2, "A", Decimal("100"))]
    amounts = [
        (1, "x", Decimal("100.01")),
        (1, "x", Decimal("50.00")),
        (1, "y", Decimal("0.03")),
        (2, "x", Decimal("7")),
    ]
    assert credit_by_shares(amounts, shares) == {
        ("A", "x"): Decimal("56.99"),
        ("B", "x"): Decimal("100.02"),
        ("A", "y"): Decimal("0.00"),
        ("B", "y"): Decimal("0.03"),
    }


def test_a_tie_goes_to_the_first_share_and_unwanted_owners_still_split():
    # 50 / 50 of 0.01: the second is rounded down to 0.00, the first (tie) takes 0.01. With the
    # first share's owner left out (None), the second still gets 0.00, not the whole cent.
    assert credit_by_shares([(1, None, Decimal("0.01"))], [(1, "A", Decimal(50)), (1, "B", Decimal(50))]) == {
        ("A", None): Decimal("0.01"),
        ("B", None): Decimal("0.00"),
    }
    assert credit_by_shares([(1, None, Decimal("0.01"))], [(1, None, Decimal(50)), (1, "B", Decimal(50))]) == {
        ("B", None): Decimal("0.00")
    }
