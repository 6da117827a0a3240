"""Writes of the forecast: a manager's adjustment (with history) and the weekly snapshot."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority
from staff.models import Person, Region, Team
from targets.forecast import LEVELS, forecast_rows
from targets.models import ForecastAdjustment, ForecastSnapshot, OwnerKind
from targets.services.targets import _money, parse_period


def forecast_owner(*, user: Any, owner_kind: str, owner_id: int | None) -> dict[str, Any]:
    """The owner's columns (owner_kind, region, team, person), looked up through the user's data
    scope: an owner outside it answers 404 like a missing one."""
    if owner_kind not in LEVELS:
        raise ApplicationError(_("Choose an owner kind."), fields={"owner_kind": [_("Choose an owner kind.")]})
    if owner_kind == OwnerKind.COMPANY:
        return {"owner_kind": owner_kind, "region": None, "team": None, "person": None}
    model = {OwnerKind.REGION: Region, OwnerKind.TEAM: Team, OwnerKind.REP: Person}[owner_kind]
    qs = model.objects.all() if user is None else model.objects.visible_to(user)
    owner = qs.filter(pk=owner_id).first() if owner_id else None
    if owner is None:
        raise Http404
    if owner_kind == OwnerKind.REGION:
        return {"owner_kind": owner_kind, "region": owner, "team": None, "person": None}
    if owner_kind == OwnerKind.TEAM:
        return {"owner_kind": owner_kind, "region": owner.region, "team": owner, "person": None}
    return {"owner_kind": owner_kind, "region": owner.region, "team": owner.team, "person": owner}


@transaction.atomic
def forecast_adjust(
    *,
    user: Any,
    owner_kind: str,
    owner_id: int | None,
    period: str,
    amount: Any,
    note: str,
) -> ForecastAdjustment:
    """Set a manager's figure for an owner's forecast of a period, with a note (the unit's manager
    or a manager above it; never the rep). A new figure replaces the previous one; the history
    keeps every one."""
    owner = forecast_owner(user=user, owner_kind=owner_kind, owner_id=owner_id)
    actor = authority.require(
        user,
        "targets.adjust_forecast",
        owner_kind=owner_kind,
        region_id=owner["region"].pk if owner["region"] else None,
        team_id=owner["team"].pk if owner["team"] else None,
        person_id=owner["person"].pk if owner["person"] else None,
    )
    parsed = parse_period(str(period))
    value = _money(amount, "amount")
    if not (note or "").strip():
        raise ApplicationError(_("Say why the forecast is adjusted."), fields={"note": [_("Required.")]})
    person = authority.require_person(user)
    probe = ForecastAdjustment(
        owner_kind=owner_kind, region=owner["region"], team=owner["team"], person=owner["person"]
    )
    adjustment = (
        ForecastAdjustment.objects.select_for_update()
        .filter(owner_kind=owner_kind, owner_key=probe.compute_owner_key(), period=str(parsed))
        .first()
    ) or probe
    adjustment.period = str(parsed)
    adjustment.amount = value
    adjustment.note = note.strip()
    adjustment.adjusted_by = person
    adjustment.adjusted_at = timezone.now()
    adjustment._history_user = actor.history_user()
    adjustment.save()
    return adjustment


def _periods_of(day: date) -> list[Period]:
    month = Period.month_of(day)
    return [month, month.parent, Period(month.year)]


@transaction.atomic
def forecast_snapshot_take(*, today: date | None = None) -> int:
    """Keep today's forecast of every owner for the month, quarter and year containing today (the
    weekly beat task). A rerun on the same day replaces that day's rows. Returns rows written.

    Five queries per (level, period), whatever the size of the organization."""
    today = today or timezone.localdate()
    snaps: list[ForecastSnapshot] = []
    periods = _periods_of(today)
    for period in periods:
        for level in LEVELS:
            for r in forecast_rows(user=None, level=level, period=period, today=today):
                snaps.append(
                    ForecastSnapshot(
                        owner_kind=level,
                        owner_key=r.owner_key,
                        region_id=r.region_id if level != OwnerKind.COMPANY else None,
                        team_id=r.team_id if level in (OwnerKind.TEAM, OwnerKind.REP) else None,
                        person_id=r.person_id if level == OwnerKind.REP else None,
                        period=str(period),
                        taken_on=today,
                        actual=r.actual,
                        target=r.target,
                        commit=r.amount("commit"),
                        best_case=r.amount("best_case"),
                        pipeline=r.amount("pipeline"),
                        weighted=r.pipeline_weighted,
                        forecast=r.forecast,
                        overdue=r.overdue_amount,
                        adjusted=r.adjustment.amount if r.adjustment else None,
                    )
                )
    ForecastSnapshot.objects.filter(taken_on=today, period__in=[str(p) for p in periods]).delete()
    ForecastSnapshot.objects.bulk_create(snaps, batch_size=1000)
    return len(snaps)
