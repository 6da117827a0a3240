"""Appraisal schemes: validation (weights, bands), versions, and scoring a value."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from appraisal.models import AppraisalScheme, GradeBand, Kpi, SchemeKpi, ScoreBand, ScoringRule
from appraisal.services.common import Who
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Position

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass
class BandInput:
    lower: Decimal
    upper: Decimal | None
    score: Decimal


@dataclass
class LineInput:
    kpi: str
    weight: Decimal
    target: Decimal
    rule: str = ScoringRule.LINEAR_CAP
    cap: Decimal = Decimal(120)
    bands: list[BandInput] = field(default_factory=list)
    # Without a value the KPI scores 0 and blocks the approval (otherwise it is left out).
    required: bool = False


def _dec(value: Any, *, field_name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ApplicationError(_("Not a number."), fields={field_name: [_("Not a number.")]}) from exc


def _flag(value: Any, *, field_name: str) -> bool:
    """A yes/no from JSON or a form: true/false, 1/0, "true"/"false", "on"; absent or empty is no."""
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "on", "yes"):
        return True
    if text in ("false", "0", "off", "no"):
        return False
    raise ApplicationError(_("Must be true or false."), fields={field_name: [_("Must be true or false.")]})


def line_inputs(raw: Sequence[dict[str, Any]]) -> list[LineInput]:
    """Lines from plain dicts (API, forms): {kpi, weight, target, rule, cap, required,
    bands: [{lower, upper, score}]}."""
    lines = []
    for i, row in enumerate(raw):
        bands = [
            BandInput(
                lower=_dec(b.get("lower", 0), field_name=f"lines[{i}].bands"),
                upper=None if b.get("upper") in (None, "") else _dec(b["upper"], field_name=f"lines[{i}].bands"),
                score=_dec(b.get("score", 0), field_name=f"lines[{i}].bands"),
            )
            for b in row.get("bands") or []
        ]
        lines.append(
            LineInput(
                kpi=str(row.get("kpi", "")),
                weight=_dec(row.get("weight", 0), field_name=f"lines[{i}].weight"),
                target=_dec(row.get("target", 0), field_name=f"lines[{i}].target"),
                rule=str(row.get("rule") or ScoringRule.LINEAR_CAP),
                cap=_dec(
                    row.get("cap", 120) if row.get("cap") not in (None, "") else 120, field_name=f"lines[{i}].cap"
                ),
                bands=bands,
                required=_flag(row.get("required"), field_name=f"lines[{i}].required"),
            )
        )
    return lines


def check_weights(weights: Sequence[Decimal], *, field_name: str = "lines") -> None:
    """Weights must add up to exactly 100."""
    total = sum(weights, Decimal(0))
    if total != HUNDRED:
        message = _("The weights add up to %(total)s; they must add up to 100.") % {"total": f"{total:g}"}
        raise ApplicationError(message, fields={field_name: [message]})


def check_bands(bands: Sequence[tuple[Decimal, Decimal | None]], *, field_name: str, label: str = "") -> None:
    """Bands (lower inclusive, upper exclusive, the last open-ended) must cover 0 % upward with no
    gap and no overlap."""
    prefix = f"{label}: " if label else ""
    if not bands:
        message = prefix + _("Give at least one band.")
        raise ApplicationError(message, fields={field_name: [message]})
    ordered = sorted(bands, key=lambda b: b[0])
    if ordered[0][0] != 0:
        message = prefix + _("The first band must start at 0 %%; it starts at %(lower)s %%.") % {
            "lower": f"{ordered[0][0]:g}"
        }
        raise ApplicationError(message, fields={field_name: [message]})
    for i, (lower, upper) in enumerate(ordered):
        if upper is not None and upper <= lower:
            message = prefix + _("The band from %(lower)s %% ends at or before its start.") % {"lower": f"{lower:g}"}
            raise ApplicationError(message, fields={field_name: [message]})
        if i + 1 < len(ordered):
            next_lower = ordered[i + 1][0]
            if upper is None or upper > next_lower:
                message = prefix + _("The bands from %(a)s %% and from %(b)s %% overlap.") % {
                    "a": f"{lower:g}",
                    "b": f"{next_lower:g}",
                }
                raise ApplicationError(message, fields={field_name: [message]})
            if upper < next_lower:
                message = prefix + _("There is a gap between %(a)s %% and %(b)s %%.") % {
                    "a": f"{upper:g}",
                    "b": f"{next_lower:g}",
                }
                raise ApplicationError(message, fields={field_name: [message]})
        elif upper is not None:
            message = prefix + _("The last band must have no upper end (values above %(upper)s %% need a score).") % {
                "upper": f"{upper:g}"
            }
            raise ApplicationError(message, fields={field_name: [message]})


def validate_lines(lines: Sequence[LineInput], kpis: dict[str, Kpi]) -> None:
    if not lines:
        message = _("Give at least one KPI.")
        raise ApplicationError(message, fields={"lines": [message]})
    seen = set()
    for i, line in enumerate(lines):
        if line.kpi not in kpis:
            message = _("Unknown KPI %(kpi)s.") % {"kpi": line.kpi}
            raise ApplicationError(message, fields={f"lines[{i}].kpi": [message]})
        if line.kpi in seen:
            message = _("The KPI %(kpi)s appears twice.") % {"kpi": kpis[line.kpi].name}
            raise ApplicationError(message, fields={f"lines[{i}].kpi": [message]})
        seen.add(line.kpi)
        if line.weight <= 0:
            message = _("A weight must be above 0.")
            raise ApplicationError(message, fields={f"lines[{i}].weight": [message]})
        if line.target <= 0:
            message = _("A target must be above 0.")
            raise ApplicationError(message, fields={f"lines[{i}].target": [message]})
        if line.rule not in ScoringRule.values:
            message = _("Unknown scoring rule.")
            raise ApplicationError(message, fields={f"lines[{i}].rule": [message]})
        if line.rule == ScoringRule.LINEAR_CAP and line.cap < HUNDRED:
            message = _("The cap must be at least 100 %.")
            raise ApplicationError(message, fields={f"lines[{i}].cap": [message]})
        if line.rule == ScoringRule.BANDS:
            check_bands(
                [(b.lower, b.upper) for b in line.bands], field_name=f"lines[{i}].bands", label=kpis[line.kpi].name
            )
    check_weights([line.weight for line in lines])


@transaction.atomic
def scheme_create(
    *,
    name: str,
    position: str,
    valid_from: date,
    lines: Sequence[LineInput],
    by: Who,
    focus_product_lines: str = "",
    note: str = "",
) -> AppraisalScheme:
    """A new scheme for a position: the next version number. Nothing is saved when a check fails.
    Schemes are the company's: a director or an admin (rule units.manage on the company)."""
    actor = authority.require(by, "units.manage")
    if not name or not name.strip():
        raise ApplicationError(_("This field is required."), fields={"name": [_("This field is required.")]})
    if position not in Position.values:
        raise ApplicationError(_("Unknown position."), fields={"position": [_("Unknown position.")]})
    kpis = {k.code: k for k in Kpi.objects.filter(is_active=True)}
    validate_lines(lines, kpis)
    version = (AppraisalScheme.objects.filter(position=position).aggregate(v=Max("version"))["v"] or 0) + 1
    scheme = AppraisalScheme(
        name=name.strip(),
        position=position,
        version=version,
        valid_from=valid_from,
        focus_product_lines=focus_product_lines,
        note=note,
    )
    scheme._history_user = actor.history_user()
    scheme.save()
    created = SchemeKpi.objects.bulk_create(
        SchemeKpi(
            scheme=scheme,
            kpi=kpis[line.kpi],
            weight=line.weight,
            target=line.target,
            rule=line.rule,
            cap_percent=line.cap,
            required=line.required,
            sort_order=i,
        )
        for i, line in enumerate(lines)
    )
    ScoreBand.objects.bulk_create(
        ScoreBand(scheme_kpi=sk, lower_percent=b.lower, upper_percent=b.upper, score_percent=b.score)
        for sk, line in zip(created, lines, strict=True)
        if line.rule == ScoringRule.BANDS
        for b in line.bands
    )
    return scheme


