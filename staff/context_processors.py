from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staff.scope import viewer_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu for the signed-in user: what their role can use."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    viewer = viewer_for(user)
    items = [(_("Home"), reverse("home"))]
    items.append((_("Dashboard"), reverse("dashboard:index")))
    items.append((_("People"), reverse("staff:person-list")))
    items.append((_("Customers"), reverse("customers:customer-list")))
    items.append((_("Visits"), reverse("customers:visit-list")))
    items.append((_("Targets"), reverse("targets:grid")))
    items.append((_("Coaching"), reverse("training:dashboard")))
    items.append((_("Training"), reverse("training:course-list")))
    items.append((_("Appraisal"), reverse("appraisal:index")))
    if viewer.scope != "self" or viewer.sees_all:
        items.append((_("Teams"), reverse("staff:team-list")))
        items.append((_("Regions"), reverse("staff:region-list")))
        items.append((_("Recruitment"), reverse("staff:opening-list")))
    items.append((_("Orders"), reverse("customers:order-list")))
    items.append((_("Pipeline"), reverse("customers:pipeline")))
    return {"nav_items": items, "viewer": viewer}
