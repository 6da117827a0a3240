"""Evaluations, complaints, rewards, competitors, market intelligence and follow-ups of customers.

Re-exported by `customers.services.accounts`; each write asks the authority rule first.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.domain import clean_amount, clean_date
from customers.models import (
    Competitor,
    Complaint,
    ComplaintStatus,
    Customer,
    CustomerEvaluation,
    CustomerReward,
    FollowUp,
    Grade,
    RewardKind,
)
from customers.services.complaint_alerts import complaint_notify_new
from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff import authority

# Evaluations

SCORE_FIELDS = ("credit_score", "payment_score", "volume_score", "cooperation_score", "satisfaction_score")
GRADE_RANK = {Grade.A: 4, Grade.B: 3, Grade.C: 2, Grade.D: 1}


def grade_for(overall: Decimal) -> str:
    """A >= 4.5, B >= 3.5, C >= 2.5, otherwise D (the mean of five 1-5 scores)."""
    if overall >= Decimal("4.5"):
        return Grade.A
    if overall >= Decimal("3.5"):
        return Grade.B
    if overall >= Decimal("2.5"):
        return Grade.C
    return Grade.D


@transaction.atomic
def evaluation_create(
    *,
    user: Any,
    customer: Customer,
    period: str,
    scores: dict[str, Any],
    reason: str = "",
    response_plan: str = "",
    today: date | None = None,
) -> CustomerEvaluation:
    """Score a customer for a period (`customers.edit`); a lower grade than last time needs a reason
    and a response plan."""
    today = today or timezone.localdate()
    authority.require(user, "customers.edit", customer)
    errors: dict[str, list[str]] = {}
    try:
        period_text = str(Period.parse(period))
    except ValueError:
        errors["period"] = [_("Write a period like 2026-Q1.")]
        period_text = ""
    if period_text and CustomerEvaluation.objects.filter(customer=customer, period=period_text).exists():
        errors["period"] = [_("This customer was already evaluated for %(period)s.") % {"period": period_text}]
    values: dict[str, int] = {}
    for field in SCORE_FIELDS:
        try:
            values[field] = int(scores.get(field))
            if not 1 <= values[field] <= 5:
                raise ValueError
        except (TypeError, ValueError):
            errors[field] = [_("Enter a whole number from 1 to 5.")]
    if errors:
        raise ApplicationError(_("The evaluation has errors."), fields=errors)
    overall = (Decimal(sum(values.values())) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    grade = grade_for(overall)
    previous = CustomerEvaluation.objects.filter(customer=customer, period__lt=period_text).order_by("-period").first()
    previous_grade = previous.grade if previous else ""
    reason, response_plan = (reason or "").strip(), (response_plan or "").strip()
    if previous_grade and GRADE_RANK[grade] < GRADE_RANK[previous_grade]:
        if not reason:
            errors["reason"] = [
                _("The grade dropped from %(old)s to %(new)s: say why.") % {"old": previous_grade, "new": grade}
            ]
        if not response_plan:
            errors["response_plan"] = [_("The grade dropped: write the response plan.")]
        if errors:
            raise ApplicationError(_("A lower grade needs a reason and a response plan."), fields=errors)
    return CustomerEvaluation.objects.create(
        customer=customer,
        period=period_text,
        date=today,
        overall_score=overall,
        grade=grade,
        previous_grade=previous_grade,
        reason=reason,
        response_plan=response_plan,
        evaluated_by=authority.actor_of(user).person,
        **values,
    )


# Complaints, rewards, competitors and intelligence


def complaint_create(*, user: Any, customer: Customer, data: dict[str, Any], today: date | None = None) -> Complaint:
    """Record a complaint: the customer's owner or a manager of its unit (`customers.edit`)."""
    today = today or timezone.localdate()
    authority.require(user, "customers.edit", customer)
    errors: dict[str, list[str]] = {}
    subject = str(data.get("subject") or "").strip()
    if not subject or len(subject) > 200:
        errors["subject"] = [_("Enter a subject of at most 200 characters.")]
    received = today
    try:
        received = clean_date(data.get("received_on") or today, field="received_on", today=today, allow_future=False)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ApplicationError(_("The complaint has errors."), fields=errors)
    actor = authority.actor_of(user).person
    complaint = Complaint.objects.create(
        customer=customer,
        received_on=received,
        subject=subject,
        description=str(data.get("description") or "").strip(),
        handled_by=actor,
    )
    # The owner and their manager hear of it (sent after commit).
    complaint_notify_new(complaint=complaint, actor_person_id=actor.pk if actor else None)
    return complaint


