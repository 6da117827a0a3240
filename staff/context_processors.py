from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staff import authority
from staff.scope import viewer_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the signed-in user, grouped, with what their role can use.

    Each item is {"label", "url"} or {"label", "children": [(label, url), ...]} for a drop-down.
    The manager's pages are offered by position (`authority.is_manager`), never by data scope; the
    pages themselves ask the authority rule before any change. `actor` is in every template.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    viewer = viewer_for(user)
    actor = authority.actor_of(user)
    manages = actor.is_admin or actor.is_manager
    sales = [
        (_("Customers"), reverse("customers:customer-list")),
        (_("Visits"), reverse("fieldwork:visit-list")),
        (_("Visit plans"), reverse("fieldwork:plan-list")),
        (_("Pipeline"), reverse("sales:pipeline")),
        (_("Orders"), reverse("sales:order-list")),
    ]
    organization = [(_("People"), reverse("staff:person-list"))]
    if manages:
        organization += [
            (_("Teams"), reverse("staff:team-list")),
            (_("Regions"), reverse("staff:region-list")),
            (_("Recruitment"), reverse("staff:opening-list")),
        ]
    development = [
        (_("Coaching"), reverse("training:dashboard")),
        (_("Training"), reverse("training:course-list")),
        (_("Appraisal"), reverse("appraisal:index")),
    ]
    items: list[dict[str, Any]] = [
        {"label": _("Home"), "url": reverse("home")},
        {"label": _("Sales"), "children": sales},
        {"label": _("Targets"), "url": reverse("targets:grid")},
        {"label": _("Reports"), "url": reverse("dashboard:reports")},
        {"label": _("Development"), "children": development},
        {"label": _("Organization"), "children": organization},
    ]
    if manages:
        items.insert(1, {"label": _("Dashboard"), "url": reverse("dashboard:index")})
    return {"nav_items": items, "viewer": viewer, "actor": actor}
