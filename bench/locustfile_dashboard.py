"""Load test of the manager dashboard (issue 8): the page a director, a regional manager and a
team manager open first, against a real server on the benchmark data set (2,000 reps).

    locust -f bench/locustfile_dashboard.py --headless -u 10 -r 10 -t 60s \
        --host http://127.0.0.1:8000 --csv /tmp/dashboard

Logins come from DASHBOARD_USERS ("user:password,user:password"; default the demo logins).
See bench/README_dashboard.md.
"""

from __future__ import annotations

import os
import random

from loadlib import log_in, open_dashboard
from locust import HttpUser, between, task

USERS = [
    tuple(pair.split(":", 1))
    for pair in os.environ.get("DASHBOARD_USERS", "director:demo1234,rm01:demo1234,tm01:demo1234").split(",")
]
PERIODS = os.environ.get("DASHBOARD_PERIODS", "kind=month,kind=quarter,kind=year").split(",")


class Manager(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        username, password = random.choice(USERS)
        log_in(self, username, password, next_url="/dashboard/")

    @task(5)
    def dashboard(self) -> None:
        open_dashboard(self, random.choice(PERIODS))

    @task(1)
    def charts(self) -> None:
        with self.client.get(
            f"/dashboard/charts/?{random.choice(PERIODS)}", name="/dashboard/charts/", catch_response=True
        ) as response:
            if response.status_code == 200 and "json" not in response.headers.get("Content-Type", ""):
                response.failure(f"not the charts data: {response.url}")
