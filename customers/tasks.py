"""Celery tasks of the customers app (thin: each calls a service), on the house delivery policy."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def return_idle_customers_to_pool(as_of: str | None = None) -> dict:
    """Nightly: warn the owners of idle customers, then return those past their rule to the pool."""
    from customers.services.pool import pool_run

    result = pool_run(today=date.fromisoformat(as_of) if as_of else None)
    return {"warned": len(result.warned), "returned": len(result.returned), "exempt": result.exempt}


@shared_task(**RELIABLE_TASK)
def escalate_complaints(today: str | None = None) -> int:
    """Daily: complaints open too long go to the regional manager (each once)."""
    from customers.services.complaint_alerts import complaints_escalate

    return complaints_escalate(today=date.fromisoformat(today) if today else timezone.localdate())


@shared_task(**RELIABLE_TASK)
def run_follow_up_discipline(today: str | None = None) -> dict:
    """Daily: remind the owners of customers not contacted, copy their managers, flag the customers."""
    from customers.services.follow_up import follow_up_discipline_run

    return follow_up_discipline_run(today=date.fromisoformat(today) if today else timezone.localdate())
