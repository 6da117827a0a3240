"""The rules on customers and sales records: create, credit, approve, edit, import; customers'
classification, transfer, pool; the competitor, stage and product catalogues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from staff.authority.core import ADMIN_RANK, RANK, Actor, contains, is_above, manages_unit, person_rank, rule
from staff.models import Person, Position


@rule("sales.create_record")
def _create_record(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Create an order, opportunity, visit or expense claim for a customer."""
    if customer is None:
        return None if actor.person is not None else _("Your login is not linked to a person in the organization.")
    if customer.owner_id is not None and actor.is_person(customer.owner_id):
        return None
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only the customer's owner or a manager of the customer's unit records work for this customer.")


@rule("sales.credit")
def _credit(actor: Actor, obj: Any = None, *, people: Iterable[Person] = ()) -> str | None:
    """Credit shares only to reps of the creator's unit (a manager: their unit)."""
    for person in people:
        if actor.is_person(person):
            continue
        if actor.is_admin or actor.is_director:
            continue
        if actor.is_manager and contains(actor, team_id=person.team_id, region_id=person.region_id):
            continue
        if not actor.is_manager and actor.team_id is not None and person.team_id == actor.team_id:
            continue
        return _(
            "%(person)s is not in your unit: shares go only to reps of your unit unless a manager"
            " of both units approves."
        ) % {"person": person.name}
    return None


@rule("sales.approve_record")
def _approve_record(
    actor: Actor,
    record: Any,
    *,
    filer: Person | None = None,
    credited: Iterable[int] = (),
    team_id: int | None = None,
    region_id: int | None = None,
    units: Iterable[tuple[int | None, int | None]] = (),
) -> str | None:
    """Approve an order or expense claim, confirm a payment: a manager of the record's unit above
    the one who filed it; never the filer or a credited rep. `units`: every (team, region) the
    record is recorded on (an order's credit shares); the approver manages each of them."""
    if filer is not None and actor.is_person(filer):
        return _("Approval is by a second person: you filed this.")
    if actor.person_id is not None and actor.person_id in set(credited):
        return _("Approval is by a second person: you are credited on this.")
    if team_id is None and region_id is None and record is not None:
        team_id, region_id = getattr(record, "team_id", None), getattr(record, "region_id", None)
    if actor.is_admin:
        return None
    if not all(manages_unit(actor, team_id=t, region_id=r) for t, r in list(units) or [(team_id, region_id)]):
        return _("Only a manager of the record's unit approves it.")
    if filer is not None and actor.rank <= person_rank(filer):
        return _("Only a manager above the one who filed it approves it.")
    return None


@rule("sales.approve_step")
def _approve_step(
    actor: Actor,
    record: Any,
    *,
    level: str | None = None,
    earlier_deciders: Iterable[int | None] = (),
    **kwargs: Any,
) -> str | None:
    """Decide one step of an order's approval (the approval matrix): one who may approve the record
    (sales.approve_record), holding the step's level or a higher one, who decided no earlier step
    of the same order (each level is a second person)."""
    message = _approve_record(actor, record, **kwargs)
    if message is not None or actor.is_admin:
        return message
    if level is not None and actor.rank < RANK.get(level, ADMIN_RANK):
        return _("This step waits for the approval of a %(level)s or a manager above.") % {
            "level": Position(level).label
        }
    if actor.person_id is not None and actor.person_id in set(earlier_deciders):
        return _("You decided an earlier step of this approval: the next step is another person's.")
    return None


@rule("sales.edit_record")
def _edit_record(
    actor: Actor,
    record: Any = None,
    *,
    people: Iterable[int | None] = (),
    units: Iterable[tuple[int | None, int | None]] = (),
) -> str | None:
    """Change an opportunity, or an order before it counts (submit, edit, cancel a draft): one of
    its people (owner, credited reps, filer), or a manager of every unit it is recorded on."""
    if actor.person_id is not None and actor.person_id in set(people):
        return None
    unit_list = list(units)
    if unit_list and all(manages_unit(actor, team_id=t, region_id=r) for t, r in unit_list):
        return None
    if actor.is_admin:
        return None
    return _("Only its owner, a credited rep, the one who filed it or a manager of its unit changes this.")


