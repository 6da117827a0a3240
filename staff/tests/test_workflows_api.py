"""People changes as dated workflows, through the API: one rep's whole life in the organization
(hired through recruitment, probation passed, transferred, promoted, warned, dismissed) by the
director; each step refused to who may not (403 naming who may, 404 outside the data scope); bad
input answers 400 naming the field and writes nothing; regions and teams written through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from staff.models import EmploymentEvent, EventKind, Membership, Person, PersonStatus, Position, Region, Team

pytestmark = pytest.mark.django_db

ORG_CHANGE_REFUSAL = "Only a director or an admin (a regional manager within their region) changes the organization."


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def days_ago(days: int) -> str:
    return str(timezone.localdate() - timedelta(days=days))


def written() -> tuple[int, int, list]:
    """What an org change writes: events, memberships, and every person's position, unit and status."""
    people = list(
        Person.objects.order_by("pk").values_list("position", "team", "region", "manager", "status", "left_on")
    )
    return EmploymentEvent.objects.count(), Membership.objects.count(), people


def hire_through_recruitment(client: APIClient, org) -> Person:
    """The director opens a position in t1a, adds a candidate, records an interview and hires them."""
    opening = client.post(
        "/api/v1/openings/", {"team": org.t1a.pk, "title": "销售代表", "opened_on": days_ago(260)}, format="json"
    )
    assert opening.status_code == 201, opening.json()
    candidate = client.post(
        "/api/v1/candidates/", {"opening": opening.json()["id"], "name": "周新", "applied_on": days_ago(250)}
    )
    assert candidate.status_code == 201, candidate.json()
    url = f"/api/v1/candidates/{candidate.json()['id']}"
    step = client.post(f"{url}/steps/", {"kind": "interview", "date": days_ago(240), "score": "88.00", "passed": True})
    assert step.status_code == 201, step.json()
    hired = client.post(
        f"{url}/hire/",
        {"employee_no": "E7001", "hire_date": days_ago(200), "reason": "面试通过", "username": "zhouxin"},
    )
    assert hired.status_code == 200, hired.json()
    return Person.objects.get(pk=hired.json()["hired_person"])


def test_a_reps_whole_life_in_the_organization_by_the_director(org):
    client = api(org.director)
    # Hired through recruitment: on probation in t1a, reporting to the opening's hiring manager.
    rep = hire_through_recruitment(client, org)
    assert (rep.status, rep.team, rep.position) == (PersonStatus.PROBATION, org.t1a, Position.REP)
    url = f"/api/v1/people/{rep.pk}"

    passed = client.post(f"{url}/pass-probation/", {"on": days_ago(110)}, format="json")
    assert passed.status_code == 200, passed.json()
    assert passed.json()["status"] == PersonStatus.ACTIVE

    moved = client.post(f"{url}/transfer/", {"team": org.t1b.pk, "on": days_ago(100), "reason": "支援杭州"})
    assert moved.status_code == 200, moved.json()
    # No manager named: the new team's manager.
    assert (moved.json()["team"], moved.json()["manager"]) == (org.t1b.pk, org.tm1b.pk)

    promoted = client.post(
        f"{url}/promote/",
        {
            "position": "team_manager",
            "team": org.t2a.pk,
            "manager": org.rm2.pk,
            "on": days_ago(50),
            "reason": "业绩突出",
        },
        format="json",
    )
    assert promoted.status_code == 200, promoted.json()
    body = promoted.json()
    assert (body["position"], body["team"], body["region"], body["manager"]) == (
        Position.TEAM_MANAGER,
        org.t2a.pk,
        org.r2.pk,
        org.rm2.pk,
    )

    warned = client.post(f"{url}/warn/", {"on": days_ago(20), "reason": "拜访报告不实"})
    assert warned.status_code == 200, warned.json()

    dismissed = client.post(f"{url}/dismiss/", {"on": days_ago(0), "reason": "多次违规"})
    assert dismissed.status_code == 200, dismissed.json()
    assert (dismissed.json()["status"], dismissed.json()["left_on"]) == (PersonStatus.LEFT, days_ago(0))
    rep.user.refresh_from_db()
    assert rep.user.is_active is False

    # The timeline: every event and every dated membership, newest first.
    timeline = client.get(f"{url}/timeline/").json()
    assert [e["kind"] for e in timeline["events"]] == [
        EventKind.DISMISSED,
        EventKind.WARNED,
        EventKind.PROMOTED,
        EventKind.TRANSFERRED,
        EventKind.PROBATION_PASSED,
        EventKind.HIRED,
    ]
    assert [(m["start"], m["end"], m["team"], m["position"]) for m in timeline["memberships"]] == [
        (days_ago(50), days_ago(0), org.t2a.pk, Position.TEAM_MANAGER),
        (days_ago(100), days_ago(51), org.t1b.pk, Position.REP),
        (days_ago(200), days_ago(101), org.t1a.pk, Position.REP),
    ]


