# ruff: noqa: S310 - requests go to the loopback address given on the command line only
"""The HTTP half of scripts/production-smoke.sh: a browser's and an API client's first minutes
against the production server on loopback, as a TLS-terminating proxy would forward them
(`X-Forwarded-Proto: https`). Standard library only; exits non-zero on the first failure.

    python scripts/production_smoke_client.py http://127.0.0.1:8765 director demo1234
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PAGES = ["/", "/dashboard/", "/customers/", "/customers/visits/", "/targets/", "/org/people/", "/api/v1/docs/"]
API = ["/api/v1/people/?position=rep", "/api/v1/customers/", "/api/v1/targets/", "/api/v1/recompute-runs/"]
RUN_TIMEOUT_SECONDS = 180


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """Cookies kept by hand: the production cookies are Secure, and the hop to gunicorn is plain HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.host = urllib.parse.urlsplit(base).netloc
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, method: str, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("X-Forwarded-Proto", "https")
        request.add_header("Origin", f"https://{self.host}")
        request.add_header("Referer", f"https://{self.host}/")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if "csrftoken" in self.cookies:
            request.add_header("X-CSRFToken", self.cookies["csrftoken"])
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.headers), response.read()


def expect(status: int, wanted: int, what: str, body: bytes = b"") -> None:
    if status != wanted:
        sys.exit(f"FAIL {what}: {status} (wanted {wanted}) {body[:500]!r}")
    print(f"  ok {status} {what}")


def main(base: str, username: str, password: str) -> None:
    browser = Client(base)
    status, headers, _ = browser.request("GET", "/", headers={"X-Forwarded-Proto": "http"})
    expect(status, 301, "plain HTTP is redirected to HTTPS")
    status, _, body = browser.request("GET", "/login/")
    expect(status, 200, "GET /login/", body)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": browser.cookies["csrftoken"]}
    status, headers, body = browser.request("POST", "/login/", data=form)
    expect(status, 302, f"log-in as {username}", body)
    for path in PAGES:
        status, _, body = browser.request("GET", path)
        expect(status, 200, f"GET {path}", body)
    css = re.search(rb"/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css", browser.request("GET", "/")[2])
    if css is None:
        sys.exit("FAIL: the page does not link the hashed (collected) Bootstrap stylesheet")
    status, _, _ = browser.request("GET", css.group().decode())
    expect(status, 200, f"GET {css.group().decode()} (WhiteNoise, manifest)")

    api = Client(base)
    status, _, body = api.request("POST", "/api/v1/auth/token/", data={"username": username, "password": password})
    expect(status, 200, "POST /api/v1/auth/token/", body)
    auth = {"Authorization": f"Token {json.loads(body)['token']}"}
    for path in API:
        status, _, body = api.request("GET", path, headers=auth)
        expect(status, 200, f"GET {path}", body)
    recompute(api, auth)


def recompute(api: Client, auth: dict) -> None:
    """A recompute for yesterday, started through the API and run by the Celery worker."""
    yesterday = (datetime.now(ZoneInfo("Asia/Shanghai")) - timedelta(days=1)).date().isoformat()
    status, _, body = api.request("POST", "/api/v1/recompute-runs/", data={"as_of": yesterday}, headers=auth)
    expect(status, 201, f"POST /api/v1/recompute-runs/ as_of={yesterday}", body)
    run_id = json.loads(body)["id"]
    deadline = time.monotonic() + RUN_TIMEOUT_SECONDS
    run: dict = {}
    while time.monotonic() < deadline:
        status, _, body = api.request("GET", f"/api/v1/recompute-runs/{run_id}/", headers=auth)
        expect(status, 200, f"GET /api/v1/recompute-runs/{run_id}/")
        run = json.loads(body)
        if run["status"] != "running":
            break
        time.sleep(2)
    if run.get("status") != "succeeded":
        sys.exit(f"FAIL recompute run {run_id} through the worker: {run}")
    print(f"  ok recompute run {run_id} succeeded through the worker: {run['rows']} rows")


if __name__ == "__main__":
    main(*sys.argv[1:4])
