"""Org-change pages: a person's transfer, promotion, change of manager, passing probation, warning
and dismissal (each a dated workflow of `staff.services`), and creating and editing regions and
teams. Thin: the person or unit is looked up through the data-scope rule (404 outside it), the
authority rule is asked before the form is read (403 naming who may: `NotAllowed` is answered by
the 403 page), the service validates and its refusal is shown on the form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from salesorg.exceptions import ApplicationError, NotAllowed, add_error_to_form
from staff import authority, services
from staff import forms_people as forms
from staff.models import Person, PersonStatus, Region, Team
from staff.services.people import POSITION_ORDER


@dataclass(frozen=True)
class Workflow:
    """One org change offered on the person page: its form, the service that makes it, its page."""

    key: str  # the URL name's suffix: staff:person-<key>
    title: Any  # a lazy translation
    form_class: type[forms.PersonChangeForm]
    service: Callable[..., Any]
    done: Any  # the success message, with %(name)s

    def url(self, person: Person) -> str:
        return reverse(f"staff:person-{self.key}", args=[person.pk])

    def applies_to(self, person: Person) -> bool:
        """Whether the change makes sense for the person now (the rule decides who may)."""
        if person.status == PersonStatus.LEFT:
            return False
        if self.key == "pass-probation":
            return person.status == PersonStatus.PROBATION
        if self.key == "promote":
            return person.position != POSITION_ORDER[-1]
        if self.key == "dismiss":
            return person.left_on is None
        return True


WORKFLOWS = {
    workflow.key: workflow
    for workflow in (
        Workflow(
            "pass-probation",
            gettext_lazy("Pass probation"),
            forms.PassProbationForm,
            services.person_pass_probation,
            gettext_lazy("%(name)s has passed probation."),
        ),
        Workflow(
            "transfer",
            gettext_lazy("Transfer to another team"),
            forms.TransferForm,
            services.person_transfer,
            gettext_lazy("%(name)s is transferred."),
        ),
        Workflow(
            "promote",
            gettext_lazy("Promote"),
            forms.PromoteForm,
            services.person_promote,
            gettext_lazy("%(name)s is promoted."),
        ),
        Workflow(
            "change-manager",
            gettext_lazy("Change manager"),
            forms.ChangeManagerForm,
            services.person_change_manager,
            gettext_lazy("%(name)s reports to a new manager."),
        ),
        Workflow(
            "warn",
            gettext_lazy("Warn"),
            forms.WarnForm,
            services.person_warn,
            gettext_lazy("The warning to %(name)s is recorded."),
        ),
        Workflow(
            "handover",
            gettext_lazy("Hand over customers and open work"),
            forms.HandoverForm,
            services.person_handover,
            gettext_lazy("%(name)s's customers, open opportunities and open action items are handed over."),
        ),
        Workflow(
            "dismiss",
            gettext_lazy("Dismiss from the company"),
            forms.DismissForm,
            services.person_dismiss,
            gettext_lazy("%(name)s's leaving date is recorded."),
        ),
    )
}


def workflow_forms(user: Any, person: Person) -> list[tuple[Workflow, forms.PersonChangeForm, str]]:
    """The changes that apply to the person, each with an empty form and the URL it posts to
    (querysets are lazy: a page that does not show the forms reads nothing for them)."""
    return [
        # Several forms on one page: each its own element ids (`transfer-on`, `warn-on`, ...).
        (workflow, workflow.form_class(person=person, user=user, auto_id=f"{workflow.key}-%s"), workflow.url(person))
        for workflow in WORKFLOWS.values()
        if workflow.applies_to(person)
    ]


def _person_change(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """GET shows the change's form, POST makes it: 404 outside the scope, 403 for who may not."""
    workflow = WORKFLOWS[key]
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("team", "region", "manager"), pk=pk
    )
    authority.require(request.user, "org.change", person)
    form = workflow.form_class(request.POST or None, person=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.service(person=person, recorded_by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, workflow.done % {"name": person.name})
            return redirect("staff:person-detail", pk=person.pk)
    return render(
        request,
        "staff/person_change.html",
        {"person": person, "form": form, "title": workflow.title, "back": reverse("staff:person-detail", args=[pk])},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_pass_probation(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "pass-probation")


@login_required
@require_http_methods(["GET", "POST"])
def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "transfer")


@login_required
@require_http_methods(["GET", "POST"])
def person_promote(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "promote")


@login_required
@require_http_methods(["GET", "POST"])
def person_change_manager(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "change-manager")


@login_required
@require_http_methods(["GET", "POST"])
def person_warn(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "warn")


@login_required
@require_http_methods(["GET", "POST"])
def person_handover(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "handover")


@login_required
@require_http_methods(["GET", "POST"])
def person_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_change(request, pk, "dismiss")


# --- Regions and teams --------------------------------------------------------------------------


def _unit_form_page(request: HttpRequest, form: Any, save: Callable[[dict], Any], *, title: str, back: str):
    """Save a valid posted form through `save` (a unit service), or show it with the errors."""
    if request.method == "POST" and form.is_valid():
        try:
            unit = save(form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("%(unit)s is saved.") % {"unit": unit.name})
            return redirect(back)
    context = {"form": form, "title": title, "back": back}
    return render(request, "staff/form_page.html", context, status=400 if form.is_bound else 200)


def _unit_values(unit: Region | Team) -> dict[str, Any]:
    values = {"code": unit.code, "name": unit.name, "is_active": unit.is_active}
    if isinstance(unit, Team):
        values["region"] = unit.region_id
    return values


@login_required
@require_http_methods(["GET", "POST"])
def region_create(request: HttpRequest) -> HttpResponse:
    authority.require(request.user, "org.change")  # a director or an admin (region_save asks again)
    form = forms.RegionForm(request.POST or None)
    return _unit_form_page(
        request,
        form,
        lambda data: services.region_save(user=request.user, data=data),
        title=_("New region"),
        back=reverse("staff:region-list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_edit(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    authority.require(request.user, "org.change")  # as region_save: a director or an admin
    form = forms.RegionForm(request.POST or None, initial=_unit_values(region))
    return _unit_form_page(
        request,
        form,
        lambda data: services.region_save(user=request.user, data=data, region=region),
        title=_("Edit region %(name)s") % {"name": region.name},
        back=reverse("staff:region-list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    form = forms.TeamForm(request.POST or None, user=request.user)
    refusal = authority.check(request.user, "org.change")
    if refusal and not form.fields["region"].queryset.exists():
        # No region the user may organize: the rule's own message says who may.
        raise NotAllowed(refusal)
    return _unit_form_page(
        request,
        form,
        lambda data: services.team_save(user=request.user, data=data),
        title=_("New team"),
        back=reverse("staff:team-list"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.visible_to(request.user).select_related("region"), pk=pk)
    authority.require(request.user, "org.change", team)
    form = forms.TeamForm(request.POST or None, user=request.user, initial=_unit_values(team))
    return _unit_form_page(
        request,
        form,
        lambda data: services.team_save(user=request.user, data=data, team=team),
        title=_("Edit team %(name)s") % {"name": team.name},
        back=reverse("staff:team-list"),
    )
