"""The customer picker's search (`customers.picker`): the options of the customers in the user's
scope that match what was typed, for htmx to put into the picker's select."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from customers.models import CustomerKind
from customers.selectors.accounts import matching_customers
from salesorg.picking import PICK_ROWS, options_response, search_text


@login_required
@require_GET
def customer_pick(request: HttpRequest) -> HttpResponse:
    q = search_text(request)
    if isinstance(q, HttpResponse):
        return q
    kinds = tuple(request.GET.getlist("kind"))
    unknown = sorted(set(kinds) - set(CustomerKind.values))
    if unknown:
        return HttpResponseBadRequest(_("kind: no such kind of customer: %(kinds)s.") % {"kinds": ", ".join(unknown)})
    rows = matching_customers(user=request.user, q=q, kinds=kinds, limit=PICK_ROWS + 1)
    return options_response(rows, none_found=_("No customer matches."))


urlpatterns = [path("pick/", customer_pick, name="pick")]
