"""Imports take whatever a sales office's spreadsheet tools produce, or refuse it cleanly.

All three importers (customers: customers/services/customer_io.py, targets:
targets/services/transfer.py, orders and payments: customers/services/imports.py) read files through
one reader, salesorg/imports.py: a UTF-8 BOM, GBK text, `;` separators, real .xlsx files with date
cells and formulas, blank trailing rows, a malformed file. Each is parsed right or refused with a
400-style ApplicationError naming the file or rows, and nothing is half-written. The same file
twice never doubles anything. A large file is read in memory bounded by its rows' parsed form, not
by several copies of the file. (More orders/payments cases live in customers/tests.)
"""

from __future__ import annotations

import contextlib
import io
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
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
def test_customers_import_semicolons_parsed(org):
    from customers.models import Customer

    # A European-locale Excel saves `;`; a quoted value may itself hold a `;` or a `,`.
    content = 'code;name;industry\nC-1;上海客户;制造\nC-2;"杭州;客户, 二";零售\n;;\n'.encode()
    _customers_import(org, "semi.csv", content)
    assert sorted(Customer.objects.filter(code__startswith="C-").values_list("code", "name", "industry")) == [
        ("C-1", "上海客户", "制造"),
        ("C-2", "杭州;客户, 二", "零售"),
    ]


@pytest.mark.django_db
def test_customers_import_gbk_with_chinese_names_and_header(org):
    from customers.models import Customer

    # What Chinese Windows Excel writes for "CSV": GBK, no BOM, CRLF line ends.
    content = "Code,Name,Address\r\nC-1,北京朝阳客户,朝阳区建国路1号\r\nC-2,深圳南山客户,南山区科技园\r\n".encode("gbk")
    _customers_import(org, "gbk.csv", content)
    assert sorted(Customer.objects.filter(code__startswith="C-").values_list("code", "name", "address")) == [
        ("C-1", "北京朝阳客户", "朝阳区建国路1号"),
        ("C-2", "深圳南山客户", "南山区科技园"),
    ]


@pytest.mark.django_db
def test_customers_import_refuses_10001_rows_and_writes_nothing(org):
    from customers.models import Customer
    from customers.services.customer_io import MAX_ROWS

    assert MAX_ROWS == 10_000
    content = ("code,name\n" + "".join(f"C-{n:05d},客户{n}\n" for n in range(10_001))).encode()
    before = Customer.objects.count()
    with pytest.raises(ApplicationError) as caught:
        _customers_import(org, "many.csv", content)
    assert caught.value.fields == {"file": ["At most 10000 rows."]}
    assert Customer.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("broken.xlsx", b"PK\x03\x04 this is not a zip"),
        ("binary.csv", bytes(range(256)) * 4),
        ("empty.csv", b""),
        ("other.pdf", b"%PDF-1.4"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)),
        ("long.csv", b'code,name\nC-1,"' + b"x" * 200_000 + b'"\n'),  # a cell past csv's field limit
        ("blank.csv", b"\n,,\n\n"),
    ],
)
def test_customers_import_refuses_malformed_files_and_writes_nothing(org, name, content):
    from customers.models import Customer

    before = Customer.objects.count()
    with pytest.raises(ApplicationError) as caught:
        _customers_import(org, name, content)
    assert list(caught.value.fields) == ["file"]
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


@pytest.mark.django_db
def test_targets_import_semicolons_parsed(org):
    from targets.models import Target
    from targets.services.transfer import COLUMNS, targets_import

    # `;`-separated, so amounts may carry `,` thousands separators without quotes.
    content = (
        ";".join(COLUMNS) + "\n"
        f"team;{org.t1a.code};sales_amount;2026-Q1;1,250,000.00;1,500,000\n"
        f"rep;{org.rep1a1.employee_no};sales_amount;2026-03;80000;\n"
        ";;;;;\n"
    ).encode()
    assert targets_import(user=org.director.user, name="t.csv", content=content) == 2
    team = Target.objects.get(team=org.t1a, metric="sales_amount", period="2026-Q1")
    assert (team.value, team.stretch_value) == (Decimal("1250000.00"), Decimal("1500000.00"))
    rep = Target.objects.get(person=org.rep1a1, metric="sales_amount", period="2026-03")
    assert (rep.value, rep.stretch_value) == (Decimal("80000.00"), None)
    # The same file again changes nothing and adds nothing.
    assert targets_import(user=org.director.user, name="t.csv", content=content) == 0
    assert Target.objects.count() == 2


@pytest.mark.django_db
def test_targets_import_gbk_with_chinese_codes(org):
    from staff.models import Region, Team
    from targets.models import Target
    from targets.services.transfer import COLUMNS, targets_import

    Region.objects.filter(pk=org.r1.pk).update(code="华东")
    Team.objects.filter(pk=org.t1a.pk).update(code="沪一组")
    content = (
        ",".join(COLUMNS) + "\r\n"
        "region,华东,sales_amount,2026,5000000,\r\n"
        "team,沪一组,sales_amount,2026-Q1,1250000.00,1500000\r\n"
    ).encode("gbk")
    assert targets_import(user=org.director.user, name="目标.csv", content=content) == 2
    assert Target.objects.get(region=org.r1, team=None, period="2026").value == Decimal("5000000.00")
    assert Target.objects.get(team=org.t1a, period="2026-Q1").stretch_value == Decimal("1500000.00")


