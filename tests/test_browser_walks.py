"""Walks of the product's main errands in a real browser (Debian's Chromium via Playwright), each in
Chinese and in English, each logging in through the login form and taking screenshots at its key
steps (tests/browser.py: `make screenshots` writes them to docs/screenshots/ for the README):

- a rep on a phone (390x844) files a visit report and an expense claim and finds both listed;
- a manager holds a quarterly review meeting (coaching) and records two action items and an
  outcome, and the saved meeting shows the three decisions;
- a director starts a recompute on the page that offers "Recompute now" and watches it run and
  finish on that page, without reloading it (htmx polls the run's progress).

Every page a walk opens is also checked by axe-core (the browser fixture, tests/conftest.py)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from tests.browser import LAPTOP, PHONE, Screens, log_in, new_context

pytestmark = pytest.mark.browser

PASSWORD = "pw-walks-1"
LANGUAGES = ["zh-hans", "en"]
# The phone reports People's Square, Shanghai; the customer stands 0.01 deg of latitude north.
SPOT = {"latitude": 31.23, "longitude": 121.47}


def label(language: str, text) -> str:
    """A text (a msgid, a lazy translation or a choice's label) as the page writes it in `language`."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def today_label(language: str) -> str:
    """Today as a list writes a date in `language` (2026年12月6日, Dec. 6, 2026)."""
    with translation.override(language):
        return date_format(timezone.localdate())


@pytest.fixture
def org(transactional_db):
    from conftest import Org

    org = Org()
    for person in org.people:
        person.user.set_password(PASSWORD)
        person.user.save(update_fields=["password"])
    return org


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rep_on_a_phone_files_a_visit_and_an_expense_and_sees_them_listed(
    browser, live_server, org, language, tmp_path
):
    from customers.tests.factories import CustomerFactory
    from fieldwork.models import ExpenseClaim, ExpenseKind, ExpenseStatus, Visit

    north = {"latitude": Decimal("31.240000"), "longitude": Decimal("121.470000")}
    customer = CustomerFactory(owner=org.rep1a1, name="上海恒达精密机械有限公司", **north)
    shot = Screens("rep-phone", language, tmp_path)
    context = new_context(browser, live_server, language, geolocation=SPOT, permissions=["geolocation"], **PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, "rep1a1", PASSWORD)
    assert page.evaluate("document.documentElement.lang") == language
    shot(page, "1-home")

    # The visit report: the big button on the home, the customer, what happened, the check-in.
    page.get_by_test_id("file-visit").tap()
    page.wait_for_url("**/customers/visits/new/**")
    page.select_option("#id_customer", str(customer.pk))
    page.wait_for_url(f"**customer={customer.pk}**")
    page.fill("#id_purpose", "新品介绍 / new range")
    page.fill("#id_outcome", "客户要求报价")
    page.fill("#id_next_step", "发送报价单")
    page.get_by_test_id("check-in").tap()
    page.wait_for_function("document.getElementById('id_latitude').value !== ''")
    shot(page, "2-visit-form")
    page.get_by_test_id("submit-visit").tap()
    page.wait_for_url("**/customers/visits/*/")
    visit = Visit.objects.get(author=org.rep1a1)
    assert (visit.customer, visit.purpose, visit.date) == (customer, "新品介绍 / new range", timezone.localdate())
    # 0.01 deg of latitude = 6,371,000 m x pi / 180 x 0.01 = 1,111.95 m -> 1112 m.
    assert visit.distance_m == 1112

    # Listed: the rep's visit list shows it, dated today, with the customer and the distance.
    page.goto(live_server.url + "/customers/visits/")
    row = page.locator("tbody tr").filter(has_text="上海恒达精密机械有限公司")
    assert row.count() == 1
    assert today_label(language) in row.inner_text() and "1112 m" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "3-visits")

    # The expense claim: one tap from the home.
    page.goto(live_server.url + "/")
    page.get_by_test_id("file-expense").tap()
    page.wait_for_url("**/customers/expenses/new/")
    # Today's date, already filled in the date field's own format (ISO in every language).
    assert page.input_value("#id_date") == timezone.localdate().isoformat()
    page.select_option("#id_kind", ExpenseKind.TRAVEL)
    page.fill("#id_amount", "386.50")
    page.fill("#id_description", "出租车 / taxi")
    page.select_option("#id_customer", str(customer.pk))
    shot(page, "4-expense-form")
    page.locator("main form button[type=submit]").last.tap()
    page.wait_for_url("**/customers/expenses/")
    claim = ExpenseClaim.objects.get(person=org.rep1a1)
    assert (claim.amount, claim.kind, claim.status) == (Decimal("386.50"), ExpenseKind.TRAVEL, ExpenseStatus.SUBMITTED)

    # Listed: the claim's row, in the reader's language and with the amount grouped in thousands.
    row = page.locator("tbody tr").filter(has_text="386.50")
    assert row.count() == 1
    text = row.inner_text()
    assert label(language, ExpenseKind.TRAVEL.label) in text
    assert label(language, ExpenseStatus.SUBMITTED.label) in text
    assert today_label(language) in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "5-expenses")
    context.close()
    assert len(shot.taken) == 5 and all(path.stat().st_size > 0 for path in shot.taken)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_manager_records_a_review_meeting_with_two_action_items_and_an_outcome(
    browser, live_server, org, language, tmp_path
):
    from appraisal.models import OutcomeKind
    from training.models import ActionItem, ReviewMeeting

    today = timezone.localdate()
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    shot = Screens("coaching", language, tmp_path)
    context = new_context(browser, live_server, language, **LAPTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, "tm1a", PASSWORD, "/training/reviews/new/")

    # The team manager opens his team's meeting for this quarter (today's date already filled).
    page.wait_for_url("**/training/reviews/new/")
    assert page.input_value("#id_date") == today.isoformat()
    page.fill("#id_period", quarter)
    page.select_option("#id_team", str(org.t1a.pk))
    shot(page, "1-new-meeting")
    page.locator("main form button").click()
    page.wait_for_url("**/training/reviews/*/")
    meeting = ReviewMeeting.objects.get(team=org.t1a)
    assert (meeting.period, meeting.date, meeting.held_by) == (quarter, today, org.tm1a)

    # Two action items, each from the "Add an action item" form (due in 30 days by default).
    add_action = page.locator("form:has(input[name=action][value=action-item])")
    for owner, title in ((org.rep1a1, "每周拜访 5 家重点客户"), (org.rep1a2, "Follow up the lost tender")):
        assert add_action.locator("#id_due_on").input_value() == (today + timedelta(days=30)).isoformat()
        add_action.locator("#id_owner").select_option(str(owner.pk))
        add_action.locator("#id_title").fill(title)
        with page.expect_navigation():
            add_action.locator("button").click()
        add_action = page.locator("form:has(input[name=action][value=action-item])")
    # The outcome: a reward of 2,000.00 for rep1a1, with its reason.
    outcome_form = page.locator("form:has(input[name=action][value=outcome])")
    outcome_form.locator("#id_person").select_option(str(org.rep1a1.pk))
    outcome_form.locator("#id_kind").select_option(OutcomeKind.REWARD)
    outcome_form.locator("#id_amount").fill("2000")
    outcome_form.locator("#id_reason").fill("季度新客户第一 / first in new customers")
    with page.expect_navigation():
        outcome_form.locator("button").click()

    # The saved meeting, read again: its decisions list both action items and the outcome.
    page.goto(f"{live_server.url}/training/reviews/{meeting.pk}/")
    decisions = page.get_by_test_id("decisions").locator("li")
    texts = decisions.all_inner_texts()
    assert len(texts) == 3, texts
    reward = label(language, OutcomeKind.REWARD.label)
    assert any("rep1a1" in t and reward in t and "2,000.00" in t and "first in new customers" in t for t in texts)
    due = (today + timedelta(days=30)).isoformat()
    assert any("每周拜访 5 家重点客户" in t and "rep1a1" in t for t in texts)
    assert any("Follow up the lost tender" in t and "rep1a2" in t for t in texts)
    decisions.first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -80)")
    shot(page, "2-decisions")
    context.close()
    items = ActionItem.objects.filter(review_meeting=meeting).order_by("title")
    assert [(i.title, i.owner, i.coach, i.due_on.isoformat()) for i in items] == [
        ("Follow up the lost tender", org.rep1a2, org.tm1a, due),
        ("每周拜访 5 家重点客户", org.rep1a1, org.tm1a, due),
    ]
    [outcome] = meeting.outcomes.all()
    assert (outcome.person, outcome.kind, outcome.amount, outcome.decided_by) == (
        org.rep1a1,
        OutcomeKind.REWARD,
        Decimal("2000.00"),
        org.tm1a,
    )


