"""The forecast page: per owner and period, the computed forecast by category beside a manager's
adjustment, how it moved week by week, and the overdue pipeline (targets' forecast reads)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from dashboard import selectors
from dashboard.selectors import LEVELS, MONTH_KINDS
from salesorg.exceptions import ApplicationError, add_error_to_form
from salesorg.periods import MONTH, Period
from staff import authority
from staff.models import Person, Position, Region, Team
from staff.scope import viewer_for
from targets.forecast import CATEGORIES, forecast_rows, overdue_opportunities, snapshot_history, totals
from targets.services.forecast import forecast_adjust

LEVEL_LABELS = {"company": _("Company"), "region": _("Regions"), "team": _("Teams"), "rep": _("Reps")}


class AdjustmentForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=())
    amount = forms.DecimalField(label=_("Adjusted forecast"), min_value=0, decimal_places=2, max_digits=16)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, owners: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners or []


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _owners(
    user: Any, level: str, regions: list[Region], teams: list[Team], *, region_id: int | None, team_id: int | None
) -> list[tuple[int, str, dict[str, int | None]]]:
    """(id, name, unit columns) of the owners of `level` in the viewer's scope (and filters)."""
    if level == "company":
        return [(0, str(_("Company")), {})] if viewer_for(user).sees_all else []
    if level == "region":
        return [(r.pk, str(r), {"region_id": r.pk}) for r in regions if region_id in (None, r.pk)]
    if level == "team":
        return [
            (t.pk, str(t), {"region_id": t.region_id, "team_id": t.pk})
            for t in teams
            if region_id in (None, t.region_id) and team_id in (None, t.pk)
        ]
    people = Person.objects.visible_to(user).current().filter(position=Position.REP).order_by("name")
    if team_id:
        people = people.filter(team_id=team_id)
    elif region_id:
        people = people.filter(region_id=region_id)
    return [(p.pk, p.name, {"region_id": p.region_id, "team_id": p.team_id, "person_id": p.pk}) for p in people]


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # The filters come with the query string, and with the adjustment form when it is posted.
    params = request.POST if request.method == "POST" else request.GET
    start_level, _start_pk = selectors.top_level(request.user)
    levels = LEVELS[LEVELS.index(start_level) :]
    default_level = levels[1] if len(levels) > 1 else levels[0]
    level = params.get("level") if params.get("level") in levels else default_level
    kind = params.get("kind") if params.get("kind") in dict(MONTH_KINDS) else MONTH
    period = selectors.parse_period(params.get("period"), kind, today)
    # Filters: a region or a team in the viewer's scope (a hidden id shows nothing, like a missing one).
    regions = list(Region.objects.visible_to(request.user).order_by("name"))
    teams = list(Team.objects.visible_to(request.user).order_by("name"))
    region_id = _int(params.get("region"))
    team_id = _int(params.get("team"))
    region_id = region_id if region_id in {r.pk for r in regions} else None
    team_id = team_id if team_id in {t.pk for t in teams} else None
    scope = {"region_id": region_id, "team_id": team_id}
    rows = forecast_rows(user=request.user, level=level, period=period, today=today, **scope)
    # Whom the viewer may adjust: the owners of the level in their scope whose figure is theirs to
    # adjust (the authority rule), whether or not the engine has a row for them yet.
    candidates = _owners(request.user, level, regions, teams, region_id=region_id, team_id=team_id)
    may_adjust = {
        key
        for key, _label, unit in candidates
        if authority.allowed(request.user, "targets.adjust_forecast", owner_kind=level, **unit)
    }
    owners = [(key, label) for key, label, _unit in candidates if key in may_adjust or request.method == "POST"]
    form = AdjustmentForm(request.POST or None, owners=owners)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                forecast_adjust(
                    user=request.user,
                    owner_kind=level,
                    owner_id=form.cleaned_data["owner"] or None,
                    period=str(period),
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
            except ApplicationError as exc:
                add_error_to_form(form, exc)
            else:
                return redirect(request.get_full_path())
        status = 400
    days, moved = snapshot_history(user=request.user, level=level, period=period, **scope)
    overdue = overdue_opportunities(user=request.user, today=today, **scope)
    year = period.year
    period_choices = {
        "month": [str(m) for m in Period(year).month_periods()],
        "quarter": [str(q) for q in Period(year).children()],
        "year": [str(year - 1), str(year)],
    }[kind]
    base = {"level": level, "kind": kind, "period": str(period), "region": region_id or "", "team": team_id or ""}
    return render(
        request,
        "dashboard/forecast.html",
        {
            "rows": rows,
            "total": totals(rows),
            "categories": CATEGORIES,
            "level": level,
            "levels": [(code, LEVEL_LABELS[code]) for code in levels],
            "kind": kind,
            "kinds": MONTH_KINDS,
            "period": period,
            "period_choices": period_choices,
            "regions": regions,
            "teams": teams,
            "region_id": region_id,
            "team_id": team_id,
            "days": days,
            "moved": [(r, [moved.get(r.owner_key, {}).get(d) for d in days]) for r in rows],
            "overdue": overdue,
            "form": form if may_adjust else None,
            "may_adjust": may_adjust,
            "level_kind": {"level": level, "kind": kind, "period": str(period)},
            "query": urlencode(base),
            "today": today,
        },
        status=status,
    )
