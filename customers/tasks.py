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