@pytest.mark.django_db
def test_targets_import_bad_row_named_by_its_line_after_blank_rows(org):
    from targets.models import Target
    from targets.services.transfer import COLUMNS, targets_import

    # Blank rows do not shift the numbering: the bad row is the file's line 5.
    content = (
        ",".join(COLUMNS) + "\n"
        f"team,{org.t1a.code},sales_amount,2026-Q1,100,\n"
        "\n,,,,,\n"
        f"team,{org.t1a.code},sales_amount,2026-Q2,-5,\n"
    ).encode()
    with pytest.raises(ApplicationError) as caught:
        targets_import(user=org.director.user, name="t.csv", content=content)
    assert list(caught.value.fields) == ["row 5"]
    assert not Target.objects.exists()


def _with_cached_formula(content: bytes, formula: str, cached: str) -> bytes:
    """An .xlsx whose formula cell carries the value Excel computed (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{cached}</v>".encode())
                assert cached.encode() in data
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.django_db
def test_targets_import_reads_a_formula_as_its_cached_value(org):
    from targets.models import Target
    from targets.services.transfer import COLUMNS, targets_import

    sheet = _xlsx([list(COLUMNS), ["team", org.t1a.code, "sales_amount", "2026-Q1", "=100000*3", None]])
    content = _with_cached_formula(sheet, "100000*3", "300000")
    targets_import(user=org.director.user, name="t.xlsx", content=content)
    assert Target.objects.get(team=org.t1a, period="2026-Q1").value == Decimal("300000.00")


# --- orders and payments (customers/services/imports.py) ------------------------------------------


@pytest.fixture
def sales_master(org):
    from sales.tests.factories import CustomerFactory, ProductFactory

    CustomerFactory(code="C1", owner=org.rep1a1)
    ProductFactory(code="P1", list_price=Decimal("10.00"), unit_cost=Decimal("6.00"))
    ProductFactory(code="P2", list_price=Decimal("20.00"), unit_cost=Decimal("5.00"))
    return org


ORDERS_HEADER = ["erp_no", "order_date", "customer_code", "product_code", "quantity", "unit_price"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("semi.csv", lambda text: text.encode()),
        ("semi_bom.csv", lambda text: "\ufeff".encode() + text.encode()),
        ("tabs.txt", lambda text: text.replace(";", "\t").encode("utf-16")),  # Excel's "Unicode text"
    ],
)
def test_orders_import_semicolons_parsed(sales_master, name, encode):
    from sales.models import Order
    from sales.services.imports import import_orders

    text = (
        ";".join(ORDERS_HEADER) + "\n"
        "S1;2026-03-05;C1;P1;3;12.50\n"
        "S1;2026-03-05;C1;P2;2;1,250.00\n"  # a thousands separator needs no quotes in a `;` file
        "S2;2026/03/06;C1;P1;1;10\n"
        ";;;;;\n"
    )
    result = import_orders(content=encode(text), file_name=name, dry_run=False)
    assert result.ok, result.errors
    # S1: 3 x 12.50 + 2 x 1,250.00 = 37.50 + 2,500.00 = 2,537.50; S2: 1 x 10 = 10.00.
    assert dict(Order.objects.values_list("erp_no", "total_amount")) == {
        "S1": Decimal("2537.50"),
        "S2": Decimal("10.00"),
    }
    assert result.amount == Decimal("2547.50")
    again = import_orders(content=encode(text), file_name=name, dry_run=False)
    assert (again.created, again.unchanged) == (0, 2)
    assert Order.objects.count() == 2


@pytest.mark.django_db
def test_orders_and_payments_from_xlsx_date_cells_and_formulas(sales_master):
    from sales.models import Order, Payment
    from sales.services.imports import import_orders, import_payments

    sheet = _xlsx(
        [
            ORDERS_HEADER,
            # A date cell, a date-time cell at midnight, a whole float, a formula with its value.
            ["X1", date(2026, 2, 3), "C1", "P1", 10.0, 10.5],
            ["X2", datetime(2026, 2, 4, 0, 0), "C1", "P2", "=2*2", 20],
            [None] * 6,
            [None] * 6,
        ]
    )
    content = _with_cached_formula(sheet, "2*2", "4")
    result = import_orders(content=content, file_name="orders.xlsx", dry_run=False)
    assert result.ok, result.errors
    # X1: 10 x 10.50 = 105.00; X2: 4 x 20 = 80.00.
    assert sorted(Order.objects.values_list("erp_no", "date", "total_amount")) == [
        ("X1", date(2026, 2, 3), Decimal("105.00")),
        ("X2", date(2026, 2, 4), Decimal("80.00")),
    ]
    payments = _xlsx([["erp_no", "payment_date", "amount", "reference"], ["X1", datetime(2026, 3, 1, 9, 30), 50, "R1"]])
    assert import_payments(content=payments, file_name="p.xlsx", dry_run=False).created == 1
    assert import_payments(content=payments, file_name="p.xlsx", dry_run=False).unchanged == 1
    assert list(Payment.objects.values_list("date", "amount")) == [(date(2026, 3, 1), Decimal("50.00"))]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("orders.xlsx", b"PK\x03\x04 not a zip", "Not a readable Excel file."),
        ("orders.csv", bytes(range(256)) * 4, "The file's text encoding is not recognised."),
        ("orders.csv", b"", "The file is empty."),
        (
            "orders.csv",
            ",".join(ORDERS_HEADER).encode() + b'\nM1,2026-03-01,C1,P1,1,"' + b"9" * 200_000 + b'"\n',
            "The file is not a well-formed CSV file (line 2).",
        ),
    ],
)
def test_orders_import_refuses_a_malformed_file_naming_it_and_writes_nothing(sales_master, name, content, message):
    from sales.models import Order
    from sales.services.imports import import_orders

    result = import_orders(content=content, file_name=name, dry_run=False)
    assert result.errors == [{"line": 0, "field": "file", "message": message}]
    assert not Order.objects.exists()


# --- a large file ---------------------------------------------------------------------------------


def _large_orders_file(org, orders: int) -> bytes:
    """`orders` orders x 4 lines: 2 x P1 @ 10 + 1 x P2 @ 20 + 3 x P3 @ 5 + 1 x P4 @ 100 = 155.00 each."""
    shares = f"{org.rep1a1.employee_no}:60|{org.rep1a2.employee_no}:40"
    lines = [",".join([*ORDERS_HEADER, "shares"]) + "\n"]
    for n in range(orders):
        day = f"2026-03-{n % 28 + 1:02d}"
        for product, quantity, price in (("P1", 2, "10.00"), ("P2", 1, "20.00"), ("P3", 3, "5.00"), ("P4", 1, "100")):
            lines.append(f"BIG{n:05d},{day},C1,{product},{quantity},{price},{shares}\n")
    return "".join(lines).encode()


def _traced_peak(run) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        value = run()
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return value, peak


@pytest.mark.django_db
def test_a_large_orders_file_is_read_in_bounded_memory_and_imported_once(sales_master):
    from sales.models import Order, OrderLine
    from sales.services.imports import import_orders
    from sales.tests.factories import ProductFactory
    from salesorg.imports import read_table

    ProductFactory(code="P3", list_price=Decimal("5.00"), unit_cost=Decimal("1.00"))
    ProductFactory(code="P4", list_price=Decimal("100.00"), unit_cost=Decimal("50.00"))
    # Given 20,000 rows (5,000 orders of 4 lines), about 1.07 MB of CSV.
    content = _large_orders_file(sales_master, 5_000)
    rows, size = 20_000, len(content)

    # The reader alone, two passes as the importer makes them: a 64 KB chunk being decoded, the
    # text wrapper's buffer and one row at a time, whatever the file's size: under 1 MB. A reader
    # holding the decoded text (1.07 MB), a list of cell lists (~20,000 x 550 B) and a list of row
    # dicts (~20,000 x 450 B), as the three old readers did, needs ~20 MB here (measured: 23 MB).
    def read_twice() -> tuple[int, int]:
        table = read_table(name="big.csv", content=content)
        return sum(1 for _ in table), sum(1 for _ in table)

    counted, peak = _traced_peak(read_twice)
    assert counted == (rows, rows)
    assert peak < 1_000_000, f"reading took {peak / 1e6:.1f} MB"

    # The whole check (the dry run each upload gets first) keeps one parsed row per line until the
    # write: the row (~200 B with slots), 4 Decimals (~4 x 104 B), a date, the shares list of 2
    # (person, Decimal) pairs (~350 B) and the per-order lists and dict, about 1.1-1.2 KB a row =
    # 22-24 MB here (measured 24 MB, 23 x the file). With an old-style reader in its place the
    # copies above come on top (measured 37 MB, 34 x the file). The bound, 30 x the file (32 MB),
    # passes the first with room and stops the second.
    result, peak = _traced_peak(lambda: import_orders(content=content, file_name="big.csv", dry_run=True))
    assert result.ok and (result.total_rows, result.created) == (rows, 5_000)
    assert Order.objects.count() == 0
    assert peak < 30 * size, f"checking took {peak / 1e6:.1f} MB = {peak / size:.1f} x the file"

    # Then the import proper, and the same file again: 5,000 orders of 155.00 = 775,000.00, once.
    assert import_orders(content=content, file_name="big.csv", dry_run=False).created == 5_000
    again = import_orders(content=content, file_name="big.csv", dry_run=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5_000)
    assert (Order.objects.count(), OrderLine.objects.count()) == (5_000, 20_000)
    assert Order.objects.aggregate(total=Sum("total_amount"))["total"] == Decimal("775000.00")