# The recompute's seam (RECOMPUTE_HOOKS): the run waits after its first step until the test has
# seen it running on the page, then goes on. The run itself is real, in a real Celery worker.
RUN_GATE = threading.Event()
RUN_PAUSED = threading.Event()
# What the worker did with the run (Celery's signals), named in a failure's message.
TASK_EVENTS: list[str] = []


def pause_until_seen() -> dict:
    def on_step(step: str) -> None:
        RUN_PAUSED.set()
        RUN_GATE.wait(60)

    return {"on_step": on_step}


def _record(name: str):
    def handler(sender=None, **kwargs) -> None:
        detail = kwargs.get("exception") or kwargs.get("reason") or kwargs.get("routing_key") or ""
        TASK_EVENTS.append(f"{name} {detail!r}"[:300])

    return handler


TASK_SIGNALS = ("after_task_publish", "task_received", "task_prerun", "task_retry", "task_failure", "task_postrun")


@pytest.fixture
def thread_worker(settings, monkeypatch):
    """A real Celery worker in a thread, on an in-memory broker: the page's "Recompute now" queues
    the run and returns at once, as in production (the test settings otherwise run tasks eagerly,
    inside the request)."""
    from celery import signals
    from celery.app.autoretry import add_autoretry_behaviour
    from celery.contrib.testing.worker import start_worker

    from salesorg.celery import app
    from targets.tasks import recompute_achievements as task

    settings.RECOMPUTE_HOOKS = "tests.test_browser_walks.pause_until_seen"
    RUN_GATE.clear()
    RUN_PAUSED.clear()
    TASK_EVENTS.clear()
    handlers = {name: _record(name) for name in TASK_SIGNALS}
    for name, handler in handlers.items():
        getattr(signals, name).connect(handler, weak=False)
    # The house retry policy, with seconds instead of half-minutes: on SQLite's shared in-memory
    # database a write that meets the page's read of the same table is refused at once ("database
    # table is locked", a DatabaseError) and the run is retried, as in production, only sooner.
    policy_run = task.run
    task.run = task._orig_run
    del task._orig_run
    add_autoretry_behaviour(task, retry_backoff=1, retry_backoff_max=2)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    # Celery reads the broker from the environment before its settings: without this, on the
    # PostgreSQL and Redis pass (CELERY_BROKER_URL set) the worker consumed the shared Redis's
    # default queue, and took another test process's task for a run its database does not hold.
    monkeypatch.setenv("CELERY_BROKER_URL", "memory://")
    app.conf.update(broker_url="memory://", task_always_eager=False)
    # Celery caches the connection pool and the producer pool on first use: a test before this one
    # that sent a task left them bound to the old broker, and the run went there, not to the worker.
    app._pool = None
    app.amqp._producer_pool = None
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app
    finally:
        RUN_GATE.set()
        app.conf.update(saved)
        app._pool = None
        app.amqp._producer_pool = None
        task.run = policy_run  # `_orig_run` is the task's own function, as before
        for name, handler in handlers.items():
            getattr(signals, name).disconnect(handler)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_director_starts_a_recompute_and_watches_it_finish(
    browser, live_server, org, thread_worker, language, tmp_path
):
    from customers.tests.factories import CustomerFactory
    from targets.models import Achievement, RecomputeRun, RunStatus
    from targets.tests import factories as f

    yesterday = timezone.localdate() - timedelta(days=1)
    customer = CustomerFactory(owner=org.rep1a1)
    f.order(
        customer,
        yesterday,
        lines=[("250.00", "100.00")],
        shares=[(org.rep1a1, org.t1a, org.r1, "100", "250.00", "150.00", True)],
    )
    f.target(org.rep1a1, period=str(yesterday.year), value="1000.00", status="approved")
    shot = Screens("recompute", language, tmp_path)
    context = new_context(browser, live_server, language, **LAPTOP)
    page = context.new_page()
    page.set_default_timeout(20_000)
    log_in(page, live_server, "director", PASSWORD, "/targets/runs/")
    page.wait_for_url("**/targets/runs/")
    # Yesterday, the standard as-of, is filled in the date field's own format.
    assert page.input_value("#id_as_of") == yesterday.isoformat()
    page.get_by_role("button", name=label(language, "Recompute now")).click()
    page.wait_for_url("**/targets/runs/?watch=*")
    run = RecomputeRun.objects.get()

    # The page shows the run going: the worker holds it after its first step until seen here.
    progress = page.get_by_test_id("run-progress")
    assert RUN_PAUSED.wait(120), f"the worker did not start the run: {TASK_EVENTS}"
    page.wait_for_selector("[data-testid=run-progress][data-status=running]:not([data-progress='0'])")
    assert label(language, RunStatus.RUNNING.label) in progress.inner_text()
    shot(page, "1-running")
    # A mark on the page: it is the same page (no reload) when the run has finished.
    page.evaluate("window.walkMark = 'same page'")
    RUN_GATE.set()
    page.wait_for_selector("[data-testid=run-progress][data-status=succeeded]", timeout=60_000)
    assert page.evaluate("window.walkMark") == "same page"
    text = progress.inner_text()
    assert label(language, RunStatus.SUCCEEDED.label) in text and "100 %" in text
    assert page.get_by_test_id("run-progress").get_attribute("hx-get") is None  # polling stopped
    shot(page, "2-finished")
    context.close()

    run.refresh_from_db()
    assert (run.status, run.progress, run.as_of, run.requested_by) == (
        RunStatus.SUCCEEDED,
        100,
        yesterday,
        org.director.user,
    )
    assert run.finished_at is not None and run.rows == Achievement.objects.count() > 0


def test_the_browser_fixture_fails_a_test_on_a_page_with_a_serious_violation(browser, live_server, transactional_db):
    """The check behind every browser test can fail: a page without a language and with an image
    without a text (axe-core: html-has-lang, serious; image-alt, critical) is found when the context
    closes, named by its address and rule."""
    context = browser.new_context()
    page = context.new_page()
    probe = f"{live_server.url}/axe-probe/"
    body = "<!doctype html><html><head><title>probe</title></head><body><main><img src='/x.png'></main></body></html>"
    context.route(probe, lambda route: route.fulfill(body=body, content_type="text/html"))
    page.goto(probe)
    context.close()
    found = browser.axe_watch.found
    assert any(line.startswith(f"{probe} serious html-has-lang") for line in found), found
    assert any(line.startswith(f"{probe} critical image-alt") for line in found), found
    found.clear()  # this test's own page is the probe: it passes once the probe was caught
