"""The data-scope rule: who sees which records. Every list, detail, export, API and admin uses it.

A person's scope is one of five (DESIGN.md): self, self and subordinates (reporting line, any
depth), own unit (team, or region for a person above the teams), own unit and sub-units (a region
with its teams), all. Superusers see everything; a login with no person sees nothing.

A model takes part by using a `ScopedQuerySet` and naming, in `scope_fields`, the lookups that
lead from its rows to the person, team and region recorded on them. Resolving a viewer costs one
query (cached on the user object for the request); the reporting tree is walked inside the
database by a recursive query, so depth never adds queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _


class DataScope(models.TextChoices):
    SELF = "self", _("Self")
    SELF_AND_SUBORDINATES = "subordinates", _("Self and subordinates")
    OWN_UNIT = "unit", _("Own unit")
    OWN_UNIT_AND_SUBUNITS = "unit_tree", _("Own unit and sub-units")
    ALL = "all", _("All")


@dataclass(frozen=True)
class Viewer:
    """What the scope rule needs to know about the person behind a request."""

    person_id: int | None
    team_id: int | None
    region_id: int | None
    scope: str
    is_superuser: bool = False

    @property
    def sees_all(self) -> bool:
        return self.is_superuser or self.scope == DataScope.ALL

    @property
    def sees_only_own(self) -> bool:
        """Scoped to their own records (a rep): sees no one else's, so manages no one."""
        return not self.sees_all and self.scope == DataScope.SELF


NOBODY = Viewer(person_id=None, team_id=None, region_id=None, scope=DataScope.SELF)
_CACHE_ATTR = "_salesorg_viewer"


