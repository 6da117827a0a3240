"""A customer's location: a rep proposes a new position, a manager of the customer's unit
confirms (the customer moves) or rejects it. Managers move a location directly through
`customer_update` (`customers.manage`); the customer's history keeps every position it had."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.domain import clean_coordinates
from customers.models import Customer, LocationProposal, ProposalStatus
from salesorg.exceptions import ApplicationError
from staff import authority

NOTE_MAX = 300


@transaction.atomic
def location_propose(
    *, user: Any, customer: Customer, latitude: Any, longitude: Any, note: str = ""
) -> LocationProposal:
    """Propose a customer's new position: its owner or a manager of its unit (`customers.edit`).
    One proposal waits per customer; the customer does not move until a manager confirms."""
    authority.require(user, "customers.edit", customer)
    person = authority.require_person(user)
    errors: dict[str, list[str]] = {}
    lat = lon = None
    try:
        lat, lon = clean_coordinates(latitude, longitude)
    except ApplicationError as exc:
        errors.update(exc.fields)
    if not errors and lat is None:
        errors["latitude"] = [_("This field is required.")]
        errors["longitude"] = [_("This field is required.")]
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [_("At most %(limit)s characters.") % {"limit": NOTE_MAX}]
    if not errors and (lat, lon) == (customer.latitude, customer.longitude):
        errors["latitude"] = [_("The customer is already at this position.")]
    if not errors and LocationProposal.objects.filter(customer=customer, status=ProposalStatus.PENDING).exists():
        errors["customer"] = [_("A proposed location of this customer is already waiting for a manager.")]
    if errors:
        raise ApplicationError(_("The proposed location has errors."), fields=errors)
    try:
        with transaction.atomic():
            return LocationProposal.objects.create(
                customer=customer, latitude=lat, longitude=lon, note=note, proposed_by=person
            )
    except IntegrityError:
        # Another proposal arrived at the same moment.
        raise ApplicationError(
            _("The proposed location has errors."),
            fields={"customer": [_("A proposed location of this customer is already waiting for a manager.")]},
        ) from None


@transaction.atomic
def location_decide(
    *, user: Any, proposal: LocationProposal, confirm: bool, note: str = "", now: Any = None
) -> LocationProposal:
    """A manager of the customer's unit, not the one who proposed it (`customers.confirm_location`),
    confirms a waiting proposal (the customer moves there, in its history) or rejects it (saying why)."""
    now = now or timezone.now()
    proposal = LocationProposal.objects.select_for_update(of=("self",)).select_related("customer").get(pk=proposal.pk)
    actor = authority.require(user, "customers.confirm_location", proposal)
    note = (note or "").strip()
    if proposal.status != ProposalStatus.PENDING:
        raise ApplicationError(
            _("This proposal was already decided."), fields={"status": [proposal.get_status_display()]}
        )
    if not confirm and not note:
        raise ApplicationError(_("Say why the location is rejected."), fields={"note": [_("This field is required.")]})
    if len(note) > NOTE_MAX:
        raise ApplicationError(
            _("The decision has errors."), fields={"note": [_("At most %(limit)s characters.") % {"limit": NOTE_MAX}]}
        )
    proposal.status = ProposalStatus.CONFIRMED if confirm else ProposalStatus.REJECTED
    proposal.decided_by = actor.person
    proposal.decided_at = now
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if confirm:
        customer = proposal.customer
        customer.latitude, customer.longitude = proposal.latitude, proposal.longitude
        # A plain save keeps the old position in the customer's history (simple-history).
        customer.save(update_fields=["latitude", "longitude"])
    return proposal
