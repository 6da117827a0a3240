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
from staff.models import Region, Team
from targets.forecast import CATEGORIES, forecast_rows, overdue_opportunities, snapshot_history, totals
from targets.services.forecast import forecast_adjust

LEVEL_LABELS = {"company": _("Company"), "region": _("Regions"), "team": _("Teams"), "rep": _("Reps")}


class AdjustmentForm(forms.Form):
    owner = forms.TypedChoiceField(label=_("Owner"), coerce=int, choices=())
    amount = forms.DecimalField(label=_("Adjusted forecast"), min_value=0, decimal_places=2, max_digits=16)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@login_required
def forecast(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start_level, _start_pk = selectors.top_level(request.user)
    levels = LEVELS[LEVELS.index(start_level) :]
    default_level = levels[1] if len(levels) > 1 else levels[0]
    level = request.GET.get("level") if request.GET.get("level") in levels else default_level
    kind = request.GET.get("kind") if request.GET.get("kind") in dict(MONTH_KINDS) else MONTH
    period = selectors.parse_period(request.GET.get("period"), kind, today)
    # Filters: a region or a team in the viewer's scope (a hidden id shows nothing, like a missing one).
    regions = list(Region.objects.visible_to(request.user).order_by("name"))
    teams = list(Team.objects.visible_to(request.user).order_by("name"))
    region_id = _int(request.GET.get("region"))
    team_id = _int(request.GET.get("team"))
    region_id = region_id if region_id in {r.pk for r in regions} else None
    team_id = team_id if team_id in {t.pk for t in teams} else None
    scope = {"region_id": region_id, "team_id": team_id}
    rows = forecast_rows(user=request.user, level=level, period=period, today=today, **scope)
    owners = [(r.owner_key, r.label) for r in rows]
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
    may_adjust = {
        r.owner_key
        for r in rows
        if authority.allowed(
            request.user,
            "targets.adjust_forecast",
            owner_kind=level,
            region_id=r.region_id,
            team_id=r.team_id,
            person_id=r.person_id,
        )
    }
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
            "query": urlencode(base),
            "today": today,
        },
        status=status,
    )
