"""Celery tasks of the sales app (thin: each calls a service), on the house delivery policy."""

from celery import shared_task

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def run_import_job(job_id: int) -> None:
    from sales.services.imports import import_job_run

    import_job_run(job_id=job_id)


@shared_task(**RELIABLE_TASK)
def instalments_daily() -> None:
    """Flag overdue instalments (telling the reps and their managers of the newly overdue ones) and
    send the reminders before due dates (idempotent)."""
    from sales.services.instalments import instalments_flag_overdue_and_notify, instalments_send_reminders

    instalments_flag_overdue_and_notify()
    instalments_send_reminders()


@shared_task(**RELIABLE_TASK)
def escalate_approvals() -> int:
    """Move approval steps (orders' and quotations') that waited longer than
    APPROVAL_ESCALATION_HOURS one level up; returns how many moved."""
    from sales.services.approvals import approval_escalate
    from sales.services.quotes import quotes_escalate

    return approval_escalate() + quotes_escalate()


@shared_task(**RELIABLE_TASK)
def expire_quotations() -> int:
    """Quotations past their last valid day, pending, approved or sent, become expired."""
    from sales.services.quotes import quotes_expire

    return quotes_expire()
