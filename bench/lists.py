"""List latency per role and the memory of a large export, against a real server (issue 23).

    .venv/bin/python bench/lists.py --lines 200000          # load, then measure
    .venv/bin/python bench/lists.py --lines 5000000
    .venv/bin/python bench/lists.py --skip-load             # measure the loaded data again

Loads the benchmark data set with its logins (`bench/load.py --logins`, in a child process) and the
achievements of 2025 (`manage.py recompute_achievements`), then starts gunicorn (4 sync workers,
DEBUG off, the settings of bench/README_load.md) on a free loopback port. For the director, a
regional manager (rm01), a team manager (tm01) and a rep (rep01): logs in (a session through the
log-in form for the pages, a token for the API), opens each list once to warm it, then fires
`--requests` requests per list from `--users` concurrent threads and prints p50 and p95 per role
and list. The dashboard's charts are measured the same way, cold (the server runs without a cache,
which only the charts use; limit p50 300 ms). Any answer other than 200 (a redirect to the log-in
form included) is an error.

Then, as the director, downloads the orders report as CSV (every order, streamed) while sampling
the resident memory of the gunicorn workers every 50 ms, and prints the rows, the time and the
peak RSS of the workers. Exits 1 when a p50, a p95 or the export's peak is over its limit, or on
any error. See bench/README_lists.md.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from tempfile import NamedTemporaryFile
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "demo1234"  # bench/load.py --logins
ROLES = [("director", "director"), ("regional manager", "rm01"), ("team manager", "tm01"), ("rep", "rep01")]
AS_OF = "2025-12-31"  # the data set holds the fiscal year 2025
# The main lists: ("api": token auth, or "page": the session, path). The data set is 2025, hence the period.
LISTS = [
    ("api", "/api/v1/orders/"),
    ("api", "/api/v1/payments/"),
    ("api", "/api/v1/customers/"),
    ("api", "/api/v1/visits/"),
    ("api", "/api/v1/achievements/?period=2025&metric=sales_amount"),
    ("api", "/api/v1/targets/"),
    ("page", "/customers/sales/orders/"),
    ("page", "/customers/sales/payments/"),
    ("page", "/customers/"),
    ("page", "/customers/visits/"),
    ("page", "/targets/achievements/?period=2025&metric=sales_amount"),
]
# The dashboard's charts (funnel, product mix, receivables ageing) for the year, a quarter and a
# month, measured cold: the server runs without a cache (the charts are all that use one).
CHARTS = [
    ("page", "/dashboard/charts/?kind=year&period=2025&metric=sales_amount"),
    ("page", "/dashboard/charts/?kind=quarter&period=2025-Q4&metric=sales_amount"),
    ("page", "/dashboard/charts/?kind=month&period=2025-12&metric=sales_amount"),
]
EXPORT = "/dashboard/reports/orders/export/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COUNTS = [
    ("order lines", "customers_orderline"),
    ("orders", "customers_order"),
    ("payments", "customers_payment"),
    ("customers", "customers_customer"),
    ("visits", "customers_visit"),
    ("achievements", "targets_achievement"),
    ("targets", "targets_target"),
]


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: list[str] = field(default_factory=list)


def percentile(values: list[float], p: float) -> float:
    """Nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def data_sizes(database_url: str) -> str:
    """What the data set holds (rows per table), for the figures' label."""
    import psycopg

    parts = []
    with psycopg.connect(database_url) as conn:
        for label, table in COUNTS:
            try:
                (count,) = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
            except psycopg.Error:
                conn.rollback()
                continue
            parts.append(f"{count:,} {label}")
    return ", ".join(parts)


