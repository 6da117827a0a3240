"""Pages of customers' locations: a rep proposes a new position, a manager confirms or rejects it
(the customer page shows the forms, the waiting proposal and every position the customer had)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from customers import hooks
from customers.models import Customer, LocationProposal, ProposalStatus
from customers.selectors import locations as location_selectors
from customers.services import locations as location_services
from customers.views.common import post_action as _post_action
from salesorg.forms import BootstrapMixin


class LocationProposalForm(BootstrapMixin, forms.Form):
    latitude = forms.DecimalField(label=gettext_lazy("Latitude"), max_digits=12, decimal_places=8)
    longitude = forms.DecimalField(label=gettext_lazy("Longitude"), max_digits=12, decimal_places=8)
    note = forms.CharField(label=gettext_lazy("Why it moves"), max_length=300, required=False)


class LocationDecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", pgettext_lazy("location", "Confirm")), ("reject", pgettext_lazy("location", "Reject"))]
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


@login_required
@require_POST
def location_propose(request: HttpRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)
    return _post_action(
        request,
        LocationProposalForm(request.POST),
        lambda d: location_services.location_propose(
            user=request.user, customer=customer, latitude=d["latitude"], longitude=d["longitude"], note=d["note"]
        ),
        success=_("Location proposed: a manager of the customer's unit confirms it."),
        back=reverse("customers:customer-detail", args=[pk]),
    )


@login_required
@require_POST
def location_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(LocationProposal.objects.visible_to(request.user).select_related("customer"), pk=pk)
    return _post_action(
        request,
        LocationDecisionForm(request.POST),
        lambda d: location_services.location_decide(
            user=request.user, proposal=proposal, confirm=d["decision"] == "confirm", note=d["note"]
        ),
        success=_("Decision saved."),
        back=reverse("customers:customer-detail", args=[proposal.customer_id]),
    )


def location_panel(user: object, customer: Customer) -> hooks.PagePanel:
    """The customer page's location card: the waiting proposal (confirm / reject for a manager of
    the unit), the form to propose a new position, and every position the customer had (3 queries)."""
    proposals = list(location_selectors.proposal_list(user=user).filter(customer=customer)[:10])
    pending = next((p for p in proposals if p.status == ProposalStatus.PENDING), None)
    return hooks.PagePanel(
        template="customers/panels/location.html",
        context={
            "pending": pending,
            "proposals": proposals,
            "positions": location_selectors.location_history(customer=customer),
            "propose_form": LocationProposalForm(),
            "decision_form": LocationDecisionForm(),
        },
    )


def register() -> None:
    hooks.register_page_panel("customer", "location", location_panel)


urlpatterns = [
    path("<int:pk>/location/propose/", location_propose, name="location-propose"),
    path("location-proposals/<int:pk>/decide/", location_decide, name="location-decide"),
]
