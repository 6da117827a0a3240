"""Customers: create, edit, transfer, classify; stakeholders, evaluations, complaints, rewards, intel."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers import hooks
from customers.domain import (
    clean_amount,
    clean_coordinates,
    clean_date,
    normalized_company_name,
    normalized_tax_number,
)
from customers.models import (
    Classification,
    ClassificationChange,
    CreditRating,
    Customer,
    CustomerKind,
    CustomerMove,
    CustomerSource,
    CustomerStatus,
    FollowUp,
    FollowUpKind,
    MoveKind,
    Stakeholder,
    StakeholderChange,
    StakeholderChangeKind,
    StakeholderStatus,
    follow_up_text,
)

# Evaluations, complaints, rewards, competitors and follow-ups live next door;
# re-exported so callers keep `account_services.<name>`.
from customers.services.customer_records import (  # noqa: F401
    GRADE_RANK,
    SCORE_FIELDS,
    competitor_save,
    complaint_create,
    complaint_update,
    evaluation_create,
    follow_up_done,
    grade_for,
    reward_create,
)
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person

CUSTOMER_TEXT_FIELDS = {"name": 200, "tax_number": 30, "industry": 100, "address": 300, "contacts": 5000, "notes": 5000}
CUSTOMER_CHOICE_FIELDS = {
    "kind": CustomerKind,
    "status": CustomerStatus,
    "credit_rating": CreditRating,
    "source": CustomerSource,
}
# Fields only a manager of the customer's unit sets (`customers.manage`): classification has its
# own service; a location move changes where check-ins are measured from.
MANAGED_FIELDS = ("credit_rating", "credit_limit", "status", "latitude", "longitude")
# A new customer may come with its location (a rep records where it is), not with credit.
CREDIT_FIELDS = ("credit_rating", "credit_limit")


def may_manage_customers(user: Any) -> bool:
    """Whether the user is a manager (or an admin) at all: who may assign owners and import for others."""
    actor = authority.actor_of(user)
    return actor.is_admin or actor.is_manager


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
            # Looked up in the user's scope: a hidden customer is as unknown as a missing one.
            customers = Customer.objects.visible_to(user) if user is not None else Customer.objects.none()
            referrer = customers.filter(pk=referrer).first() if str(referrer).isdigit() else None
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
    if not may_manage_customers(user) and owner_id != authority.require_person(user).pk:
        raise ApplicationError(_("Reps own the customers they create."), fields={"owner": [_("Choose yourself.")]})
    found = Person.objects.visible_to(user).current().filter(pk=owner_id).first()
    if found is None:
        raise ApplicationError(_("Unknown owner."), fields={"owner": [_("Choose a person in your scope.")]})
    return found


def customer_duplicates(
    *, user: Any, name: str = "", tax_number: str = "", exclude_pk: int | None = None
) -> dict[str, list[str]]:
    """Per field (`tax_number`, `name`), why a customer with these would be a duplicate: another
    customer (anywhere: one company is one customer) has the same tax number or the same name as
    normalised (customers.domain.normalized_company_name). One seen by the user is named by its
    code; one outside the user's view only said to exist."""
    tax, key = normalized_tax_number(tax_number), normalized_company_name(name)
    lookups = Q(name_key=key) if key else Q()
    if tax:
        lookups |= Q(tax_number=tax)
    if not lookups:
        return {}
    found = list(
        Customer.objects.filter(lookups).exclude(pk=exclude_pk).only("id", "code", "tax_number", "name_key")[:20]
    )
    visible = set(Customer.objects.visible_to(user).filter(pk__in=[c.pk for c in found]).values_list("pk", flat=True))
    problems: dict[str, list[str]] = {}
    for field, match in (
        ("tax_number", lambda c: tax and c.tax_number == tax),
        ("name", lambda c: key and c.name_key == key),
    ):
        same = [c for c in found if match(c)]
        if same:
            other = same[0].code if same[0].pk in visible else _("another customer (not in your view)")
            problems[field] = [_("The same company as %(other)s: a duplicate.") % {"other": other}]
    return problems


