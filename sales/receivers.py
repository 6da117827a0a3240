"""What sales answers when staff tells it something (connected in `SalesConfig.ready()`)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from notifications.models import NotificationKind
from notifications.services import Draft, notify
from sales.models import CreditShare, Opportunity
from staff.attribution import units_on


def hand_over_opportunities(sender: Any, person: Any, successor: Any, on: Any, **_kwargs: Any) -> dict[str, int]:
    """`person`'s open opportunities go to `successor` (won and lost ones stay with who worked them)."""
    opportunities = list(Opportunity.objects.filter(owner=person).open().order_by("pk"))
    for opportunity in opportunities:
        opportunity.owner = successor
        opportunity.team_id, opportunity.region_id = successor.team_id, successor.region_id
    bulk_update_with_history(opportunities, Opportunity, ["owner", "team", "region"], default_change_reason="handover")
    if opportunities:
        with translation.override(successor.language or None):
            title = _("%(count)s open opportunities of %(name)s are now yours") % {
                "count": len(opportunities),
                "name": person.name,
            }
        notify(
            drafts=[
                Draft(
                    recipient_id=successor.pk, kind=NotificationKind.HANDOVER, title=str(title), body="",
                    dedupe_key=f"handover:{person.pk}:{on.isoformat()}:opportunities",
                    url=reverse("sales:pipeline"), email=successor.email,
                )
            ]
        )  # fmt: skip
    return {"opportunities": len(opportunities)}


def refile_shares(sender: Any, person: Any, since: Any, **_kwargs: Any) -> None:
    """A membership change dated `since`: the person's credit shares on orders dated from then on
    take the team and region the person has on each order's date (payments follow their own
    date in the engine). Set-based: one read, one query for the units, one bulk write."""
    shares = list(CreditShare.objects.filter(rep=person, order__date__gte=since).select_related("order"))
    units = units_on((share.rep_id, share.order.date) for share in shares)
    moved = []
    for share in shares:
        unit = units.get((share.rep_id, share.order.date))
        if unit is not None and (share.team_id, share.region_id) != (unit.team_id, unit.region_id):
            share.team_id, share.region_id = unit.team_id, unit.region_id
            moved.append(share)
    CreditShare.objects.bulk_update(moved, ["team", "region"], batch_size=1000)
