"""Actions recorded on a visit (issue 19): a stock count, a competitor sighting (also filed as an
intelligence note), a photo of the shelf or site, the link to a quote or order or a collection
made on the visit. Every write asks the authority rule first and keeps history."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.domain import check_image, clean_amount
from customers.models import Competitor
from fieldwork import selectors as visit_selectors
from fieldwork.models import ActionKind, Visit, VisitActionRecord
from fieldwork.services.intel import intel_note_create
from fieldwork.services.visits import visit_is_locked, visit_lock_days
from sales.models import Order, Payment, Product
from salesorg.exceptions import ApplicationError
from staff import authority

ITEM_MAX = 200
NOTE_MAX = 2000
QUANTITY_MAX = 10_000_000


def _pick(queryset: Any, value: Any) -> Any:
    """A row of `queryset` by an instance or an id; None for anything else (hidden = missing)."""
    if value in (None, ""):
        return None
    pk = getattr(value, "pk", value)
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return queryset.filter(pk=int(pk)).first()


def _clean_quantity(value: Any, errors: dict[str, list[str]]) -> int | None:
    if value in (None, ""):
        errors["quantity"] = [_("This field is required.")]
        return None
    text = str(value).strip()
    if not text.isdigit() or int(text) > QUANTITY_MAX:
        errors["quantity"] = [_("Enter a whole number, 0 or more.")]
        return None
    return int(text)


@transaction.atomic
def visit_action_record(
    *,
    user: Any,
    visit: Visit,
    action: str,
    data: dict[str, Any],
    image: UploadedFile | None = None,
    today: date | None = None,
) -> VisitActionRecord:
    """Record an action on a visit: only its author (the visit-edit rule, `own`), while the report is
    not locked and not checked out, and only an action the visit's kind offers. Bad input raises
    one ApplicationError naming every bad field; nothing is written then."""
    today = today or timezone.localdate()
    authority.require(user, "own", visit, person_id=visit.author_id)
    author = authority.require_person(user)
    visit = Visit.objects.select_for_update(of=("self",)).select_related("customer").get(pk=visit.pk)
    if visit_is_locked(visit, today=today):
        raise ApplicationError(
            _("This report is locked."),
            fields={"action": [_("Reports are locked %(days)s days after filing.") % {"days": visit_lock_days()}]},
        )
    if visit.checked_out_at is not None:
        raise ApplicationError(
            _("This visit is already checked out."), fields={"action": [_("Record actions before checking out.")]}
        )
    offered = visit_selectors.kind_actions(visit.kind).offered
    if action not in ActionKind.values or action not in offered:
        labels = ", ".join(str(ActionKind(a).label) for a in offered)
        raise ApplicationError(
            _("This kind of visit does not offer this action."),
            fields={"action": [_("Choose one of: %(actions)s.") % {"actions": labels}]},
        )
    errors: dict[str, list[str]] = {}
    record = VisitActionRecord(visit=visit, action=action, author=author)
    note = str(data.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("At most %(limit)s characters.") % {"limit": NOTE_MAX}]
    record.note = note
    if action == ActionKind.STOCK_COUNT:
        if data.get("product") not in (None, ""):
            record.product = _pick(Product.objects.filter(is_active=True), data.get("product"))
            if record.product is None:
                errors["product"] = [_("Choose an active product.")]
        record.item = str(data.get("item") or "").strip()
        if len(record.item) > ITEM_MAX:
            errors["item"] = [_("At most %(limit)s characters.") % {"limit": ITEM_MAX}]
        if record.product is None and not record.item and "product" not in errors:
            errors["item"] = [_("Name the product or the item counted.")]
        record.quantity = _clean_quantity(data.get("quantity"), errors)
    elif action == ActionKind.COMPETITOR:
        record.competitor = _pick(Competitor.objects.visible_to(user), data.get("competitor"))
        if record.competitor is None:
            errors["competitor"] = [_("Choose a competitor.")]
        record.item = str(data.get("item") or "").strip()
        if len(record.item) > ITEM_MAX:
            errors["item"] = [_("At most %(limit)s characters.") % {"limit": ITEM_MAX}]
        if data.get("price") not in (None, ""):
            try:
                record.price = clean_amount(data.get("price"), field="price", allow_zero=True)
            except ApplicationError as exc:
                errors.update(exc.fields)
        if not record.item and not note:
            errors["item"] = [_("Name the competitor's product or write a note.")]
    elif action == ActionKind.SHELF_PHOTO:
        if image is None:
            errors["image"] = [_("This field is required.")]
        else:
            try:
                check_image(image, field="image")
            except ApplicationError as exc:
                errors.update(exc.fields)
            record.image = image
    elif action == ActionKind.ORDER:
        # An order or quote of this customer, among those the user sees (hidden = missing).
        record.order = _pick(Order.objects.visible_to(user).filter(customer_id=visit.customer_id), data.get("order"))
        if record.order is None:
            errors["order"] = [_("Choose an order of this customer.")]
    elif action == ActionKind.COLLECTION:
        payments = Payment.objects.visible_to(user).filter(order__customer_id=visit.customer_id)
        record.payment = _pick(payments, data.get("payment"))
        if record.payment is None:
            errors["payment"] = [_("Choose a payment of this customer.")]
        else:
            record.order = record.payment.order
    if errors:
        raise ApplicationError(_("The visit action has errors."), fields=errors)
    if action == ActionKind.COMPETITOR:
        # The sighting feeds the competitor intelligence: an intel note of the visit.
        price = f" · {record.price}" if record.price is not None else ""
        text = " · ".join(part for part in (f"{record.item}{price}".strip(" ·"), note) if part)
        record.intel_note = intel_note_create(
            user=user, note=text, competitor=record.competitor, visit=visit, date_=visit.date, today=today
        )
    record.save()
    return record
