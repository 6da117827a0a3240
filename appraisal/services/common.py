"""Who may act on whom: the data-scope rule applied to a person (not a login)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from salesorg.exceptions import ApplicationError
from staff.models import Person, PersonQuerySet
from staff.scope import Viewer, scope_q


def viewer_of(person: Person) -> Viewer:
    return Viewer(person_id=person.pk, team_id=person.team_id, region_id=person.region_id, scope=person.effective_scope)


def sees(manager: Person, person: Person) -> bool:
    """Whether `person` is within `manager`'s data scope (one query)."""
    if manager.pk == person.pk:
        return True
    return Person.objects.filter(scope_q(viewer_of(manager), **PersonQuerySet.scope_fields), pk=person.pk).exists()


def require_manager(person: Person, *, field: str) -> None:
    if not person.is_manager:
        message = _("Only a manager may do this.")
        raise ApplicationError(message, fields={field: [message]})


def require_manager_of(manager: Person, person: Person, *, field: str) -> None:
    require_manager(manager, field=field)
    if manager.pk == person.pk or not sees(manager, person):
        message = _("%(person)s is not in your team or region.") % {"person": person.name}
        raise ApplicationError(message, fields={field: [message]})
