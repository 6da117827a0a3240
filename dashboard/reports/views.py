"""Report pages and their exports (read-only: GET only, nothing changes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dashboard.reports.base import Filters, Report
from dashboard.reports.catalogue import REPORTS
from dashboard.reports.forms import ReportFilterForm
from salesorg.exports import Table, export_response
from salesorg.paging import page_of

REPORT_PAGE_ROWS = 100


def _report(key: str) -> Report:
    try:
        return REPORTS[key]
    except KeyError:
        raise Http404 from None


def _filters(form: ReportFilterForm) -> Filters:
    data = form.cleaned_data
    return Filters(**{name: data.get(name) for name in ("date_from", "date_to", "region", "team", "rep")})


def _errors_text(form: ReportFilterForm) -> str:
    """Each refused field and why, one a line (the form's errors, in the request's language)."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        lines += [f"{name} ({label}): {error}" for error in errors]
    return "\n".join(lines)


@login_required
@require_GET
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/reports/index.html", {"reports": REPORTS.values()})


@login_required
@require_GET
def report_page(request: HttpRequest, key: str) -> HttpResponse:
    report = _report(key)
    form = ReportFilterForm(request.GET, user=request.user)
    context: dict[str, Any] = {"report": report, "reports": REPORTS.values(), "form": form}
    if not form.is_valid():
        return render(request, "dashboard/reports/report.html", {**context, "invalid": True}, status=400)
    f = _filters(form)
    page = page_of(request, report.rows(request.user, f), per_page=REPORT_PAGE_ROWS)
    ctx = report.context(request.user, f)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "dashboard/reports/report.html",
        {
            **context,
            "page": page,
            "rows": report.display_rows(page.object_list, f, ctx),
            "query": query.urlencode(),
        },
    )


@login_required
@require_GET
def report_export(request: HttpRequest, key: str) -> HttpResponse:
    """The filtered rows, all of them, streamed: CSV row by row as the client reads, Excel through a
    write-only workbook in a temporary file. A refused filter answers 400 naming the field."""
    report = _report(key)
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return HttpResponse(_errors_text(form), status=400, content_type="text/plain; charset=utf-8")
    f = _filters(form)
    ctx = report.context(request.user, f)
    rows = report.export_rows(report.rows(request.user, f), f, ctx)
    table = Table(columns=report.export_columns(), rows=rows, title=str(report.title))
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    filename = f"{report.key}-{timezone.localdate().isoformat()}"
    return export_response(table, filename=filename, fmt=fmt)
