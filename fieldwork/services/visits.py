"""Visit reports with check-in, and sales expense claims: every write and its rules."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.domain import (
    check_image,
    check_size,
    clean_amount,
    clean_coordinates,
    clean_date,
    haversine_m,
)
from customers.models import Customer, FollowUp, FollowUpKind, Stakeholder
from fieldwork import domain
from fieldwork import selectors as visit_selectors
from fieldwork.models import (
    ActionKind,
    ExpenseClaim,
    ExpenseKind,
    ExpenseStatus,
    Visit,
    VisitComment,
    VisitKind,
    VisitPhoto,
)
from fieldwork.services.expense_policy import duplicate_of, policy_errors
from notifications.models import NotificationKind
from notifications.services import Draft, language_of, notify
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.attribution import unit_fields
from staff.models import Person

MAX_PHOTOS = 6
VISIT_FIELDS = ("date", "kind", "purpose", "outcome", "next_step", "next_step_date", "accompanying_manager")


def visit_lock_days() -> int:
    return getattr(settings, "VISIT_EDIT_LOCK_DAYS", 3)


def far_checkin_threshold_m() -> int:
    return getattr(settings, "VISIT_FAR_CHECKIN_METRES", 1000)


def visit_filing_days() -> int:
    """A visit is filed at most this many days after its date (VISIT_FILING_DAYS)."""
    return getattr(settings, "VISIT_FILING_DAYS", 7)


def expense_filing_days() -> int:
    """An expense claim is filed at most this many days after its date (EXPENSE_FILING_DAYS)."""
    return getattr(settings, "EXPENSE_FILING_DAYS", 30)


def _check_filing_window(day: date | None, *, today: date, days: int, field: str = "date") -> None:
    """Refuse a date older than the filing window (a record of long ago must not count today)."""
    if day is None:
        return
    earliest = domain.earliest_filing_date(today=today, window_days=days)
    if day < earliest:
        raise ApplicationError(
            _("The date is outside the filing window."),
            fields={
                field: [
                    _("File within %(days)s days of the date: the earliest date is %(earliest)s.")
                    % {"days": days, "earliest": earliest.isoformat()}
                ]
            },
        )


def visit_is_locked(visit: Visit, *, today: date) -> bool:
    """A report may be edited for VISIT_EDIT_LOCK_DAYS days after it was filed."""
    filed = timezone.localdate(visit.created_at) if visit.created_at else today
    return (today - filed).days > visit_lock_days()


def _clean_manager(*, user: Any, author: Person, manager: Any, unchanged_id: int | None) -> Person:
    """The accompanying manager of a joint visit: looked up among the managers above the author
    (an id outside them, hidden or missing, gets the same answer), and a manager above the author
    by the authority rule. Raises ApplicationError naming the field."""
    if isinstance(manager, int | str) and str(manager).isdigit():
        manager = visit_selectors.accompanying_manager_choices(user=user).filter(pk=int(manager)).first()
    if not isinstance(manager, Person):
        raise ApplicationError(
            _("A joint visit names the accompanying manager."),
            fields={"accompanying_manager": [_("A joint visit names the accompanying manager.")]},
        )
    if manager.pk != unchanged_id and not authority.is_above(authority.actor_of(manager), author):
        raise ApplicationError(
            _("Choose a manager above you."),
            fields={"accompanying_manager": [_("The accompanying manager must be a manager above you.")]},
        )
    return manager


def _clean_visit(
    *,
    user: Any,
    author: Person,
    customer: Customer,
    data: dict[str, Any],
    stakeholder_ids: Iterable[int] | None,
    today: date,
    current_manager_id: int | None = None,
    current_date: date | None = None,
) -> tuple[dict[str, Any], list[Stakeholder] | None]:
    """Validate the fields of a visit report; raise one error naming every bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for field, allow_future in (("date", False), ("next_step_date", True)):
        if field in data and data[field] not in (None, ""):
            try:
                cleaned[field] = clean_date(data[field], field=field, today=today, allow_future=allow_future)
            except ApplicationError as exc:
                errors.update(exc.fields)
        elif field in data:
            cleaned[field] = None
    if "date" in data and cleaned.get("date") is None and "date" not in errors:
        errors["date"] = [_("This field is required.")]
    if cleaned.get("date") and cleaned["date"] != current_date:
        try:
            _check_filing_window(cleaned["date"], today=today, days=visit_filing_days())
        except ApplicationError as exc:
            errors.update(exc.fields)
    kind = data.get("kind", VisitKind.VISIT)
    if kind not in VisitKind.values:
        errors["kind"] = [_("Choose visit, call or joint.")]
    cleaned["kind"] = kind
    for field, limit in (("purpose", 300), ("next_step", 300), ("outcome", 5000)):
        if field in data:
            value = (data[field] or "").strip()
            if len(value) > limit:
                errors[field] = [_("At most %(limit)s characters.") % {"limit": limit}]
            cleaned[field] = value
    if cleaned.get("next_step_date") and cleaned.get("date") and cleaned["next_step_date"] < cleaned["date"]:
        errors["next_step_date"] = [_("The next step cannot come before the visit.")]
    cleaned["accompanying_manager"] = None
    if kind == VisitKind.JOINT:
        try:
            cleaned["accompanying_manager"] = _clean_manager(
                user=user, author=author, manager=data.get("accompanying_manager"), unchanged_id=current_manager_id
            )
        except ApplicationError as exc:
            errors.update(exc.fields)
    stakeholders = None
    if stakeholder_ids is not None:
        ids = {int(getattr(pk, "pk", pk)) for pk in stakeholder_ids}
        stakeholders = list(Stakeholder.objects.filter(customer=customer, pk__in=ids))
        if len(stakeholders) != len(ids):
            errors["stakeholders"] = [_("Choose stakeholders of this customer.")]
    if errors:
        raise ApplicationError(_("The visit report has errors."), fields=errors)
    return cleaned, stakeholders


