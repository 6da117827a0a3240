"""The data-scope rule: each of the five scopes sees exactly its share of people, teams and regions,
through the pages, the API and the admin; anything outside answers 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from staff.models import Person, Region, Team
from staff.scope import DataScope

pytestmark = pytest.mark.django_db


def expected_share(org, case: str) -> tuple[object, set, set, set]:
    """(viewer, people, teams, regions) each case must see, written out from the org chart."""
    if case == "self":
        # A rep: only themselves, and the team and region they belong to.
        return org.rep1a1, {org.rep1a1}, {org.t1a}, {org.r1}
    if case == "subordinates":
        # The East regional manager set to "self and subordinates": everyone below, four levels deep.
        org.rm1.data_scope = DataScope.SELF_AND_SUBORDINATES
        org.rm1.save(update_fields=["data_scope"])
        people = {org.rm1, org.tm1a, org.tm1b, org.rep1a1, org.rep1a2, org.rep1b1, org.junior1a}
        return org.rm1, people, {org.t1a, org.t1b}, {org.r1}
    if case == "unit":
        # A team manager (default: own unit): the team's members.
        people = {org.tm1a, org.rep1a1, org.rep1a2, org.junior1a}
        return org.tm1a, people, {org.t1a}, {org.r1}
    if case == "unit_tree":
        # A regional manager (default: own unit and sub-units): the region with its teams.
        people = {org.rm1, org.tm1a, org.tm1b, org.rep1a1, org.rep1a2, org.rep1b1, org.junior1a}
        return org.rm1, people, {org.t1a, org.t1b}, {org.r1}
    if case == "all":
        return org.director, set(org.people), {org.t1a, org.t1b, org.t2a}, {org.r1, org.r2}
    raise AssertionError(case)


CASES = ["self", "subordinates", "unit", "unit_tree", "all"]


def ids(objects) -> set[int]:
    return {o.pk for o in objects}


@pytest.mark.parametrize("case", CASES)
def test_queryset_sees_exactly_its_share(org, case):
    viewer, people, teams, regions = expected_share(org, case)
    user = viewer.user
    assert ids(Person.objects.visible_to(user)) == ids(people)
    assert ids(Team.objects.visible_to(user)) == ids(teams)
    assert ids(Region.objects.visible_to(user)) == ids(regions)


@pytest.mark.parametrize("case", CASES)
def test_api_lists_and_details_follow_scope(org, case):
    viewer, people, teams, regions = expected_share(org, case)
    client = APIClient()
    client.force_authenticate(viewer.user)
    for url_name, share, universe in [
        ("person", people, org.people),
        ("team", teams, [org.t1a, org.t1b, org.t2a]),
        ("region", regions, [org.r1, org.r2]),
    ]:
        response = client.get(reverse(f"{url_name}-list"), {"page_size": 100})
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == ids(share), url_name
        for obj in universe:
            detail = client.get(reverse(f"{url_name}-detail", args=[obj.pk]))
            assert detail.status_code == (200 if obj in share else 404), (url_name, obj)


@pytest.mark.parametrize("case", CASES)
def test_pages_list_and_detail_follow_scope(org, case, client):
    viewer, people, teams, regions = expected_share(org, case)
    client.force_login(viewer.user)
    listing = client.get(reverse("staff:person-list"))
    assert listing.status_code == 200
    assert ids(listing.context["people"]) == ids(people)
    assert ids(client.get(reverse("staff:team-list")).context["teams"]) == ids(teams)
    assert ids(client.get(reverse("staff:region-list")).context["regions"]) == ids(regions)
    for person in org.people:
        status = client.get(reverse("staff:person-detail", args=[person.pk])).status_code
        assert status == (200 if person in people else 404), person
    for team in [org.t1a, org.t1b, org.t2a]:
        status = client.get(reverse("staff:team-detail", args=[team.pk])).status_code
        assert status == (200 if team in teams else 404), team
    for region in [org.r1, org.r2]:
        status = client.get(reverse("staff:region-detail", args=[region.pk])).status_code
        assert status == (200 if region in regions else 404), region


@pytest.mark.parametrize("case", CASES)
def test_admin_changelist_and_change_page_follow_scope(org, case, client):
    viewer, people, teams, regions = expected_share(org, case)
    user = viewer.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_person", "view_team", "view_region"]))
    client.force_login(user)
    for model, share, universe in [
        ("person", people, org.people),
        ("team", teams, [org.t1a, org.t1b, org.t2a]),
        ("region", regions, [org.r1, org.r2]),
    ]:
        changelist = client.get(reverse(f"admin:staff_{model}_changelist"))
        assert changelist.status_code == 200
        assert ids(changelist.context["cl"].result_list) == ids(share), model
        for obj in universe:
            status = client.get(reverse(f"admin:staff_{model}_change", args=[obj.pk])).status_code
            assert status == (200 if obj in share else 404), (model, obj)


def test_admin_change_outside_scope_changes_nothing(org, client):
    user = org.tm1a.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_person", "change_person"]))
    client.force_login(user)
    response = client.post(reverse("admin:staff_person_change", args=[org.rep2a1.pk]), {"name": "hacked"})
    assert response.status_code == 404
    org.rep2a1.refresh_from_db()
    assert org.rep2a1.name == "rep2a1"


def test_anonymous_gets_nothing(org, client):
    assert APIClient().get(reverse("person-list")).status_code == 401
    response = client.get(reverse("staff:person-list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_login_without_person_sees_nothing(org):
    from staff.tests.factories import UserFactory

    stranger = UserFactory(username="stranger")
    assert not Person.objects.visible_to(stranger).exists()
    assert not Region.objects.visible_to(stranger).exists()


def test_person_who_left_sees_nothing(org):
    org.tm1a.status = "left"
    org.tm1a.save(update_fields=["status"])
    assert not Person.objects.visible_to(org.tm1a.user).exists()


def test_admin_override_replaces_position_default(org):
    # Given a rep whose scope an admin widened to the whole unit
    org.rep1a1.data_scope = DataScope.OWN_UNIT
    org.rep1a1.save(update_fields=["data_scope"])
    # then the rep sees the team, and still nothing of other teams
    assert ids(Person.objects.visible_to(org.rep1a1.user)) == ids([org.tm1a, org.rep1a1, org.rep1a2, org.junior1a])


def test_region_manager_set_to_own_unit_sees_only_region_level_records(org):
    org.rm1.data_scope = DataScope.OWN_UNIT
    org.rm1.save(update_fields=["data_scope"])
    assert ids(Person.objects.visible_to(org.rm1.user)) == {org.rm1.pk}
    assert ids(Region.objects.visible_to(org.rm1.user)) == {org.r1.pk}


def test_scope_follows_org_structure_on_the_day_of_the_request(org):
    from datetime import date

    from staff.services import person_transfer

    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 6, 1), reason="Reorganization")
    fresh_user = type(org.tm1a.user).objects.get(pk=org.tm1a.user.pk)
    assert org.rep1a2.pk not in ids(Person.objects.visible_to(fresh_user))
    fresh_tm2a = type(org.tm2a.user).objects.get(pk=org.tm2a.user.pk)
    assert org.rep1a2.pk in ids(Person.objects.visible_to(fresh_tm2a))


def _build_chain(depth: int):
    from staff.models import Position
    from staff.tests.factories import PersonFactory, TeamFactory

    team = TeamFactory()
    top = PersonFactory(position=Position.TEAM_MANAGER, team=team, data_scope=DataScope.SELF_AND_SUBORDINATES)
    boss = top
    for _ in range(depth):
        boss = PersonFactory(team=team, manager=boss)
    return top


@pytest.mark.parametrize("depth", [3, 30])
def test_resolving_scope_costs_fixed_queries_whatever_the_depth(depth, django_assert_num_queries):
    top = _build_chain(depth)
    user = type(top.user).objects.get(pk=top.user.pk)
    # One query for the viewer, one for the rows: the tree walk happens inside the database.
    with django_assert_num_queries(2):
        rows = list(Person.objects.visible_to(user))
    assert len(rows) == depth + 1
