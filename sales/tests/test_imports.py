"""ERP imports: dry run names every bad row, the import writes all rows or none, twice = once."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from openpyxl import Workbook

from sales.models import CreditShare, ImportJob, ImportStatus, Order, OrderLine, Payment
from sales.services.imports import import_job_create, import_orders, import_payments
from sales.tests.factories import CustomerFactory, ProductFactory

HEADER = "erp_no,order_date,customer_code,product_code,quantity,unit_price,shares\n"


@pytest.fixture
def master(org):
    CustomerFactory(code="C1", owner=org.rep1a1)
    CustomerFactory(code="C2", owner=org.rep1b1)
    ProductFactory(code="P1", list_price=Decimal("10.00"), unit_cost=Decimal("6.00"))
    ProductFactory(code="P2", list_price=Decimal("20.00"), unit_cost=Decimal("5.00"))
    return org


def thousand_rows(org, bad_line: int | None = None) -> bytes:
    """500 orders x 2 lines = 1,000 rows; each order: 2 x P1 @ 10 + 1 x P2 @ 20 = 40.00."""
    shares = f"{org.rep1a1.employee_no}:60|{org.rep1a2.employee_no}:40"
    rows = [HEADER]
    for n in range(500):
        rows.append(f"ERP{n:04d},2026-03-{n % 28 + 1:02d},C1,P1,2,10.00,{shares}\n")
        rows.append(f"ERP{n:04d},2026-03-{n % 28 + 1:02d},C1,P2,1,20.00,{shares}\n")
    if bad_line is not None:
        # Line numbers count the header as line 1: data row i is on line i + 1.
        rows[bad_line - 1] = rows[bad_line - 1].replace(",P2,", ",NOPE,").replace(",P1,", ",NOPE,")
    return "".join(rows).encode()


def test_one_bad_row_among_a_thousand_imports_nothing_and_names_it(master):
    content = thousand_rows(master, bad_line=637)
    result = import_orders(content=content, file_name="orders.csv", dry_run=False)
    assert [(e["line"], e["field"]) for e in result.errors] == [(637, "product_code")]
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0


def test_same_good_file_twice_gives_the_same_totals(master):
    content = thousand_rows(master)
    first = import_orders(content=content, file_name="orders.csv", dry_run=False)
    assert first.ok and first.created == 500
    # 500 orders x 40.00 = 20,000.00; 60% share of each = 24.00 -> 12,000.00 for rep1a1.
    totals = Order.objects.aggregate(total=Sum("total_amount"))["total"]
    assert totals == Decimal("20000.00")
    assert CreditShare.objects.filter(rep=master.rep1a1).aggregate(s=Sum("amount"))["s"] == Decimal("12000.00")
    second = import_orders(content=content, file_name="orders.csv", dry_run=False)
    assert second.ok and (second.created, second.unchanged) == (0, 500)
    assert Order.objects.count() == 500 and OrderLine.objects.count() == 1000
    assert Order.objects.aggregate(total=Sum("total_amount"))["total"] == Decimal("20000.00")


def test_dry_run_lists_every_bad_row_and_writes_nothing(master):
    content = (
        HEADER
        + "A1,2026-03-01,C1,P1,2,10,\n"  # line 2: good (100% to the owner)
        + "A2,2026-13-01,C1,P1,2,10,\n"  # line 3: malformed date
        + "A3,2026-03-01,C9,P1,2,10,\n"  # line 4: unknown customer
        + "A4,2026-03-01,C1,P1,-2,10,\n"  # line 5: negative quantity
        + "A5,2026-03-01,C1,P1,2,-1,\n"  # line 6: negative price
        + f"A6,2026-03-01,C1,P1,2,10,{master.rep1a1.employee_no}:50|{master.rep1a2.employee_no}:49\n"  # 99
        + "\n\n"  # blank trailing rows are skipped
    ).encode()
    result = import_orders(content=content, file_name="orders.csv", dry_run=True)
    assert [(e["line"], e["field"]) for e in result.errors] == [
        (3, "order_date"),
        (4, "customer_code"),
        (5, "quantity"),
        (6, "unit_price"),
        (7, "shares"),
    ]
    assert result.total_rows == 6
    assert Order.objects.count() == 0


def test_gbk_semicolon_and_bom(master):
    text = "订单号;订单日期;客户编码;产品编码;数量;单价\nG1;2026/03/05;C2;P2;3;20\n"
    for content in (text.encode("gbk"), "\ufeff".encode() + text.encode()):
        Order.objects.all().delete()
        result = import_orders(content=content, file_name="erp.csv", dry_run=False)
        assert result.ok, result.errors
        order = Order.objects.get(erp_no="G1")
        # 3 x 20 = 60.00, all to the customer's owner.
        assert (order.date, order.total_amount) == (date(2026, 3, 5), Decimal("60.00"))
        assert order.shares.get().rep == master.rep1b1


def excel(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_excel_with_date_cells_and_payments(master):
    content = excel(
        [
            ["erp_no", "order_date", "customer_code", "product_code", "quantity", "unit_price"],
            ["X1", date(2026, 2, 3), "C1", "P1", 10, 10.5],
            [None, None, None, None, None, None],
        ]
    )
    result = import_orders(content=content, file_name="orders.xlsx", dry_run=False)
    assert result.ok, result.errors
    order = Order.objects.get(erp_no="X1")
    assert (order.date, order.total_amount) == (date(2026, 2, 3), Decimal("105.00"))  # 10 x 10.50
    payments = excel(
        [
            ["erp_no", "payment_date", "amount", "reference"],
            ["X1", date(2026, 3, 1), 100, "R1"],
            ["X1", date(2026, 3, 2), 5.01, "R2"],  # 100 + 5.01 > 105.00: above the balance
        ]
    )
    result = import_payments(content=payments, file_name="payments.xlsx", dry_run=False)
    assert [(e["line"], e["field"]) for e in result.errors] == [(3, "amount")]
    assert Payment.objects.count() == 0
    good = excel([["erp_no", "payment_date", "amount", "reference"], ["X1", date(2026, 3, 1), 100, "R1"]])
    assert import_payments(content=good, file_name="p.xlsx", dry_run=False).created == 1
    # The same payment file again: nothing new.
    again = import_payments(content=good, file_name="p.xlsx", dry_run=False)
    assert (again.created, again.unchanged) == (0, 1)
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == Decimal("100.00")


def test_management_commands(master, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes((HEADER + "M1,2026-03-01,C1,P1,1,10,\n").encode())
    call_command("import_orders", str(path), "--dry-run")
    assert Order.objects.count() == 0
    call_command("import_orders", str(path))
    assert Order.objects.get(erp_no="M1").total_amount == Decimal("10.00")
    bad = tmp_path / "payments.csv"
    bad.write_bytes(b"erp_no,payment_date,amount,reference\nM1,2026-03-02,11,R1\n")
    with pytest.raises(CommandError):
        call_command("import_payments", str(bad))
    assert Payment.objects.count() == 0


def test_import_job_runs_and_records_progress(master, django_capture_on_commit_callbacks):
    content = thousand_rows(master)
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(kind="orders", file_name="orders.csv", content=content, dry_run=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert (job.total_rows, job.processed_rows, job.progress_percent) == (1000, 1000, 100)
    assert Order.objects.count() == 0
    assert ImportJob.objects.count() == 1
