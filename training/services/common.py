"""Helpers the training services share: the coaching scope check and the unit recorded on a row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff.models import Person, PersonQuerySet
from staff.scope import Viewer, scope_q


def viewer_of(person: Person) -> Viewer:
    """The scope a person has, as the data-scope rule sees it (without going through a login)."""
    return Viewer(person_id=person.pk, team_id=person.team_id, region_id=person.region_id, scope=person.effective_scope)


def in_scope_of(manager: Person, person: Person) -> bool:
    """Whether `person` is within `manager`'s data scope (one query)."""
    if manager.pk == person.pk:
        return True
    return Person.objects.filter(scope_q(viewer_of(manager), **PersonQuerySet.scope_fields), pk=person.pk).exists()


def require_manager_of(manager: Person, person: Person, *, field: str) -> None:
    if not manager.is_manager:
        raise ApplicationError(_("Only a manager may do this."), fields={field: [_("Only a manager may do this.")]})
    if manager.pk == person.pk or not in_scope_of(manager, person):
        message = _("%(person)s is not in your team or region.") % {"person": person.name}
        raise ApplicationError(message, fields={field: [message]})


def require_text(value: str, *, field: str) -> str:
    if not value or not value.strip():
        raise ApplicationError(_("This field is required."), fields={field: [_("This field is required.")]})
    return value.strip()
