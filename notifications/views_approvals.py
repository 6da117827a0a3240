"""The approval inbox page (`/inbox/`): what awaits the user's decision, approve or refuse one with
a click, or many at once (all or none); the navigation's count badge (loaded by htmx)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from notifications import inbox
from salesorg.exceptions import ApplicationError


def _page(request: HttpRequest, *, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    items = inbox.inbox_items(user=request.user)
    return render(request, "notifications/approvals.html", {"items": items, "errors": errors or []}, status=status)


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
def approvals_count(request: HttpRequest) -> HttpResponse:
    count = inbox.inbox_count(user=request.user)
    return render(request, "notifications/_approvals_badge.html", {"count": count})


@login_required
@require_POST
def approvals_decide(request: HttpRequest) -> HttpResponse:
    """One item (`item`) or the selected ones (`items`); `decision` is approve or refuse."""
    keys = request.POST.getlist("items") or request.POST.getlist("item")
    decision = request.POST.get("decision", "")
    reason = request.POST.get("reason", "")
    try:
        if decision not in ("approve", "refuse"):
            raise ApplicationError(
                _("Choose approve or refuse."), fields={"decision": [_("Choose approve or refuse.")]}
            )
        done = inbox.inbox_decide(
            user=request.user, decisions=inbox.parse_keys(keys), approve=decision == "approve", reason=reason
        )
    except ApplicationError as exc:
        details = [f"{field}: {' '.join(map(str, m))}" for field, m in exc.fields.items()]
        return _page(request, errors=[str(exc.message), *details], status=400)
    messages.success(request, ngettext("%(count)d item decided.", "%(count)d items decided.", done) % {"count": done})
    return redirect("approval-inbox")
