"""A 100,000-row report export keeps a real server process under 200 MB (issue 21, issue 23).

A real server (`manage.py runserver --noreload --nothreading`, one process) runs on the test
database, filled in one `INSERT ... SELECT generate_series` with 100,000 payments of one order
credited to a rep of the regional manager who downloads the payments report over HTTP, as CSV
and as Excel. The server's peak resident memory (VmHWM in /proc/<pid>/status, the kernel's
high-water mark, so a peak between two samples cannot be missed) stays under 200 MB, and each file
holds every row asked for (the Excel file: the first tenth of them, for time). PostgreSQL
only (the CSV is read through a server-side cursor there).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryFile

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from customers.models import Customer
from sales.models import CreditShare, Order, Payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
ROWS = 100_000
LIMIT_MB = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM in /proc status")


def _fill(org) -> None:
    customer = Customer.objects.create(
        code="MEM1", name="Memory Test Co", owner=org.rep1a1, team=org.t1a, region=org.r1
    )
    order = Order.objects.create(
        number="MEM-1", customer=customer, date=date(2026, 1, 5), status="confirmed", total_amount=Decimal("1e8")
    )
    CreditShare.objects.create(
        order=order,
        rep=org.rep1a1,
        team=org.t1a,
        region=org.r1,
        percent=100,
        amount=order.total_amount,
        is_primary=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO customers_payment"
            " (order_id, customer_id, date, amount, reference, awaiting_confirmation, created_at)"
            " SELECT %s, %s, DATE '2026-01-01' + (g %% 365), 1000 + g / 100.0, 'REF-' || g, false, now()"
            " FROM generate_series(1, %s) AS g",
            [order.pk, order.customer_id, ROWS],
        )
        cursor.execute("ANALYZE customers_payment")


def _download(url: str, cookie: str, rows: int) -> tuple[int, bytes]:
    """Read the response in chunks into a temporary file: (bytes read, the first 64 KB); the file
    holds `rows` rows and the header."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - http to our own server
    size, head = 0, b""
    with urllib.request.urlopen(request, timeout=120) as response, TemporaryFile() as out:  # noqa: S310
        assert response.status == 200
        while chunk := response.read(1 << 16):
            if len(head) < 1 << 16:
                head += chunk
            size += len(chunk)
            out.write(chunk)
        out.seek(0)
        if head.startswith(b"PK"):
            with zipfile.ZipFile(out) as book:
                sheet = book.read("xl/worksheets/sheet1.xml")
                # One <row> per payment, and the header.
                assert sheet.count(b"<row ") == rows + 1
        else:
            assert sum(chunk.count(b"\n") for chunk in iter(lambda: out.read(1 << 20), b"")) == rows + 1
    return size, head


def test_a_100000_row_export_keeps_the_server_under_200_mb(org):
    _fill(org)
    client = Client()
    client.force_login(org.rm1.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "salesorg.settings.test",
        "DEBUG": "False",
    }
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 40
        while True:
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=5).close()  # noqa: S310
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        url = base + reverse("dashboard:report-payments-export")
        # A small export first (payments g = 365, 730, ... dated 2026-01-01: 100,000 // 365 = 273 rows):
        # the server's footprint with everything imported and warm.
        _download(url + "?format=csv&date_from=2026-01-01&date_to=2026-01-01", cookie, 273)
        warm = _peak_mb(server.pid)
        size_csv, head = _download(url + "?format=csv", cookie, ROWS)
        assert head.startswith("\ufeff".encode()), head[:40]
        after_csv = _peak_mb(server.pid)
        print(
            f"server peak RSS: warm {warm:.0f} MB, "
            f"after a {size_csv / 1e6:.1f} MB CSV of {ROWS} rows {after_csv:.0f} MB"
        )
        assert after_csv < LIMIT_MB, (warm, after_csv)
        # Excel through the same rows (a write-only workbook in a temporary file, streamed back):
        # the first 37 days, about a tenth of the rows, to keep the test's time (openpyxl writes
        # some 2,000 rows a second on this machine under load).
        excel_rows = Payment.objects.filter(date__lte=date(2026, 2, 6)).count()
        size_xlsx, _ = _download(url + "?format=xlsx&date_to=2026-02-06", cookie, excel_rows)
        after_xlsx = _peak_mb(server.pid)
        print(f"after a {size_xlsx / 1e6:.1f} MB Excel file of {excel_rows} rows {after_xlsx:.0f} MB")
        assert after_xlsx < LIMIT_MB, (warm, after_csv, after_xlsx)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
