"""Every export defuses spreadsheet formulas: no text cell starts with = + - @ (CSV and Excel).

The demo world's names and codes (people, teams, regions, customers) are poisoned with those
prefixes, then every export URL the apps offer is downloaded in both formats as the admin. A cell
that is a number (a negative gap is a number, not a formula) is fine; a text cell must carry the
leading apostrophe. A new URL whose name contains "export" and is not listed in EXPORTS fails the
test, so a new export cannot skip this check.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from dashboard.reports.catalogue import REPORTS
from tests.test_security_access import page_routes

DANGEROUS = ("=", "+", "-", "@")

# URL name -> list of (kwargs resolver, query strings). kwargs resolver takes nothing and gives kwargs.
EXPORTS: dict[str, list[str]] = {
    "customers:customer-export": ["format=csv", "format=xlsx"],
    "targets:export": ["format=csv", "format=xlsx"],
    "dashboard:export": [f"table={t}&format={f}" for t in ("children", "leaders", "flags") for f in ("csv", "xlsx")],
    "appraisal:period-export": [""],
    # Every report (dashboard/reports), filtered by nothing: all the rows the admin sees.
    **{f"dashboard:report-{key}-export": ["format=csv", "format=xlsx"] for key in REPORTS},
    # The payroll export changes state (statements marked exported), so it is a POST.
    "appraisal:statement-list": ["POST step=export"],
}


def _kwargs(name: str) -> dict:
    if name == "appraisal:period-export":
        from appraisal.models import AppraisalPeriod

        period = AppraisalPeriod.objects.order_by("pk").first()
        assert period is not None, "the demo world has no appraisal period"
        return {"pk": period.pk}
    return {}


def _poison() -> None:
    from customers.models import Customer
    from staff.models import Person, Region, Team

    for model, fields in (
        (Person, ("name", "employee_no")),
        (Team, ("name", "code")),
        (Region, ("name", "code")),
        (Customer, ("name", "code")),
    ):
        rows = list(model._default_manager.all())
        for i, row in enumerate(rows):
            for field in fields:
                setattr(row, field, DANGEROUS[i % 4] + str(getattr(row, field))[:8])
        model._default_manager.bulk_update(rows, list(fields))


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def _bad_cells(content: bytes, *, xlsx: bool) -> list[str]:
    bad = []
    if xlsx:
        book = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                bad += [v for v in row if isinstance(v, str) and v.startswith(DANGEROUS)]
    else:
        text = content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            bad += [v for v in row if v.startswith(DANGEROUS) and not _is_number(v)]
    return bad


def test_every_export_url_is_covered():
    names = {name for _route, name, _p in page_routes() if "export" in name}
    missing = names - set(EXPORTS)
    assert not missing, f"exports without a formula-escaping case: {sorted(missing)}: add them to EXPORTS"


@pytest.mark.django_db
def test_exports_escape_formula_prefixes(world):
    _poison()
    client = Client()
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    failures = []
    checked = 0
    for name, queries in EXPORTS.items():
        url = reverse(name, kwargs=_kwargs(name))
        for query in queries:
            if query.startswith("POST "):
                step = query.removeprefix("POST ").split("=", 1)
                response = client.post(url, {step[0]: step[1]})
            else:
                response = client.get(f"{url}?{query}" if query else url)
            if response.status_code != 200:
                failures.append(f"{url}?{query} -> {response.status_code}")
                continue
            xlsx = "spreadsheetml" in response["Content-Type"]
            assert xlsx or "csv" in response["Content-Type"], (url, query, response["Content-Type"])
            # Most exports stream (salesorg.exports); the older buffered form has `content`.
            content = response.getvalue() if response.streaming else response.content
            bad = _bad_cells(content, xlsx=xlsx)
            checked += 1
            if bad:
                failures.append(f"{url}?{query}: {len(bad)} unescaped cells, e.g. {bad[:3]}")
    assert checked
    assert not failures, "\n".join(failures)
