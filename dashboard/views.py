"""Pages: the root page (dashboard for managers, home for reps), drill-down, charts, exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dashboard import selectors
from dashboard.selectors import COMPANY, LEVELS, MONTH_KINDS, Node
from salesorg.exports import Column, Kind, Table, export_response
from salesorg.periods import MONTH, Period
from staff import authority
from staff.models import Person
from staff.scope import viewer_for
from targets.models import COUNT_METRICS, Metric

EXPORT_TABLES = ("children", "leaders", "flags")
CHARTS_CACHE_SECONDS = 300


def _params(request: HttpRequest) -> dict[str, Any]:
    """Period kind, period and metric from the query string (defaults: this month, sales amount)."""
    today = timezone.localdate()
    kind = request.GET.get("kind") or MONTH
    if kind not in dict(MONTH_KINDS):
        kind = MONTH
    period = selectors.parse_period(request.GET.get("period"), kind, today)
    metric = request.GET.get("metric") or Metric.SALES_AMOUNT
    if metric not in Metric.values:
        metric = Metric.SALES_AMOUNT
    return {"kind": kind, "period": period, "metric": metric, "today": today}


def _node(request: HttpRequest, p: dict[str, Any]) -> Node:
    try:
        pk = int(request.GET.get("id") or 0)
    except ValueError:
        pk = 0
    link = {"kind": p["kind"], "period": str(p["period"]), "metric": p["metric"]}
    return selectors.resolve_node(user=request.user, level=request.GET.get("level"), pk=pk, params=link)


def _is_rep(request: HttpRequest) -> Person | None:
    """The person whose home is the rep's page: anyone who manages no unit (`authority.is_manager`)."""
    actor = authority.actor_of(request.user)
    if actor.is_admin or actor.person is None or actor.is_manager:
        return None
    return actor.person


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The root page: the rep's home for a rep, the dashboard for a manager, the org page otherwise."""
    viewer = viewer_for(request.user)
    if viewer.person_id is None and not viewer.sees_all:
        from staff.views import home as staff_home

        return staff_home(request)
    rep = _is_rep(request)
    if rep is not None:
        return rep_home(request, rep)
    return index(request)


def rep_home(request: HttpRequest, person: Person) -> HttpResponse:
    today = timezone.localdate()
    context = selectors.rep_home(user=request.user, person=person, today=today)
    return render(request, "dashboard/rep_home.html", {**context, "person": person})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    p = _params(request)
    node = _node(request, p)
    link = {"kind": p["kind"], "period": str(p["period"]), "metric": p["metric"]}
    data = selectors.dashboard(user=request.user, node=node, period=p["period"], metric=p["metric"], params=link)
    query = request.GET.copy()
    query.pop("table", None)
    query.pop("format", None)
    year = p["period"].year
    period_choices = {
        "month": [str(m) for m in Period(year).month_periods()],
        "quarter": [str(q) for q in Period(year).children()],
        "year": [str(year - 1), str(year)],
    }[p["kind"]]
    return render(
        request,
        "dashboard/index.html",
        {
            **data,
            **p,
            "node": node,
            "levels": LEVELS,
            "kinds": MONTH_KINDS,
            "metrics": Metric.choices,
            "period_choices": period_choices,
            "metric_label": Metric(p["metric"]).label,
            "is_count": p["metric"] in ("visits", "new_customers"),
            "query": query.urlencode(),
            "charts_url": reverse("dashboard:charts") + "?" + request.GET.urlencode(),
            "contests": selectors.contests(user=request.user),
            "is_company": node.level == COMPANY,
        },
    )


@login_required
def charts(request: HttpRequest) -> JsonResponse:
    """The charts that read the commercial record: funnel, product mix, receivables ageing."""
    p = _params(request)
    node = _node(request, p)
    viewer = viewer_for(request.user)
    # These read orders, payments and opportunities: kept for a few minutes per scope and node,
    # so the dashboard's reloads do not aggregate the commercial record again and again.
    key = ":".join(
        map(
            str,
            (
                "dashboard-charts",
                viewer.person_id,
                viewer.scope,
                viewer.sees_all,
                node.level,
                node.pk,
                p["period"],
                p["today"],
                translation.get_language(),
            ),
        )
    )
    data = cache.get(key)
    if data is None:
        data = _charts_data(request, node, p)
        cache.set(key, data, CHARTS_CACHE_SECONDS)
    return JsonResponse(data)


def _charts_data(request: HttpRequest, node: Node, p: dict[str, Any]) -> dict[str, Any]:
    funnel = selectors.pipeline_funnel(user=request.user, node=node)
    ageing = selectors.receivables(user=request.user, node=node, today=p["today"])
    mix = selectors.product_mix(user=request.user, node=node, period=p["period"])
    return {
        "funnel": [
            {"name": f["stage_name"], "value": str(f["expected"] or 0), "weighted": str(f["weighted"] or 0)}
            for f in funnel
        ],
        "mix": mix,
        "ageing": {
            "labels": [_("Not due"), _("1-30 days"), _("31-60 days"), _("61-90 days"), _("Over 90 days")],
            "values": [str(ageing[k]) for k in ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90")],
        },
    }


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The table on screen, as filtered, to CSV or Excel."""
    p = _params(request)
    node = _node(request, p)
    table = request.GET.get("table") if request.GET.get("table") in EXPORT_TABLES else "children"
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    link = {"kind": p["kind"], "period": str(p["period"]), "metric": p["metric"]}
    data = selectors.dashboard(user=request.user, node=node, period=p["period"], metric=p["metric"], params=link)
    metric_label = str(Metric(p["metric"]).label)
    money = Kind.COUNT if Metric(p["metric"]) in COUNT_METRICS else Kind.MONEY
    if table == "flags":
        columns = [
            Column(_("Customer")),
            Column(_("Rep")),
            Column(_("Days without contact"), Kind.COUNT),
            Column(_("Last contact"), Kind.DATE),
        ]
        rows = [[f.customer.name, f.person.name, f.days_without_contact, f.last_contact] for f in data["flagged"]]
    elif table == "leaders":
        columns = [
            Column(_("Rank"), Kind.COUNT),
            Column(_("Rep")),
            Column(_("Actual"), money),
            Column(_("Target"), money),
            Column(_("Achievement rate"), Kind.RATIO),
        ]
        rows = [[rank, label, a.actual, a.target, a.rate] for rank, _pk, label, a in data["leaders"]]
    else:
        columns = [
            Column(pgettext("target", "Owner")),
            Column(_("Actual"), money),
            Column(_("Target"), money),
            Column(_("Achievement rate"), Kind.RATIO),
            Column(_("Time progress"), Kind.RATIO),
            Column(_("Behind")),
            Column(_("Forecast"), money),
            Column(_("Gap"), money),
        ]
        rows = [
            [
                r.label,
                r.achievement.actual,
                r.achievement.target,
                r.achievement.rate,
                r.achievement.time_progress,
                _("yes") if r.achievement.is_behind else _("no"),
                r.forecast,
                r.gap,
            ]
            for r in data["table"]
        ]
    filename = f"{table}-{node.level}-{node.pk}-{p['metric']}-{p['period']}"
    sheet = Table(columns=columns, rows=rows, title=f"{metric_label} {p['period']}")
    return export_response(sheet, filename=filename, fmt=fmt)
