"""The night's quotation sweep: a quote out with the customer or awaiting approval lapses after its
last valid day; its waiting approval step leaves the approval inbox; drafts stay with their rep."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sales.models import Quotation, QuotationStatus, StepStatus
from sales.services import quotes
from sales.tasks import expire_quotations
from sales.tests.test_quotes import quote, world  # noqa: F401 (the fixture)


def test_quotes_past_their_last_valid_day_expire_and_leave_the_inbox(org, world):  # noqa: F811
    rep = org.rep1a1.user
    manager = org.tm1a.user

    def approved_quote():
        return quotes.quote_approve(quotation=quotes.quote_submit(quotation=quote(world, rep), user=rep), user=manager)

    pending = quotes.quote_submit(quotation=quote(world, rep), user=rep)  # 20 % off: waits for tm1a
    approved = approved_quote()
    sent = quotes.quote_send(quotation=approved_quote(), user=rep)
    draft = quote(world, rep)
    accepted = quotes.quote_accept(quotation=approved_quote(), user=rep)
    # Every quote made today is valid for 30 days: valid_until is the last valid day.
    last_day = pending.valid_until
    assert {q.valid_until for q in (approved, sent, draft, accepted)} == {last_day}
    assert [s.quotation_id for s in quotes.quotations_awaiting(org.tm1a.user)] == [pending.pk]

    # On the last valid day nothing lapses.
    assert quotes.quotes_expire(today=last_day) == 0
    assert Quotation.objects.filter(status=QuotationStatus.EXPIRED).count() == 0

    # The day after: the pending, the approved and the sent quote expire (3); the draft and the
    # accepted one do not.
    assert quotes.quotes_expire(today=last_day + timedelta(days=1)) == 3
    status = dict(Quotation.objects.values_list("pk", "status"))
    assert status == {
        pending.pk: QuotationStatus.EXPIRED,
        approved.pk: QuotationStatus.EXPIRED,
        sent.pk: QuotationStatus.EXPIRED,
        draft.pk: QuotationStatus.DRAFT,
        accepted.pk: QuotationStatus.ACCEPTED,
    }
    assert pending.approval_steps.get().status == StepStatus.WITHDRAWN
    assert quotes.quotations_awaiting(org.tm1a.user) == []
    # History says why, on the quote and on its step.
    assert pending.history.first().history_change_reason == "expired"
    assert pending.approval_steps.get().history.first().history_change_reason == "expired"
    # Run again: nothing more to do.
    assert quotes.quotes_expire(today=last_day + timedelta(days=2)) == 0


def test_the_sweep_runs_a_fixed_number_of_queries_at_any_size(org, world):  # noqa: F811
    rep = org.rep1a1.user

    def sweep(n: int, day) -> int:
        for _ in range(n):
            quotes.quote_submit(quotation=quote(world, rep), user=rep)
        with CaptureQueriesContext(connection) as queries:
            assert quotes.quotes_expire(today=day) == n
        return len(queries)

    day_after = timezone.localdate() + timedelta(days=quotes.DEFAULT_VALID_DAYS + 1)
    assert sweep(2, day_after) == sweep(6, day_after)


def test_the_nightly_task_is_on_the_beat_and_runs_the_sweep(org, world):  # noqa: F811
    entry = settings.CELERY_BEAT_SCHEDULE["sales-expire-quotations"]
    assert entry["task"] == expire_quotations.name == "sales.tasks.expire_quotations"
    rep = org.rep1a1.user
    q = quotes.quote_submit(quotation=quote(world, rep), user=rep)
    today = timezone.localdate()
    # Made ten days ago, valid until yesterday: tonight it lapses (the task sweeps as of today).
    Quotation.objects.filter(pk=q.pk).update(date=today - timedelta(days=10), valid_until=today - timedelta(days=1))
    assert expire_quotations.delay().get() == 1
    q.refresh_from_db()
    assert q.status == QuotationStatus.EXPIRED
