"""The inbox page (paged), marking all read, and one's own notification settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import selectors
from notifications.models import NotificationKind
from notifications.services import notification_mark_read, preferences_of, preferences_set
from salesorg.paging import page_of
from staff.scope import viewer_for

INBOX_PAGE_ROWS = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = page_of(request, selectors.inbox(user=request.user), per_page=INBOX_PAGE_ROWS)
    return render(request, "notifications/inbox.html", {"items": page.object_list, "page": page})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if viewer.person_id:
        notification_mark_read(recipient_id=viewer.person_id)
    return HttpResponseRedirect(reverse("notifications:inbox"))


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Each kind on or off for oneself: a checkbox per kind; unchecked is off."""
    viewer = viewer_for(request.user)
    if not viewer.person_id:
        # A login without a person (an admin) receives no notifications: nothing to set.
        return HttpResponseRedirect(reverse("notifications:inbox"))
    if request.method == "POST":
        chosen = set(request.POST.getlist("kind"))
        unknown = sorted(chosen - set(NotificationKind.values))
        if unknown:
            return HttpResponse(_("Unknown kind: %(kind)s") % {"kind": unknown[0]}, status=400)
        preferences_set(
            user=request.user,
            person_id=viewer.person_id,
            enabled={kind: kind in chosen for kind in NotificationKind.values},
        )
        messages.success(request, _("Your notification settings are saved."))
        return HttpResponseRedirect(reverse("notifications:settings"))
    current = preferences_of(person_id=viewer.person_id)
    kinds = [(kind, label, current[kind]) for kind, label in NotificationKind.choices]
    return render(request, "notifications/settings.html", {"kinds": kinds})
