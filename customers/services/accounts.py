"""Customers: create, edit, transfer, classify; stakeholders, evaluations, complaints, rewards, intel."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import (
    Classification,
    ClassificationChange,
    Competitor,
    Complaint,
    ComplaintStatus,
    CreditRating,
    Customer,
    CustomerEvaluation,
    CustomerKind,
    CustomerMove,
    CustomerReward,
    CustomerSource,
    CustomerStatus,
    FollowUp,
    FollowUpKind,
    Grade,
    IntelNote,
    MoveKind,
    Order,
    OrderStatus,
    RewardKind,
    Stakeholder,
    StakeholderChange,
    StakeholderChangeKind,
    StakeholderStatus,
    Visit,
)
from customers.services.common import clean_amount, clean_coordinates, clean_date, person_of
from salesorg.exceptions import ApplicationError
from salesorg.periods import Period
from staff.models import MANAGER_POSITIONS, Person

CUSTOMER_TEXT_FIELDS = {"name": 200, "industry": 100, "address": 300, "contacts": 5000, "notes": 5000}
CUSTOMER_CHOICE_FIELDS = {
    "kind": CustomerKind,
    "status": CustomerStatus,
    "credit_rating": CreditRating,
    "source": CustomerSource,
}


def is_manager(user: Any) -> bool:
    if user.is_superuser:
        return True
    person = getattr(user, "person", None)
    return person is not None and person.position in MANAGER_POSITIONS


def clean_customer_fields(data: dict[str, Any], *, user: Any | None = None) -> dict[str, Any]:
    """Validate the editable fields of a customer; one error naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, limit in CUSTOMER_TEXT_FIELDS.items():
        if field in data:
            value = str(data[field] or "").strip()
            if len(value) > limit:
                errors[field] = [_("At most %(limit)s characters.") % {"limit": limit}]
            cleaned[field] = value
    if "name" in cleaned and not cleaned["name"]:
        errors["name"] = [_("This field is required.")]
    for field, choices in CUSTOMER_CHOICE_FIELDS.items():
        if field in data:
            value = data[field] or ""
            allowed = (field in ("credit_rating", "source") and value == "") or value in choices.values
            if not allowed:
                errors[field] = [_("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)}]
            cleaned[field] = value
    for field in ("credit_limit", "potential_amount"):
        if field in data and data[field] not in (None, ""):
            try:
                cleaned[field] = clean_amount(data[field], field=field, allow_zero=True)
            except ApplicationError as exc:
                errors.update(exc.fields)
    if "latitude" in data or "longitude" in data:
        try:
            cleaned["latitude"], cleaned["longitude"] = clean_coordinates(data.get("latitude"), data.get("longitude"))
        except ApplicationError as exc:
            errors.update(exc.fields)
    if data.get("referred_by") not in (None, ""):
        referrer = data["referred_by"]
        if not isinstance(referrer, Customer):
            referrer = Customer.objects.filter(pk=referrer).first() if str(referrer).isdigit() else None
        if referrer is None:
            errors["referred_by"] = [_("Unknown customer.")]
        cleaned["referred_by"] = referrer
        cleaned.setdefault("source", CustomerSource.REFERRAL)
    elif "referred_by" in data:
        cleaned["referred_by"] = None
    if errors:
        raise ApplicationError(_("The customer has errors."), fields=errors)
    return cleaned


def _owner_for(user: Any, owner: Person | int | None) -> Person | None:
    """The owner a user may give a customer: a manager any person in scope, a rep only themselves."""
    if owner in (None, ""):
        return None
    owner_id = owner.pk if isinstance(owner, Person) else int(owner)
    if not is_manager(user) and owner_id != person_of(user).pk:
        raise ApplicationError(_("Reps own the customers they create."), fields={"owner": [_("Choose yourself.")]})
    found = Person.objects.visible_to(user).current().filter(pk=owner_id).first()
    if found is None:
        raise ApplicationError(_("Unknown owner."), fields={"owner": [_("Choose a person in your scope.")]})
    return found


@transaction.atomic
def customer_create(
    *, user: Any, code: str, data: dict[str, Any], owner: Any = None, today: date | None = None
) -> Customer:
    """Create a customer. A rep's new customer is theirs; a manager may leave it in the pool."""
    today = today or timezone.localdate()
    code = (code or "").strip()
    errors: dict[str, list[str]] = {}
    if not code or len(code) > 30:
        errors["code"] = [_("Enter a code of at most 30 characters.")]
    elif Customer.objects.filter(code=code).exists():
        errors["code"] = [_("A customer with this code exists.")]
    try:
        cleaned = clean_customer_fields({"name": "", **data}, user=user)
    except ApplicationError as exc:
        errors.update(exc.fields)
        cleaned = {}
    try:
        if owner in (None, "") and not is_manager(user):
            owner = person_of(user)
        owner_person = _owner_for(user, owner)
    except ApplicationError as exc:
        errors.update(exc.fields)
        owner_person = None
    if errors:
        raise ApplicationError(_("The customer has errors."), fields=errors)
    by = getattr(user, "person", None)
    customer = Customer(code=code, **cleaned)
    _set_owner(customer, owner_person, today=today)
    if owner_person is None and by is not None:
        customer.region_id, customer.team_id = by.region_id, by.team_id
    customer.save()
    CustomerMove.objects.create(
        customer=customer, date=today, kind=MoveKind.CREATED, to_owner=owner_person, moved_by=by
    )
    return customer


def _set_owner(customer: Customer, owner: Person | None, *, today: date) -> None:
    customer.owner = owner
    customer.owner_since = today if owner else None
    customer.pool_due_date = None
    customer.pool_warned_on = None
    if owner is not None:
        # The customer joins the owner's unit, so the owner's managers see it.
        customer.team_id, customer.region_id = owner.team_id, owner.region_id


@transaction.atomic
def customer_update(*, user: Any, customer: Customer, data: dict[str, Any]) -> Customer:
    """Edit a customer's details. Owner and classification change through their own services."""
    cleaned = clean_customer_fields(data, user=user)
    if not is_manager(user):
        # Reps keep the customer's notes and contacts; credit and status are the manager's call.
        for field in ("credit_rating", "credit_limit", "status"):
            if field in cleaned and cleaned[field] != getattr(customer, field):
                raise PermissionDenied(_("Only a manager changes credit and status."))
    for field, value in cleaned.items():
        setattr(customer, field, value)
    customer.save(update_fields=list(cleaned) or None)
    return customer


@transaction.atomic
def customer_transfer(
    *, user: Any, customer: Customer, to_owner: Person | int, reason: str, today: date | None = None
) -> Customer:
    """A manager moves a customer to another rep; the move is recorded with its reason."""
    today = today or timezone.localdate()
    if not is_manager(user):
        raise PermissionDenied(_("Only a manager transfers customers."))
    errors: dict[str, list[str]] = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the customer moves.")]
    try:
        new_owner = _owner_for(user, to_owner)
    except (ApplicationError, ValueError):
        errors["to_owner"] = [_("Choose a person in your scope.")]
        new_owner = None
    if new_owner is None and "to_owner" not in errors:
        errors["to_owner"] = [_("This field is required.")]
    if new_owner is not None and new_owner.pk == customer.owner_id:
        errors["to_owner"] = [_("The customer already belongs to this person.")]
    if errors:
        raise ApplicationError(_("The transfer has errors."), fields=errors)
    previous = customer.owner
    _set_owner(customer, new_owner, today=today)
    customer.save(update_fields=["owner", "owner_since", "pool_due_date", "pool_warned_on", "team", "region"])
    CustomerMove.objects.create(
        customer=customer,
        date=today,
        kind=MoveKind.TRANSFERRED if previous else MoveKind.ASSIGNED,
        from_owner=previous,
        to_owner=new_owner,
        reason=reason.strip(),
        moved_by=getattr(user, "person", None),
    )
    return customer


# Classification rule: last 12 months' confirmed order amount, or the rep's estimate of potential.
def key_amount() -> Decimal:
    return Decimal(getattr(settings, "CUSTOMER_KEY_AMOUNT", "1000000"))


def key_potential() -> Decimal:
    return Decimal(getattr(settings, "CUSTOMER_KEY_POTENTIAL", "3000000"))


def general_potential() -> Decimal:
    return Decimal(getattr(settings, "CUSTOMER_GENERAL_POTENTIAL", "300000"))


def sales_last_12_months(customer: Customer, *, today: date) -> Decimal:
    start = today - timedelta(days=365)
    total = Order.objects.filter(
        customer=customer, status=OrderStatus.CONFIRMED, date__gt=start, date__lte=today
    ).aggregate(total=Sum("total_amount"))["total"]
    return total or Decimal("0.00")


def propose_classification(*, sales: Decimal, potential: Decimal) -> str:
    """Key: bought >= CUSTOMER_KEY_AMOUNT in 12 months or potential >= CUSTOMER_KEY_POTENTIAL.
    General: bought anything, or potential >= CUSTOMER_GENERAL_POTENTIAL. Otherwise potential."""
    if sales >= key_amount() or potential >= key_potential():
        return Classification.KEY
    if sales > 0 or potential >= general_potential():
        return Classification.GENERAL
    return Classification.POTENTIAL


def customer_proposed_classification(customer: Customer, *, today: date) -> str:
    return propose_classification(
        sales=sales_last_12_months(customer, today=today), potential=customer.potential_amount
    )


@transaction.atomic
def customer_classify(
    *, user: Any, customer: Customer, classification: str, reason: str = "", today: date | None = None
) -> Customer:
    """Set the classification. Following the rule needs no reason; overriding it does."""
    today = today or timezone.localdate()
    if not is_manager(user):
        raise PermissionDenied(_("Only a manager classifies customers."))
    if classification not in Classification.values:
        raise ApplicationError(
            _("Unknown classification."), fields={"classification": [_("Choose key, general or potential.")]}
        )
    proposed = customer_proposed_classification(customer, today=today)
    reason = (reason or "").strip()
    if classification != proposed and not reason:
        raise ApplicationError(
            _("Overriding the proposed classification needs a reason."),
            fields={"reason": [_("The rule proposes %(proposed)s: say why not.") % {"proposed": proposed}]},
        )
    if classification == customer.classification and customer.classification_overridden == (classification != proposed):
        return customer
    ClassificationChange.objects.create(
        customer=customer,
        date=today,
        from_classification=customer.classification,
        to_classification=classification,
        proposed=proposed,
        reason=reason,
        changed_by=getattr(user, "person", None),
    )
    customer.classification = classification
    customer.classification_overridden = classification != proposed
    customer.save(update_fields=["classification", "classification_overridden"])
    return customer


# Stakeholders


STAKEHOLDER_FIELDS = ("name", "title", "role", "needs", "attitude", "relationship", "phone", "email")


def _clean_stakeholder(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    from customers.models import Attitude, StakeholderRole

    errors: dict[str, list[str]] = {}
    cleaned = {field: data[field] for field in STAKEHOLDER_FIELDS if field in data}
    if not partial or "name" in cleaned:
        cleaned["name"] = str(cleaned.get("name") or "").strip()
        if not cleaned["name"]:
            errors["name"] = [_("This field is required.")]
    if (not partial or "role" in cleaned) and cleaned.get("role") not in StakeholderRole.values:
        errors["role"] = [_("Choose a role in the decision.")]
    if "attitude" in cleaned and cleaned["attitude"] not in Attitude.values:
        errors["attitude"] = [_("Choose supporter, neutral or opponent.")]
    if "relationship" in cleaned:
        try:
            cleaned["relationship"] = int(cleaned["relationship"])
            if not 1 <= cleaned["relationship"] <= 5:
                raise ValueError
        except (TypeError, ValueError):
            errors["relationship"] = [_("Enter a whole number from 1 to 5.")]
    if errors:
        raise ApplicationError(_("The stakeholder has errors."), fields=errors)
    return cleaned


def stakeholder_create(*, user: Any, customer: Customer, data: dict[str, Any]) -> Stakeholder:
    cleaned = _clean_stakeholder(data, partial=False)
    return Stakeholder.objects.create(customer=customer, **cleaned)


def stakeholder_update(*, user: Any, stakeholder: Stakeholder, data: dict[str, Any]) -> Stakeholder:
    cleaned = _clean_stakeholder(data, partial=True)
    for field, value in cleaned.items():
        setattr(stakeholder, field, value)
    stakeholder.save(update_fields=list(cleaned) or None)
    return stakeholder


@transaction.atomic
def stakeholder_change(
    *,
    user: Any,
    stakeholder: Stakeholder,
    kind: str,
    date_: Any = None,
    note: str = "",
    replacement: dict[str, Any] | None = None,
    today: date | None = None,
) -> StakeholderChange:
    """A stakeholder left or was replaced: record it and ask the owning rep to follow up."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if kind not in StakeholderChangeKind.values:
        errors["kind"] = [_("Choose left or replaced.")]
    if stakeholder.status != StakeholderStatus.ACTIVE:
        errors["stakeholder"] = [_("This stakeholder already left.")]
    day = today
    try:
        day = clean_date(date_ or today, field="date", today=today, allow_future=False)
    except ApplicationError as exc:
        errors.update(exc.fields)
    successor = None
    if kind == StakeholderChangeKind.REPLACED:
        if not replacement:
            errors["replacement"] = [_("Name the successor.")]
        else:
            try:
                cleaned = _clean_stakeholder(
                    {"role": stakeholder.role, "title": stakeholder.title, **replacement}, partial=False
                )
            except ApplicationError as exc:
                errors.update({f"replacement_{field}": messages for field, messages in exc.fields.items()})
            else:
                successor = Stakeholder(customer_id=stakeholder.customer_id, **cleaned)
    if errors:
        raise ApplicationError(_("The stakeholder change has errors."), fields=errors)
    if successor is not None:
        successor.save()
    stakeholder.status = StakeholderStatus.REPLACED if successor else StakeholderStatus.LEFT
    stakeholder.save(update_fields=["status"])
    change = StakeholderChange.objects.create(
        stakeholder=stakeholder,
        customer_id=stakeholder.customer_id,
        kind=kind,
        date=day,
        replacement=successor,
        note=(note or "").strip(),
        recorded_by=getattr(user, "person", None),
    )
    customer = stakeholder.customer
    if customer.owner_id:
        if successor:
            message = _("%(old)s was replaced by %(new)s at %(customer)s: build the relationship.") % {
                "old": stakeholder.name,
                "new": successor.name,
                "customer": customer.name,
            }
        else:
            message = _("%(old)s left %(customer)s: find who takes over.") % {
                "old": stakeholder.name,
                "customer": customer.name,
            }
        FollowUp.objects.create(
            person_id=customer.owner_id,
            customer=customer,
            kind=FollowUpKind.STAKEHOLDER_CHANGE,
            message=message[:300],
            due_date=today + timedelta(days=7),
            created_on=today,
        )
    return change


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
    """Score a customer for a period; a lower grade than last time needs a reason and a response plan."""
    today = today or timezone.localdate()
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
        evaluated_by=getattr(user, "person", None),
        **values,
    )


# Complaints, rewards, competitors and intelligence


def complaint_create(*, user: Any, customer: Customer, data: dict[str, Any], today: date | None = None) -> Complaint:
    today = today or timezone.localdate()
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
    return Complaint.objects.create(
        customer=customer,
        received_on=received,
        subject=subject,
        description=str(data.get("description") or "").strip(),
        handled_by=getattr(user, "person", None),
    )


@transaction.atomic
def complaint_update(*, user: Any, complaint: Complaint, data: dict[str, Any], today: date | None = None) -> Complaint:
    """Move a complaint on (received -> handling -> closed); closing needs a resolution."""
    today = today or timezone.localdate()
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
    complaint.handled_by = complaint.handled_by or getattr(user, "person", None)
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
    """Reward a loyal customer (rebate, gift, discount) or a referral; a manager's decision."""
    today = today or timezone.localdate()
    if not is_manager(user):
        raise PermissionDenied(_("Only a manager grants customer rewards."))
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
        granted_by=getattr(user, "person", None),
    )


COMPETITOR_FIELDS = ("name", "products", "prices", "channels", "strengths", "weaknesses")


def competitor_save(*, user: Any, data: dict[str, Any], competitor: Competitor | None = None) -> Competitor:
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


def intel_note_create(
    *,
    user: Any,
    note: str,
    competitor: Competitor | None = None,
    customer: Customer | None = None,
    visit: Visit | None = None,
    date_: Any = None,
    today: date | None = None,
) -> IntelNote:
    today = today or timezone.localdate()
    author = person_of(user)
    errors: dict[str, list[str]] = {}
    if not (note or "").strip():
        errors["note"] = [_("This field is required.")]
    day = today
    try:
        day = clean_date(date_ or today, field="date", today=today, allow_future=False)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if customer is not None and not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        errors["customer"] = [_("Not one of your customers.")]
    if visit is not None and visit.author_id != author.pk:
        errors["visit"] = [_("Link one of your own visit reports.")]
    if errors:
        raise ApplicationError(_("The intel note has errors."), fields=errors)
    return IntelNote.objects.create(
        competitor=competitor,
        customer=customer or (visit.customer if visit else None),
        visit=visit,
        author=author,
        team_id=author.team_id,
        region_id=author.region_id,
        date=day,
        note=note.strip(),
    )


def follow_up_done(*, user: Any, follow_up: FollowUp) -> FollowUp:
    follow_up.done = True
    follow_up.save(update_fields=["done"])
    return follow_up
