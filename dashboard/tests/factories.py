"""Builders for the dashboard tests: a month of sales with targets, then the real engine."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from targets.services import achievements_recompute
from targets.tests import factories as tf

AS_OF = date(2026, 3, 15)


def sale(rep, day: date, amount: str):
    """A confirmed one-line order credited 100 % to a rep (margin: a quarter of the amount)."""
    margin = (Decimal(amount) / 4).quantize(Decimal("0.01"))
    cust = tf.customer(rep)
    return tf.order(
        cust,
        day,
        lines=[(amount, str(Decimal(amount) - margin))],
        shares=[(rep, rep.team, rep.region, "100", amount, str(margin), True)],
    )


def march_book(org) -> None:
    """March 2026 sales and targets, recomputed as of 2026-03-15.

    rep1a1 600 / 1000, rep1a2 200 / 1000, rep1b1 900 / 1000, rep2a1 300 / 1000 (sales amount).
    Teams: T1a 800 / 2000, T1b 900 / 1000, T2a 300 / 1000; regions R1 1700 / 3000, R2 300 / 1000;
    the company 2000 / 4000. Time progress of March as of the 15th: 15 / 31 = 0.4839.
    """
    o = org
    sale(o.rep1a1, date(2026, 3, 5), "600.00")
    sale(o.rep1a2, date(2026, 3, 10), "200.00")
    sale(o.rep1b1, date(2026, 3, 2), "900.00")
    sale(o.rep2a1, date(2026, 3, 3), "300.00")
    for rep in (o.rep1a1, o.rep1a2, o.rep1b1, o.rep2a1):
        tf.target(rep, period="2026-03", value="1000.00", status="approved")
    tf.target(o.t1a, period="2026-03", value="2000.00", status="approved")
    tf.target(o.t1b, period="2026-03", value="1000.00", status="approved")
    tf.target(o.t2a, period="2026-03", value="1000.00", status="approved")
    tf.target(o.r1, period="2026-03", value="3000.00", status="approved")
    tf.target(o.r2, period="2026-03", value="1000.00", status="approved")
    tf.target(None, period="2026-03", value="4000.00", status="approved")
    achievements_recompute(as_of=AS_OF)
