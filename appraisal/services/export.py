"""The export of a period's scorecards (the rows the viewer may see), through `salesorg.exports`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from appraisal.domain import COUNT_KPIS
from appraisal.models import Kpi, KpiUnit, Scorecard
from salesorg.exports import Column, Kind, Table


def _kpi_kind(kpi: Kpi) -> Kind:
    if kpi.unit == KpiUnit.RATE:
        return Kind.RATIO
    if kpi.code in COUNT_KPIS:
        return Kind.COUNT
    return Kind.DECIMAL


def scorecards_table(*, scorecards: QuerySet[Scorecard]) -> Table:
    """One row per scorecard: period, person, position, unit, status, total, grade, ranks, when the
    person acknowledged it, then each KPI's value, target, effective weight (0 for a KPI left out:
    not measured, its weight shared out) and score, empty where the card has no such line. Rate
    KPIs are percentage cells (`Kind.RATIO`). Names and codes are user-typed text: the writer
    defuses spreadsheet formulas in them."""
    cards = list(
        scorecards.select_related("person", "team", "region", "appraisal_period").prefetch_related("lines__kpi")
    )
    kpis: dict[str, Kpi] = {}
    for card in cards:
        for line in card.lines.all():
            kpis.setdefault(line.kpi.code, line.kpi)
    columns = [
        Column(_("Period")),
        Column(_("Employee number")),
        Column(pgettext("person", "Name")),
        Column(_("Position")),
        Column(_("Region")),
        Column(_("Team")),
        Column(_("Status")),
        Column(_("Total score"), Kind.DECIMAL),
        Column(_("Grade")),
        Column(_("Rank in team"), Kind.COUNT),
        Column(_("Rank in region"), Kind.COUNT),
        Column(_("Rank in company"), Kind.COUNT),
        Column(_("Acknowledged at"), Kind.DATETIME),
    ]
    for kpi in kpis.values():
        kind = _kpi_kind(kpi)
        columns += [
            Column(f"{kpi.name} · {_('value')}", kind),
            Column(f"{kpi.name} · {_('target')}", kind),
            Column(f"{kpi.name} · {_('effective weight')}", Kind.DECIMAL),
            Column(f"{kpi.name} · {_('score')}", Kind.DECIMAL),
        ]
    return Table(columns=columns, rows=[_row(card, kpis) for card in cards], title="scorecards")


def _row(card: Scorecard, kpis: dict[str, Kpi]) -> list[Any]:
    row: list[Any] = [
        card.appraisal_period.period,
        card.person.employee_no,
        card.person.name,
        card.get_position_display(),
        card.region.name if card.region else None,
        card.team.name if card.team else None,
        card.get_status_display(),
        card.total_score,
        card.grade,
        card.rank_team,
        card.rank_region,
        card.rank_company,
        card.acknowledged_at,
    ]
    by_code = {line.kpi.code: line for line in card.lines.all()}
    for code in kpis:
        line = by_code.get(code)
        row += [line.value, line.target, line.effective_weight, line.score] if line else [None] * 4
    return row
