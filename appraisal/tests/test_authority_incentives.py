"""Who may run contests, compute and approve commission, export payroll (the authority rule), and
who sees a contest (its participants and the managers of its unit; others 404)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from appraisal.models import CommissionStatement, Contest, ContestResult, ContestStatus, StatementStatus
from appraisal.services import (
    commission_approve,
    commission_plan_create,
    commission_statements_compute,
    contest_create,
    contest_finish,
    contest_publish,
)
from appraisal.tests import factories as f
from salesorg.exceptions import ApplicationError, NotAllowed
from targets.services import achievements_recompute

UNIT = "Only a manager of this unit does this."
COMPANY = "Only a director or an admin does this for the whole company."


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


# --- contests ---------------------------------------------------------------------------------


@pytest.fixture
def contest(org) -> Contest:
    achievements_recompute(as_of=date(2026, 3, 1))
    return contest_create(
        name="Spring",
        period="2026-02",
        metric="sales_amount",
        created_by=org.tm1a,
        team=org.t1a,
        people=[org.rep1a1, org.rep1a2],
    )


@pytest.mark.parametrize("who", ["rep1a1", "tm1b", "rm2", "tm2a"])
def test_only_the_managers_of_the_contests_unit_finish_or_publish_it(org, contest, who):
    before = row(Contest, contest.pk)
    for step in (
        lambda: contest_finish(contest=contest, by=getattr(org, who)),
        lambda: contest_publish(contest=contest, by=getattr(org, who), published=True),
    ):
        with pytest.raises(NotAllowed) as refused:
            step()
        assert refused.value.message == UNIT
    assert row(Contest, contest.pk) == before
    assert not ContestResult.objects.exists()


def test_the_team_manager_and_those_above_finish_and_publish(org, contest):
    contest_publish(contest=contest, by=org.rm1, published=True)
    contest_finish(contest=contest, by=org.tm1a)
    contest.refresh_from_db()
    assert contest.published and contest.status == ContestStatus.FINISHED
    # rep1a1 and rep1a2 have no February sales: both 0, both rank 1.
    assert [r.rank for r in contest.results.all()] == [1, 1]
    assert contest.history.first().history_user == org.tm1a.user


def test_contests_are_created_only_for_the_creators_unit_with_participants_inside_it(org):
    cases = [
        (org.tm1a, {"team": org.t1b}, UNIT),  # another team
        (org.tm1a, {"region": org.r1}, UNIT),  # the region above them
        (org.tm1a, {}, COMPANY),  # the company
        (org.rm2, {"team": org.t1a}, UNIT),  # another region's team
        (org.rep1a1, {"team": org.t1a}, UNIT),  # a rep
    ]
    for person, unit, message in cases:
        with pytest.raises(NotAllowed) as refused:
            contest_create(
                name="X", period="2026-02", metric="sales_amount", created_by=person, people=[org.rep1a1], **unit
            )
        assert refused.value.message == message
    with pytest.raises(ApplicationError) as refused:
        contest_create(
            name="X",
            period="2026-02",
            metric="sales_amount",
            created_by=org.tm1a,
            team=org.t1a,
            people=[org.rep1a1, org.rep2a1],
        )
    assert refused.value.fields == {"people": ["rep2a1 are not in the contest's unit."]}
    assert not Contest.objects.exists()
    company = contest_create(
        name="Company", period="2026-02", metric="sales_amount", created_by=org.director, teams=[org.t1a, org.t2a]
    )
    assert (company.team_id, company.region_id) == (None, None)


def test_a_contest_is_seen_only_by_its_participants_and_its_units_managers(client, org, contest):
    url = f"/api/v1/contests/{contest.pk}/"
    # Another team's rep, a rep of the same region who does not take part, another team's and
    # another region's managers: 404 on the API and the page, and not listed.
    for outsider in (org.rep2a1, org.rep1b1, org.tm1b, org.rm2):
        assert api(outsider).get(url).status_code == 404
        assert api(outsider).get("/api/v1/contests/").json()["count"] == 0
        client.force_login(outsider.user)
        assert client.get(f"/appraisal/contests/{contest.pk}/").status_code == 404
    # A participant sees the contest, its leaderboard once published; its managers always.
    assert api(org.rep1a1).get(url).json()["leaderboard"] is None
    for manager in (org.tm1a, org.rm1, org.director):
        # Both without February sales: 0 each, by name.
        assert [r["person"] for r in api(manager).get(url).json()["leaderboard"]] == [org.rep1a1.pk, org.rep1a2.pk]
    contest_publish(contest=contest, by=org.tm1a, published=True)
    assert len(api(org.rep1a1).get(url).json()["leaderboard"]) == 2
    assert api(org.rep2a1).get(url).status_code == 404


def test_contest_steps_through_the_api_and_the_page(client, org, contest):
    before = row(Contest, contest.pk)
    answer = api(org.rep1a1).post(f"/api/v1/contests/{contest.pk}/finish/")
    assert answer.status_code == 403 and answer.json()["detail"] == UNIT
    assert api(org.tm1b).post(f"/api/v1/contests/{contest.pk}/finish/").status_code == 404
    client.force_login(org.rep1a1.user)
    assert client.post(f"/appraisal/contests/{contest.pk}/", {"step": "publish"}).status_code == 403
    page = client.get(f"/appraisal/contests/{contest.pk}/").content.decode()
    assert "Publish the leaderboard" not in page
    assert row(Contest, contest.pk) == before
    client.force_login(org.tm1a.user)
    assert "Publish the leaderboard" in client.get(f"/appraisal/contests/{contest.pk}/").content.decode()
    answer = api(org.tm1a).post(f"/api/v1/contests/{contest.pk}/publish/", {"published": True}, format="json")
    assert answer.status_code == 200 and answer.json()["published"] is True


# --- commission -------------------------------------------------------------------------------


@pytest.fixture
def plan(org):
    for rep in (org.rep1a1, org.rep1b1, org.rep2a1):
        f.target(rep, "sales_amount", "2026-02", "1000.00")
    achievements_recompute(as_of=date(2026, 3, 1))
    return commission_plan_create(
        name="P", metric="sales_amount", position="rep", tiers=[(Decimal(0), None, Decimal(1))], by=f.ADMIN
    )


def people_with_statements() -> set[str]:
    return set(CommissionStatement.objects.values_list("person__name", flat=True))


def test_a_manager_computes_statements_only_for_the_people_of_their_unit(org, plan):
    refusals = [
        (org.tm1a, {"team": org.t1b}, UNIT),
        (org.tm1a, {"region": org.r1}, UNIT),
        (org.tm1a, {}, COMPANY),
        (org.rm1, {"region": org.r2}, UNIT),
        (org.rm1, {}, COMPANY),
        (org.rep1a1, {"team": org.t1a}, UNIT),
    ]
    for person, unit, message in refusals:
        with pytest.raises(NotAllowed) as refused:
            commission_statements_compute(plan=plan, period="2026-02", by=person, **unit)
        assert refused.value.message == message
    assert not CommissionStatement.objects.exists()
    # The engine has a rep row for every rep: T1a's are rep1a1, rep1a2 and junior1a.
    assert commission_statements_compute(plan=plan, period="2026-02", by=org.tm1a, team=org.t1a) == 3
    assert people_with_statements() == {"rep1a1", "rep1a2", "junior1a"}
    assert commission_statements_compute(plan=plan, period="2026-02", by=org.rm2, region=org.r2) == 1
    assert people_with_statements() == {"rep1a1", "rep1a2", "junior1a", "rep2a1"}
    # Recomputing region R1 (T1a's three and T1b's rep1b1) rewrites its drafts, leaves R2's alone.
    assert commission_statements_compute(plan=plan, period="2026-02", by=org.rm1, region=org.r1) == 4
    assert set(CommissionStatement.objects.values_list("person__name", "computed_by__name")) == {
        ("rep1a1", "rm1"),
        ("rep1a2", "rm1"),
        ("junior1a", "rm1"),
        ("rep1b1", "rm1"),
        ("rep2a1", "rm2"),
    }


def test_a_statement_is_approved_by_a_second_person_managing_its_unit(org, plan):
    commission_statements_compute(plan=plan, period="2026-02", by=org.tm1a, team=org.t1a)
    statement = CommissionStatement.objects.get(person=org.rep1a1)
    before = row(CommissionStatement, statement.pk)
    refusals = [
        (org.rep1a1, "Approval is by a second person: this is your own statement."),
        (org.tm1a, "Approval is by a second person: you computed this statement."),
        (org.tm1b, "Only a manager of the statement's unit approves it."),
        (org.rm2, "Only a manager of the statement's unit approves it."),
    ]
    for person, message in refusals:
        with pytest.raises(NotAllowed) as refused:
            commission_approve(statement=statement, by=person)
        assert refused.value.message == message
    assert row(CommissionStatement, statement.pk) == before
    commission_approve(statement=statement, by=org.rm1)
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by) == (StatementStatus.APPROVED, org.rm1)


def test_the_director_does_not_approve_what_they_computed(org, plan):
    commission_statements_compute(plan=plan, period="2026-02", by=org.director)
    statement = CommissionStatement.objects.get(person=org.rep2a1)
    with pytest.raises(NotAllowed) as refused:
        commission_approve(statement=statement, by=org.director)
    assert refused.value.message == "Approval is by a second person: you computed this statement."
    assert CommissionStatement.objects.get(pk=statement.pk).status == StatementStatus.DRAFT


def test_commission_through_the_api_scoped_ids_and_403s(org, plan):
    url = "/api/v1/commission-statements/compute/"
    body = {"plan": plan.pk, "period": "2026-02"}
    # Another team's id answers like an id that does not exist.
    hidden = api(org.tm1a).post(url, {**body, "team": org.t2a.pk}, format="json")
    missing = api(org.tm1a).post(url, {**body, "team": 999999}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["team"] == [f'Invalid pk "{org.t2a.pk}" - object does not exist.']
    assert missing.json()["team"] == ['Invalid pk "999999" - object does not exist.']
    answer = api(org.tm1a).post(url, body, format="json")
    assert answer.status_code == 403 and answer.json()["detail"] == COMPANY
    assert not CommissionStatement.objects.exists()
    # T1a: rep1a1, rep1a2, junior1a.
    assert api(org.tm1a).post(url, {**body, "team": org.t1a.pk}, format="json").json() == {"computed": 3}
    statement = CommissionStatement.objects.get(person=org.rep1a1)
    assert api(org.tm1b).post(f"/api/v1/commission-statements/{statement.pk}/approve/").status_code == 404
    answer = api(org.tm1a).post(f"/api/v1/commission-statements/{statement.pk}/approve/")
    assert answer.status_code == 403
    assert api(org.rm1).post(f"/api/v1/commission-statements/{statement.pk}/approve/").json()["status"] == "approved"


# --- payroll export ---------------------------------------------------------------------------


@pytest.fixture
def approved(org, plan) -> CommissionStatement:
    commission_statements_compute(plan=plan, period="2026-02", by=org.tm1a, team=org.t1a)
    return commission_approve(statement=CommissionStatement.objects.get(person=org.rep1a1), by=org.rm1)


def test_a_get_never_exports_payroll(client, org, approved):
    client.force_login(org.director.user)
    page = client.get("/appraisal/commission/?period=2026-02&export=xlsx")
    assert page.status_code == 200 and "text/html" in page["Content-Type"]
    assert "Exporting marks the approved statements as exported to payroll." in page.content.decode()
    assert row(CommissionStatement, approved.pk)["status"] == StatementStatus.APPROVED
    assert api(org.director).get("/api/v1/commission-statements/payroll-export/").status_code == 405
    assert row(CommissionStatement, approved.pk)["exported_at"] is None


@pytest.mark.parametrize("who", ["rep1a1", "tm1a", "rm1"])
def test_only_a_director_or_an_admin_exports_payroll(client, org, approved, who):
    person = getattr(org, who)
    before = row(CommissionStatement, approved.pk)
    client.force_login(person.user)
    assert client.post("/appraisal/commission/", {"step": "export", "period": "2026-02"}).status_code == 403
    answer = api(person).post("/api/v1/commission-statements/payroll-export/", {"period": "2026-02"}, format="json")
    assert answer.status_code == 403 and answer.json()["detail"] == "Only a director or an admin exports payroll."
    assert "Export approved statements for payroll" not in client.get("/appraisal/commission/").content.decode()
    assert row(CommissionStatement, approved.pk) == before


def test_the_director_exports_payroll_through_the_api_with_history(org, approved):
    answer = api(org.director).post(
        "/api/v1/commission-statements/payroll-export/", {"period": "2026-02"}, format="json"
    )
    assert answer.status_code == 200
    rows = list(load_workbook(BytesIO(answer.getvalue())).active.iter_rows(values_only=True))
    # Header + rep1a1's statement: 1 % of February's actual (no sales: 0.00).
    assert [r[1] for r in rows[1:]] == ["rep1a1"]
    approved.refresh_from_db()
    assert approved.status == StatementStatus.EXPORTED and approved.exported_at is not None
    last = approved.history.first()
    assert (last.history_user, last.history_change_reason) == (org.director.user, "exported to payroll")