def test_a_regional_manager_changes_people_within_their_region(org):
    client = api(org.rm1)
    url = f"/api/v1/people/{org.rep1a2.pk}"
    moved = client.post(f"{url}/transfer/", {"team": org.t1b.pk, "on": days_ago(10), "reason": "调整"})
    assert moved.status_code == 200, moved.json()
    changed = client.post(f"{url}/change-manager/", {"manager": org.rm1.pk, "on": days_ago(5), "reason": "直管"})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["manager"] == org.rm1.pk


# (action, body) for the refusals: a valid body, so only who asks decides the answer.
STEPS = [
    ("pass-probation", lambda org: {"on": days_ago(1)}),
    ("transfer", lambda org: {"team": org.t1b.pk, "on": days_ago(1), "reason": "x"}),
    ("promote", lambda org: {"position": "team_manager", "on": days_ago(1), "reason": "x"}),
    ("change-manager", lambda org: {"manager": org.tm1b.pk, "on": days_ago(1), "reason": "x"}),
    ("warn", lambda org: {"on": days_ago(1), "reason": "x"}),
    ("dismiss", lambda org: {"on": days_ago(1), "reason": "x"}),
]


@pytest.mark.parametrize(("action", "body"), STEPS, ids=[step[0] for step in STEPS])
@pytest.mark.parametrize(
    ("who", "whom", "expected"),
    [
        ("rep1a1", "rep1a1", 403),  # a rep, about themself: sees it, may not
        ("rep1a1", "rep1a2", 404),  # a rep does not see a colleague
        ("tm1a", "rep1a2", 403),  # a team manager sees their team, may not change it
        ("rm2", "rep1a2", 404),  # a regional manager of another region does not see it
        ("rm1", "rm1", 403),  # a regional manager's own employment: a director's
    ],
)
def test_who_may_not_is_refused_and_nothing_is_written(org, action, body, who, whom, expected):
    target = getattr(org, whom)
    Person.objects.filter(pk=target.pk).update(status=PersonStatus.PROBATION)
    before = written()

    response = api(getattr(org, who)).post(f"/api/v1/people/{target.pk}/{action}/", body(org), format="json")

    assert response.status_code == expected, response.json()
    if expected == 403:
        assert response.json()["detail"] in (
            ORG_CHANGE_REFUSAL,
            "Only a director or an admin changes a regional manager's employment.",
        )
    assert written() == before


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("transfer", {"on": days_ago(1), "reason": "x"}, "team"),
        ("transfer", {"team": "T1B", "on": days_ago(1), "reason": "x"}, "team"),
        ("transfer", {"team": "same", "on": days_ago(1), "reason": "x"}, "team"),
        ("transfer", {"team": "t1b", "on": days_ago(1), "reason": "  "}, "reason"),
        ("transfer", {"team": "t1b", "on": days_ago(-1), "reason": "x"}, "on"),
        ("transfer", {"team": "t1b", "on": "2026-13-01", "reason": "x"}, "on"),
        ("promote", {"position": "rep", "on": days_ago(1), "reason": "x"}, "position"),
        ("promote", {"position": "astronaut", "on": days_ago(1), "reason": "x"}, "position"),
        ("change-manager", {"manager": "self", "on": days_ago(1), "reason": "x"}, "manager"),
        ("change-manager", {"manager": "current", "on": days_ago(1), "reason": "x"}, "manager"),
        ("pass-probation", {"on": days_ago(1)}, "status"),  # already active
        ("warn", {"on": "2023-12-31", "reason": "x"}, "on"),  # before the hire date
        ("dismiss", {"on": days_ago(1)}, "reason"),
        ("dismiss", {"on": "2023-12-31", "reason": "x"}, "on"),
    ],
)
def test_bad_input_answers_400_naming_the_field_and_writes_nothing(org, action, body, field):
    names = {"same": org.t1a.pk, "t1b": org.t1b.pk, "self": org.rep1a2.pk, "current": org.tm1a.pk}
    body = {key: names.get(value, value) for key, value in body.items()}
    before = written()

    response = api(org.director).post(f"/api/v1/people/{org.rep1a2.pk}/{action}/", body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json(), response.json()
    assert written() == before


def test_a_hidden_team_or_manager_answers_like_a_missing_one(org):
    """rm1 does not see t2a nor rm2: naming them answers what a missing id answers, word for word."""
    client = api(org.rm1)
    url = f"/api/v1/people/{org.rep1a2.pk}"
    missing_team = Team.objects.order_by("-pk").first().pk + 100
    missing_person = Person.objects.order_by("-pk").first().pk + 100

    def answer(path: str, body: dict, number: int) -> tuple[int, str]:
        response = client.post(path, body, format="json")
        return response.status_code, response.content.decode().replace(str(number), "<id>")

    for hidden, missing in [(org.t2a.pk, missing_team)]:
        body = {"on": days_ago(1), "reason": "x"}
        assert answer(f"{url}/transfer/", {**body, "team": hidden}, hidden) == answer(
            f"{url}/transfer/", {**body, "team": missing}, missing
        )
    for hidden, missing in [(org.rm2.pk, missing_person)]:
        body = {"on": days_ago(1), "reason": "x"}
        got = answer(f"{url}/change-manager/", {**body, "manager": hidden}, hidden)
        assert got[0] == 400
        assert got == answer(f"{url}/change-manager/", {**body, "manager": missing}, missing)
    assert not EmploymentEvent.objects.exists()


def test_timeline_is_scoped(org):
    assert api(org.tm1a).get(f"/api/v1/people/{org.rep1a2.pk}/timeline/").status_code == 200
    assert api(org.tm1a).get(f"/api/v1/people/{org.rep2a1.pk}/timeline/").status_code == 404


# --- Regions and teams ----------------------------------------------------------------------------


def test_the_director_creates_and_edits_regions_and_teams(org):
    client = api(org.director)
    region = client.post("/api/v1/regions/", {"code": "R3", "name": "North"}, format="json")
    assert region.status_code == 201, region.json()
    assert region.json()["is_active"] is True
    renamed = client.patch(f"/api/v1/regions/{region.json()['id']}/", {"name": "华北大区"}, format="json")
    assert (renamed.status_code, renamed.json()["name"], renamed.json()["code"]) == (200, "华北大区", "R3")

    team = client.post("/api/v1/teams/", {"code": "T3A", "name": "Beijing 1", "region": region.json()["id"]})
    assert team.status_code == 201, team.json()
    closed = client.patch(f"/api/v1/teams/{team.json()['id']}/", {"is_active": False}, format="json")
    assert (closed.status_code, closed.json()["is_active"]) == (200, False)


def test_a_regional_manager_organizes_the_teams_of_their_region_only(org):
    client = api(org.rm1)
    made = client.post("/api/v1/teams/", {"code": "T1C", "name": "Suzhou 1", "region": org.r1.pk}, format="json")
    assert made.status_code == 201, made.json()
    assert client.patch(f"/api/v1/teams/{org.t1b.pk}/", {"name": "杭州一组"}, format="json").status_code == 200
    # Another region's team is outside their scope; regions themselves are the director's.
    assert client.patch(f"/api/v1/teams/{org.t2a.pk}/", {"name": "x"}, format="json").status_code == 404
    refused = client.patch(f"/api/v1/regions/{org.r1.pk}/", {"name": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["detail"] == ORG_CHANGE_REFUSAL
    assert client.post("/api/v1/regions/", {"code": "R9", "name": "x"}, format="json").status_code == 403
    org.r1.refresh_from_db()
    assert org.r1.name == "East" and not Region.objects.filter(code="R9").exists()


@pytest.mark.parametrize("who", ["tm1a", "rep1a1"])
def test_team_managers_and_reps_may_not_organize_teams(org, who):
    client = api(getattr(org, who))
    made = client.post("/api/v1/teams/", {"code": "T1X", "name": "x", "region": org.r1.pk}, format="json")
    assert made.status_code == 403 and made.json()["detail"] == ORG_CHANGE_REFUSAL
    assert client.patch(f"/api/v1/teams/{org.t1a.pk}/", {"name": "x"}, format="json").status_code == 403
    assert not Team.objects.filter(code="T1X").exists()


def test_unit_bad_input_names_the_field(org):
    client = api(org.director)
    taken = client.post("/api/v1/regions/", {"code": "R1", "name": "dup"}, format="json")
    assert taken.status_code == 400 and "code" in taken.json()
    no_region = client.post("/api/v1/teams/", {"code": "T9", "name": "x"}, format="json")
    assert no_region.status_code == 400 and "region" in no_region.json()
    assert Region.objects.count() == 2 and Team.objects.count() == 3