def scheme_for(*, position: str, on: date, schemes: Sequence[AppraisalScheme]) -> AppraisalScheme | None:
    """The newest active version of a position's scheme valid on a day (from a preloaded list)."""
    candidates = [s for s in schemes if s.position == position and s.is_active and s.valid_from <= on]
    return max(candidates, key=lambda s: s.version, default=None)


# --- Scoring ------------------------------------------------------------------------------------


def score_line(
    *,
    value: Decimal | None,
    weight: Decimal,
    target: Decimal,
    rule: str,
    cap_percent: Decimal = Decimal(120),
    bands: Sequence[tuple[Decimal, Decimal | None, Decimal]] = (),
) -> Decimal:
    """The points a KPI value earns, rounded half-up to 2 decimals (0 when there is no value: a
    card leaves such a line out unless its KPI is required, see `periods._score_card`)."""
    if value is None or not target:
        return Decimal(0).quantize(CENT)
    achieved = Decimal(value) / Decimal(target) * HUNDRED  # % of target
    if rule == ScoringRule.PASS_FAIL:
        points = weight if value >= target else Decimal(0)
    elif rule == ScoringRule.BANDS:
        percent = Decimal(0)
        for lower, upper, score in bands:
            if achieved >= lower and (upper is None or achieved < upper):
                percent = score
                break
        points = weight * percent / HUNDRED
    else:
        points = weight * min(achieved, cap_percent) / HUNDRED
    return max(Decimal(0), points).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal, bands: Sequence[GradeBand]) -> str:
    """The grade of the highest band whose minimum the total reaches (bands sorted high to low)."""
    for band in bands:
        if total >= band.min_score:
            return band.grade
    return ""


def grade_bands() -> list[GradeBand]:
    return list(GradeBand.objects.order_by("-min_score"))
