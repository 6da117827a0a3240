"""The inbox page: one's own notifications, and marking them all read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from notifications import selectors
from notifications.services import notification_mark_read
from staff.scope import viewer_for

INBOX_SIZE = 100


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = selectors.inbox(user=request.user)[:INBOX_SIZE]
    return render(request, "notifications/inbox.html", {"items": items})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    if viewer.person_id:
        notification_mark_read(recipient_id=viewer.person_id)
    return HttpResponseRedirect(reverse("notifications:inbox"))