class Server:
    """gunicorn on a free loopback port, with its output in a temporary file."""

    def __init__(self, database_url: str, workers: int, timeout: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = NamedTemporaryFile(prefix="bench-lists-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench",
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "salesorg.settings.local",
            # Every chart request computes its charts (`CHARTS`).
            "CACHE_URL": "dummycache://",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "salesorg.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                str(timeout),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.tail()}")
            try:
                if httpx.get(f"{self.base}/login/", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {seconds:.0f} s:\n{self.tail()}")

    def workers(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def tail(self, lines: int = 30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def session_cookies(base: str, username: str) -> dict[str, str]:
    """Log in through the page form (with its CSRF token); the session's cookies."""
    with httpx.Client(base_url=base, timeout=60) as client:
        page = client.get("/login/")
        token = CSRF.search(page.text).group(1)
        response = client.post(
            "/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
        )
        if response.status_code != 302 or "/login/" in response.headers.get("location", ""):
            raise RuntimeError(f"log-in refused for {username}: {response.status_code}")
        return dict(client.cookies)


def api_token(base: str, username: str) -> str:
    response = httpx.post(f"{base}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"no API token for {username}: {response.status_code} {response.text[:200]}")
    return response.json()["token"]


def new_client(base: str, **auth: Any) -> httpx.Client:
    return httpx.Client(base_url=base, timeout=120, follow_redirects=False, **auth)


def measure(clients: list[httpx.Client], path: str, *, requests: int) -> Result:
    """One warm-up request, then `requests` requests from as many threads as clients (each request
    takes a client no other thread is using)."""
    result = Result()
    idle: queue.SimpleQueue[httpx.Client] = queue.SimpleQueue()
    for client in clients:
        idle.put(client)
    lock = threading.Lock()

    def one(record: bool) -> None:
        client = idle.get()
        try:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        except httpx.HTTPError as exc:
            with lock:
                result.errors.append(f"{type(exc).__name__}: {exc}")
            return
        finally:
            idle.put(client)
        with lock:
            if response.status_code != 200:
                where = response.headers.get("location", "")
                result.errors.append(f"{response.status_code}{' -> ' + where if where else ''}")
            elif record:
                result.latencies.append(elapsed)

    one(record=False)
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(lambda _: one(record=True), range(requests)))
    return result


def export_memory(server: Server, cookies: dict[str, str]) -> tuple[int, int, float, float, float, list[str]]:
    """Download the orders report as CSV while sampling the workers' RSS every 50 ms.
    Returns (rows, bytes, seconds, peak MB of any worker, largest growth of a worker in MB, errors)."""
    before = {}
    for worker in server.workers():
        with contextlib.suppress(psutil.NoSuchProcess):
            before[worker.pid] = worker.memory_info().rss
    peak: dict[int, int] = dict(before)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for worker in server.workers():
                try:
                    rss = worker.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                peak[worker.pid] = max(peak.get(worker.pid, 0), rss)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    errors: list[str] = []
    newlines = size = 0
    started = time.perf_counter()
    try:
        with (
            httpx.Client(base_url=server.base, cookies=cookies, timeout=600, follow_redirects=False) as client,
            client.stream("GET", EXPORT) as response,
        ):
            if response.status_code != 200:
                errors.append(f"{response.status_code} {response.headers.get('location', '')}")
            for chunk in response.iter_bytes():
                size += len(chunk)
                newlines += chunk.count(b"\n")
    except httpx.HTTPError as exc:
        errors.append(f"{type(exc).__name__}: {exc}")
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    mb = 1024 * 1024
    peak_mb = max(peak.values(), default=0) / mb
    growth_mb = max((rss - before.get(pid, rss) for pid, rss in peak.items()), default=0) / mb
    return max(newlines - 1, 0), size, elapsed, peak_mb, growth_mb, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    )
    parser.add_argument("--users", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--requests", type=int, default=40, help="requests per list and role (default 40)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument(
        "--timeout",
        type=int,
        default=300,
        help="gunicorn's worker timeout in s (default 300: the Procfile's WEB_TIMEOUT)",
    )
    parser.add_argument("--p50-limit-ms", type=float, default=150)
    parser.add_argument("--p95-limit-ms", type=float, default=400)
    parser.add_argument("--charts-p50-limit-ms", type=float, default=300, help="cold charts (default 300)")
    parser.add_argument("--export-limit-mb", type=float, default=200)
    args, rest = parser.parse_known_args()
    # A SIGTERM stops the server too (the `finally` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if not args.skip_load:
        load = [sys.executable, str(ROOT / "bench" / "load.py"), "--lines", str(args.lines)]
        subprocess.run([*load, "--database-url", args.database_url, "--logins", *rest], check=True)
        # The achievement lists read the engine's results.
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "recompute_achievements", "--as-of", AS_OF],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "salesorg.settings.local"},
            check=True,
        )

    print(f"data: {data_sizes(args.database_url)}", flush=True)
    server = Server(args.database_url, args.workers, args.timeout)
    failures: list[str] = []
    try:
        server.wait_ready()
        print(
            f"server: gunicorn, {args.workers} sync workers, {server.base}; "
            f"{args.users} concurrent users, {args.requests} requests per list and role; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        print()
        header = f"{'role':<17} {'list':<56} {'n':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'errors':>6}"
        print(header)
        print("-" * len(header))
        director_cookies: dict[str, str] = {}
        for role, username in ROLES:
            cookies = session_cookies(server.base, username)
            token = api_token(server.base, username)
            if username == "director":
                director_cookies = cookies
            clients = {
                "api": [
                    new_client(server.base, headers={"Authorization": f"Token {token}"}) for _ in range(args.users)
                ],
                "page": [new_client(server.base, cookies=cookies) for _ in range(args.users)],
            }
            try:
                for kind, path in LISTS + CHARTS:
                    p50_limit = args.charts_p50_limit_ms if (kind, path) in CHARTS else args.p50_limit_ms
                    result = measure(clients[kind], path, requests=args.requests)
                    lat = [s * 1000 for s in result.latencies]
                    p50 = percentile(lat, 50) if lat else float("nan")
                    p95 = percentile(lat, 95) if lat else float("nan")
                    top = max(lat) if lat else float("nan")
                    flags = []
                    if result.errors:
                        flags.append(f"errors: {sorted(set(result.errors))[:3]}")
                    if not lat or p50 > p50_limit:
                        flags.append("p50 over")
                    if not lat or p95 > args.p95_limit_ms:
                        flags.append("p95 over")
                    if flags:
                        failures.append(f"{role} {path}: {', '.join(flags)}")
                    mark = "  <-- " + ", ".join(f for f in flags if not f.startswith("errors")) if flags else ""
                    print(
                        f"{role:<17} {path:<56} {len(lat):>4} {p50:>7.0f} {p95:>7.0f} {top:>7.0f} "
                        f"{len(result.errors):>6}{mark}",
                        flush=True,
                    )
            finally:
                for client in clients["api"] + clients["page"]:
                    client.close()

        print()
        rows, size, seconds, peak_mb, growth_mb, errors = export_memory(server, director_cookies)
        print(
            f"export {EXPORT} (director, CSV): {rows:,} rows, {size / 1024 / 1024:.1f} MB in {seconds:.1f} s; "
            f"peak RSS of the workers {peak_mb:.0f} MB (limit {args.export_limit_mb:.0f} MB), "
            f"largest growth of a worker during the export {growth_mb:+.0f} MB"
        )
        if errors:
            failures.append(f"export: {errors}")
        if peak_mb > args.export_limit_mb:
            failures.append(f"export: peak RSS {peak_mb:.0f} MB over {args.export_limit_mb:.0f} MB")
    except Exception:
        print(f"gunicorn's log (last lines):\n{server.tail()}", file=sys.stderr)
        raise
    finally:
        server.stop()

    limits = (
        f"p50 {args.p50_limit_ms:.0f} ms (cold charts {args.charts_p50_limit_ms:.0f} ms),"
        f" p95 {args.p95_limit_ms:.0f} ms, export {args.export_limit_mb:.0f} MB"
    )
    print(f"limits: {limits}; load average at the end {os.getloadavg()[0]:.1f}")
    if failures:
        print("OVER A LIMIT:")
        for failure in failures:
            print(f"  {failure}")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
