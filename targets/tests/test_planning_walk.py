"""The year's target setting walked as a director and his managers would, through the API and the
pages: the company target, allocated to the regions, the regions' to their teams, the teams' to
their reps; every gap 0; approved by the right second person and locked; each rep acknowledges."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from staff.models import Position
from staff.tests.factories import PersonFactory
from targets.models import Target, TargetStatus

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def _year_target(owner_filter) -> Target:
    return Target.objects.get(metric="sales_amount", period="2026", **owner_filter)


def test_a_director_sets_allocates_approves_and_locks_the_year_and_each_rep_acknowledges(org, client):
    director2 = PersonFactory(user__username="director2", name="director2", position=Position.DIRECTOR)
    reps = [org.rep1a1, org.rep1a2, org.junior1a, org.rep1b1, org.rep2a1]

    # 1. The director sets the company's 2026 target through the API: 1,200,000.00, stretch 1,500,000.00.
    response = _api(org.director).post(
        "/api/v1/targets/",
        {
            "owner_kind": "company",
            "metric": "sales_amount",
            "period": "2026",
            "value": "1200000.00",
            "stretch_value": "1500000.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    company = Target.objects.get(pk=response.json()["id"])
    # Nothing below it yet: the whole target is the gap.
    assert (response.json()["children_total"], response.json()["gap"]) == ("0.00", "1200000.00")

    # 2. On the target's page he allocates it to the regions by weights East 2 : South 1:
    # East 1,200,000.00 x 2/3 = 800,000.00, South x 1/3 = 400,000.00 (stretch 1,000,000.00 / 500,000.00).
    # A regional manager may not allocate the company's target (it is not his to set).
    client.force_login(org.rm1.user)
    client.post(reverse("targets:allocate", args=[company.pk]), {"method": "equal"})
    assert not Target.objects.filter(owner_kind="region").exists()
    client.force_login(org.director.user)
    response = client.post(
        reverse("targets:allocate", args=[company.pk]),
        {"method": "weights", f"weight_{org.r1.pk}": "2", f"weight_{org.r2.pk}": "1"},
    )
    assert response.status_code == 302
    east, south = _year_target({"region": org.r1, "owner_kind": "region"}), _year_target({"region": org.r2})
    assert (east.value, east.stretch_value) == (Decimal("800000.00"), Decimal("1000000.00"))
    assert (south.value, south.stretch_value) == (Decimal("400000.00"), Decimal("500000.00"))

    # 3. The regional managers allocate their regions to their teams (API), equally:
    # East's 800,000.00 / 2 teams = 400,000.00 each; South's 400,000.00 to its one team.
    # The other region's manager cannot even see East's target (404, as a missing id).
    assert _api(org.rm2).post(f"/api/v1/targets/{east.pk}/allocate/", {"method": "equal"}).status_code == 404
    for manager, region in ((org.rm1, east), (org.rm2, south)):
        response = _api(manager).post(f"/api/v1/targets/{region.pk}/allocate/", {"method": "equal"}, format="json")
        assert response.status_code == 201, response.content
        assert response.json()["gap"] == "0.00"
    t1a, t1b, t2a = (_year_target({"team": team, "owner_kind": "team"}) for team in (org.t1a, org.t1b, org.t2a))
    assert t1a.value == t1b.value == t2a.value == Decimal("400000.00")

    # 4. The team managers allocate their teams to their reps. Another team's manager and a rep are
    # refused (they do not see the team's target: 404).
    assert _api(org.tm1b).post(f"/api/v1/targets/{t1a.pk}/allocate/", {"method": "equal"}).status_code == 404
    assert _api(org.rep1a1).post(f"/api/v1/targets/{t1a.pk}/allocate/", {"method": "equal"}).status_code == 404
    # Shanghai 1 on its page: 400,000.00 / 3 reps = 133,333.333..: 133,333.33 each and the cent left
    # to the earliest; stretch 500,000.00 / 3 = 166,666.666..: 166,666.66 each and 2 cents left.
    client.force_login(org.tm1a.user)
    assert client.post(reverse("targets:allocate", args=[t1a.pk]), {"method": "equal"}).status_code == 302
    team_reps = Target.objects.filter(owner_kind="rep", team=org.t1a, period="2026")
    assert sorted(t.value for t in team_reps) == [Decimal("133333.33"), Decimal("133333.33"), Decimal("133333.34")]
    assert sorted(t.stretch_value for t in team_reps) == [
        Decimal("166666.66"),
        Decimal("166666.67"),
        Decimal("166666.67"),
    ]
    for manager, team in ((org.tm1b, t1b), (org.tm2a, t2a)):
        assert _api(manager).post(f"/api/v1/targets/{team.pk}/allocate/", {"method": "equal"}).status_code == 201
    # Guangzhou 1's rep breaks his year into quarters and months through his manager: 400,000.00 / 4 =
    # 100,000.00 a quarter; a month 33,333.333..: 33,333.34, 33,333.33, 33,333.33 in each quarter.
    rep2a1_year = _year_target({"person": org.rep2a1})
    response = _api(org.tm2a).post(f"/api/v1/targets/{rep2a1_year.pk}/breakdown/", {"method": "equal"})
    assert response.status_code == 201, response.content
    assert [row["value"] for row in response.json()[4:7]] == ["33333.34", "33333.33", "33333.33"]

    # 5. Every gap is closed: each parent against the sum of everything below it.
    listed = _api(org.director).get("/api/v1/targets/", {"period": "2026", "page_size": 100}).json()["results"]
    assert len(listed) == 1 + 2 + 3 + 5
    assert {row["owner_kind"]: row["gap"] for row in listed if row["owner_kind"] != "rep"} == {
        "company": "0.00",
        "region": "0.00",
        "team": "0.00",
    }
    assert all(row["gap"] == "0.00" for row in listed if row["owner_kind"] != "rep")
    client.force_login(org.director.user)
    grid = client.get(reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"}).content.decode()
    assert grid.count('data-total="children-gap">0.00<') == 1 + 2 + 3

    # 6. Approval by a second person. The director may not approve the company's target he drafted.
    response = _api(org.director).post(f"/api/v1/targets/{company.pk}/approve/")
    assert response.status_code == 403
    # In bulk he approves what his managers drafted: 3 teams' + 5 reps' years + rep2a1's 4 quarters
    # and 12 months = 24; the company's and the regions' (his own drafts, 3) are left.
    response = _api(org.director).post("/api/v1/targets/approve-bulk/", {"year": 2026}, format="json")
    assert response.json() == {"approved": 24, "left": 3}
    # The second director approves those 3 on the bulk page.
    client.force_login(director2.user)
    response = client.post(reverse("targets:approve-bulk"), {"year": 2026, "metric": "sales_amount"})
    assert response.status_code == 302
    assert not Target.objects.filter(status=TargetStatus.DRAFT).exists()
    company.refresh_from_db()
    assert company.approved_by == director2

    # 7. Locked: the team manager who allocated may not change a rep's approved target; the
    # regional manager above him only with a reason (400 naming it; nothing written).
    rep_target = _year_target({"person": org.rep1a1})
    change = {"value": "140000.00", "version": rep_target.version}
    assert _api(org.tm1a).patch(f"/api/v1/targets/{rep_target.pk}/", change, format="json").status_code == 403
    response = _api(org.rm1).patch(f"/api/v1/targets/{rep_target.pk}/", change, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert _year_target({"person": org.rep1a1}).value == rep_target.value
    # Breaking an approved target down again by its drafter: refused too.
    assert _api(org.tm2a).post(f"/api/v1/targets/{rep2a1_year.pk}/breakdown/", {"method": "equal"}).status_code == 403

    # 8. Each rep acknowledges. The manager first sees who has not: all five reps.
    client.force_login(org.director.user)
    page = client.get(reverse("targets:acknowledgements"), {"year": 2026, "metric": "sales_amount"})
    waiting = page.content.decode()
    assert all(rep.name in waiting for rep in reps)
    # rep1a1 on his target's page; the others through the API. Someone else's target: not theirs.
    client.force_login(org.rep1a1.user)
    page = client.post(reverse("targets:detail", args=[rep_target.pk]), {"action": "acknowledge"})
    assert page.status_code == 302
    assert _api(org.rep1a2).post(f"/api/v1/targets/{rep_target.pk}/acknowledge/").status_code == 404
    for rep in reps[1:]:
        target = _year_target({"person": rep})
        response = _api(rep).post(f"/api/v1/targets/{target.pk}/acknowledge/")
        assert response.status_code == 200, response.content
        assert response.json()["needs_acknowledgement"] is False
    # rep2a1's quarters and months were acknowledged with his year.
    assert not Target.objects.filter(owner_kind="rep").unacknowledged().exists()
    client.force_login(org.director.user)
    waiting = client.get(reverse("targets:acknowledgements"), {"year": 2026, "metric": "sales_amount"})
    assert not any(rep.name in waiting.content.decode() for rep in reps)
