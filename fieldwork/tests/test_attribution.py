"""A visit, an expense claim and a note take their author's unit on their own date (DESIGN.md
"Attribution"); a transfer recorded late re-files those dated from its date, with history, and
is refused when it would move records of an approved appraisal period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from appraisal.models import AppraisalPeriod, Scorecard, ScorecardStatus
from appraisal.tests.factories import rep_scheme
from customers.tests.factories import CustomerFactory
from fieldwork.models import ExpenseClaim, Visit
from fieldwork.services.visits import expense_create, visit_create
from salesorg.exceptions import ApplicationError
from staff.services import person_transfer

TODAY = date(2026, 7, 10)


@pytest.fixture(autouse=True)
def _wide_filing_window(settings):
    """These records are typed weeks after their dates on purpose (a transfer recorded late): the
    filing window (tested in test_evidence.py) is widened so attribution is what is tested here."""
    settings.VISIT_FILING_DAYS = 60
    settings.EXPENSE_FILING_DAYS = 60


def _visit(org, customer, day):
    return visit_create(user=org.rep1a2.user, customer=customer, data={"date": day, "kind": "call"}, today=TODAY)


def test_records_typed_after_a_transfer_take_the_unit_of_their_date(org):
    customer = CustomerFactory(owner=org.rep1a2)
    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=org.director.user)

    # Given visits dated on both sides of the transfer, both typed after it
    before, after = _visit(org, customer, date(2026, 6, 30)), _visit(org, customer, date(2026, 7, 1))
    claim = expense_create(
        user=org.rep1a2.user, date_=date(2026, 6, 29), kind="travel", amount="80.00", customer=customer, today=TODAY
    )

    # then each is filed to the team of its own date.
    assert (before.team_id, before.region_id) == (org.t1a.pk, org.r1.pk)
    assert (after.team_id, after.region_id) == (org.t2a.pk, org.r2.pk)
    assert (claim.team_id, claim.region_id) == (org.t1a.pk, org.r1.pk)


def test_a_transfer_recorded_late_refiles_what_is_dated_from_its_date(org):
    customer = CustomerFactory(owner=org.rep1a2)
    # Given visits filed while the rep was still in T1a ...
    days = [date(2026, 6, 29), date(2026, 7, 1), date(2026, 7, 3)]
    visits = [_visit(org, customer, day) for day in days]
    assert {v.team_id for v in visits} == {org.t1a.pk}
    # ... when the transfer from 1 July is recorded only now,
    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=org.director.user)

    # then the visits from 1 July move to T2a, the one before stays, and the history says why.
    teams = dict(Visit.objects.filter(pk__in=[v.pk for v in visits]).values_list("date", "team_id"))
    assert teams == {days[0]: org.t1a.pk, days[1]: org.t2a.pk, days[2]: org.t2a.pk}
    moved = Visit.objects.get(pk=visits[1].pk)
    assert moved.region_id == org.r2.pk
    assert moved.history.first().history_change_reason == "re-filed: membership changed"


def test_a_late_transfer_into_an_approved_appraisal_period_is_refused(org):
    customer = CustomerFactory(owner=org.rep1a2)
    visit = _visit(org, customer, date(2026, 6, 15))
    period = AppraisalPeriod.objects.create(
        period="2026-06", period_kind="month", start=date(2026, 6, 1), end=date(2026, 6, 30),
        values_as_of=date(2026, 6, 30),
    )  # fmt: skip
    Scorecard.objects.create(
        appraisal_period=period, person=org.rep1a2, team=org.t1a, region=org.r1, position="rep",
        scheme=rep_scheme(), status=ScorecardStatus.APPROVED, total_score=Decimal("80.00"), values_as_of=period.end,
        computed_at=timezone.now(),
    )  # fmt: skip

    with pytest.raises(ApplicationError) as exc:
        person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 6, 1), reason="x", recorded_by=org.director.user)

    assert "2026-06" in exc.value.message and "on" in exc.value.fields
    org.rep1a2.refresh_from_db()
    assert org.rep1a2.team_id == org.t1a.pk
    assert Visit.objects.get(pk=visit.pk).team_id == org.t1a.pk
    # After the approved period, the same transfer goes through.
    person_transfer(person=org.rep1a2, team=org.t2a, on=date(2026, 7, 1), reason="x", recorded_by=org.director.user)
    assert ExpenseClaim.objects.count() == 0 and Visit.objects.get(pk=visit.pk).team_id == org.t1a.pk
