"""Celery tasks of staff (thin: each calls a service), on the house delivery policy."""

from celery import shared_task

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def people_leave_due() -> int:
    """Daily, just after midnight: those whose leaving date has come are marked left (their login
    already stopped working at midnight: staff.auth checks the date itself)."""
    from staff.services import people_leave_due as leave_due

    return leave_due()


@shared_task(**RELIABLE_TASK)
def refresh_calendar() -> dict[str, int]:
    """Yearly: the working-day calendar brought in line with the official holidays (admins' days
    kept). Idempotent: a rerun finds everything unchanged."""
    from staff.services import calendar_refresh

    done = calendar_refresh()
    return {"added": done.added, "updated": done.updated, "removed": done.removed, "admin_kept": done.admin_kept}
