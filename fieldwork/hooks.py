"""What field work tells the apps below it (registered from `FieldworkConfig.ready()`).

A membership change re-files the person's visits, expense claims and notes dated from its date
(staff.signals.membership_changed). Customers' last-activity rule counts visit dates; the
customer page offers "File a visit" and shows the recent visits and the market intelligence
filed about the customer; the competitors page offers "File intelligence" and the latest notes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from customers import hooks
from fieldwork.models import ExpenseClaim, IntelNote, Visit
from fieldwork.selectors import intel_list
from staff.attribution import refile
from staff.signals import membership_changed


def last_visit() -> Subquery:
    return Subquery(Visit.objects.filter(customer=OuterRef("pk")).order_by("-date").values("date")[:1])


def file_visit_action(user: Any, customer: Any) -> hooks.PageAction:
    # Whether the user may file it is the visit service's question (a 403 that says who may).
    return hooks.PageAction(
        label=_("File a visit"), url=reverse("fieldwork:visit-create") + f"?customer={customer.pk}", icon="geo-alt"
    )


def recent_visits_panel(user: Any, customer: Any) -> hooks.PagePanel:
    visits = list(
        Visit.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("author", "accompanying_manager")
        .prefetch_related("stakeholders")[:20]
    )
    return hooks.PagePanel(template="fieldwork/panels/recent_visits.html", context={"visits": visits})


def intel_panel(user: Any, customer: Any) -> hooks.PagePanel | None:
    notes = list(
        IntelNote.objects.visible_to(user).filter(customer=customer).select_related("competitor", "author")[:20]
    )
    if not notes:
        return None
    return hooks.PagePanel(template="fieldwork/panels/intel_notes.html", context={"intel_notes": notes})


def file_intel_action(user: Any, _obj: Any) -> hooks.PageAction:
    return hooks.PageAction(label=_("File intelligence"), url=reverse("fieldwork:intel-create"))


def latest_intel_panel(user: Any, _obj: Any) -> hooks.PagePanel:
    notes = list(intel_list(user=user)[:50])
    return hooks.PagePanel(template="fieldwork/panels/latest_intel.html", context={"notes": notes})


def refile_records(sender: Any, person: Any, since: Any, **_kwargs: Any) -> None:
    """A membership change dated `since`: the person's visits, expense claims and intelligence notes
    dated from then on take the unit of their date (staff.signals.membership_changed)."""
    reason = "re-filed: membership changed"
    for queryset, person_field in (
        (Visit.objects.filter(author=person, date__gte=since), "author"),
        (ExpenseClaim.objects.filter(person=person, date__gte=since), "person"),
        (IntelNote.objects.filter(author=person, date__gte=since), "author"),
    ):
        refile(queryset, person_field=person_field, date_field="date", reason=reason)


def register() -> None:
    membership_changed.connect(refile_records, dispatch_uid="fieldwork.refile_records")
    hooks.register_activity("visit", last_visit)
    hooks.register_page_action("customer", "file_visit", file_visit_action)
    hooks.register_page_panel("customer", "recent_visits", recent_visits_panel)
    hooks.register_page_panel("customer", "intel_notes", intel_panel)
    hooks.register_page_action("competitors", "file_intel", file_intel_action)
    hooks.register_page_panel("competitors", "latest_intel", latest_intel_panel)
