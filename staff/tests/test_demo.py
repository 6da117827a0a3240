"""The demo's recruitment: openings, candidates at every stage and their selection steps."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date

import pytest
from django.db import connection, transaction
from django.db.models import AutoField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staff import demo
from staff.models import Candidate, CandidateStatus, Opening, OpeningStatus, Position, SelectionStep

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)


def _seed(reps: int = 12, seed: int = 7) -> tuple[demo.DemoOrg, list[str]]:
    rng = random.Random(seed)
    org = demo.seed_org(rng=rng, reps=reps, today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        demo.seed(org=org, rng=rng, today=TODAY)
    return org, [q["sql"] for q in queries.captured_queries]


# The seed's bulk inserts ask for batches of 1000 rows (staff/demo.py).
SEED_BATCH_SIZE = 1000
SEEDED_MODELS = (Opening, Opening.history.model, Candidate, Candidate.history.model, SelectionStep)


def _expected_inserts(model) -> int:
    """The INSERT statements Django sends for a bulk insert of every row of `model` in batches of
    SEED_BATCH_SIZE: PostgreSQL takes a batch in one statement; SQLite caps the parameters of one
    statement (999 by default), so Django splits a batch further by the number of fields per row."""
    rows = list(model._default_manager.all())
    # The fields Django's bulk_create writes for new rows: the concrete ones but the automatic key.
    fields = [f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField)]
    per_statement = min(SEED_BATCH_SIZE, max(connection.ops.bulk_batch_size(fields, rows), 1))
    return -(-len(rows) // per_statement)


def _statements(sqls: list[str]) -> tuple[Counter, list[str]]:
    """The INSERT statements per table, and every other statement."""
    inserts: Counter = Counter()
    others = []
    for sql in sqls:
        match = re.match(r'\s*INSERT INTO "?(\w+)"?', sql)
        if match:
            inserts[match.group(1)] += 1
        else:
            others.append(sql)
    return inserts, others


def _rows() -> list[tuple]:
    return [
        (
            c.opening.title,
            c.opening.team.code,
            c.name,
            c.status,
            c.applied_on,
            [(s.kind, s.score) for s in c.steps.all()],
        )
        for c in Candidate.objects.select_related("opening__team").prefetch_related("steps").order_by("pk")
    ]


def test_every_team_has_an_open_opening_with_candidates_at_every_stage():
    org, _ = _seed()
    for team in org.teams:
        opening = Opening.objects.filter(team=team, status=OpeningStatus.OPEN).first()
        assert opening is not None, team
        assert opening.hiring_manager.position == Position.TEAM_MANAGER
        assert opening.hiring_manager.team_id == team.pk
        assert opening.region_id == team.region_id
    statuses = set(Candidate.objects.values_list("status", flat=True))
    assert {CandidateStatus.APPLIED, CandidateStatus.IN_SELECTION, CandidateStatus.REJECTED} <= statuses
    for candidate in Candidate.objects.select_related("opening").prefetch_related("steps"):
        assert (candidate.team_id, candidate.region_id) == (candidate.opening.team_id, candidate.opening.region_id)
        steps = list(candidate.steps.all())
        if candidate.status == CandidateStatus.APPLIED:
            assert not steps
        if candidate.status in (CandidateStatus.IN_SELECTION, CandidateStatus.REJECTED, CandidateStatus.HIRED):
            assert steps, candidate
        if candidate.status in (CandidateStatus.REJECTED, CandidateStatus.HIRED, CandidateStatus.WITHDRAWN):
            assert candidate.decided_on and candidate.decision_reason
        assert all(s.date <= TODAY and 0 <= s.score <= 100 for s in steps)
        assert all(s.date <= (candidate.decided_on or TODAY) for s in steps)
    assert SelectionStep.objects.exists()
    assert Opening.history.count() == Opening.objects.count()
    assert Candidate.history.count() == Candidate.objects.count()


def test_a_filled_opening_hired_a_rep_of_the_team():
    _seed(reps=40)
    hired = Candidate.objects.filter(status=CandidateStatus.HIRED).select_related("opening", "hired_person")
    assert hired
    for candidate in hired:
        assert candidate.opening.status == OpeningStatus.FILLED
        assert candidate.hired_person.team_id == candidate.opening.team_id
        assert candidate.name == candidate.hired_person.name
        assert candidate.decided_on == candidate.hired_person.hire_date
        assert candidate.applied_on >= candidate.opening.opened_on


def test_the_seed_is_repeatable_and_bulk():
    sid = transaction.savepoint()
    _, small = _seed(reps=12)
    first = _rows()
    transaction.savepoint_rollback(sid)
    _seed(reps=12)
    assert _rows() == first
    transaction.savepoint_rollback(sid)
    small_inserts, small_others = _statements(small)
    org, large = _seed(reps=200)
    assert len(org.teams) > 7 and Candidate.objects.count() > len(first)
    # No query per row: apart from the inserts, the statements do not grow with the organization,
    inserts, others = _statements(large)
    assert len(others) == len(small_others)
    # and each table is written in as few INSERTs as the backend allows (one per 1000 rows on
    # PostgreSQL; SQLite's parameter limit splits a batch by the width of a row). Per-row inserts
    # would send one statement per row: hundreds here.
    expected = {m._meta.db_table: _expected_inserts(m) for m in SEEDED_MODELS}
    assert inserts == expected
    assert sum(expected.values()) < Candidate.objects.count()
    if connection.vendor == "postgresql":
        assert len(large) == len(small)


def test_the_team_manager_sees_the_seeded_recruitment_of_the_team(client):
    org, _ = _seed(reps=40)
    client.force_login(org.managers[len(org.regions)].user)  # tm01, the first team's manager
    team = org.teams[0]
    response = client.get(reverse("staff:opening-list") + "?status=")
    assert response.status_code == 200
    openings = list(Opening.objects.filter(team=team))
    assert openings and {o.pk for o in response.context["openings"]} == {o.pk for o in openings}
    for opening in openings:
        html = client.get(reverse("staff:opening-detail", args=[opening.pk])).content.decode()
        for candidate in opening.candidates.all():
            assert candidate.name in html
            assert client.get(reverse("staff:candidate-detail", args=[candidate.pk])).status_code == 200
