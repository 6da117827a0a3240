"""Writes for the pipeline: opportunities and their moves between stages (with history)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from sales.models import ForecastCategory, Opportunity, OpportunityStageChange, PipelineStage
from sales.services.access import check_credit
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person


def _acting_person(user: Any) -> Person | None:
    return authority.actor_of(user).person if user is not None else None


def require_opportunity_edit(opportunity: Opportunity, user: Any) -> None:
    """Its owner or a manager of its unit (sales.edit_record); a wider data scope changes nothing."""
    if user is not None:
        authority.require(
            user, "sales.edit_record", opportunity, people=opportunity.people_ids, units=opportunity.units
        )


def _require_customer(customer: Customer, user: Any) -> None:
    """A customer in the user's scope whose owner they are or whose unit they manage."""
    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        raise ApplicationError(_("This customer is outside your scope."), fields={"customer": [_("Not found.")]})
    authority.require(user, "sales.create_record", customer)


def _check_amount(amount: Any) -> Decimal:
    try:
        value = Decimal(str(amount))
    except Exception:
        raise ApplicationError(_("Not a number."), fields={"expected_amount": [_("Enter a number.")]}) from None
    if value < 0:
        raise ApplicationError(
            _("The expected amount cannot be negative."), fields={"expected_amount": [_("Must be >= 0.")]}
        )
    return value


def _check_category(category: Any, *, field: str = "forecast_category", blank: bool = True) -> str:
    """A forecast category's value ("" on an opportunity: the stage's default)."""
    value = "" if category is None else str(category)
    if (value == "" and blank) or value in ForecastCategory.values:
        return value
    raise ApplicationError(_("Not a forecast category."), fields={field: [_("Choose a forecast category.")]})


def _check_lost(stage: PipelineStage, lost_reason: str) -> None:
    if stage.is_lost and not lost_reason.strip():
        raise ApplicationError(
            _("Say why the opportunity was lost."), fields={"lost_reason": [_("Required for a lost opportunity.")]}
        )


@transaction.atomic
def opportunity_create(
    *,
    name: str,
    customer: Customer,
    owner: Person,
    expected_amount: Decimal,
    expected_close_date: date,
    stage: PipelineStage | None = None,
    note: str = "",
    forecast_category: str = "",
    user: Any = None,
    now: datetime | None = None,
) -> Opportunity:
    """Open an opportunity; the owner's current team and region are recorded on it.

    The user is the customer's owner or a manager of its unit (sales.create_record) and names as
    owner a rep of their unit (sales.credit, a 400 naming `owner`)."""
    now = now or timezone.now()
    if not isinstance(expected_close_date, date):
        raise ApplicationError(_("Bad date."), fields={"expected_close_date": [_("Enter a valid date.")]})
    amount = _check_amount(expected_amount)
    forecast_category = _check_category(forecast_category)
    if not name.strip():
        raise ApplicationError(_("Name the opportunity."), fields={"name": [_("Required.")]})
    if user is not None:
        _require_customer(customer, user)
        check_credit(user, [owner], field="owner")
    stage = stage or PipelineStage.objects.filter(is_active=True, is_won=False, is_lost=False).first()
    if stage is None:
        raise ApplicationError(_("No pipeline stage is configured."), fields={"stage": [_("Required.")]})
    if stage.is_closed:
        raise ApplicationError(_("A new opportunity starts in an open stage."), fields={"stage": [_("Open stage.")]})
    opportunity = Opportunity.objects.create(
        name=name,
        customer=customer,
        owner=owner,
        team_id=owner.team_id,
        region_id=owner.region_id,
        stage=stage,
        expected_amount=amount,
        expected_close_date=expected_close_date,
        stage_entered_at=now,
        note=note,
        forecast_category=forecast_category,
    )
    OpportunityStageChange.objects.create(
        opportunity=opportunity, stage=stage, entered_at=now, changed_by=_acting_person(user)
    )
    return opportunity


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, user: Any = None, **changes: Any) -> Opportunity:
    require_opportunity_edit(opportunity, user)
    allowed = {"name", "expected_amount", "expected_close_date", "note", "customer", "forecast_category"}
    unknown = set(changes) - allowed
    if unknown:
        raise ApplicationError(
            _("These fields cannot be changed here."), fields={f: [_("Read-only.")] for f in unknown}
        )
    if "expected_amount" in changes:
        changes["expected_amount"] = _check_amount(changes["expected_amount"])
    if "forecast_category" in changes:
        changes["forecast_category"] = _check_category(changes["forecast_category"])
    if "expected_close_date" in changes and not isinstance(changes["expected_close_date"], date):
        raise ApplicationError(_("Bad date."), fields={"expected_close_date": [_("Enter a valid date.")]})
    if "customer" in changes and user is not None and changes["customer"].pk != opportunity.customer_id:
        _require_customer(changes["customer"], user)
    for field, value in changes.items():
        setattr(opportunity, field, value)
    if changes:
        opportunity.save(update_fields=list(changes))
    return opportunity


