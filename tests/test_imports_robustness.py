"""Imports take whatever a sales office's spreadsheet tools produce, or refuse it cleanly.

For the customers import (customers/services/customer_io.py) and the targets import
(targets/services/transfer.py): a UTF-8 BOM, GBK text, `;` separators, real .xlsx files with date
cells and formulas, blank trailing rows, a malformed file. Each is parsed right or refused with a
400-style ApplicationError naming the file or rows, and nothing is half-written. The same file
twice never doubles anything. (The orders/payments import has its own tests in customers/tests.)
"""

from __future__ import annotations

import contextlib
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from salesorg.exceptions import ApplicationError


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _customers_import(org, name: str, content: bytes):
    from customers.services.customer_io import customers_import

    return customers_import(user=org.tm1a.user, upload=_upload(name, content))


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bom.csv", "\ufeffcode,name\nC-1,上海客户\nC-2,杭州客户\n".encode()),
        ("gbk.csv", "code,name\nC-1,上海客户\nC-2,杭州客户\n".encode("gbk")),
        ("blank.csv", "code,name\nC-1,上海客户\nC-2,杭州客户\n,\n\n,,\n".encode()),
        ("sheet.xlsx", _xlsx([["code", "name"], ["C-1", "上海客户"], ["C-2", "杭州客户"], [None, None], [None, None]])),
    ],
)
def test_customers_import_reads_common_files(org, name, content):
    from customers.models import Customer

    _customers_import(org, name, content)
    assert dict(Customer.objects.filter(code__startswith="C-").values_list("code", "name")) == {
        "C-1": "上海客户",
        "C-2": "杭州客户",
    }
    # The same file again: refused (codes taken) or a no-op, never doubled.
    with contextlib.suppress(ApplicationError):
        _customers_import(org, name, content)
    assert Customer.objects.filter(code__startswith="C-").count() == 2


@pytest.mark.django_db
def test_customers_import_semicolons_parsed_or_refused_cleanly(org):
    from customers.models import Customer

    content = "code;name\nC-1;上海客户\n".encode()
    try:
        _customers_import(org, "semi.csv", content)
    except ApplicationError as exc:
        assert "file" in exc.fields
        assert not Customer.objects.filter(code__startswith="C-").exists()
    else:
        assert Customer.objects.get(code="C-1").name == "上海客户"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.xlsx", b"PK\x03\x04 this is not a zip"),
        ("binary.csv", bytes(range(256)) * 4),
        ("empty.csv", b""),
        ("other.pdf", b"%PDF-1.4"),
    ],
)
def test_customers_import_refuses_malformed_files_and_writes_nothing(org, name, content):
    from customers.models import Customer

    before = Customer.objects.count()
    with pytest.raises(ApplicationError):
        _customers_import(org, name, content)
    assert Customer.objects.count() == before


@pytest.mark.django_db
def test_customers_import_one_bad_row_writes_nothing(org):
    from customers.models import Customer

    content = "code,name\nC-1,上海客户\nC-2,\nC-3,南京客户\n".encode()
    with pytest.raises(ApplicationError) as caught:
        _customers_import(org, "rows.csv", content)
    assert "rows" in caught.value.fields or caught.value.fields
    assert not Customer.objects.filter(code__startswith="C-").exists()


def _target_rows(org) -> tuple[list[str], list[list]]:
    from targets.services.transfer import COLUMNS

    # owner_kind, owner code, metric, period, value, stretch (the export's columns)
    rows = [["team", org.t1a.code, "sales_amount", "2026-Q1", "300000.00", ""]]
    return list(COLUMNS), rows


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", ["bom", "blank", "xlsx", "xlsx_formula"])
def test_targets_import_reads_common_files(org, flavour):
    from targets.models import Target
    from targets.services.transfer import targets_import

    header, rows = _target_rows(org)
    if flavour in ("bom", "blank"):
        text = ",".join(header) + "\n" + "\n".join(",".join(r) for r in rows) + "\n"
        if flavour == "blank":
            text += ",,,,,\n\n"
        name, content = "t.csv", (("\ufeff" if flavour == "bom" else "") + text).encode()
    else:
        body = [list(r) for r in rows]
        if flavour == "xlsx_formula":
            body[0][4] = "=100000*3"  # a formula cell: no cached value in a file openpyxl wrote
        body.append([None] * len(header))
        name, content = "t.xlsx", _xlsx([header, *body, [date(2026, 1, 1)]])
    try:
        targets_import(user=org.director.user, name=name, content=content)
    except ApplicationError:
        # Refused cleanly (a formula without a value, a stray date row): nothing written.
        assert not Target.objects.exists()
        return
    target = Target.objects.get(team=org.t1a, metric="sales_amount", period="2026-Q1")
    assert str(target.value) == "300000.00"
    # Twice: updated in place, never doubled.
    targets_import(user=org.director.user, name=name, content=content)
    assert Target.objects.filter(team=org.t1a, metric="sales_amount", period="2026-Q1").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("gbk.csv", "owner_kind,团队\n".encode("gbk") + bytes([0xFF, 0xFE, 0x81])),
        ("broken.xlsx", b"PK\x03\x04 not a zip"),
        ("semi.csv", b"owner_kind;owner;metric;period;value\nteam;T1A;sales_amount;2026-Q1;1\n"),
        ("empty.csv", b""),
    ],
)
def test_targets_import_refuses_malformed_files_and_writes_nothing(org, name, content):
    from targets.models import Target
    from targets.services.transfer import targets_import

    with pytest.raises(ApplicationError):
        targets_import(user=org.director.user, name=name, content=content)
    assert not Target.objects.exists()
