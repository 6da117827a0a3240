"""Celery tasks of the customers app (thin: each calls a service). Areas add theirs here."""

# --- sales (orders, payment plans, imports) ---
from celery import shared_task  # noqa: E402


@shared_task(acks_late=True)
def run_import_job(job_id: int) -> None:
    from customers.services.imports import import_job_run

    import_job_run(job_id=job_id)


@shared_task(acks_late=True)
def instalments_daily() -> None:
    """Flag overdue instalments and send the reminders before due dates (idempotent)."""
    from customers.services.sales import instalments_mark_overdue, instalments_send_reminders

    instalments_mark_overdue()
    instalments_send_reminders()


# --- accounts (the customer pool) ---


@shared_task(acks_late=True)
def return_idle_customers_to_pool(as_of: str | None = None) -> dict:
    """Nightly: warn the owners of idle customers, then return those past their rule to the pool."""
    from datetime import date

    from customers.services.pool import pool_run

    result = pool_run(today=date.fromisoformat(as_of) if as_of else None)
    return {"warned": len(result.warned), "returned": len(result.returned), "exempt": result.exempt}
