"""Import runs: checked or imported now (the commands), or queued as a job a worker runs (the pages)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sales.models import ImportJob, ImportKind, ImportStatus
from sales.services.imports.common import ImportResult
from sales.services.imports.orders import import_orders
from sales.services.imports.payments import import_payments
from salesorg.exceptions import ApplicationError
from staff import authority


def import_run(
    *, kind: str, content: bytes, file_name: str, dry_run: bool, user: Any = None, **kwargs: Any
) -> ImportResult:
    """Check or import a file; a user (not the system) must be allowed to import (sales.import)."""
    if user is not None:
        authority.require(user, "sales.import")
    if kind == ImportKind.ORDERS:
        return import_orders(content=content, file_name=file_name, dry_run=dry_run, user=user, **kwargs)
    if kind == ImportKind.PAYMENTS:
        return import_payments(content=content, file_name=file_name, dry_run=dry_run, user=user, **kwargs)
    raise ApplicationError(_("Unknown import kind."), fields={"kind": [_("Choose orders or payments.")]})


def import_job_create(*, kind: str, file_name: str, content: bytes, dry_run: bool, user: Any = None) -> ImportJob:
    """Record an upload and queue its run (after commit, so the worker sees the row)."""
    if kind not in ImportKind.values:
        raise ApplicationError(_("Unknown import kind."), fields={"kind": [_("Choose orders or payments.")]})
    if not content:
        raise ApplicationError(_("The file is empty."), fields={"file": [_("Empty file.")]})
    person = None
    if user is not None:
        person = authority.require(user, "sales.import").person
    job = ImportJob.objects.create(kind=kind, file_name=file_name, content=content, dry_run=dry_run, created_by=person)
    from sales.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run a queued job; progress is written as rows are checked, so a page can poll it."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    user = job.created_by.user if job.created_by and job.created_by.user_id else None

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    try:
        result = import_run(
            kind=job.kind,
            content=bytes(job.content),
            file_name=job.file_name,
            dry_run=job.dry_run,
            user=user,
            progress=progress,
        )
    except (ApplicationError, authority.NotAllowed) as exc:
        result = ImportResult(kind=job.kind, dry_run=job.dry_run)
        result.error(0, "file", exc.message)
    job.total_rows = result.total_rows
    job.processed_rows = result.total_rows
    job.errors = result.errors
    job.summary = result.summary()
    if result.errors:
        job.status = ImportStatus.FAILED
    else:
        job.status = ImportStatus.CHECKED if job.dry_run else ImportStatus.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["total_rows", "processed_rows", "errors", "summary", "status", "finished_at"])
    return job
