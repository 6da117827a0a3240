"""Load test (issue 9): reps list their customers and visits and log visits, managers open the
dashboard, against gunicorn on the benchmark data set, also while a recompute runs.

    .venv/bin/locust -f bench/locustfile.py --headless -u 20 -r 5 -t 60s \
        --host http://127.0.0.1:8000 --csv /tmp/load

Every visit POST carries a marker (env LOAD_MARKER, default "loadtest-<start time>") in its
purpose; after the run, count the visits with that marker in the database and compare with the
number of successful POSTs locust reports (`bench/README_load.md`). Only loopback hosts: the
file refuses any other --host.

Logins: LOAD_REPS / LOAD_MANAGERS ("user:password,..."; default the demo logins, password demo1234).
"""

from __future__ import annotations

import os
import random
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from loadlib import log_in, open_dashboard
from locust import HttpUser, between, events, task

MARKER = os.environ.get("LOAD_MARKER", f"loadtest-{int(time.time())}")
POSTED: list[int] = []  # ids of the visits created


def _logins(env: str, default: str) -> list[tuple[str, str]]:
    return [tuple(pair.split(":", 1)) for pair in os.environ.get(env, default).split(",")]  # type: ignore[misc]


REPS = _logins("LOAD_REPS", ",".join(f"rep{i:02d}:demo1234" for i in range(1, 11)))
MANAGERS = _logins("LOAD_MANAGERS", "director:demo1234,rm01:demo1234,tm01:demo1234")
# The dashboard's period (query string); the benchmark data set holds 2025: "kind=month&period=2025-11".
DASHBOARD_PERIOD = os.environ.get("LOAD_DASHBOARD_PERIOD", "kind=month")


@events.test_start.add_listener
def _loopback_only(environment, **_kwargs) -> None:
    host = urlparse(environment.host or "").hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise SystemExit(f"refusing to load {host!r}: loopback addresses only")
    print(f"visit marker: {MARKER}")


@events.test_stop.add_listener
def _write_posted_ids(environment, **_kwargs) -> None:
    """The ids of the visits the server said it created (201), for bench/load_check.py."""
    path = Path(os.environ.get("LOAD_IDS_FILE", f"/tmp/{MARKER}.ids"))
    path.write_text("\n".join(map(str, POSTED)) + "\n")
    print(f"{len(POSTED)} visits created (201); their ids are in {path}")


class _TokenUser(HttpUser):
    abstract = True
    logins: list[tuple[str, str]] = []

    def on_start(self) -> None:
        username, password = random.choice(self.logins)
        response = self.client.post("/api/v1/auth/token/", json={"username": username, "password": password})
        self.client.headers["Authorization"] = f"Token {response.json()['token']}"


class Rep(_TokenUser):
    weight = 4
    wait_time = between(0.5, 1.5)
    logins = REPS

    def on_start(self) -> None:
        super().on_start()
        rows = self.client.get("/api/v1/customers/?page_size=50", name="/api/v1/customers/").json()["results"]
        self.customers = [row["id"] for row in rows]

    @task(3)
    def customers(self) -> None:
        self.client.get("/api/v1/customers/?page_size=50", name="/api/v1/customers/")

    @task(3)
    def visits(self) -> None:
        self.client.get("/api/v1/visits/?page_size=50", name="/api/v1/visits/")

    @task(1)
    def orders(self) -> None:
        self.client.get("/api/v1/orders/?page_size=50", name="/api/v1/orders/")

    @task(2)
    def log_visit(self) -> None:
        if not self.customers:
            return
        response = self.client.post(
            "/api/v1/visits/",
            json={
                "customer": random.choice(self.customers),
                "date": date.today().isoformat(),
                "kind": "visit",
                "purpose": f"{MARKER} follow-up",
                "outcome": "load test",
            },
            name="/api/v1/visits/ (post)",
        )
        if response.status_code == 201:
            POSTED.append(response.json()["id"])


class Manager(HttpUser):
    weight = 1
    wait_time = between(1, 2)

    def on_start(self) -> None:
        username, password = random.choice(MANAGERS)
        log_in(self, username, password)

    @task
    def dashboard(self) -> None:
        open_dashboard(self, DASHBOARD_PERIOD)