@transaction.atomic
def opportunity_move(
    *,
    opportunity: Opportunity,
    stage: PipelineStage,
    user: Any = None,
    lost_reason: str = "",
    lost_to: Any = None,
    now: datetime | None = None,
) -> Opportunity:
    """Move to another stage: close the current stay in the history and open a new one."""
    now = now or timezone.now()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    require_opportunity_edit(opportunity, user)
    if stage.pk == opportunity.stage_id:
        raise ApplicationError(_("The opportunity is already in this stage."), fields={"stage": [_("Same stage.")]})
    if not stage.is_active:
        raise ApplicationError(_("This stage is not in use."), fields={"stage": [_("Inactive stage.")]})
    _check_lost(stage, lost_reason)
    current = opportunity.stage_history.filter(left_at__isnull=True).order_by("-entered_at").first()
    if current is not None:
        current.left_at = now
        current.days = max(0, (now - current.entered_at).days)
        current.save(update_fields=["left_at", "days"])
    OpportunityStageChange.objects.create(
        opportunity=opportunity, stage=stage, entered_at=now, changed_by=_acting_person(user)
    )
    opportunity.stage = stage
    opportunity.stage_entered_at = now
    opportunity.closed_on = timezone.localdate(now) if stage.is_closed else None
    opportunity.lost_reason = lost_reason if stage.is_lost else ""
    opportunity.lost_to = lost_to if stage.is_lost else None
    opportunity.save(update_fields=["stage", "stage_entered_at", "closed_on", "lost_reason", "lost_to"])
    return opportunity


@transaction.atomic
def pipeline_stage_save(
    *,
    name: str,
    probability: int,
    order: int | None = None,
    is_won: bool = False,
    is_lost: bool = False,
    is_active: bool = True,
    default_forecast_category: str | None = None,
    stage: PipelineStage | None = None,
    user: Any = None,
) -> PipelineStage:
    """Add or change a pipeline stage: managers (catalogue.manage)."""
    if user is not None:
        authority.require(user, "catalogue.manage", stage)
    if not 0 <= int(probability) <= 100:
        raise ApplicationError(_("Probability is 0 to 100."), fields={"probability": [_("0 to 100.")]})
    if is_won and is_lost:
        raise ApplicationError(_("A stage cannot be both won and lost."), fields={"is_lost": [_("Choose one.")]})
    if PipelineStage.objects.filter(name=name).exclude(pk=stage.pk if stage else None).exists():
        raise ApplicationError(_("A stage with this name exists."), fields={"name": [_("Already used.")]})
    if order is None:
        # A new stage without an explicit place goes after the last one.
        order = (PipelineStage.objects.aggregate(last=Max("order"))["last"] or 0) + 1
    if default_forecast_category is None:
        # Unnamed: kept on a stage that has one; a new stage's from its kind.
        default_forecast_category = (
            stage.default_forecast_category
            if stage is not None
            else ForecastCategory.COMMIT
            if is_won
            else ForecastCategory.OMITTED
            if is_lost
            else ForecastCategory.PIPELINE
        )
    default_forecast_category = _check_category(
        default_forecast_category, field="default_forecast_category", blank=False
    )
    stage = stage or PipelineStage()
    stage.default_forecast_category = default_forecast_category
    stage.name, stage.order, stage.probability = name, order, probability
    stage.is_won, stage.is_lost, stage.is_active = is_won, is_lost, is_active
    stage.save()
    return stage
