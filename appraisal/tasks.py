"""Celery tasks of the appraisal app: thin, take ids, re-read, call a service (idempotent)."""

from __future__ import annotations

from celery import shared_task

from salesorg.celery import RELIABLE_TASK


@shared_task(**RELIABLE_TASK)
def refresh_appraisal_period(*, appraisal_id: int) -> int:
    """Re-read the numbers of a period's draft scorecards (after the nightly recompute)."""
    from appraisal.models import AppraisalPeriod, PeriodStatus
    from appraisal.services import appraisal_period_refresh_after_recompute

    appraisal = AppraisalPeriod.objects.filter(pk=appraisal_id, status=PeriodStatus.OPEN).first()
    return appraisal_period_refresh_after_recompute(appraisal=appraisal) if appraisal else 0


@shared_task(**RELIABLE_TASK)
def compute_commission(
    *, plan_id: int, period: str, user_id: int, team_id: int | None = None, region_id: int | None = None
) -> int:
    """Compute a unit's draft statements for the login that asked: the service re-checks who may."""
    from django.contrib.auth import get_user_model

    from appraisal.models import CommissionPlan
    from appraisal.services import commission_statements_compute
    from staff.models import Region, Team

    plan = CommissionPlan.objects.filter(pk=plan_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    team = Team.objects.filter(pk=team_id).first() if team_id else None
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if plan is None or user is None or (team_id and team is None) or (region_id and region is None):
        return 0  # gone since it was queued: never widen to the company
    return commission_statements_compute(plan=plan, period=period, by=user, team=team, region=region)
