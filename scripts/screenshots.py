# ruff: noqa: S603 - runs our own manage.py with fixed arguments
"""Screenshots of the main pages for the README, taken from the demo data in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py            # a fresh temporary SQLite database
    .venv/bin/python scripts/screenshots.py --db /tmp/demo.sqlite3   # reuse (seeds it if empty)

Steps: migrate, `seed_demo`, `recompute_achievements` as of yesterday, the follow-up run; then a
`runserver` on a free local port and Playwright: the director's dashboard and a drill-down
(desktop), the target grid's first screen at 1440x900, a rep's home and the visit form (phone
width). PNGs go to docs/screenshots/.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PYTHON = sys.executable
PASSWORD = "demo1234"  # noqa: S105 - the demo logins' published password
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args, "--skip-checks"], cwd=ROOT, env=env, check=True)


def prepare(env: dict) -> None:
    manage(env, "migrate", "-v", "0")
    manage(env, "seed_demo")
    yesterday = (datetime.now().astimezone().date() - timedelta(days=1)).isoformat()
    # The demo may come without targets (when the targets app offers no demo): give every owner
    # one from its own actuals, so rates and time progress show.
    code = "import django; django.setup();from scripts.screenshots import ensure_targets; ensure_targets()"
    manage(env, "recompute_achievements", "--as-of", yesterday)
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)
    manage(env, "recompute_achievements", "--as-of", yesterday)
    code = (
        "import django; django.setup(); from datetime import date;"
        "from customers.services.follow_up import follow_up_discipline_run;"
        "from dashboard.services import milestones_notify;"
        "follow_up_discipline_run(today=date.today()); milestones_notify()"
    )
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)


def ensure_targets() -> None:
    """Targets of sales amount for every owner and period that has an actual but no target."""
    import random
    from decimal import Decimal

    from targets.models import Achievement, PeriodKind, Target, TargetStatus

    if Target.objects.filter(metric="sales_amount").exists():
        return
    rng = random.Random(8)
    rows = Achievement.objects.filter(metric="sales_amount", actual__gt=0)
    targets = []
    for a in rows:
        # Ahead or behind by a random margin; a yearly target assumes the pace of the year so far.
        scale = Decimal(str(round(rng.uniform(0.75, 1.45), 2)))
        value = (a.actual / max(a.time_progress, Decimal("0.05")) * scale).quantize(Decimal("0.01"))
        targets.append(
            Target(
                owner_kind=a.owner_kind,
                owner_key=a.owner_key,
                region=a.region,
                team=a.team,
                person=a.person,
                metric=a.metric,
                period=a.period,
                period_kind=a.period_kind or PeriodKind.MONTH,
                value=value,
                status=TargetStatus.APPROVED,
            )
        )
    Target.objects.bulk_create(targets, batch_size=1000)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: int = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our local server
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the server at {url} did not start")


def shoot(base: str) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def login(username: str, **options):
            context = browser.new_context(locale="zh-CN", **options)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{base}/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit], input[type=submit]")
            page.wait_for_load_state("networkidle")
            return context, page

        def charts_ready(page) -> None:
            page.wait_for_function(
                "() => window.echarts && ['chart-months','chart-mix'].every(id => {"
                " const c = echarts.getInstanceByDom(document.getElementById(id));"
                " return c && c.getOption().series.length > 0; })"
            )
            page.wait_for_timeout(1200)  # the charts' entry animation

        desktop = {"viewport": {"width": 1280, "height": 900}}
        context, page = login("director", **desktop)
        page.goto(f"{base}/dashboard/?kind=quarter")
        charts_ready(page)
        page.screenshot(path=str(OUT / "dashboard.png"), full_page=True)
        page.locator("[data-testid=drill-link]").first.click()
        page.wait_for_load_state("networkidle")
        charts_ready(page)
        page.screenshot(path=str(OUT / "drill-down.png"), full_page=True)
        context.close()

        # The target grid's first screen at a laptop's 1440x900 (not the full page: what a
        # director reads without scrolling).
        context, page = login("director", viewport={"width": 1440, "height": 900})
        page.goto(f"{base}/targets/?year={datetime.now().astimezone().year}&metric=sales_amount")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "target-grid.png"))
        context.close()

        phone = {
            "viewport": {"width": 390, "height": 844},
            "device_scale_factor": 1,
            "is_mobile": True,
            "has_touch": True,
        }
        context, page = login("rep01", **phone)
        page.screenshot(path=str(OUT / "rep-home-phone.png"), full_page=True)
        page.get_by_test_id("file-visit").tap()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "visit-form-phone.png"), full_page=True)
        context.close()
        browser.close()
    for png in sorted(OUT.glob("*.png")):
        print(f"{png.relative_to(ROOT)}: {png.stat().st_size // 1024} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="SQLite file to use (seeded if empty); default: a temporary one")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="salesorg-shots-")
    db = args.db or os.path.join(tmp, "demo.sqlite3")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "salesorg.settings.local",
        "CELERY_BROKER_URL": "",
        "PYTHONPATH": str(ROOT),
        "LANGUAGE_CODE": "zh-hans",
    }
    prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure", "--skip-checks"],
        cwd=ROOT,
        env={**env, "DEBUG": "true"},
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/login/")
        shoot(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
