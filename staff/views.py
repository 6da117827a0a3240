"""Organization pages: people, teams, regions; the home page and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from salesorg.picking import PICK_ROWS, options_response, search_text
from staff import registry, selectors
from staff.forms import PersonFilterForm
from staff.models import Person, PersonStatus, Region, Team
from staff.scope import viewer_for
from staff.views_people import workflow_forms


@login_required
def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    person = Person.objects.select_related("team", "region", "manager").filter(pk=viewer.person_id).first()
    return render(
        request,
        "staff/home.html",
        {
            "person": person,
            "people_count": Person.objects.visible_to(request.user).current().count(),
            "team_count": Team.objects.visible_to(request.user).count(),
            "region_count": Region.objects.visible_to(request.user).count(),
        },
    )


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.person_list(user=request.user, filters=filters)
    return render(request, "staff/person_list.html", {"form": form, "people": people[:500], "total": people.count()})


def person_pages(person: Person) -> list[tuple[str, str]]:
    """A person's pages in other apps, as those apps registered them (`staff.registry`);
    tests/test_cross_links.py follows every link for every role."""
    return [(page.label, reverse(page.url_name, args=[person.pk])) for page in registry.person_pages()]


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(
        Person.objects.visible_to(request.user).select_related("team", "region", "manager", "user"), pk=pk
    )
    reports = Person.objects.visible_to(request.user).filter(manager=person).select_related("team")
    return render(
        request,
        "staff/person_detail.html",
        {
            "person": person,
            "events": selectors.person_events(person=person),
            "memberships": selectors.person_memberships(person=person),
            "reports": reports,
            "person_pages": person_pages(person),
            # Prompts other apps registered ("onboarding complete: pass probation?").
            "prompts": registry.person_prompts(person),
            # The org changes that apply to the person; the template shows them only to who may.
            "workflows": workflow_forms(request.user, person),
        },
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/team_list.html", {"teams": selectors.team_list(user=request.user)})


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.visible_to(request.user).select_related("region"), pk=pk)
    members = (
        Person.objects.visible_to(request.user)
        .filter(team=team)
        .exclude(status=PersonStatus.LEFT)
        .select_related("manager")
    )
    return render(request, "staff/team_detail.html", {"team": team, "members": members})


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    return render(request, "staff/region_list.html", {"regions": selectors.region_list(user=request.user)})


@login_required
def region_detail(request: HttpRequest, pk: int) -> HttpResponse:
    region = get_object_or_404(Region.objects.visible_to(request.user), pk=pk)
    teams = selectors.team_list(user=request.user, filters={"region": region.pk})
    return render(request, "staff/region_detail.html", {"region": region, "teams": teams})


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in user's choice is saved on their person."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language in dict(settings.LANGUAGES):
        if request.user.is_authenticated:
            Person.objects.filter(user=request.user).update(language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, samesite="Lax")
    return response


@login_required
@require_GET
def person_pick(request: HttpRequest) -> HttpResponse:
    """The people picker's search (`staff.picker`): the options of the people in the user's scope
    who match what was typed, for htmx to put into the picker's select."""
    q = search_text(request)
    if isinstance(q, HttpResponse):
        return q
    rows = selectors.matching_people(user=request.user, q=q, limit=PICK_ROWS + 1)
    return options_response(rows, none_found=_("Nobody matches."))