def viewer_for(user: Any) -> Viewer:
    """The viewer behind a user, read once per user object (one query)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        viewer = NOBODY
    else:
        from staff.models import DEFAULT_SCOPE, Person

        # user.person is cached on the user object, so the language middleware and every
        # scoped queryset of the request share this one query.
        try:
            person = user.person
        except Person.DoesNotExist:
            person = None
        row = person and {
            "id": person.id,
            "team_id": person.team_id,
            "region_id": person.region_id,
            "position": person.position,
            "data_scope": person.data_scope,
            "status": person.status,
        }
        if user.is_superuser:
            viewer = Viewer(
                person_id=row and row["id"], team_id=None, region_id=None, scope=DataScope.ALL, is_superuser=True
            )
        elif row is None or row["status"] == "left":
            viewer = NOBODY
        else:
            viewer = Viewer(
                person_id=row["id"],
                team_id=row["team_id"],
                region_id=row["region_id"],
                scope=row["data_scope"] or DEFAULT_SCOPE[row["position"]],
            )
    setattr(user, _CACHE_ATTR, viewer)
    return viewer


def forget_viewer(user: Any) -> None:
    """Drop the cached viewer (after the person's position, unit or scope changed)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def subtree_person_ids(person_id: int) -> RawSQL:
    """A subquery of the person and everyone below them in the reporting line, to any depth."""
    from staff.models import Person

    # The table name is ours, the id a bound parameter.
    sql = (  # noqa: S608, UP032
        "WITH RECURSIVE subtree(id) AS ("
        " SELECT id FROM {table} WHERE id = %s"
        " UNION SELECT p.id FROM {table} p JOIN subtree s ON p.manager_id = s.id"
        ") SELECT id FROM subtree"
    ).format(table=Person._meta.db_table)
    return RawSQL(sql, (person_id,))  # noqa: S611


def _subtree_units(person_id: int, unit: str) -> models.QuerySet:
    from staff.models import Person

    return Person.objects.filter(id__in=subtree_person_ids(person_id), **{f"{unit}_id__isnull": False}).values(
        f"{unit}_id"
    )


def scope_q(viewer: Viewer, *, person: str | None = None, team: str | None = None, region: str | None = None) -> Q:
    """The filter that keeps the rows a viewer may see.

    `person`, `team`, `region` are the lookups from the filtered model to the person, team and
    region recorded on each row (any may be absent). A viewer always sees their own rows.
    """
    if viewer.sees_all:
        return Q()
    if viewer.person_id is None:
        return Q(pk__in=[])
    # A viewer always sees their own rows; for a unit model (region, team) without a person
    # lookup, "own" means the units the viewer belongs to.
    own = Q(**{person: viewer.person_id}) if person else _membership_q(viewer, team=team, region=region)
    scope = viewer.scope
    if scope == DataScope.SELF:
        return own
    if scope == DataScope.SELF_AND_SUBORDINATES:
        if person:
            return Q(**{f"{person}__in": subtree_person_ids(viewer.person_id)})
        unit_q = Q(pk__in=[])
        if team:
            unit_q |= Q(**{f"{team}__in": _subtree_units(viewer.person_id, "team")})
        elif region:
            unit_q |= Q(**{f"{region}__in": _subtree_units(viewer.person_id, "region")})
        return own | unit_q
    if scope == DataScope.OWN_UNIT:
        return own | _unit_q(viewer, team=team, region=region, exact=True)
    if scope == DataScope.OWN_UNIT_AND_SUBUNITS:
        return own | _unit_q(viewer, team=team, region=region, exact=False)
    return Q(pk__in=[])


def unit_scope_q(viewer: Viewer, *, team: str | None = None, region: str | None = None) -> Q | None:
    """A unit manager's scope without their own rows: the rows recorded on their unit (and, for
    `OWN_UNIT_AND_SUBUNITS`, its sub-units). None for the other scopes, which have no unit part.

    For models whose rows a manager may hold themselves (credit shares): when none of the
    manager's own rows lies outside this (they are recorded on the manager's unit), it is the whole
    scope, and a query without the `OR` of two columns keeps its index plan."""
    if viewer.sees_all or viewer.person_id is None:
        return None
    if viewer.scope == DataScope.OWN_UNIT:
        return _unit_q(viewer, team=team, region=region, exact=True)
    if viewer.scope == DataScope.OWN_UNIT_AND_SUBUNITS:
        return _unit_q(viewer, team=team, region=region, exact=False)
    return None


def _membership_q(viewer: Viewer, *, team: str | None, region: str | None) -> Q:
    """Units the viewer belongs to: their team, or their region when the model has no team lookup."""
    if team and viewer.team_id:
        return Q(**{team: viewer.team_id})
    if region and not team and viewer.region_id:
        return Q(**{region: viewer.region_id})
    return Q(pk__in=[])


def _unit_q(viewer: Viewer, *, team: str | None, region: str | None, exact: bool) -> Q:
    """Rows recorded on the viewer's unit; with exact=False also on the unit's sub-units."""
    if viewer.team_id:
        return Q(**{team: viewer.team_id}) if team else Q(pk__in=[])
    if viewer.region_id and region:
        q = Q(**{region: viewer.region_id})
        if exact and team:
            # Only what is recorded on the region itself, not on its teams.
            q &= Q(**{f"{team}__isnull": True})
        return q
    return Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to keep only what a user may see: `Model.objects.visible_to(user)`."""

    # Lookups from this model to the person, team and region recorded on a row.
    scope_fields: ClassVar[dict[str, str]] = {}
    # Set when a lookup crosses a to-many relation (e.g. an order's credit shares): the rule is
    # then applied as a semi-join (`EXISTS`), so a row shows once without `SELECT DISTINCT` over
    # the whole row, and the list keeps the plan of its own order and index.
    scope_distinct: ClassVar[bool] = False

    def visible_to(self, user: Any) -> ScopedQuerySet:
        viewer = viewer_for(user)
        if viewer.sees_all:
            return self
        rule = scope_q(viewer, **self.scope_fields)
        if not self.scope_distinct:
            return self.filter(rule)
        matching = self.model._base_manager.filter(rule, pk=OuterRef("pk"))
        return self.filter(Exists(matching))