def _require_customer(user: Any, customer: Customer) -> None:
    """A customer outside the user's scope is not found (as a missing one); in scope, the
    authority rule decides who records work for it."""
    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        raise ApplicationError(
            _("Choose one of your customers."), fields={"customer": [_("Not one of your customers.")]}
        )
    authority.require(user, "sales.create_record", customer)


def _check_photos(photos: Sequence[UploadedFile]) -> None:
    if len(photos) > MAX_PHOTOS:
        raise ApplicationError(
            _("Too many photos."), fields={"photos": [_("At most %(n)s photos.") % {"n": MAX_PHOTOS}]}
        )
    for photo in photos:
        check_image(photo, field="photos")


def _distance(customer: Customer, latitude: Decimal | None, longitude: Decimal | None) -> int | None:
    if latitude is None or customer.latitude is None or customer.longitude is None:
        return None
    return haversine_m(customer.latitude, customer.longitude, latitude, longitude)


def _assess(visit: Visit) -> None:
    """Record the visit's evidence against its kind's rule (and the radius that applied)."""
    rule = visit_selectors.kind_rule(visit.kind)
    visit.radius_m = rule.radius_m if rule.requires_check_in else None
    visit.evidence = domain.evidence_verdict(
        rule,
        checked_in=visit.latitude is not None,
        customer_located=visit.customer.latitude is not None and visit.customer.longitude is not None,
        distance_m=visit.distance_m,
        confirmed=visit.confirmed_at is not None,
    )


