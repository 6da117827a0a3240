"""The demo's year of people changes (staff/demo_history.py): everyone's dated membership, two
transfers (one between regions) whose records are filed to the unit of their date, a promotion, a
warning, and a dismissal today with the leaver's customers and open opportunities handed over;
the person page shows them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from customers.models import Customer
from fieldwork.models import Visit
from sales.models import CreditShare, Opportunity
from staff.models import EmploymentEvent, EventKind, Membership, Person, PersonStatus, Position

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


def test_the_demo_has_a_year_of_people_changes(tmp_path):
    # 28 reps in 7 teams: four a team, so a leaver has a teammate to hand over to.
    with open(tmp_path / "out.txt", "w") as out:
        call_command("seed_demo", size=28, seed=3, today=TODAY, stdout=out)

    # Everyone's memberships run from the hire date without gap or overlap; one is open unless left.
    memberships: dict[int, list[Membership]] = {}
    for m in Membership.objects.order_by("person_id", "start"):
        memberships.setdefault(m.person_id, []).append(m)
    people = list(Person.objects.all())
    assert len(memberships) == len(people)
    for person in people:
        rows = memberships[person.pk]
        assert rows[0].start == person.hire_date, person
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.end == after.start - timedelta(days=1), person
        last = rows[-1]
        if person.status == PersonStatus.LEFT:
            assert last.end == person.left_on
        else:
            assert last.end is None
            assert (last.position, last.team_id, last.manager_id) == (
                person.position,
                person.team_id,
                person.manager_id,
            )

    # Two transfers in the last year, one of them between regions; the records of the moved rep
    # dated before it are the old team's, those from it the new one's (visits and credit shares).
    transfers = list(EmploymentEvent.objects.filter(kind=EventKind.TRANSFERRED).select_related("from_team", "to_team"))
    assert len(transfers) == 2
    assert all(TODAY - timedelta(days=365) <= t.date < TODAY for t in transfers)
    assert {t.from_team.region_id != t.to_team.region_id for t in transfers} == {True, False}
    for t in transfers:
        visits = Visit.objects.filter(author=t.person_id)
        assert visits.filter(date__lt=t.date).exists() and visits.filter(date__gte=t.date).exists()
        assert set(visits.filter(date__lt=t.date).values_list("team_id", flat=True)) == {t.from_team_id}
        assert set(visits.filter(date__gte=t.date).values_list("team_id", flat=True)) == {t.to_team_id}
        shares = CreditShare.objects.filter(rep=t.person_id)
        assert set(shares.filter(order__date__lt=t.date).values_list("team_id", flat=True)) <= {t.from_team_id}
        assert set(shares.filter(order__date__gte=t.date).values_list("team_id", flat=True)) <= {t.to_team_id}
        assert Person.objects.get(pk=t.person_id).team_id == t.to_team_id

    # A rep promoted to lead their team; their membership changes position on that day.
    promotion = EmploymentEvent.objects.get(kind=EventKind.PROMOTED)
    assert (promotion.from_position, promotion.to_position) == (Position.REP, Position.TEAM_MANAGER)
    lead = memberships[promotion.person_id]
    assert [(m.position, m.start) for m in lead][-2:] == [
        (Position.REP, promotion.person.hire_date),
        (Position.TEAM_MANAGER, promotion.date),
    ]
    # Their team's reps hired before it reported to the regional manager until then.
    changed = EmploymentEvent.objects.filter(kind=EventKind.MANAGER_CHANGED, date=promotion.date)
    assert changed.exists()
    assert {e.to_manager_id for e in changed} == {promotion.person_id}

    # Probation passed for those who are no longer on probation, 90 days after their hire.
    passed = EmploymentEvent.objects.filter(kind=EventKind.PROBATION_PASSED).select_related("person")
    assert passed.count() == Person.objects.exclude(status=PersonStatus.PROBATION).count()
    assert all(e.date == e.person.hire_date + timedelta(days=90) for e in passed)

    # A warning, and a rep who leaves today with everything handed over to a teammate.
    assert EmploymentEvent.objects.filter(kind=EventKind.WARNED).count() == 1
    leaver = Person.objects.get(status=PersonStatus.LEFT)
    assert leaver.left_on == TODAY and leaver.position == Position.REP
    assert set(leaver.events.values_list("kind", flat=True)) >= {EventKind.DISMISSED, EventKind.HANDED_OVER}
    assert not Customer.objects.filter(owner=leaver).exists()
    assert not Opportunity.objects.filter(owner=leaver, closed_on__isnull=True).exists()
    assert Visit.objects.filter(author=leaver).exists()  # their records stay
    handover = leaver.events.get(kind=EventKind.HANDED_OVER)
    teammates = Person.objects.current().filter(team=leaver.team_id)
    successor = next(p for p in teammates if p.name in handover.reason)
    theirs = set(Customer.history.filter(owner=leaver).values_list("id", flat=True))
    assert theirs and theirs <= set(Customer.objects.filter(owner=successor).values_list("id", flat=True))

    # The person page of a transferred rep shows the timeline, to the director.
    client = Client()
    client.force_login(Person.objects.get(position=Position.DIRECTOR).user)
    body = client.get(reverse("staff:person-detail", args=[transfers[0].person_id])).content.decode()
    assert transfers[0].reason in body and transfers[0].to_team.name in body
