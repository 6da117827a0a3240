"""What both locustfiles do as a manager: log in through the page form, open the dashboard. Each
counts an answer that is not what it should be as a failure, so a run with 0 failures measured
the dashboard itself (a refused log-in would otherwise make every later request measure the
redirect to the log-in form)."""

from __future__ import annotations

import re

from locust import HttpUser

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log_in(user: HttpUser, username: str, password: str, *, next_url: str = "") -> None:
    page = user.client.get("/login/", name="/login/")
    token = CSRF.search(page.text).group(1)
    data = {"username": username, "password": password, "csrfmiddlewaretoken": token}
    if next_url:
        data["next"] = next_url
    with user.client.post(
        "/login/", data=data, headers={"Referer": f"{user.host}/login/"}, name="/login/ (post)", catch_response=True
    ) as response:
        if "/login/" in response.url:  # refused: the form again
            response.failure(f"log-in refused for {username}")


def open_dashboard(user: HttpUser, query: str) -> None:
    with user.client.get(f"/dashboard/?{query}", name="/dashboard/", catch_response=True) as response:
        if response.status_code == 200 and 'data-testid="node-title"' not in response.text:
            response.failure(f"not the dashboard: {response.url}")
