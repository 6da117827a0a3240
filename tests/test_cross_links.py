"""Links between apps lead only where the viewer may go: the person page to the person's
development and appraisal history, the visit report to its joint-visit review.

The world is the demo data set (tests/security_world.py); the roles are its logins.
"""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from fieldwork.models import Visit, VisitKind
from staff.models import Person, PersonStatus
from tests.security_world import ROLES
from training.models import CoachingSession

pytestmark = pytest.mark.django_db


def _client(world, role: str) -> Client:
    client = Client()
    client.force_login(world.user(role))
    return client


def _person_links(html: str) -> list[str]:
    block = re.search(r'data-testid="person-pages">(.*?)</div>', html, re.S)
    return re.findall(r'href="([^"]+)"', block.group(1)) if block else []


@pytest.mark.parametrize("role", ROLES)
def test_person_page_links_to_the_history_pages_and_each_opens(world, role):
    client = _client(world, role)
    people = list(Person.objects.visible_to(world.user(role)).order_by("pk")[:6])
    assert people
    for person in people:
        response = client.get(reverse("staff:person-detail", args=[person.pk]))
        assert response.status_code == 200
        links = _person_links(response.content.decode())
        assert links == [
            reverse("training:person-history", args=[person.pk]),
            reverse("appraisal:person-history", args=[person.pk]),
        ]
        for url in links:
            assert client.get(url).status_code == 200, f"{role} is offered {url} that does not open"


@pytest.mark.parametrize("role", ["rep01", "tm01"])
def test_no_history_link_to_someone_out_of_scope(world, role):
    client = _client(world, role)
    hidden = Person.objects.exclude(pk__in=Person.objects.visible_to(world.user(role)).values("pk")).first()
    assert hidden is not None
    response = client.get(reverse("staff:person-detail", args=[hidden.pk]))
    assert response.status_code == 404
    for name in ("training:person-history", "appraisal:person-history"):
        url = reverse(name, args=[hidden.pk])
        assert url not in response.content.decode()
        assert client.get(url).status_code == 404


def test_person_page_shows_the_links_in_chinese(world):
    client = _client(world, "tm01")
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("staff:person-detail", args=[world.user("rep01").person.pk])).content.decode()
    assert "个人成长档案" in html and "考核记录" in html


# --- The joint-visit review link --------------------------------------------------------------


def _unreviewed_joint_visit(world) -> Visit:
    """A joint visit by rep01 (in tm01's team) that has no review yet."""
    rep = world.user("rep01").person
    visit = Visit.objects.filter(author=rep, kind=VisitKind.JOINT, reviews=None).first()
    if visit is None:
        source = Visit.objects.filter(author=rep).first()
        source.pk = source.id = None
        source.kind, source.accompanying_manager = VisitKind.JOINT, world.user("tm01").person
        source.save()
        visit = source
    return visit


def _review_url(visit: Visit) -> str:
    return f"{reverse('training:session-create')}?kind=joint_visit_review&amp;visit={visit.pk}"


@pytest.mark.parametrize("role", ["tm01", "rm01", "director"])
def test_a_manager_with_the_rep_in_scope_is_offered_the_review(world, role):
    visit = _unreviewed_joint_visit(world)
    html = _client(world, role).get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    assert _review_url(visit) in html


def test_the_review_link_opens_the_form_for_that_visit_and_rep_and_goes_once_reviewed(world):
    visit = _unreviewed_joint_visit(world)
    client = _client(world, "tm01")
    form_url = f"{reverse('training:session-create')}?kind=joint_visit_review&visit={visit.pk}"
    response = client.get(form_url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["visit"].value() == str(visit.pk)
    assert form["person"].value() == visit.author_id
    assert form["kind"].value() == "joint_visit_review"
    response = client.post(
        form_url,
        {
            "kind": "joint_visit_review",
            "date": visit.date.isoformat(),
            "person": visit.author_id,
            "visit": visit.pk,
            "did_well": "开场自然",
            "to_improve": "明确下一步",
        },
    )
    assert response.status_code == 302
    assert CoachingSession.objects.filter(visit=visit).exists()
    html = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    assert _review_url(visit) not in html


@pytest.mark.parametrize("role", ["rep01", "admin"])
def test_the_rep_who_filed_it_and_a_login_without_a_person_get_no_review_link(world, role):
    visit = _unreviewed_joint_visit(world)
    response = _client(world, role).get(reverse("fieldwork:visit-detail", args=[visit.pk]))
    assert response.status_code == 200
    assert reverse("training:session-create") not in response.content.decode()


def test_no_review_link_on_an_ordinary_visit_or_for_a_rep_who_left(world):
    client = _client(world, "tm01")
    rep = world.user("rep01").person
    ordinary = Visit.objects.filter(author=rep).exclude(kind=VisitKind.JOINT).first()
    html = client.get(reverse("fieldwork:visit-detail", args=[ordinary.pk])).content.decode()
    assert reverse("training:session-create") not in html
    visit = _unreviewed_joint_visit(world)
    Person.objects.filter(pk=rep.pk).update(status=PersonStatus.LEFT)
    html = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    assert reverse("training:session-create") not in html


def test_a_manager_of_another_team_cannot_see_the_visit_nor_its_review_page(world):
    visit = _unreviewed_joint_visit(world)
    other = Person.objects.filter(position="team_manager", user__isnull=False).exclude(team=visit.team_id).first()
    client = Client()
    client.force_login(other.user)
    assert client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).status_code == 404
    response = client.get(f"{reverse('training:session-create')}?visit={visit.pk}")
    assert response.status_code == 200 and response.context["form"]["person"].value() is None


# The admin's History button: the models with their own history (django-simple-history) show it,
# the others (events, derived rows, logs) show Django's change log. It was a 500 on the scoped
# admins of models without a history table.
# Models without a history table whose History button answered 500; the world holds rows of each.
WITHOUT_HISTORY = {
    "staff.EmploymentEvent",
    "notifications.Notification",
    "customers.CustomerMove",
    "sales.Instalment",
    "training.WorkReportRule",
}


def test_every_admin_history_page_answers(world):
    client = Client()
    client.force_login(world.user("admin"))
    checked, failed = set(), []
    for model, _model_admin in admin.site._registry.items():
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        label = model._meta.label
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk])
        response = client.get(url)
        checked.add(label)
        if response.status_code != 200:
            failed.append((label, response.status_code))
    assert failed == []
    assert checked >= WITHOUT_HISTORY, WITHOUT_HISTORY - checked
    # A model with its own history still shows django-simple-history's page.
    person = world.user("rep01").person
    page = client.get(reverse("admin:staff_person_history", args=[person.pk]))
    assert page.status_code == 200
    assert page.templates[0].name == "simple_history/object_history.html"
