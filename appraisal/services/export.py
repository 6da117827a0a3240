"""Excel export of a period's scorecards (the rows the viewer may see)."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook

from salesorg.exports import safe_cell


def scorecards_to_excel(*, scorecards) -> bytes:
    """One row per scorecard: person, unit, total, grade, ranks, then each KPI's value and score."""
    cards = list(
        scorecards.select_related("person", "team", "region", "appraisal_period").prefetch_related("lines__kpi")
    )
    kpi_names: dict[str, str] = {}
    for card in cards:
        for line in card.lines.all():
            kpi_names.setdefault(line.kpi.code, str(line.kpi.name))
    book = Workbook()
    sheet = book.active
    sheet.title = "scorecards"
    header = [
        _("Period"),
        _("Employee number"),
        _("Name"),
        _("Region"),
        _("Team"),
        _("Status"),
        _("Total score"),
        _("Grade"),
        _("Rank in team"),
        _("Rank in region"),
        _("Rank in company"),
    ]
    for name in kpi_names.values():
        header += [f"{name} · {_('value')}", f"{name} · {_('target')}", f"{name} · {_('score')}"]
    sheet.append([safe_cell(str(h)) for h in header])
    for card in cards:
        by_code = {line.kpi.code: line for line in card.lines.all()}
        row = [
            card.appraisal_period.period,
            card.person.employee_no,
            card.person.name,
            card.region.name if card.region else "",
            card.team.name if card.team else "",
            str(card.get_status_display()),
            card.total_score,
            card.grade,
            card.rank_team,
            card.rank_region,
            card.rank_company,
        ]
        for code in kpi_names:
            line = by_code.get(code)
            row += [line.value, line.target, line.score] if line else ["", "", ""]
        # Names and codes are user-typed text: defuse spreadsheet formulas (=, +, -, @).
        sheet.append([safe_cell(v) for v in row])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