@transaction.atomic
def visit_create(
    *,
    user: Any,
    customer: Customer,
    data: dict[str, Any],
    stakeholder_ids: Iterable[int] = (),
    latitude: Any = None,
    longitude: Any = None,
    photos: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> Visit:
    """File a visit report: a rep for their own customers, a manager for customers in their unit
    (`sales.create_record`), with an optional check-in."""
    today = today or timezone.localdate()
    author = authority.require_person(user)
    _require_customer(user, customer)
    data = {"date": today, **data}
    cleaned, stakeholders = _clean_visit(
        user=user, author=author, customer=customer, data=data, stakeholder_ids=stakeholder_ids, today=today
    )
    lat, lon = clean_coordinates(latitude, longitude)
    _check_photos(photos)
    visit = Visit(
        customer=customer,
        author=author,
        # The author's unit on the visit's date (DESIGN.md "Attribution").
        **unit_fields(author, cleaned["date"]),
        latitude=lat,
        longitude=lon,
        checked_in_at=timezone.now() if lat is not None else None,
        distance_m=_distance(customer, lat, lon),
        **cleaned,
    )
    # The verdict the form showed before filing, recorded on the visit.
    _assess(visit)
    visit.save()
    if stakeholders:
        visit.stakeholders.set(stakeholders)
    VisitPhoto.objects.bulk_create([VisitPhoto(visit=visit, image=photo) for photo in photos])
    if visit.next_step and visit.next_step_date:
        # The next step lands on the rep's follow-up list for its date.
        FollowUp.objects.create(
            person=author,
            customer=customer,
            kind=FollowUpKind.NEXT_STEP,
            message=visit.next_step[:300],
            due_date=visit.next_step_date,
            created_on=today,
        )
    return visit


@transaction.atomic
def visit_update(
    *,
    user: Any,
    visit: Visit,
    data: dict[str, Any],
    stakeholder_ids: Iterable[int] | None = None,
    photos: Sequence[UploadedFile] = (),
    today: date | None = None,
) -> Visit:
    """Edit a report: only its author, and only until it is locked. The check-in is not editable."""
    today = today or timezone.localdate()
    author = authority.require_person(user)
    authority.require(user, "own", visit, person_id=visit.author_id)
    before = (visit.customer_id, visit.date, visit.kind, visit.accompanying_manager_id)
    if visit_is_locked(visit, today=today):
        raise ApplicationError(
            _("This report is locked."),
            fields={"date": [_("Reports are locked %(days)s days after filing.") % {"days": visit_lock_days()}]},
        )
    if "customer" in data and getattr(data["customer"], "pk", data["customer"]) not in (None, "", visit.customer_id):
        customer = data["customer"]
        if not isinstance(customer, Customer):
            visible = Customer.objects.visible_to(user)
            customer = visible.filter(pk=customer).first() if str(customer).isdigit() else None
        if customer is None:
            raise ApplicationError(
                _("Choose one of your customers."), fields={"customer": [_("Not one of your customers.")]}
            )
        _require_customer(user, customer)
        visit.customer = customer
        if stakeholder_ids is None:
            stakeholder_ids = []
    data = {key: value for key, value in data.items() if key in VISIT_FIELDS}
    if "kind" not in data:
        data["kind"] = visit.kind
        if visit.kind == VisitKind.JOINT and "accompanying_manager" not in data:
            data["accompanying_manager"] = visit.accompanying_manager
    cleaned, stakeholders = _clean_visit(
        user=user,
        author=author,
        customer=visit.customer,
        data=data,
        stakeholder_ids=stakeholder_ids,
        today=today,
        current_manager_id=visit.accompanying_manager_id,
        current_date=visit.date,
    )
    _check_photos(photos)
    for field, value in cleaned.items():
        setattr(visit, field, value)
    if "date" in cleaned:
        # A report moved to another date takes its author's unit on that date.
        for field, value in unit_fields(visit.author, visit.date).items():
            setattr(visit, field, value)
    customer_changed = visit.customer_id != before[0]
    if customer_changed:
        # The check-in is measured from the customer the report is now about.
        visit.distance_m = _distance(visit.customer, visit.latitude, visit.longitude)
    if before != (visit.customer_id, visit.date, visit.kind, visit.accompanying_manager_id):
        # A manager confirmed another visit than this one now is: it waits for a new confirmation.
        visit.confirmed_by, visit.confirmed_at = None, None
    _assess(visit)
    visit.save()
    if stakeholders is not None:
        visit.stakeholders.set(stakeholders)
    VisitPhoto.objects.bulk_create([VisitPhoto(visit=visit, image=photo) for photo in photos])
    return visit


@transaction.atomic
def visit_check_out(*, user: Any, visit: Visit, now: Any = None) -> Visit:
    """The author checks out of a visit they checked in to, once, on the day of the check-in; the
    duration is the whole minutes between check-in and check-out."""
    now = now or timezone.now()
    authority.require(user, "own", visit, person_id=visit.author_id)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.checked_in_at is None:
        raise ApplicationError(
            _("Check in before checking out."), fields={"checked_out_at": [_("This visit has no check-in.")]}
        )
    if visit.checked_out_at is not None:
        raise ApplicationError(
            _("This visit is already checked out."), fields={"checked_out_at": [_("Already checked out.")]}
        )
    if now < visit.checked_in_at or timezone.localdate(now) != timezone.localdate(visit.checked_in_at):
        raise ApplicationError(
            _("Check out on the day of the check-in."),
            fields={"checked_out_at": [_("Check out on the day of the check-in.")]},
        )
    missing = visit_selectors.missing_actions(visit)
    if missing:
        # The kind requires these actions before the visit ends (admin-edited `VisitKindAction`).
        labels = ", ".join(str(ActionKind(action).label) for action in missing)
        raise ApplicationError(
            _("Record the required actions before checking out."),
            fields={"actions": [_("Missing: %(actions)s.") % {"actions": labels}]},
        )
    visit.checked_out_at = now
    visit.duration_minutes = int((now - visit.checked_in_at).total_seconds() // 60)
    visit.save(update_fields=["checked_out_at", "duration_minutes", "updated_at"])
    return visit


@transaction.atomic
def visit_confirm(*, user: Any, visit: Visit, now: Any = None) -> Visit:
    """A manager of the author's line confirms a visit whose kind requires it (a joint visit):
    the evidence the rule asks for. Never the author (`people.coach`: the manager line)."""
    now = now or timezone.now()
    visit = Visit.objects.select_for_update(of=("self",)).select_related("author", "customer").get(pk=visit.pk)
    actor = authority.require(user, "people.coach", visit.author)
    if not visit_selectors.kind_rule(visit.kind).requires_confirmation:
        raise ApplicationError(
            _("This kind of visit needs no confirmation."), fields={"kind": [visit.get_kind_display()]}
        )
    if visit.confirmed_at is not None:
        raise ApplicationError(
            _("This visit is already confirmed."), fields={"confirmed_at": [_("Already confirmed.")]}
        )
    visit.confirmed_by = actor.person
    visit.confirmed_at = now
    _assess(visit)
    visit.save(update_fields=["confirmed_by", "confirmed_at", "evidence", "radius_m", "updated_at"])
    return visit


COMMENT_MAX = 2000


@transaction.atomic
def visit_comment_create(*, user: Any, visit: Visit, text: str) -> VisitComment:
    """A manager of the visit's unit comments on it (`units.manage`); the rep who filed it is told."""
    authority.require(user, "units.manage", visit)
    author = authority.require_person(user)
    text = (text or "").strip()
    if not text:
        raise ApplicationError(_("Write a comment."), fields={"text": [_("This field is required.")]})
    if len(text) > COMMENT_MAX:
        limit = _("At most %(limit)s characters.") % {"limit": COMMENT_MAX}
        raise ApplicationError(_("The comment is too long."), fields={"text": [limit]})
    comment = VisitComment.objects.create(visit=visit, author=author, text=text)
    rep = visit.author
    if rep.pk != author.pk:
        with translation.override(language_of(rep)):
            title = _("%(manager)s commented on your visit to %(customer)s (%(date)s)") % {
                "manager": author.name,
                "customer": visit.customer.name,
                "date": visit.date.isoformat(),
            }
        notify(
            drafts=[
                Draft(
                    recipient_id=rep.pk,
                    kind=NotificationKind.VISIT_COMMENT,
                    title=str(title),
                    body=text,
                    dedupe_key=f"visit_comment:{comment.pk}",
                    url=reverse("fieldwork:visit-detail", args=[visit.pk]),
                    email=rep.email,
                )
            ]
        )
    return comment


RECEIPT_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


@transaction.atomic
def expense_create(
    *,
    user: Any,
    date_: Any,
    kind: str,
    amount: Any,
    description: str = "",
    receipt: UploadedFile | None = None,
    customer: Customer | None = None,
    visit: Visit | None = None,
    today: date | None = None,
) -> ExpenseClaim:
    """Claim a sales expense (travel, entertainment, gifts), linked to a visit or a customer: a rep
    for their own customers, a manager for customers in their unit (`sales.create_record`)."""
    today = today or timezone.localdate()
    person = authority.require_person(user)
    if visit is not None and visit.author_id != person.pk:
        raise ApplicationError(
            _("The expense claim has errors."), fields={"visit": [_("Link one of your own visit reports.")]}
        )
    if customer is not None:
        _require_customer(user, customer)
    elif visit is not None:
        authority.require(user, "sales.create_record", visit.customer)
    errors: dict[str, list[str]] = {}
    day = amount_value = None
    try:
        day = clean_date(date_, field="date", today=today, allow_future=False)
        _check_filing_window(day, today=today, days=expense_filing_days())
    except ApplicationError as exc:
        errors.update(exc.fields)
    try:
        amount_value = clean_amount(amount)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if kind not in ExpenseKind.values:
        errors["kind"] = [_("Choose travel, entertainment, gifts or other.")]
    if receipt is not None:
        try:
            check_size(receipt, field="receipt")
            if getattr(receipt, "content_type", None) not in RECEIPT_TYPES:
                raise ApplicationError(
                    _("Receipt type"), fields={"receipt": [_("Upload a JPEG, PNG, WebP image or a PDF.")]}
                )
            if receipt.content_type != "application/pdf":
                check_image(receipt, field="receipt")
        except ApplicationError as exc:
            errors.update(exc.fields)
    if kind in ExpenseKind.values:
        for field, messages in policy_errors(
            person=person, kind=kind, day=day, amount=amount_value, has_receipt=receipt is not None, today=today
        ).items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    if errors:
        raise ApplicationError(_("The expense claim has errors."), fields=errors)
    return ExpenseClaim.objects.create(
        person=person,
        duplicate_of=duplicate_of(person=person, kind=kind, day=day, amount=amount_value),
        **unit_fields(person, day),
        date=day,
        kind=kind,
        amount=amount_value,
        description=(description or "")[:300],
        receipt=receipt or "",
        customer=customer or (visit.customer if visit else None),
        visit=visit,
    )


@transaction.atomic
def expense_decide(
    *, user: Any, claim: ExpenseClaim, approve: bool, note: str = "", today: date | None = None
) -> ExpenseClaim:
    """A manager of the claim's unit above the one who filed it approves or refuses a submitted
    claim (`sales.approve_record`: never the filer); a refusal says why."""
    today = today or timezone.localdate()
    claim = ExpenseClaim.objects.select_for_update(of=("self",)).select_related("person").get(pk=claim.pk)
    decider = authority.require(user, "sales.approve_record", claim, filer=claim.person).person
    if claim.status != ExpenseStatus.SUBMITTED:
        raise ApplicationError(_("This claim was already decided."), fields={"status": [claim.get_status_display()]})
    if not approve and not (note or "").strip():
        raise ApplicationError(_("Say why the claim is refused."), fields={"note": [_("This field is required.")]})
    claim.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REFUSED
    claim.decided_by = decider
    claim.decided_on = today
    claim.decision_note = (note or "").strip()[:300]
    claim.save(update_fields=["status", "decided_by", "decided_on", "decision_note"])
    return claim
