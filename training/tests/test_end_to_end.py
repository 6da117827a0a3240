"""From orders and payments to the training suggestion: the engine computes the actuals, appraisal
the receivables collection rate, and training suggests the matching course."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from sales.models import CreditShare, Instalment, Order, OrderStatus, Payment
from salesorg.periods import Period
from training.models import TrainingSuggestion
from training.services import training_suggestions_generate
from training.tests.factories import CourseFactory, customer_for

kpis = pytest.importorskip("appraisal.services.kpis")
achievements = pytest.importorskip("targets.services.achievements")

pytestmark = pytest.mark.django_db


def test_a_rep_below_the_collection_target_gets_the_collection_course(org):
    course = CourseFactory(code="SK-COL", title="Receivables collection", topic="collection")
    rep, peer = org.rep1a1, org.rep1a2
    # rep1a1: one confirmed order of 10,000.00 on 10 January, one instalment due 9 February;
    # 6,000.00 paid on 20 February. Q1 2026: owed 10,000.00, collected 6,000.00 -> rate 0.6.
    order = Order.objects.create(
        number="E2E-1",
        customer=customer_for(rep, "E2E-A"),
        date=date(2026, 1, 10),
        status=OrderStatus.CONFIRMED,
        total_amount=Decimal("10000.00"),
        total_cost=Decimal("7000.00"),
    )
    CreditShare.objects.create(
        order=order,
        rep=rep,
        team=rep.team,
        region=rep.region,
        percent=Decimal("100"),
        is_primary=True,
        amount=Decimal("10000.00"),
        margin=Decimal("3000.00"),
    )
    Instalment.objects.create(order=order, due_date=date(2026, 2, 9), amount=Decimal("10000.00"))
    Payment.objects.create(order=order, date=date(2026, 2, 20), amount=Decimal("6000.00"))
    # rep1a2: 5,000.00 owed, all 5,000.00 collected -> rate 1.0, no suggestion.
    paid = Order.objects.create(
        number="E2E-2",
        customer=customer_for(peer, "E2E-B"),
        date=date(2026, 1, 15),
        status=OrderStatus.CONFIRMED,
        total_amount=Decimal("5000.00"),
        total_cost=Decimal("3000.00"),
    )
    CreditShare.objects.create(
        order=paid,
        rep=peer,
        team=peer.team,
        region=peer.region,
        percent=Decimal("100"),
        is_primary=True,
        amount=Decimal("5000.00"),
        margin=Decimal("2000.00"),
    )
    Instalment.objects.create(order=paid, due_date=date(2026, 2, 14), amount=Decimal("5000.00"))
    Payment.objects.create(order=paid, date=date(2026, 2, 10), amount=Decimal("5000.00"))

    # The nightly engine as of the end of the quarter, then appraisal's KPI values.
    achievements.achievements_recompute(as_of=date(2026, 3, 31))
    values = kpis.kpi_values(person_ids=[rep.pk, peer.pk], period=Period.parse("2026-Q1"))
    assert values[rep.pk]["collection_rate"] == Decimal("0.6")  # 6,000 / 10,000
    assert values[peer.pk]["collection_rate"] == Decimal("1")  # 5,000 / 5,000

    created = training_suggestions_generate(
        person_ids=[rep.pk, peer.pk],
        kpi_values={pid: {"collection_rate": v["collection_rate"]} for pid, v in values.items()},
        kpi_targets={"collection_rate": Decimal("0.90")},
        period="2026-Q1",
    )

    assert [(s.person, s.kpi_code, s.course) for s in created] == [(rep, "collection_rate", course)]
    assert TrainingSuggestion.objects.get().gap == Decimal("0.3")  # 0.90 - 0.60
