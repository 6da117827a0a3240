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
import re

from locust import HttpUser, between, task

USERS = [
    tuple(pair.split(":", 1))
    for pair in os.environ.get("DASHBOARD_USERS", "director:demo1234,rm01:demo1234,tm01:demo1234").split(",")
]
PERIODS = os.environ.get("DASHBOARD_PERIODS", "kind=month,kind=quarter,kind=year").split(",")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Manager(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        username, password = random.choice(USERS)
        page = self.client.get("/login/", name="/login/")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/dashboard/"},
            headers={"Referer": f"{self.host}/login/"},
            name="/login/ (post)",
            catch_response=True,
        ) as response:
            # A refused log-in answers the form again: every later request would then measure the
            # redirect to the log-in page, not the dashboard.
            if "/login/" in response.url:
                response.failure(f"log-in refused for {username}")

    @task(5)
    def dashboard(self) -> None:
        with self.client.get(
            f"/dashboard/?{random.choice(PERIODS)}", name="/dashboard/", catch_response=True
        ) as response:
            if response.status_code == 200 and 'data-testid="node-title"' not in response.text:
                response.failure(f"not the dashboard: {response.url}")

    @task(1)
    def charts(self) -> None:
        with self.client.get(
            f"/dashboard/charts/?{random.choice(PERIODS)}", name="/dashboard/charts/", catch_response=True
        ) as response:
            if response.status_code == 200 and "json" not in response.headers.get("Content-Type", ""):
                response.failure(f"not the charts data: {response.url}")
