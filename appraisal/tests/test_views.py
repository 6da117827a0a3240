"""Pages: scope (404 outside), ranking publication, review form errors, export, query counts."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from appraisal.models import Outcome, OutcomeKind, Scorecard
from appraisal.services import appraisal_period_open, outcome_create
from appraisal.tests import factories as f
from staff.models import Person, Position
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)


@pytest.fixture
def opened(org):
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    return appraisal_period_open(period="2026-02", opened_by=org.director, today=TODAY)


def login(client, person):
    client.force_login(person.user)
    return client


def test_scorecard_page_is_404_outside_scope(client, org, opened):
    other = Scorecard.objects.get(person=org.rep1a2)
    assert login(client, org.rep1a1).get(f"/appraisal/scorecards/{other.pk}/").status_code == 404
    own = Scorecard.objects.get(person=org.rep1a1)
    page = client.get(f"/appraisal/scorecards/{own.pk}/")
    assert page.status_code == 200
    assert "Receivables collection rate" in page.content.decode()


def test_rankings_show_a_rep_only_their_own_row_until_published(client, org, opened):
    login(client, org.rep1a1)
    url = f"/appraisal/periods/{opened.pk}/ranking/?level=team"
    names = [c.person.name for c in client.get(url).context["cards"]]
    assert names == ["rep1a1"]
    opened.rankings_published = True
    opened.save()
    names = sorted(c.person.name for c in client.get(url).context["cards"])
    assert names == ["junior1a", "rep1a1", "rep1a2"]


def test_review_form_shows_the_service_refusal(client, org, opened):
    card = Scorecard.objects.get(person=org.rep1a1)
    login(client, org.tm1a)
    client.post(f"/appraisal/scorecards/{card.pk}/submit/")
    card.refresh_from_db()
    assert card.status == "draft"  # refused: no manager's comment
    answer = client.post(f"/appraisal/scorecards/{card.pk}/", {"review-manager_comment": "Good start."})
    assert answer.status_code == 302
    card.refresh_from_db()
    assert card.manager_comment == "Good start."


def test_opening_from_the_page_refuses_a_period_not_ended(client, org):
    f.rep_scheme()
    page = login(client, org.tm1a).post("/appraisal/", {"period": "2099-01", "team": org.t1a.pk})
    assert page.status_code == 200
    assert "it can be appraised from 2099-02-01 on" in page.context["form"].errors["period"][0]


def test_excel_export_of_the_period(client, org, opened):
    # A name that a spreadsheet would run as a formula is written as text.
    Person.objects.filter(pk=org.rep1a2.pk).update(name="=HYPERLINK(1)")
    answer = login(client, org.tm1a).get(f"/appraisal/periods/{opened.pk}/export/")
    sheet = load_workbook(BytesIO(answer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    # Header + the three reps of T1a the team manager may see.
    assert len(rows) == 4
    assert sorted(r[2] for r in rows[1:]) == ["'=HYPERLINK(1)", "junior1a", "rep1a1"]


def test_person_history_shows_outcomes(client, org, opened):
    outcome_create(
        person=org.rep1a1,
        kind=OutcomeKind.DISMISSAL_WARNING,
        reason="Third month below 50 %",
        decided_by=org.tm1a,
        on=TODAY,
    )
    page = login(client, org.rep1a1).get(f"/appraisal/people/{org.rep1a1.pk}/")
    assert "Third month below 50 %" in page.content.decode()
    assert login(client, org.rep1a2).get(f"/appraisal/people/{org.rep1a1.pk}/").status_code == 404
    assert Outcome.objects.count() == 1


@pytest.mark.parametrize("extra", [0, 27])
def test_period_page_query_count(client, org, extra, django_assert_max_num_queries):
    start = Person.objects.count()
    Person.objects.bulk_create(
        Person(
            employee_no=f"V{start + i:06d}",
            name=f"Rep {i}",
            position=Position.REP,
            team=org.t1a,
            region=org.r1,
            manager=org.tm1a,
            hire_date=date(2024, 1, 1),
            status="active",
        )
        for i in range(extra)
    )
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.director, today=TODAY)
    login(client, org.director)
    with django_assert_max_num_queries(20):
        page = client.get(f"/appraisal/periods/{appraisal.pk}/")
    assert len(page.context["cards"]) == 5 + extra
    with django_assert_max_num_queries(20):
        client.get(f"/appraisal/periods/{appraisal.pk}/ranking/?level=company")


def test_admin_changelists(admin_client, org, opened):
    for name in (
        "scorecard",
        "appraisalscheme",
        "kpi",
        "outcome",
        "appraisalperiod",
        "commissionstatement",
        "contest",
        "gradeband",
        "schemekpi",
    ):
        assert admin_client.get(f"/admin/appraisal/{name}/").status_code == 200


def test_admin_scheme_form_refuses_weights_not_adding_up_to_100(admin_client, db):
    from appraisal.models import AppraisalScheme, Kpi

    tar, col = Kpi.objects.get(code="target_achievement_rate"), Kpi.objects.get(code="collection_rate")
    data = {
        "name": "Reps",
        "position": "rep",
        "version": "1",
        "valid_from": "2026-01-01",
        "is_active": "on",
        "focus_product_lines": "",
        "note": "",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        # 60 + 30 = 90
        "lines-0-kpi": tar.pk,
        "lines-0-weight": "60",
        "lines-0-target": "1",
        "lines-0-rule": "linear",
        "lines-0-cap_percent": "120",
        "lines-0-sort_order": "0",
        "lines-1-kpi": col.pk,
        "lines-1-weight": "30",
        "lines-1-target": "0.9",
        "lines-1-rule": "linear",
        "lines-1-cap_percent": "120",
        "lines-1-sort_order": "1",
    }
    page = admin_client.post("/admin/appraisal/appraisalscheme/add/", data)
    assert page.status_code == 200
    assert "The weights add up to 90; they must add up to 100." in page.content.decode()
    assert not AppraisalScheme.objects.exists()
    data["lines-1-weight"] = "40"
    assert admin_client.post("/admin/appraisal/appraisalscheme/add/", data).status_code == 302
    assert AppraisalScheme.objects.get().lines.count() == 2


def test_payroll_export_of_approved_commission_is_a_post_by_the_director(client, org):
    from decimal import Decimal

    from appraisal.models import CommissionStatement, StatementStatus
    from appraisal.services import commission_approve, commission_plan_create, commission_statements_compute

    f.target(org.rep1a1, "sales_amount", "2026-02", "1000.00")
    f.target(org.rep1a2, "sales_amount", "2026-02", "1000.00")
    achievements_recompute(as_of=date(2026, 3, 1))
    plan = commission_plan_create(
        name="P", metric="sales_amount", position="rep", tiers=[(Decimal(0), None, Decimal(1))], by=f.ADMIN
    )
    commission_statements_compute(plan=plan, period="2026-02", by=org.tm1a, team=org.t1a)
    commission_approve(statement=CommissionStatement.objects.get(person=org.rep1a1), by=org.rm1)
    login(client, org.director)
    # A GET only shows the confirmation form: nothing is exported.
    page = client.get("/appraisal/commission/?period=2026-02&export=xlsx")
    assert page.status_code == 200 and page.context["confirm_export"]
    assert CommissionStatement.objects.get(person=org.rep1a1).status == StatementStatus.APPROVED
    answer = client.post("/appraisal/commission/", {"step": "export", "period": "2026-02"})
    assert answer.streaming
    sheet = load_workbook(BytesIO(answer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    # Header + the one approved statement (rep1a1); the draft (rep1a2) is not exported.
    assert [r[1] for r in rows[1:]] == ["rep1a1"]
    # Actual (no sales: 0), target 1,000.00, rate 0 / 1000 = 0 %, commission 0: numbers, formatted.
    actual, target, rate, amount = sheet["F2"], sheet["G2"], sheet["H2"], sheet["I2"]
    assert (actual.value, target.value, rate.value, amount.value) == (0, 1000, 0, 0)
    assert all(c.data_type == "n" for c in (actual, target, rate, amount))
    assert (actual.number_format, target.number_format, amount.number_format) == ("#,##0.00",) * 3
    assert rate.number_format == "0.0%"
    exported = CommissionStatement.objects.get(person=org.rep1a1)
    assert exported.status == StatementStatus.EXPORTED
    assert exported.history.first().history_user == org.director.user
    assert CommissionStatement.objects.get(person=org.rep1a2).status == StatementStatus.DRAFT