@rule("sales.import")
def _import_sales(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Upload an ERP export of orders or payments: company-wide records that arrive confirmed, so a
    director or an admin (DESIGN is silent; an ERP file is not one unit's)."""
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director or an admin imports orders and payments from the ERP.")


@rule("customers.manage")
def _manage_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Classify, set credit rating or limit, move a customer's location, change status."""
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only a manager of the customer's unit does this.")


@rule("customers.confirm_location")
def _confirm_location(actor: Actor, proposal: Any, **_kwargs: Any) -> str | None:
    """Confirm or reject a rep's proposed location: a manager of the customer's unit, never the
    one who proposed it (approval is by a second person)."""
    if actor.is_person(proposal.proposed_by_id):
        return _("Approval is by a second person: you proposed this location.")
    customer = proposal.customer
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only a manager of the customer's unit confirms its location.")


@rule("customers.edit")
def _edit_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Edit a customer's details, stakeholders, evaluations, complaints: its owner or a manager of its unit."""
    if customer.owner_id is not None and actor.is_person(customer.owner_id):
        return None
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only the customer's owner or a manager of the customer's unit changes this customer.")


@rule("customers.transfer")
def _transfer_customer(actor: Actor, customer: Any, *, to_person: Person | None = None) -> str | None:
    """Managers transfer within their unit (both the customer and the new owner)."""
    if not manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return _("Only a manager of the customer's unit transfers it.")
    if to_person is not None and not manages_unit(actor, team_id=to_person.team_id, region_id=to_person.region_id):
        return _("The new owner must be in your unit.")
    return None


@rule("customers.release")
def _release_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """The owner releases to the pool (the pool rules); managers within their unit."""
    if customer.owner_id is not None and actor.is_person(customer.owner_id):
        return None
    if manages_unit(actor, team_id=customer.team_id, region_id=customer.region_id):
        return None
    return _("Only the customer's owner or a manager of its unit releases it to the pool.")


def _pool_region_id(customer: Any) -> int | None:
    """The region whose pool holds the customer; None for the company pool."""
    if getattr(customer, "in_company_pool", False):
        return None
    return customer.region_id


@rule("customers.claim")
def _claim_customer(actor: Actor, customer: Any, **_kwargs: Any) -> str | None:
    """Claim from the pool (the limits, cool-off and protection apply in the service): the people of
    the pool's region (a region's pool) or anyone (the company pool); a director from any pool."""
    if actor.person is None:
        return _("Your login is not linked to a person in the organization.")
    region_id = _pool_region_id(customer)
    if region_id is None or actor.is_director or actor.region_id == region_id:
        return None
    return _("Only the people of the customer's region claim from its pool.")


@rule("customers.assign")
def _assign_customer(actor: Actor, customer: Any, *, to_person: Person | None = None) -> str | None:
    """Assign a pool customer to a rep: a manager from their unit's pool (a region's pool: that
    region's managers; the company pool: any manager), to a person of their unit."""
    if not (actor.is_admin or actor.is_manager):
        return _("Only a manager assigns customers from the pool.")
    region_id = _pool_region_id(customer)
    if region_id is not None and not (actor.is_admin or actor.is_director or actor.region_id == region_id):
        return _("Managers assign only from their own region's pool.")
    if to_person is not None:
        if not manages_unit(actor, team_id=to_person.team_id, region_id=to_person.region_id):
            return _("The new owner must be in your unit.")
        if region_id is not None and to_person.region_id != region_id:
            return _("The new owner must be of the pool's region.")
    return None


@rule("customers.open_to_company")
def _open_to_company(actor: Actor, customer: Any = None, **_kwargs: Any) -> str | None:
    """Open a pool customer to the company pool (every region may then claim it): a director or an admin."""
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director opens customers to the company pool.")


@rule("visits.plan")
def _plan_visits(actor: Actor, person: Any, **_kwargs: Any) -> str | None:
    """Draft and edit a rep's weekly visit plan, submit it: the rep, or their manager line."""
    if person is not None and actor.is_person(person):
        return None
    if person is not None and is_above(actor, person):
        return None
    return _("Only the rep or the rep's manager line plans the rep's visits.")


@rule("visits.approve_plan")
def _approve_plan(actor: Actor, plan: Any, **_kwargs: Any) -> str | None:
    """Approve (or send back) a submitted visit plan: the rep's manager line, a second person (not
    the rep, not whoever drafted it)."""
    if actor.is_person(plan.person_id):
        return _("Approval is by a second person: this is your own plan.")
    if plan.drafted_by_id is not None and actor.is_person(plan.drafted_by_id):
        return _("Approval is by a second person: you drafted this plan.")
    if is_above(actor, plan.person):
        return None
    return _("Only the rep's manager line approves the rep's visit plan.")


@rule("customers.import")
def _import_customers(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Import customers (master data): managers and admins; each imported row must then lie in the
    importer's unit (`customers.manage` on the row)."""
    if actor.is_admin or actor.is_manager:
        return None
    return _("Only a manager or an admin imports customers.")


@rule("catalogue.manage")
def _catalogue(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """Competitors and pipeline stages: managers (reps add intelligence notes)."""
    if actor.is_admin or actor.is_manager:
        return None
    return _("Only a manager edits competitors and pipeline stages; reps add intelligence notes.")


@rule("catalogue.products")
def _products(actor: Actor, obj: Any = None, **_kwargs: Any) -> str | None:
    """The product catalogue is the company's: a director or an admin."""
    if actor.is_admin or actor.is_director:
        return None
    return _("Only a director or an admin edits the product catalogue.")
