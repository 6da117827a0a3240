"""Pages: grid (edit in place), target detail (approve, revise, breakdown, allocation), runs, plans."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from staff.tests.factories import PersonFactory
from targets.models import RecomputeRun, SalesPlan, Target, TargetStatus
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def test_grid_edits_a_month_in_place_and_shows_totals(client, org):
    year = f.target(org.rep1a1, period="2026", value="1200.00")
    client.force_login(org.director.user)
    page = client.get(reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"})
    assert page.status_code == 200
    assert "rep1a1" in page.content.decode()
    response = client.post(
        reverse("targets:grid-cell"),
        {
            "metric": "sales_amount",
            "period": "2026-02",
            "owner_kind": "rep",
            "owner_key": org.rep1a1.pk,
            "value": "300.00",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    # Q1 = 300.00 (February only); months total 300.00; gap to the year 1200.00 - 300.00 = 900.00.
    assert 'data-quarter="2026-Q1">300.00<' in html
    assert 'data-total="gap">900.00<' in html
    feb = Target.objects.get(person=org.rep1a1, period="2026-02")
    # Editing the cell again with an old version is refused and the row says why.
    client.post(
        reverse("targets:grid-cell"),
        {
            "metric": "sales_amount",
            "period": "2026-02",
            "owner_kind": "rep",
            "owner_key": org.rep1a1.pk,
            "value": "310.00",
            "target_id": feb.pk,
            "version": feb.version,
        },
    )
    stale = client.post(
        reverse("targets:grid-cell"),
        {
            "metric": "sales_amount",
            "period": "2026-02",
            "owner_kind": "rep",
            "owner_key": org.rep1a1.pk,
            "value": "320.00",
            "target_id": feb.pk,
            "version": feb.version,
        },
    )
    assert "changed by someone else" in stale.content.decode()
    feb.refresh_from_db()
    assert feb.value == Decimal("310.00")
    assert year.pk


def test_grid_is_a_tree_with_each_parent_against_the_sum_of_its_children(client, org):
    # The company 420,000,000.00; its regions 300,000,000.00 + 119,800,000.00 = 419,800,000.00:
    # a gap of 200,000.00. R1's team T1A 20,826,446.28 (R1's other team has none); its rep 1,000.
    f.target(None, period="2026", value="420000000.00")
    f.target(org.r1, period="2026", value="300000000.00")
    f.target(org.r2, period="2026", value="119800000.00")
    f.target(org.t1a, period="2026", value="20826446.28")
    f.target(org.rep1a1, period="2026", value="1000.00", status="approved")
    client.force_login(org.director.user)
    html = client.get(reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"}).content.decode()
    # Depth first: the company, East (R1), its team, the team's rep, then South (R2).
    order = [
        html.index(f'id="row-{kind}-{key}"')
        for kind, key in (
            ("company", 0),
            ("region", org.r1.pk),
            ("team", org.t1a.pk),
            ("rep", org.rep1a1.pk),
            ("region", org.r2.pk),
        )
    ]
    assert order == sorted(order)
    assert 'data-depth="3"' in html  # the rep, under team, region, company
    company_row = html[html.index('id="row-company-0"') : html.index(f'id="row-region-{org.r1.pk}"')]
    assert 'data-total="below">419,800,000.00<' in company_row
    assert 'text-danger fw-semibold" data-total="children-gap">200,000.00<' in company_row
    # East against its teams: 300,000,000.00 - 20,826,446.28 = 279,173,553.72; T1A against its rep: 20,825,446.28.
    assert 'data-total="children-gap">279,173,553.72<' in html
    assert 'data-total="children-gap">20,825,446.28<' in html
    # The drafts are marked as drafts; the approved rep's row is not.
    rep_row = html[html.index(f'id="row-rep-{org.rep1a1.pk}"') :]
    rep_row = rep_row[: rep_row.index("</tr>")]
    assert "Draft" in company_row and "Draft" not in rep_row


def test_grid_page_query_count(client, org, django_assert_max_num_queries):
    client.force_login(org.director.user)
    for n in (3, 30):
        for _ in range(n):
            rep = PersonFactory(team=org.t1a, region=org.r1)
            f.target(rep, period="2026")
            f.target(rep, period="2026-01")
        with django_assert_max_num_queries(12):
            assert client.get(reverse("targets:grid"), {"year": 2026, "metric": "sales_amount"}).status_code == 200


def test_detail_approve_revise_breakdown_allocate(client, org):
    team_target = f.target(org.t1a, period="2026", value="900.00")
    client.force_login(org.rm1.user)
    url = reverse("targets:detail", args=[team_target.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"action": "approve"})
    team_target.refresh_from_db()
    assert team_target.status == TargetStatus.APPROVED
    # A revision without a reason is refused on the page.
    page = client.post(url, {"action": "edit", "value": "1000.00", "version": team_target.version})
    assert "revision reason" in page.content.decode()
    client.post(url, {"action": "edit", "value": "1000.00", "version": team_target.version, "reason": "Bigger market"})
    team_target.refresh_from_db()
    assert team_target.value == Decimal("1000.00")
    assert "Bigger market" in client.get(url).content.decode()
    # The target is approved: its breakdown and allocation are revisions, with a reason.
    client.post(reverse("targets:breakdown", args=[team_target.pk]), {"method": "equal"})
    assert Target.objects.filter(team=org.t1a, owner_kind="team").count() == 1
    client.post(reverse("targets:breakdown", args=[team_target.pk]), {"method": "equal", "reason": "Plan"})
    assert Target.objects.filter(team=org.t1a, owner_kind="team").count() == 17
    client.post(reverse("targets:allocate", args=[team_target.pk]), {"method": "equal", "reason": "Plan"})
    assert Target.objects.filter(parent=team_target, owner_kind="rep").count() == 3
    assert 'data-testid="gap">0.00<' in client.get(url).content.decode()


def test_outside_scope_is_404(client, org):
    other = f.target(org.rep2a1, period="2026")
    client.force_login(org.rep1a1.user)
    assert client.get(reverse("targets:detail", args=[other.pk])).status_code == 404
    # The runs page holds no one's records: a rep is refused (403, saying who may), not hidden.
    refused = client.get(reverse("targets:runs"))
    assert refused.status_code == 403
    assert "Only a manager or an admin does this." in refused.content.decode()


def test_recompute_page_starts_a_run_and_shows_progress(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.director.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("targets:runs"), {"as_of": "2026-03-15"})
    assert response.status_code == 302
    run = RecomputeRun.objects.get()
    assert run.status == "succeeded"
    bar = client.get(reverse("targets:run-progress", args=[run.pk]))
    assert 'aria-valuenow="100"' in bar.content.decode()
    # A finished run's bar stops polling.
    assert "hx-trigger" not in bar.content.decode()


def test_sales_plan_with_activity_and_approval(client, org):
    client.force_login(org.tm1a.user)
    response = client.post(
        reverse("targets:plan-create"), {"title": "Q1 push", "period": "2026-Q1", "strategy": "Key accounts"}
    )
    plan = SalesPlan.objects.get()
    assert response.status_code == 302 and plan.owner_kind == "team" and plan.team == org.t1a
    url = reverse("targets:plan-detail", args=[plan.pk])
    client.post(
        url,
        {
            "action": "activity",
            "kind": "promotion",
            "name": "Spring fair",
            "start_date": "2026-03-01",
            "end_date": "2026-03-05",
            "planned_count": 10,
            "done_count": 0,
            "progress": 0,
        },
    )
    activity = plan.activities.get()
    client.post(url, {"action": "progress", "activity": activity.pk, "done_count": 4})
    activity.refresh_from_db()
    assert (activity.done_count, activity.progress) == (4, 40)  # 4 of 10 = 40 %
    client.force_login(org.rm1.user)
    client.post(url, {"action": "approve"})
    plan.refresh_from_db()
    assert plan.status == "approved"


def test_import_page_names_bad_rows(client, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org.director.user)
    upload = SimpleUploadedFile("t.csv", b"owner_kind,owner_code,metric,period,value\nrep,NOBODY,sales_amount,2026,1\n")
    response = client.post(reverse("targets:import"), {"file": upload})
    assert response.status_code == 400
    assert "row 2" in response.content.decode()
    assert not Target.objects.exists()
    export = client.get(reverse("targets:export"), {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize(
    "name",
    [
        "targets:achievements",
        "targets:templates",
        "targets:template-create",
        "targets:proposals",
        "targets:create",
        "targets:plans",
        "targets:plan-create",
        "targets:import",
        "targets:runs",
    ],
)
def test_pages_render_for_a_director(client, org, name):
    from datetime import date

    from targets.services import achievements_recompute

    f.target(org.rep1a1, period="2026")
    f.DistributionTemplateFactory(name="Retail")
    achievements_recompute(as_of=date(2026, 3, 15))
    client.force_login(org.director.user)
    response = client.get(reverse(name), {"period": "2026"})
    assert response.status_code == 200


def test_achievements_page_is_scoped(client, org):
    from datetime import date

    from targets.services import achievements_recompute

    achievements_recompute(as_of=date(2026, 3, 15))
    client.force_login(org.rep1a1.user)
    html = client.get(reverse("targets:achievements"), {"period": "2026", "metric": "visits"}).content.decode()
    assert "rep1a1" in html and "rep2a1" not in html


def test_template_and_proposal_forms(client, org):
    from targets.models import Achievement, DistributionTemplate

    client.force_login(org.director.user)
    # 12 x 1 = 12, not 100: the form says so and nothing is written.
    data = {"name": "Retail", **{f"m{i:02d}": "1" for i in range(1, 13)}}
    response = client.post(reverse("targets:template-create"), data)
    assert response.status_code == 200 and "add up to 100" in response.content.decode()
    assert not DistributionTemplate.objects.filter(name="Retail").exists()
    # 4 x (10 + 5 + 10) = 100.
    data = {"name": "Retail", **{f"m{i:02d}": "5" if i % 3 == 2 else "10" for i in range(1, 13)}}
    assert client.post(reverse("targets:template-create"), data).status_code == 302
    assert DistributionTemplate.objects.filter(name="Retail").exists()
    Achievement.objects.create(
        owner_kind="rep",
        owner_key=org.rep1a1.pk,
        person=org.rep1a1,
        metric="visits",
        period="2025",
        period_kind="year",
        as_of="2025-12-31",
        actual=Decimal("200"),
        time_progress=1,
        computed_at="2026-01-01T00:00:00Z",
    )
    response = client.post(reverse("targets:proposals"), {"year": 2025, "growth": "0.05", "metric": "visits"})
    assert response.status_code == 302
    # 200 visits x 1.05 = 210.
    assert Target.objects.get(person=org.rep1a1, period="2026", metric="visits").value == Decimal("210.00")


def test_approving_ones_own_plan_on_the_page_is_403(client, org):
    client.force_login(org.tm1a.user)
    client.post(reverse("targets:plan-create"), {"title": "Q1 push", "period": "2026-Q1"})
    plan = SalesPlan.objects.get()
    url = reverse("targets:plan-detail", args=[plan.pk])
    assert "Approve" not in client.get(url).content.decode()
    assert client.post(url, {"action": "approve"}).status_code == 403
    plan.refresh_from_db()
    assert (plan.status, plan.approved_by) == ("draft", None)
    # Another team's manager does not see it; its regional manager sees the button.
    client.force_login(org.tm2a.user)
    assert client.post(url, {"action": "approve"}).status_code == 404
    client.force_login(org.rm1.user)
    assert 'value="approve"' in client.get(url).content.decode()


def test_the_approve_button_is_the_rules(client, org):
    target = f.target(org.rep1a1, period="2026", value="10.00", drafted_by=org.tm1a.user)
    url = reverse("targets:detail", args=[target.pk])
    client.force_login(org.tm1a.user)
    html = client.get(url).content.decode()
    assert 'value="approve"' not in html and "Break down" in html
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.force_login(org.rep1a1.user)
    html = client.get(url).content.decode()
    assert 'value="approve"' not in html and "Break down" in html  # a rep drafts their own breakdown
    client.force_login(org.rm1.user)
    assert 'value="approve"' in client.get(url).content.decode()
    target.refresh_from_db()
    assert target.status == TargetStatus.DRAFT


def test_the_recompute_page_refuses_another_day_to_a_team_manager(client, org):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(org.tm1a.user)
    assert "Recompute now" in client.get(reverse("targets:runs")).content.decode()
    other_day = timezone.localdate() - timedelta(days=10)
    assert client.post(reverse("targets:runs"), {"as_of": other_day.isoformat()}).status_code == 403
    assert not RecomputeRun.objects.exists()
    yesterday = timezone.localdate() - timedelta(days=1)
    assert client.post(reverse("targets:runs"), {"as_of": yesterday.isoformat()}).status_code == 302
    assert RecomputeRun.objects.get().as_of == yesterday


def test_the_template_pages_are_a_directors_or_an_admins(client, org):
    from targets.models import DistributionTemplate

    template = f.DistributionTemplateFactory(name="Retail")
    # 4 x (10 + 5 + 10) = 100.
    data = {"name": "Changed", **{f"m{i:02d}": "5" if i % 3 == 2 else "10" for i in range(1, 13)}}
    for refused in (org.tm1a, org.rm1, org.rep1a1):
        client.force_login(refused.user)
        assert "New template" not in client.get(reverse("targets:templates")).content.decode()
        assert client.get(reverse("targets:template-edit", args=[template.pk])).status_code == 403
        assert client.post(reverse("targets:template-edit", args=[template.pk]), data).status_code == 403
        assert client.post(reverse("targets:template-create"), data).status_code == 403
    template.refresh_from_db()
    assert (template.name, DistributionTemplate.objects.count()) == ("Retail", 1)
    client.force_login(org.director.user)
    assert "New template" in client.get(reverse("targets:templates")).content.decode()
    assert client.post(reverse("targets:template-edit", args=[template.pk]), data).status_code == 302
    template.refresh_from_db()
    assert template.name == "Changed"


def test_export_csv_has_a_bom_and_excel_has_numbers(client, org):
    import codecs
    import csv
    import io

    from openpyxl import load_workbook

    from staff.models import Team

    Team.objects.filter(pk=org.t1a.pk).update(code="华东一组")
    f.target(org.t1a, period="2026-Q1", value="1234.50", stretch="1500.00")
    f.target(org.rep1a1, metric="visits", period="2026-03", value="40")
    client.force_login(org.director.user)
    answer = client.get(reverse("targets:export"), {"format": "csv"})
    assert answer.streaming
    body = answer.getvalue()
    # A BOM, so Excel opens the UTF-8 file with the Chinese code intact.
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert ["team", "华东一组", "sales_amount", "2026-Q1", "1234.50", "1500.00"] in rows
    answer = client.get(reverse("targets:export"), {"format": "xlsx"})
    assert answer.streaming
    content = answer.getvalue()
    sheet = load_workbook(io.BytesIO(content)).active
    by_code = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    value, stretch = by_code["华东一组"][4:6]
    assert (value.value, value.data_type, value.number_format) == (1234.5, "n", "#,##0.00")
    assert (stretch.value, stretch.data_type) == (1500, "n")
    # Visits are a count: a whole number with no decimals shown; no stretch value, an empty cell.
    visits, no_stretch = by_code[org.rep1a1.employee_no][4:6]
    assert (visits.value, visits.data_type, visits.number_format) == (40, "n", "#,##0")
    assert no_stretch.value is None
    # The numbers read back: the Excel file imports as it was exported.
    from targets.services import targets_import

    Target.objects.all().delete()
    assert targets_import(user=org.director.user, name="targets.xlsx", content=content) == 2
    assert Target.objects.get(owner_kind="team", team=org.t1a).value == Decimal("1234.50")
    assert Target.objects.get(metric="visits", person=org.rep1a1).value == Decimal("40")


def test_the_achievements_page_pages_every_owner(client, org):
    """Every owner of a period is reachable: the page was cut at 500 rows (a director's 2,111
    owners), now it pages like every list. 60 company-wide rows of a test metric period: 50 on page
    1, 10 on page 2, highest rate first."""
    import re
    from datetime import date
    from decimal import Decimal

    from django.utils import timezone

    from salesorg.paging import PAGE_ROWS
    from targets.models import Achievement

    Achievement.objects.bulk_create(
        [
            Achievement(
                owner_kind="company",
                owner_key=1000 + i,
                metric="visits",
                period="2026",
                period_kind="year",
                as_of=date(2026, 3, 15),
                actual=Decimal(i),
                target=Decimal(100),
                rate=Decimal(i) / 100,
                time_progress=Decimal("0.2000"),
                computed_at=timezone.now(),
            )
            for i in range(PAGE_ROWS + 10)
        ]
    )
    client.force_login(org.director.user)
    url = reverse("targets:achievements")
    first = client.get(url, {"period": "2026", "metric": "visits"}).content.decode()
    second = client.get(url, {"period": "2026", "metric": "visits", "page": 2}).content.decode()

    def actuals(html: str) -> list[int]:
        body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        return [int(float(v)) for v in re.findall(r'<td class="text-end">([0-9.]+)</td>', body)[::2]]

    # Page 1: rates 0.59 down to 0.10 (actuals 59..10); page 2: 9..0.
    assert actuals(first) == list(range(PAGE_ROWS + 9, 9, -1))
    assert actuals(second) == list(range(9, -1, -1))
    assert 'rel="next"' in first and 'rel="next"' not in second
    assert "metric=visits" in first.split('rel="next"')[0].rsplit("href=", 1)[1]
