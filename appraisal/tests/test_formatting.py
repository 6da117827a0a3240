"""Rates as percentages and money with thousands separators on the appraisal pages, in English
and Chinese; rates as percentage cells in the Excel export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from appraisal.models import CommissionPlan, CommissionStatement, Scorecard
from appraisal.services import appraisal_period_open
from appraisal.tests import factories as f
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)


@pytest.fixture
def card(org) -> Scorecard:
    # rep1a1 sold 2817.30 against a target of 1000.00: achievement 2.8173 (281.7 %); the scheme's
    # target for the rate is 1.0 (100.0 %). Collection: nothing due, no value (left out).
    cust = f.customer(org.rep1a1, industry="x")
    f.order(
        cust,
        date(2026, 2, 10),
        lines=[(f.product("Std"), "2817.30", "1000.00")],
        shares=[(org.rep1a1, "100", "2817.30", "1817.30", True)],
    )
    f.target(org.rep1a1, "sales_amount", "2026-02", "1000.00")
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    return Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)


def _row(html: str, label: str) -> str:
    start = html.index(label)
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize(
    ("language", "kpi", "left_out"),
    [
        ("en", "Target achievement rate", "not measured, weight shared out"),
        ("zh-hans", "目标达成率", "未计量，权重已分摊"),
    ],
)
def test_the_card_page_shows_rates_as_percentages(client, org, card, language, kpi, left_out):
    client.force_login(org.tm1a.user)
    html = client.get(f"/appraisal/scorecards/{card.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    row = _row(html, kpi)
    # Target 1.0 -> 100.0%, value 2.8173 -> 281.7%; not the raw 1.0000 and 2.8173.
    assert "100.0%" in row
    assert "281.7%" in row
    assert "2.8173" not in row
    assert left_out in html


def test_commission_pages_show_money_grouped_and_rates_as_percentages(client, org):
    plan = CommissionPlan.objects.create(name="Reps", metric="sales_amount", position="rep")
    CommissionStatement.objects.create(
        plan=plan,
        person=org.rep1a1,
        team=org.t1a,
        region=org.r1,
        period="2026-02",
        actual=Decimal("1234567.00"),
        target=Decimal("1000000.00"),
        achievement_rate=Decimal("1.2346"),
        amount=Decimal("12345.60"),
        computed_at=timezone.now(),
    )
    client.force_login(org.tm1a.user)
    for url in ("/appraisal/commission/", f"/appraisal/people/{org.rep1a1.pk}/"):
        html = client.get(url).content.decode()
        assert "1,234,567.00" in html
        assert "12,345.60" in html
        assert "123.5%" in html


def test_the_excel_export_writes_rates_as_percentage_cells(client, org, card):
    client.force_login(org.tm1a.user)
    sheet = load_workbook(BytesIO(client.get(f"/appraisal/periods/{card.appraisal_period_id}/export/").getvalue()))
    rows = list(sheet.active.iter_rows())
    header = [cell.value for cell in rows[0]]
    mine = next(row for row in rows[1:] if row[2].value == "rep1a1")
    value = mine[header.index("Target achievement rate · value")]
    target = mine[header.index("Target achievement rate · target")]
    assert (value.value, value.number_format) == (pytest.approx(2.8173), "0.0%")
    assert (target.value, target.number_format) == (pytest.approx(1.0), "0.0%")
    # Collection had nothing due: left out, effective weight 0.
    assert mine[header.index("Receivables collection rate · effective weight")].value == 0
