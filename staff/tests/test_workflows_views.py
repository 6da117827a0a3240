"""People changes as dated workflows, through the pages: one rep's whole life in the organization
by the director (hired through the recruitment pages, then the forms of the person page), the
forms shown only to who may, each change refused to who may not (403 page naming who may, 404
outside the scope), bad input shown on the form with nothing written; regions and teams created
and edited from their list pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staff.models import (
    Candidate,
    EmploymentEvent,
    EventKind,
    Membership,
    Person,
    PersonStatus,
    Position,
    Region,
    Team,
)

pytestmark = pytest.mark.django_db

ORG_CHANGE_REFUSAL = "Only a director or an admin (a regional manager within their region) changes the organization."
ACTIONS = ["pass-probation", "transfer", "promote", "change-manager", "warn", "dismiss"]


def page(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def days_ago(days: int) -> str:
    return str(timezone.localdate() - timedelta(days=days))


def url(action: str, person) -> str:
    return reverse(f"staff:person-{action}", args=[person.pk])


def written() -> tuple[int, int, list]:
    people = list(
        Person.objects.order_by("pk").values_list("position", "team", "region", "manager", "status", "left_on")
    )
    return EmploymentEvent.objects.count(), Membership.objects.count(), people


def hire_through_the_recruitment_pages(client: Client, org) -> Person:
    created = client.post(
        reverse("staff:opening-create"),
        {"team": org.t1a.pk, "title": "销售代表", "position": "rep", "headcount": 1, "opened_on": days_ago(260)},
    )
    assert created.status_code == 302
    opening = org.t1a.openings.get()
    client.post(reverse("staff:opening-detail", args=[opening.pk]), {"name": "周新", "applied_on": days_ago(250)})
    candidate = Candidate.objects.get(opening=opening)
    detail = reverse("staff:candidate-detail", args=[candidate.pk])
    client.post(detail, {"action": "step", "kind": "interview", "date": days_ago(240), "score": "86"})
    hired = client.post(
        detail,
        {"action": "hire", "employee_no": "E7002", "hire_date": days_ago(200), "username": "zhouxin", "reason": "合格"},
    )
    assert hired.status_code == 302
    candidate.refresh_from_db()
    return candidate.hired_person


def test_a_reps_whole_life_through_the_pages_by_the_director(org):
    client = page(org.director)
    rep = hire_through_the_recruitment_pages(client, org)
    assert (rep.status, rep.team) == (PersonStatus.PROBATION, org.t1a)
    person_page = reverse("staff:person-detail", args=[rep.pk])

    steps = [
        ("pass-probation", {"on": days_ago(110)}),
        ("transfer", {"team": org.t1b.pk, "on": days_ago(100), "reason": "支援杭州"}),
        ("promote", {"position": "team_manager", "team": org.t2a.pk, "on": days_ago(50), "reason": "业绩突出"}),
        ("change-manager", {"manager": org.rm2.pk, "on": days_ago(40), "reason": "直接汇报大区经理"}),
        ("warn", {"on": days_ago(20), "reason": "拜访报告不实"}),
        ("dismiss", {"on": days_ago(0), "reason": "多次违规"}),
    ]
    for action, body in steps:
        response = client.post(url(action, rep), body)
        assert response.status_code == 302, (action, response.context["form"].errors)
        assert response["Location"] == person_page

    rep.refresh_from_db()
    assert (rep.status, rep.position, rep.team, rep.manager, rep.left_on) == (
        PersonStatus.LEFT,
        Position.TEAM_MANAGER,
        org.t2a,
        org.rm2,
        timezone.localdate(),
    )
    kinds = list(rep.events.order_by("date", "id").values_list("kind", flat=True))
    assert kinds == [
        EventKind.HIRED,
        EventKind.PROBATION_PASSED,
        EventKind.TRANSFERRED,
        EventKind.PROMOTED,
        EventKind.MANAGER_CHANGED,
        EventKind.WARNED,
        EventKind.DISMISSED,
    ]
    # The person page shows the timeline: every event's reason and every dated membership.
    shown = client.get(person_page)
    html = shown.content.decode()
    for reason in ("支援杭州", "业绩突出", "直接汇报大区经理", "拜访报告不实", "多次违规"):
        assert reason in html
    assert [(m.start, m.team) for m in shown.context["memberships"]] == [
        (timezone.localdate() - timedelta(days=40), org.t2a),
        (timezone.localdate() - timedelta(days=50), org.t2a),
        (timezone.localdate() - timedelta(days=100), org.t1b),
        (timezone.localdate() - timedelta(days=200), org.t1a),
    ]
    # Someone who left is changed no more: no forms are offered.
    assert 'data-testid="person-changes"' not in html


def test_the_forms_are_shown_only_to_who_may(org):
    Person.objects.filter(pk=org.rep1a2.pk).update(status=PersonStatus.PROBATION)
    person_page = reverse("staff:person-detail", args=[org.rep1a2.pk])
    for who in ("director", "rm1"):
        html = page(getattr(org, who)).get(person_page).content.decode()
        assert 'data-testid="person-changes"' in html, who
        for action in ACTIONS:
            assert url(action, org.rep1a2) in html, (who, action)
            assert f'id="{action}-on"' in html  # each form its own element ids
    for who in ("tm1a",):
        html = page(getattr(org, who)).get(person_page).content.decode()
        assert 'data-testid="person-changes"' not in html
        assert url("transfer", org.rep1a2) not in html


def test_pass_probation_is_offered_only_on_probation(org):
    html = page(org.director).get(reverse("staff:person-detail", args=[org.rep1a2.pk])).content.decode()
    assert url("transfer", org.rep1a2) in html
    assert url("pass-probation", org.rep1a2) not in html


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("who", "whom", "expected"),
    [
        ("rep1a1", "rep1a1", 403),
        ("rep1a1", "rep1a2", 404),
        ("tm1a", "rep1a2", 403),
        ("rm2", "rep1a2", 404),
    ],
)
def test_who_may_not_gets_the_refusal_page_and_nothing_is_written(org, action, who, whom, expected):
    target = getattr(org, whom)
    Person.objects.filter(pk=target.pk).update(status=PersonStatus.PROBATION)
    before = written()
    client = page(getattr(org, who))
    body = {"team": org.t1b.pk, "manager": org.tm1b.pk, "position": "team_manager", "on": days_ago(1), "reason": "x"}

    for response in (client.get(url(action, target)), client.post(url(action, target), body)):
        assert response.status_code == expected
        if expected == 403:
            assert ORG_CHANGE_REFUSAL in response.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("transfer", {"on": "x", "reason": "x"}, "team"),
        ("transfer", {"team": "t1b", "on": "01/07/2026", "reason": "x"}, "on"),
        ("transfer", {"team": "t1b", "on": "tomorrow", "reason": "x"}, "on"),
        ("transfer", {"team": "t2a", "on": "yesterday", "reason": "x"}, "team"),  # hidden from rm1
        ("promote", {"position": "rep", "on": "yesterday", "reason": "x"}, "position"),
        ("change-manager", {"manager": "tm1a", "on": "yesterday", "reason": "x"}, "manager"),
        ("pass-probation", {"on": "yesterday"}, None),  # not on probation: the service refuses it
        ("warn", {"on": "yesterday", "reason": ""}, "reason"),
        ("dismiss", {"on": "2023-12-31", "reason": "x"}, "on"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_written(org, action, body, field):
    names = {
        "t1b": org.t1b.pk,
        "t2a": org.t2a.pk,
        "tm1a": org.tm1a.pk,
        "yesterday": days_ago(1),
        "tomorrow": days_ago(-1),
    }
    body = {key: names.get(value, value) for key, value in body.items()}
    before = written()

    response = page(org.rm1).post(url(action, org.rep1a2), body)

    assert response.status_code == 400
    form = response.context["form"]
    assert (field in form.errors) if field else form.non_field_errors(), form.errors
    assert written() == before


# --- Regions and teams ----------------------------------------------------------------------------


def test_the_director_creates_and_edits_regions_and_teams_from_the_lists(org):
    client = page(org.director)
    regions = client.get(reverse("staff:region-list")).content.decode()
    assert reverse("staff:region-create") in regions and reverse("staff:region-edit", args=[org.r1.pk]) in regions
    made = client.post(reverse("staff:region-create"), {"code": "R3", "name": "华北大区", "is_active": "on"})
    assert made.status_code == 302
    region = Region.objects.get(code="R3")
    client.post(reverse("staff:region-edit", args=[region.pk]), {"code": "R3", "name": "华北", "is_active": "on"})
    region.refresh_from_db()
    assert region.name == "华北"

    teams = client.get(reverse("staff:team-list")).content.decode()
    assert reverse("staff:team-create") in teams
    made = client.post(reverse("staff:team-create"), {"code": "T3A", "name": "北京一组", "region": region.pk})
    assert made.status_code == 302
    team = Team.objects.get(code="T3A")
    assert (team.region, team.is_active) == (region, False)  # the box was left unticked
    edited = client.post(
        reverse("staff:team-edit", args=[team.pk]),
        {"code": "T3A", "name": "北京一组", "region": region.pk, "is_active": "on"},
    )
    assert edited.status_code == 302
    team.refresh_from_db()
    assert team.is_active


def test_a_regional_manager_organizes_the_teams_of_their_region(org):
    client = page(org.rm1)
    teams = client.get(reverse("staff:team-list"))
    html = teams.content.decode()
    assert reverse("staff:team-create") in html and reverse("staff:team-edit", args=[org.t1b.pk]) in html
    # The region choice offers only their region.
    form = client.get(reverse("staff:team-create")).context["form"]
    assert list(form.fields["region"].queryset) == [org.r1]
    assert (
        client.post(reverse("staff:team-create"), {"code": "T1C", "name": "苏州一组", "region": org.r1.pk}).status_code
        == 302
    )
    hidden = client.post(reverse("staff:team-create"), {"code": "T2B", "name": "x", "region": org.r2.pk})
    assert hidden.status_code == 400 and "region" in hidden.context["form"].errors
    assert client.get(reverse("staff:team-edit", args=[org.t2a.pk])).status_code == 404
    # Regions are the director's: no buttons, and the pages refuse naming who may.
    assert reverse("staff:region-create") not in client.get(reverse("staff:region-list")).content.decode()
    refused = client.post(reverse("staff:region-create"), {"code": "R9", "name": "x"})
    assert refused.status_code == 403 and ORG_CHANGE_REFUSAL in refused.content.decode()
    assert client.post(reverse("staff:region-edit", args=[org.r1.pk]), {"code": "R1", "name": "x"}).status_code == 403
    assert not Team.objects.filter(code="T2B").exists() and not Region.objects.filter(code="R9").exists()


@pytest.mark.parametrize("who", ["tm1a", "rep1a1"])
def test_team_managers_and_reps_may_not_organize_teams(org, who):
    client = page(getattr(org, who))
    if who == "tm1a":
        assert reverse("staff:team-create") not in client.get(reverse("staff:team-list")).content.decode()
    made = client.post(reverse("staff:team-create"), {"code": "T1X", "name": "x", "region": org.r1.pk})
    assert made.status_code == 403 and ORG_CHANGE_REFUSAL in made.content.decode()
    edit = client.post(reverse("staff:team-edit", args=[org.t1a.pk]), {"code": "T1A", "name": "x", "region": org.r1.pk})
    assert edit.status_code == 403
    assert not Team.objects.filter(code="T1X").exists()
    assert Team.objects.get(pk=org.t1a.pk).name == "Shanghai 1"


def test_a_taken_code_is_shown_on_the_form(org):
    response = page(org.director).post(reverse("staff:region-create"), {"code": "R1", "name": "dup"})
    assert response.status_code == 400 and "code" in response.context["form"].errors
    assert Region.objects.count() == 2


def test_the_person_page_costs_the_same_queries_however_long_the_history(org, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staff.services import person_change_manager, person_warn

    client = page(org.director)
    person_page = reverse("staff:person-detail", args=[org.rep1a2.pk])
    with CaptureQueriesContext(connection) as first:
        assert client.get(person_page).status_code == 200
    for days, manager in ((60, org.tm1b), (40, org.rep1a1), (20, org.tm1a)):
        person_change_manager(
            person=org.rep1a2, manager=manager, on=timezone.localdate() - timedelta(days=days), reason="x"
        )
        person_warn(person=org.rep1a2, on=timezone.localdate() - timedelta(days=days), reason="x")
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(person_page).content.decode()
    assert html.count("<tr>") >= 7 + 4  # the events and the memberships are shown
