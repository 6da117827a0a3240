"""The one export writer: BOM and streaming for CSV, real numbers and formats for Excel, formulas
defused in both, and the older buffered functions still answering as before."""

from __future__ import annotations

import codecs
import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from openpyxl import load_workbook

from salesorg import exports
from salesorg.exports import Cell, Column, Kind, Table


def _table(rows) -> Table:
    return Table(
        title="销售 2026/03",
        columns=[
            Column("名称"),
            Column("Actual", Kind.MONEY),
            Column("Visits", Kind.COUNT),
            Column("Rate", Kind.RATIO),
            Column("Score", Kind.DECIMAL),
            Column("Date", Kind.DATE),
        ],
        rows=rows,
    )


ROWS = [
    ["华东大区", Decimal("1234567.50"), 12, Decimal("0.8500"), Decimal("3.25"), date(2026, 3, 1)],
    ["=HYPERLINK(1)", Decimal("-100.00"), 0, None, None, None],
]


def _sheet(response):
    return load_workbook(io.BytesIO(response.getvalue())).active


def test_xlsx_cells_are_numbers_with_the_column_formats():
    response = exports.xlsx_stream(_table(ROWS), filename="sales")
    sheet = _sheet(response)
    name, actual, visits, rate, score, day = sheet[2]
    assert name.value == "华东大区"
    assert (actual.value, actual.data_type, actual.number_format) == (1234567.5, "n", "#,##0.00")
    assert (visits.value, visits.data_type, visits.number_format) == (12, "n", "#,##0")
    # 0.85 of the target shows as 85.0 %: the cell keeps the fraction.
    assert (rate.value, rate.data_type, rate.number_format) == (0.85, "n", "0.0%")
    assert (score.value, score.number_format) == (3.25, "#,##0.00")
    assert day.is_date and day.value == datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    # A negative number stays a number; empty values are empty cells, not text.
    second = sheet[3]
    assert (second[1].value, second[1].data_type) == (-100, "n")
    assert [c.value for c in second[3:]] == [None, None, None]
    # The header row is text, and the sheet is named after the title without Excel's forbidden "/".
    assert [c.value for c in sheet[1]] == ["名称", "Actual", "Visits", "Rate", "Score", "Date"]
    assert sheet.title == "销售 2026-03"


def test_xlsx_escapes_formula_looking_text():
    sheet = _sheet(exports.xlsx_stream(_table(ROWS), filename="sales"))
    cell = sheet["A3"]
    assert (cell.value, cell.data_type) == ("'=HYPERLINK(1)", "s")


def test_a_cell_overrides_its_column_kind():
    table = Table(columns=[Column("value", Kind.MONEY)], rows=[[Cell(40, Kind.COUNT)], [Decimal("55.50")]])
    sheet = load_workbook(io.BytesIO(exports.xlsx_bytes(table))).active
    assert (sheet["A2"].value, sheet["A2"].number_format) == (40, "#,##0")
    assert (sheet["A3"].value, sheet["A3"].number_format) == (55.5, "#,##0.00")


def test_xlsx_is_streamed_from_a_file():
    response = exports.xlsx_stream(_table(ROWS), filename="sales")
    assert isinstance(response, FileResponse) and response.streaming
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="sales.xlsx"'


def test_an_aware_datetime_is_written_in_local_time(settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    moment = datetime(2026, 3, 1, 2, 30, tzinfo=UTC)  # 10:30 in Shanghai
    table = Table(columns=[Column("at", Kind.DATETIME)], rows=[[moment]])
    cell = load_workbook(io.BytesIO(exports.xlsx_bytes(table))).active["A2"]
    assert cell.value == datetime(2026, 3, 1, 10, 30) and cell.number_format == "yyyy-mm-dd hh:mm"
    assert exports.csv_text(table).splitlines()[1] == "2026-03-01 10:30:00"


def test_csv_starts_with_a_bom_and_round_trips_chinese_text():
    response = exports.csv_stream(_table(ROWS), filename="销售")
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.getvalue()
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [
        ["名称", "Actual", "Visits", "Rate", "Score", "Date"],
        ["华东大区", "1234567.50", "12", "0.8500", "3.25", "2026-03-01"],
        # Formula text gets the apostrophe; a negative number is left as it is.
        ["'=HYPERLINK(1)", "-100.00", "0", "", "", ""],
    ]
    # A non-ASCII file name is sent in the RFC 5987 form browsers read.
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_csv_is_written_row_by_row_as_it_is_read():
    read = []

    def rows():
        for row in ROWS:
            read.append(row[0])
            yield row

    response = exports.csv_stream(_table(rows()), filename="sales")
    assert read == []  # nothing is read before the client asks
    chunks = iter(response.streaming_content)
    assert next(chunks).decode("utf-8").startswith("\ufeff名称,Actual")
    assert read == []
    assert next(chunks).decode("utf-8").startswith("华东大区,")
    assert read == ["华东大区"]


def test_export_response_picks_the_format():
    assert exports.export_response(_table(ROWS), filename="x", fmt="xlsx")["Content-Type"] == (
        exports.XLSX_CONTENT_TYPE
    )
    assert exports.export_response(_table(ROWS), filename="x", fmt="csv")["Content-Type"].startswith("text/csv")


def test_the_older_buffered_functions_answer_as_before():
    header = ["名称", "Actual", "Rate"]
    rows = [["=1+1", Decimal("-5.00"), Decimal("0.5")]]
    response = exports.csv_response(filename="legacy", header=header, rows=rows)
    assert isinstance(response, HttpResponse) and not response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="legacy.csv"'
    assert response.content.decode("utf-8-sig").splitlines() == ["名称,Actual,Rate", "'=1+1,-5.00,0.5"]
    # A header may name column kinds, which set the Excel formats.
    typed = ["名称", Column("Actual", Kind.MONEY), Column("Rate", Kind.RATIO)]
    workbook = exports.xlsx_response(filename="legacy", title="t", header=typed, rows=rows)
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert [c.value for c in sheet[2]] == ["'=1+1", -5, 0.5]
    assert (sheet["B2"].number_format, sheet["C2"].number_format) == ("#,##0.00", "0.0%")
    # Plain string headers: numbers stay numbers, unformatted.
    plain = load_workbook(
        io.BytesIO(exports.xlsx_response(filename="l", title="t", header=header, rows=rows).content)
    ).active
    assert (plain["B2"].value, plain["B2"].data_type, plain["B2"].number_format) == (-5, "n", "General")


def test_safe_cell_is_unchanged():
    assert exports.safe_cell("=1+1") == "'=1+1"
    assert exports.safe_cell("\rx") == "'\rx"
    assert exports.safe_cell(Decimal("-1")) == Decimal("-1")
    assert exports.safe_cell(None) == ""
    assert exports.safe_cell(True) == "True"
