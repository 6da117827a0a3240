"""Import customers from CSV and Excel (all or nothing), export the scoped, filtered list."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from customers.models import Customer, CustomerMove
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def csv_file(rows: list[list[str]], name: str = "customers.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("customers.xlsx", buffer.getvalue())


def test_csv_import_creates_all_rows(client, org):
    client.force_login(org.tm1a.user)
    upload = csv_file(
        [
            ["code", "name", "kind", "owner", "classification", "latitude", "longitude", "credit_limit"],
            ["C-100", "苏州精密制造有限公司", "end", org.rep1a1.employee_no, "key", "31.298", "120.585", "500000"],
            ["C-101", "杭州华贸商行", "distributor", org.rep1a2.employee_no, "general", "", "", ""],
        ]
    )

    response = client.post(reverse("customers:customer-import"), {"file": upload})
    assert response.status_code == 302
    assert Customer.objects.count() == 0  # the dry run writes nothing
    response = client.post(reverse("customers:customer-import-preview"))

    assert response.status_code == 302
    first = Customer.objects.get(code="C-100")
    assert (first.owner, first.team, first.classification) == (org.rep1a1, org.t1a, "key")
    assert Customer.objects.get(code="C-101").owner == org.rep1a2
    assert CustomerMove.objects.count() == 2


def test_excel_import_with_a_bad_row_imports_nothing_and_names_the_lines(client, org):
    CustomerFactory(code="C-EXISTS", owner=org.rep1a1)
    client.force_login(org.tm1a.user)
    upload = xlsx_file(
        [
            ["code", "name", "owner", "latitude", "longitude", "credit_limit"],
            ["C-200", "好客户", org.rep1a1.employee_no, 30.1, 120.2, 1000],
            # An existing code updates its customer (here: a valid row, renamed).
            ["C-EXISTS", "改名客户", org.rep1a1.employee_no, None, None, None],
            ["C-202", "坐标错误", org.rep1a1.employee_no, 95, 120, None],
            # Another region's rep is outside the team manager's scope.
            ["C-203", "越权", org.rep2a1.employee_no, None, None, -5],
        ]
    )

    client.post(reverse("customers:customer-import"), {"file": upload})
    response = client.post(reverse("customers:customer-import-preview"))

    assert response.status_code == 400
    plan = response.context["plan"]
    assert [(row.line, row.status) for row in plan.rows] == [
        (2, "added"),
        (3, "changed"),
        (4, "refused"),
        (5, "refused"),
    ]
    assert {f for row in plan.refused for f, _m in row.problems} == {"latitude", "credit_limit", "owner"}
    assert set(Customer.objects.values_list("code", flat=True)) == {"C-EXISTS"}
    assert Customer.objects.get(code="C-EXISTS").name != "改名客户"


def test_import_rejects_a_file_that_is_neither_csv_nor_excel(client, org):
    client.force_login(org.tm1a.user)

    response = client.post(reverse("customers:customer-import"), {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})

    assert response.status_code == 400
    assert Customer.objects.count() == 0


def test_export_is_scoped_filtered_and_escapes_formulas(client, org):
    CustomerFactory(code="C-1", name='=HYPERLINK("http://evil")', owner=org.rep1a1, classification="key")
    CustomerFactory(code="C-2", name="普通客户", owner=org.rep1a1, classification="general")
    CustomerFactory(code="C-3", name="别人的客户", owner=org.rep2a1, classification="key")
    client.force_login(org.rep1a1.user)

    response = client.get(reverse("customers:customer-export") + "?classification=key&format=csv")

    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())  # the BOM: Excel opens the Chinese names intact
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["code", "name"]
    assert [row[0] for row in rows[1:]] == ["C-1"]
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_excel_export(client, org):
    CustomerFactory(code="C-1", name="+86 客户", owner=org.rep1a1)
    CustomerFactory(code="C-3", name="别人的客户", owner=org.rep2a1)
    client.force_login(org.rep1a1.user)

    response = client.get(reverse("customers:customer-export") + "?format=xlsx")

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values[1:]] == ["C-1"]
    assert values[1][1] == "'+86 客户"


def test_export_numbers_are_numeric_cells_and_dates_real_dates(client, org):
    CustomerFactory(
        code="C-1", owner=org.rep1a1, credit_limit=Decimal("1234567.50"), potential_amount=Decimal("80000.00"),
        latitude=Decimal("31.230416"), longitude=Decimal("121.473701"), pool_due_date=date(2026, 4, 9),
    )  # fmt: skip
    client.force_login(org.rep1a1.user)

    response = client.get(reverse("customers:customer-export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    row = dict(zip([cell.value for cell in sheet[1]], sheet[2], strict=True))
    # Money: numbers with thousands separators and cents; coordinates: numbers with all decimals.
    assert (row["credit_limit"].value, row["credit_limit"].number_format) == (1234567.5, "#,##0.00")
    assert (row["potential_amount"].value, row["potential_amount"].number_format) == (80000, "#,##0.00")
    assert (row["latitude"].value, row["longitude"].value) == (31.230416, 121.473701)
    assert row["pool_due_date"].value.date() == date(2026, 4, 9)
    assert row["pool_due_date"].number_format == "yyyy-mm-dd"
    # The CSV writes the same values as text: amounts as they are kept, dates in ISO.
    body = client.get(reverse("customers:customer-export") + "?format=csv").getvalue().decode("utf-8-sig")
    csv_row = dict(zip(*list(csv.reader(io.StringIO(body))), strict=True))
    assert (csv_row["credit_limit"], csv_row["latitude"], csv_row["pool_due_date"]) == (
        "1234567.50",
        "31.230416",
        "2026-04-09",
    )


@pytest.mark.parametrize("rows", [3, 30])
def test_export_query_count_is_flat(client, org, rows, django_assert_max_num_queries):
    CustomerFactory.create_batch(rows, owner=org.rep1a1)
    client.force_login(org.tm1a.user)

    with django_assert_max_num_queries(10):
        # The rows are read as the file streams: count the queries until the last line.
        body = client.get(reverse("customers:customer-export") + "?format=csv").getvalue()

    assert body.decode("utf-8-sig").count("\n") == rows + 1