@transaction.atomic
def complaint_update(*, user: Any, complaint: Complaint, data: dict[str, Any], today: date | None = None) -> Complaint:
    """Move a complaint on (received -> handling -> closed; `customers.edit`); closing needs a resolution."""
    today = today or timezone.localdate()
    authority.require(user, "customers.edit", complaint.customer)
    status = data.get("status", complaint.status)
    resolution = str(data.get("resolution", complaint.resolution) or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in ComplaintStatus.values:
        errors["status"] = [_("Choose received, being handled or closed.")]
    if status == ComplaintStatus.CLOSED and not resolution:
        errors["resolution"] = [_("A closed complaint records its resolution.")]
    if "subject" in data and not str(data["subject"] or "").strip():
        errors["subject"] = [_("This field is required.")]
    if errors:
        raise ApplicationError(_("The complaint has errors."), fields=errors)
    complaint.status = status
    complaint.resolution = resolution
    if "subject" in data:
        complaint.subject = str(data["subject"]).strip()[:200]
    if "description" in data:
        complaint.description = str(data["description"] or "")
    complaint.closed_on = (complaint.closed_on or today) if status == ComplaintStatus.CLOSED else None
    complaint.handled_by = complaint.handled_by or authority.actor_of(user).person
    complaint.save()
    return complaint


def reward_create(
    *,
    user: Any,
    customer: Customer,
    kind: str,
    amount: Any,
    reason: str,
    date_: Any = None,
    referral: Customer | None = None,
    today: date | None = None,
) -> CustomerReward:
    """Reward a loyal customer (rebate, gift, discount) or a referral: a manager of the customer's
    unit decides (`customers.manage`)."""
    today = today or timezone.localdate()
    authority.require(user, "customers.manage", customer)
    errors: dict[str, list[str]] = {}
    if kind not in RewardKind.values:
        errors["kind"] = [_("Choose rebate, gift, discount or referral.")]
    value = None
    try:
        value = clean_amount(amount)
    except ApplicationError as exc:
        errors.update(exc.fields)
    day = today
    try:
        day = clean_date(date_ or today, field="date", today=today, allow_future=False)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the customer is rewarded.")]
    if kind == RewardKind.REFERRAL and (referral is None or referral.referred_by_id != customer.pk):
        errors["referral"] = [_("Choose a customer this customer referred.")]
    if errors:
        raise ApplicationError(_("The reward has errors."), fields=errors)
    return CustomerReward.objects.create(
        customer=customer,
        kind=kind,
        date=day,
        amount=value,
        reason=reason.strip(),
        referral=referral,
        granted_by=authority.actor_of(user).person,
    )


COMPETITOR_FIELDS = ("name", "products", "prices", "channels", "strengths", "weaknesses")


def competitor_save(*, user: Any, data: dict[str, Any], competitor: Competitor | None = None) -> Competitor:
    """Add or edit a competitor: managers only (`catalogue.manage`); reps add intelligence notes."""
    authority.require(user, "catalogue.manage", competitor)
    name = str(data.get("name", competitor.name if competitor else "") or "").strip()
    if not name or len(name) > 200:
        raise ApplicationError(_("The competitor has errors."), fields={"name": [_("This field is required.")]})
    clash = Competitor.objects.filter(name=name).exclude(pk=competitor.pk if competitor else None)
    if clash.exists():
        raise ApplicationError(_("The competitor has errors."), fields={"name": [_("This competitor exists.")]})
    competitor = competitor or Competitor()
    for field in COMPETITOR_FIELDS:
        if field in data:
            setattr(competitor, field, str(data[field] or "").strip())
    competitor.name = name
    competitor.save()
    return competitor


def follow_up_done(*, user: Any, follow_up: FollowUp) -> FollowUp:
    """Tick off a follow-up: the person it is for (`own`)."""
    authority.require(user, "own", follow_up, person_id=follow_up.person_id)
    follow_up.done = True
    follow_up.save(update_fields=["done"])
    return follow_up
