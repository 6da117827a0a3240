"""Celery tasks of the appraisal app: thin, take ids, re-read, call a service (idempotent)."""

from __future__ import annotations

from celery import shared_task

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def refresh_appraisal_period(*, appraisal_id: int) -> int:
    """Re-read the numbers of a period's draft scorecards (after the nightly recompute)."""
    from appraisal.models import AppraisalPeriod, PeriodStatus
    from appraisal.services import appraisal_period_refresh

    appraisal = AppraisalPeriod.objects.filter(pk=appraisal_id, status=PeriodStatus.OPEN).first()
    return appraisal_period_refresh(appraisal=appraisal) if appraisal else 0


@shared_task(**RELIABLE_TASK)
def compute_commission(*, plan_id: int, period: str) -> int:
    from appraisal.models import CommissionPlan
    from appraisal.services import commission_statements_compute

    plan = CommissionPlan.objects.filter(pk=plan_id).first()
    return commission_statements_compute(plan=plan, period=period) if plan else 0
