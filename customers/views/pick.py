"""The customer picker's search (`customers.picker`): the options of the customers in the user's
scope that match what was typed, for htmx to put into the picker's select."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from customers.models import CustomerKind
from customers.picker import PICK_ROWS
from customers.selectors.accounts import matching_customers

MAX_QUERY = 100


@login_required
@require_GET
def customer_pick(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    kinds = tuple(request.GET.getlist("kind"))
    if len(q) > MAX_QUERY:
        return HttpResponseBadRequest(_("q: at most %(n)d characters.") % {"n": MAX_QUERY})
    unknown = sorted(set(kinds) - set(CustomerKind.values))
    if unknown:
        return HttpResponseBadRequest(_("kind: no such kind of customer: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    rows = matching_customers(user=request.user, q=q, kinds=kinds, limit=PICK_ROWS + 1)
    options = format_html('<option value="">{}</option>', "---------") + format_html_join(
        "", '<option value="{}">{}</option>', rows[:PICK_ROWS]
    )
    if not rows:
        options += format_html('<option value="" disabled>{}</option>', _("No customer matches."))
    elif len(rows) > PICK_ROWS:
        options += format_html(
            '<option value="" disabled>{}</option>',
            _("The first %(n)d are shown: type more to narrow them.") % {"n": PICK_ROWS},
        )
    return HttpResponse(options)


urlpatterns = [path("pick/", customer_pick, name="pick")]
