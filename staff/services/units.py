"""Regions and teams, created and edited in the product (director and admin; a regional manager
edits the teams of their region)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Region, Team

REGION_FIELDS = ("code", "name", "is_active")
TEAM_FIELDS = ("code", "name", "region", "is_active")


def _save(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> Any:
    for field in fields:
        if field in data:
            setattr(obj, field, data[field])
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError(_("Please correct the fields shown."), fields=exc.message_dict) from exc
    obj.save()
    return obj


@transaction.atomic
def region_save(*, user: Any, data: dict[str, Any], region: Region | None = None) -> Region:
    """Create or edit a region: a director or an admin."""
    authority.require(user, "org.change")  # no region given: a director or an admin only
    return _save(region or Region(), data, REGION_FIELDS)


@transaction.atomic
def team_save(*, user: Any, data: dict[str, Any], team: Team | None = None) -> Team:
    """Create or edit a team: a director or an admin, or the regional manager of its region (both
    the region it is in and the one it moves to)."""
    if team is not None:
        authority.require(user, "org.change", region_id=team.region_id)
    target = data.get("region") or (team.region if team else None)
    if target is None:
        raise ApplicationError(_("A team belongs to a region."), fields={"region": [_("This field is required.")]})
    authority.require(user, "org.change", region_id=target.pk)
    return _save(team or Team(), data, TEAM_FIELDS)