@transaction.atomic
def customer_create(
    *,
    user: Any,
    code: str,
    data: dict[str, Any],
    owner: Any = None,
    today: date | None = None,
    allow_duplicate: bool = False,
) -> Customer:
    """Create a customer. A rep's new customer is theirs; a manager may leave it in the pool.

    A customer with the tax number or normalised name of another one is refused (400 naming
    `tax_number` / `name`, code `duplicate`) unless `allow_duplicate` says the user confirmed it."""
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
    if not allow_duplicate and cleaned:
        duplicates = customer_duplicates(
            user=user, name=cleaned.get("name", ""), tax_number=cleaned.get("tax_number", "")
        )
        for field, messages in duplicates.items():
            errors.setdefault(field, []).extend(messages)
    try:
        if owner in (None, "") and not may_manage_customers(user):
            owner = authority.require_person(user)
        owner_person = _owner_for(user, owner)
    except ApplicationError as exc:
        errors.update(exc.fields)
        owner_person = None
    if errors:
        raise ApplicationError(_("The customer has errors."), fields=errors)
    by = authority.actor_of(user).person
    customer = Customer(code=code, **cleaned)
    _set_owner(customer, owner_person, today=today)
    if owner_person is None and by is not None:
        customer.region_id, customer.team_id = by.region_id, by.team_id
    if _sets_managed_fields(cleaned, Customer(), fields=CREDIT_FIELDS):
        authority.require(user, "customers.manage", customer)
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
    """Edit a customer's details: its owner or a manager of its unit (`customers.edit`); credit,
    status and location only a manager of its unit (`customers.manage`). Owner and classification
    change through their own services."""
    authority.require(user, "customers.edit", customer)
    cleaned = clean_customer_fields(data, user=user)
    if _sets_managed_fields(cleaned, customer):
        authority.require(user, "customers.manage", customer)
    for field, value in cleaned.items():
        setattr(customer, field, value)
    customer.save(update_fields=list(cleaned) or None)
    return customer


def _sets_managed_fields(
    cleaned: dict[str, Any], customer: Customer, *, fields: tuple[str, ...] = MANAGED_FIELDS
) -> bool:
    """Whether `cleaned` changes a field only a manager sets (compared with the customer's values)."""
    return any(field in cleaned and cleaned[field] != getattr(customer, field) for field in fields)


@transaction.atomic
def customer_transfer(
    *, user: Any, customer: Customer, to_owner: Person | int, reason: str, today: date | None = None
) -> Customer:
    """A manager of the customer's unit moves it to a rep of their unit (`customers.transfer`);
    the move is recorded with its reason. A customer in the pool is assigned by the pool's rules
    (`customer_assign`); a protected customer stays with its owner until the protection ends."""
    from customers.services import pool as pool_services

    today = today or timezone.localdate()
    if customer.owner_id is None:
        authority.require(user, "customers.assign", customer)
        try:
            new_owner = _owner_for(user, to_owner) if to_owner not in (None, "") else None
        except (ApplicationError, ValueError):
            raise ApplicationError(
                _("The transfer has errors."), fields={"to_owner": [_("Choose a person in your scope.")]}
            ) from None
        return pool_services.customer_assign(
            user=user, customer=customer, to_owner=new_owner, reason=reason, today=today
        )
    authority.require(user, "customers.transfer", customer)
    refusal = pool_services.protection_refusal(customer, today=today)
    if refusal:
        raise ApplicationError(refusal, fields={"customer": [refusal]})
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
    authority.require(user, "customers.transfer", customer, to_person=new_owner)
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
        moved_by=authority.actor_of(user).person,
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
    """What the customer bought in the 365 days up to `today` (sales registers how to count it)."""
    return hooks.customer_sales(customer, after=today - timedelta(days=365), until=today)


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
    """Set the classification (`customers.manage`). Following the rule needs no reason; overriding it does."""
    today = today or timezone.localdate()
    authority.require(user, "customers.manage", customer)
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
        changed_by=authority.actor_of(user).person,
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
    """Add a stakeholder: the customer's owner or a manager of its unit (`customers.edit`)."""
    authority.require(user, "customers.edit", customer)
    cleaned = _clean_stakeholder(data, partial=False)
    return Stakeholder.objects.create(customer=customer, **cleaned)


def stakeholder_update(*, user: Any, stakeholder: Stakeholder, data: dict[str, Any]) -> Stakeholder:
    authority.require(user, "customers.edit", stakeholder.customer)
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
    authority.require(user, "customers.edit", stakeholder.customer)
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
        recorded_by=authority.actor_of(user).person,
    )
    customer = stakeholder.customer
    if customer.owner_id:
        if successor:
            text = follow_up_text(
                "stakeholder_replaced", old=stakeholder.name, new=successor.name, customer=customer.name
            )
        else:
            text = follow_up_text("stakeholder_left", old=stakeholder.name, customer=customer.name)
        FollowUp.objects.create(
            person_id=customer.owner_id,
            customer=customer,
            kind=FollowUpKind.STAKEHOLDER_CHANGE,
            **text,
            due_date=today + timedelta(days=7),
            created_on=today,
        )
    return change
