"""Approval, revision with a reason, history, optimistic locking, import and export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openpyxl import Workbook

from salesorg.exceptions import ApplicationError, NotAllowed
from staff.tests.factories import UserFactory
from targets.models import Target, TargetStatus
from targets.services import (
    target_approve,
    target_create,
    target_history,
    target_update,
    targets_export_csv,
    targets_import,
)
from targets.tests import factories as f

pytestmark = pytest.mark.django_db


def test_create_refuses_bad_input_naming_the_field(org):
    with pytest.raises(ApplicationError) as exc:
        target_create(
            user=org.director.user,
            owner_kind="rep",
            person=org.rep1a1,
            metric="sales_amount",
            period="2026-13",
            value="10",
        )
    assert "period" in exc.value.fields
    with pytest.raises(ApplicationError) as exc:
        target_create(
            user=org.director.user,
            owner_kind="rep",
            person=org.rep1a1,
            metric="sales_amount",
            period="2026",
            value="-1",
        )
    assert "value" in exc.value.fields
    # A rep drafts only their own commitment, never a colleague's.
    with pytest.raises(NotAllowed):
        target_create(
            user=org.rep1a1.user, owner_kind="rep", person=org.rep1a2, metric="sales_amount", period="2026", value="10"
        )
    assert not Target.objects.exists()


def test_approval_by_a_manager_above_the_drafter_only(org):
    target = target_create(
        user=org.tm1a.user, owner_kind="rep", person=org.rep1a1, metric="sales_amount", period="2026", value="100.00"
    )
    assert target.drafted_by == org.tm1a.user
    # rep2a1's manager may not approve rep1a1's target; nor may tm1a, who drafted it.
    for refused in (org.tm2a, org.tm1a, org.rep1a1):
        with pytest.raises(NotAllowed):
            target_approve(user=refused.user, target=target)
    target.refresh_from_db()
    assert (target.status, target.approved_by, target.version) == (TargetStatus.DRAFT, None, 1)
    approved = target_approve(user=org.rm1.user, target=target)
    assert approved.status == TargetStatus.APPROVED
    assert approved.approved_by == org.rm1
    # A region's target drafted by the director: not the region's manager (below the drafter),
    # not the director (the drafter); an admin approves it.
    region = target_create(
        user=org.director.user, owner_kind="region", region=org.r1, metric="visits", period="2026", value="500"
    )
    for refused in (org.rm1, org.director):
        with pytest.raises(NotAllowed):
            target_approve(user=refused.user, target=region)
    region.refresh_from_db()
    assert region.status == TargetStatus.DRAFT
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    assert target_approve(user=admin, target=region).status == TargetStatus.APPROVED


def test_company_targets_are_approved_by_a_director_who_did_not_draft_them(org):
    company = target_create(user=org.director.user, owner_kind="company", metric="visits", period="2026", value="9")
    with pytest.raises(NotAllowed) as exc:
        target_approve(user=org.director.user, target=company)
    assert "second person" in exc.value.message
    with pytest.raises(NotAllowed):
        target_approve(user=org.rm1.user, target=company)
    company.refresh_from_db()
    assert company.status == TargetStatus.DRAFT
    other_director = type(org.director).objects.create(
        employee_no="D2",
        name="director2",
        position="director",
        hire_date=org.director.hire_date,
        user=UserFactory(username="director2"),
    )
    assert target_approve(user=other_director.user, target=company).approved_by == other_director


def test_revision_of_an_approved_target_needs_a_reason_and_is_in_the_history(org):
    target = target_create(
        user=org.tm1a.user,
        owner_kind="rep",
        person=org.rep1a1,
        metric="sales_amount",
        period="2026",
        value="100.00",
    )
    target = target_approve(user=org.rm1.user, target=target)
    with pytest.raises(ApplicationError) as exc:
        target_update(user=org.rm1.user, target=target, version=target.version, value="120.00")
    assert "reason" in exc.value.fields
    # Its drafter may not revise it once approved (a revision is the approvers').
    with pytest.raises(NotAllowed):
        target_update(user=org.tm1a.user, target=target, version=target.version, value="120.00", reason="More")
    target.refresh_from_db()
    assert target.value == Decimal("100.00")
    target_update(
        user=org.rm1.user, target=target, version=target.version, value="120.00", reason="New key account won"
    )
    history = target_history(target)
    latest = history[0]
    assert (latest["old_value"], latest["new_value"]) == (Decimal("100.00"), Decimal("120.00"))
    assert latest["reason"] == "New key account won"
    assert latest["who"] == org.rm1.user
    assert len(history) == 3  # created, approved, revised


def test_optimistic_locking_tells_the_second_editor(org):
    target = target_create(
        user=org.director.user,
        owner_kind="rep",
        person=org.rep1a1,
        metric="sales_amount",
        period="2026",
        value="100.00",
    )
    seen_version = target.version
    # Two managers opened version 1; the first saves 110.00.
    target_update(user=org.director.user, target=target, version=seen_version, value="110.00")
    # The second, still on version 1, is told; their 130.00 is not written over the first change.
    with pytest.raises(ApplicationError) as exc:
        target_update(user=org.tm1a.user, target=target, version=seen_version, value="130.00")
    assert "version" in exc.value.fields
    target.refresh_from_db()
    assert (target.value, target.version) == (Decimal("110.00"), 2)
    changes = [c for c in target_history(target) if c["kind"] == "~"]
    assert len(changes) == 1


def test_export_then_import_round_trip_csv(org):
    f.target(org.rep1a1, period="2026", value="100.00", stretch="120.00")
    f.target(org.t1a, period="2026-Q1", value="55.50")
    f.target(None, metric="visits", period="2026-03", value="40")
    csv_text = targets_export_csv(Target.objects.select_related("person", "team", "region").order_by("pk"))
    # A BOM first, so Excel reads the file as UTF-8; the import reads it back the same.
    assert csv_text.startswith("\ufeff")
    lines = csv_text.removeprefix("\ufeff").strip().splitlines()
    assert lines[0] == "owner_kind,owner_code,metric,period,value,stretch_value"
    assert f"rep,{org.rep1a1.employee_no},sales_amount,2026,100.00,120.00" in lines
    Target.objects.all().delete()
    assert targets_import(user=org.director.user, name="t.csv", content=csv_text.encode()) == 3
    assert Target.objects.get(owner_kind="team", team=org.t1a).value == Decimal("55.50")


def test_import_is_all_or_nothing_and_names_bad_rows(org):
    content = (
        "owner_kind,owner_code,metric,period,value,stretch_value\n"
        f"rep,{org.rep1a1.employee_no},sales_amount,2026,100.00,\n"
        "team,NOPE,sales_amount,2026,100.00,\n"
        f"rep,{org.rep1a2.employee_no},sales_amount,2026-Q5,1,\n"
        f"rep,{org.rep1a2.employee_no},sales_amount,2026,abc,\n"
    ).encode()
    with pytest.raises(ApplicationError) as exc:
        targets_import(user=org.director.user, name="t.csv", content=content)
    assert set(exc.value.fields) == {"row 3", "row 4", "row 5"}
    assert not Target.objects.exists()


def test_import_excel(org):
    book = Workbook()
    sheet = book.active
    sheet.append(["owner_kind", "owner_code", "metric", "period", "value", "stretch_value"])
    sheet.append(["region", org.r1.code, "expenses", "2026", "5000.00", None])
    import io

    out = io.BytesIO()
    book.save(out)
    assert targets_import(user=org.director.user, name="t.xlsx", content=out.getvalue()) == 1
    assert Target.objects.get(owner_kind="region", region=org.r1).value == Decimal("5000.00")
