"""Celery tasks of notifications: one task per delivery, retried with exponential backoff."""

from __future__ import annotations

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from salesorg.celery import RELIABLE_TASK

# The delivery task's own retry policy: up to 6 attempts, 30 s, 60 s, 120 s ... apart (at most 1 h).
DELIVERY_MAX_RETRIES = 5
DELIVERY_BACKOFF_SECONDS = 30
DELIVERY_BACKOFF_MAX_SECONDS = 3600


@shared_task(bind=True, **{**RELIABLE_TASK, "max_retries": DELIVERY_MAX_RETRIES})
def deliver(self, delivery_id: int) -> object:
    """Send one delivery; on a network error, a non-2xx answer or a robot's refusal, retry later.

    The last attempt records the failure on the delivery (state "failed") instead of raising. The
    retry is scheduled without raising (`throw=False`): a worker sends the retry message and ends
    this run; an eager run (tests, no broker) runs the retry at once, as Celery's `apply` does with
    a returned Retry, instead of propagating it as an error.
    """
    from notifications.delivery import DeliveryError, send_delivery

    final = self.request.retries >= DELIVERY_MAX_RETRIES
    try:
        return send_delivery(delivery_id=delivery_id, final_attempt=final)
    except DeliveryError as exc:
        countdown = get_exponential_backoff_interval(
            factor=DELIVERY_BACKOFF_SECONDS,
            retries=self.request.retries,
            maximum=DELIVERY_BACKOFF_MAX_SECONDS,
            full_jitter=False,
        )
        return self.retry(exc=exc, countdown=countdown, throw=False)
