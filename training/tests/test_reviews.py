"""The quarterly review meeting (复盘): the agenda read from the numbers, the decisions recorded,
the next meeting's look back, and who may do what.

The hand-made world (the `org` fixture): team Shanghai 1 (T1a, tm1a; reps rep1a1 and rep1a2, and
junior1a who has no target) meets on 2026-04-10 to review 2026-Q1. Guangzhou 1 (T2a, rep2a1) has
the same kinds of records; none of them may appear on T1a's agenda.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appraisal.models import AppraisalPeriod, Outcome, Scorecard
from appraisal.tests.factories import rep_scheme
from customers.models import Competitor
from sales.models import Opportunity, PipelineStage
from salesorg.exceptions import ApplicationError, NotAllowed
from targets.services import achievements_recompute
from targets.tests import factories as tf
from training.models import ActionItem, ActionItemStatus, ReviewMeeting, ReviewQuestion
from training.selectors import review_agenda
from training.services import (
    review_meeting_add_action,
    review_meeting_create,
    review_meeting_record_outcome,
    review_meeting_update,
)

MEETING_DAY = date(2026, 4, 10)
D = Decimal


def _stage(*, lost: bool = False) -> PipelineStage:
    name = "Review lost" if lost else "Review lead"
    return PipelineStage.objects.get_or_create(
        name=name, defaults={"order": 90 if lost else 5, "probability": 0 if lost else 10, "is_lost": lost}
    )[0]


def _opportunity(rep, *, name, amount, close, lost=False, reason="", competitor=None, closed_on=None, changed=None):
    opp = Opportunity.objects.create(
        name=name,
        customer=tf.customer(rep),
        owner=rep,
        team=rep.team,
        region=rep.region,
        stage=_stage(lost=lost),
        expected_amount=Decimal(amount),
        expected_close_date=close,
        stage_entered_at=timezone.make_aware(datetime(2026, 1, 5)),
        closed_on=closed_on,
        lost_reason=reason,
        lost_to=competitor,
    )
    if changed is not None:
        # The last change recorded is the opportunity's latest history row.
        Opportunity.history.filter(id=opp.pk).update(history_date=timezone.make_aware(changed))
    return opp


def _card(appraisal, person, total, grade, scheme):
    return Scorecard.objects.create(
        appraisal_period=appraisal,
        person=person,
        team=person.team,
        region=person.region,
        position=person.position,
        scheme=scheme,
        total_score=Decimal(total),
        grade=grade,
        values_as_of=date(2026, 3, 31),
        computed_at=timezone.now(),
    )


def _appraisal(team) -> AppraisalPeriod:
    return AppraisalPeriod.objects.create(
        period="2026-Q1",
        period_kind="quarter",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        team=team,
        region=team.region,
        values_as_of=date(2026, 3, 31),
    )


@pytest.fixture
def world(org):
    o = org
    # The method's questions come with the data migration; install them here too when the test
    # database was built without migrations (the install is a no-op when they exist).
    import_module("training.migrations.0006_standard_review_questions").install(django_apps, None)
    # --- targets and sales: approved 2026-Q1 sales targets, confirmed orders, the engine run ------
    tf.target(o.rep1a1, period="2026-Q1", value="10000.00", status="approved")
    tf.target(o.rep1a2, period="2026-Q1", value="5000.00", status="approved")
    tf.target(o.t1a, period="2026-Q1", value="15000.00", status="approved")
    tf.target(o.rep2a1, period="2026-Q1", value="3000.00", status="approved")
    tf.target(o.t2a, period="2026-Q1", value="3000.00", status="approved")
    for rep, day, amount in (
        (o.rep1a1, date(2026, 2, 10), "8000.00"),
        (o.rep1a2, date(2026, 3, 5), "6000.00"),
        (o.rep2a1, date(2026, 3, 6), "1000.00"),
    ):
        tf.order(
            tf.customer(rep),
            day,
            lines=[(amount, "0.00")],
            shares=[(rep, rep.team, rep.region, "100", amount, amount, True)],
        )
    achievements_recompute(as_of=date(2026, 3, 31))

    # --- the pipeline ---------------------------------------------------------------------------
    acme = Competitor.objects.create(name="Acme")
    bolt = Competitor.objects.create(name="Bolt")
    _opportunity(
        o.rep1a1, name="Lost on price", amount="3000.00", close=date(2026, 2, 28), lost=True,
        reason="Price too high", competitor=acme, closed_on=date(2026, 2, 20),
    )  # fmt: skip
    _opportunity(
        o.rep1a2, name="Lost on delivery", amount="2000.00", close=date(2026, 3, 31), lost=True,
        reason="Delivery time", competitor=bolt, closed_on=date(2026, 3, 15),
    )  # fmt: skip
    # Lost in 2025-Q4: not this quarter's.
    _opportunity(
        o.rep1a1, name="Lost last year", amount="900.00", close=date(2025, 12, 31), lost=True,
        reason="Price too high", competitor=acme, closed_on=date(2025, 12, 20),
    )  # fmt: skip
    # Another team's lost deal.
    _opportunity(
        o.rep2a1, name="South lost", amount="700.00", close=date(2026, 3, 1), lost=True,
        reason="Price too high", competitor=acme, closed_on=date(2026, 3, 2),
    )  # fmt: skip
    # Open, last changed 2026-02-01: idle 68 days on 2026-04-10 (>= 30): stale.
    stale = _opportunity(
        o.rep1a1, name="Quiet lead", amount="4000.00", close=date(2026, 6, 30), changed=datetime(2026, 2, 1, 9)
    )
    # Open, changed 2026-04-01 (9 days), closing in May: not stale.
    _opportunity(o.rep1a2, name="Busy lead", amount="5000.00", close=date(2026, 5, 31), changed=datetime(2026, 4, 1, 9))
    # Another team's idle opportunity.
    _opportunity(
        o.rep2a1, name="South quiet", amount="800.00", close=date(2026, 6, 30), changed=datetime(2026, 1, 10, 9)
    )

    # --- appraisal: the quarter's scorecards ----------------------------------------------------
    scheme = rep_scheme()
    t1a_period = _appraisal(o.t1a)
    card1 = _card(t1a_period, o.rep1a1, "72.50", "C", scheme)
    card2 = _card(t1a_period, o.rep1a2, "91.00", "A", scheme)
    _card(_appraisal(o.t2a), o.rep2a1, "55.00", "D", scheme)

    # --- last quarter's meeting and its two action items: one done, one overdue -------------------
    previous = ReviewMeeting.objects.create(
        period="2025-Q4",
        start=date(2025, 10, 1),
        end=date(2025, 12, 31),
        team=o.t1a,
        region=o.r1,
        date=date(2026, 1, 8),
        held_by=o.tm1a,
    )
    overdue = ActionItem.objects.create(
        review_meeting=previous, owner=o.rep1a1, coach=o.tm1a, team=o.t1a, region=o.r1,
        title="Call every overdue account", due_on=date(2026, 4, 1),
    )  # fmt: skip
    done = ActionItem.objects.create(
        review_meeting=previous, owner=o.rep1a2, coach=o.tm1a, team=o.t1a, region=o.r1,
        title="Send the Q1 visit plan", due_on=date(2026, 3, 20), status=ActionItemStatus.DONE,
        done_on=date(2026, 3, 19),
    )  # fmt: skip
    # Open but due after the meeting: not overdue.
    ActionItem.objects.create(
        owner=o.rep1a2, coach=o.tm1a, team=o.t1a, region=o.r1, title="Quote Busy lead", due_on=date(2026, 4, 30)
    )
    # Another team's overdue item.
    ActionItem.objects.create(
        owner=o.rep2a1, coach=o.tm2a, team=o.t2a, region=o.r2, title="South follow-up", due_on=date(2026, 3, 1)
    )
    meeting = review_meeting_create(by=o.tm1a.user, period="2026-Q1", on=MEETING_DAY, team=o.t1a)
    return {
        "meeting": meeting,
        "previous": previous,
        "stale": stale,
        "cards": (card1, card2),
        "overdue": overdue,
        "done": done,
        "acme": acme,
        "bolt": bolt,
    }


@pytest.mark.django_db
def test_the_agenda_of_a_team_lists_exactly_what_the_numbers_imply(org, world):
    o = org
    agenda = review_agenda(user=o.tm1a.user, meeting=world["meeting"], today=MEETING_DAY)

    assert agenda.as_of == MEETING_DAY
    # Target against actual and time progress (Q1 has ended on 2026-03-31: time progress 1.0000).
    # rep1a1: 8000.00 / 10000.00 = 0.8000, below 1.0000: behind.
    # rep1a2: 6000.00 / 5000.00 = 1.2000: not behind.
    # Shanghai 1 (what was recorded on the team): 8000.00 + 6000.00 = 14000.00 / 15000.00 = 0.9333: behind.
    # junior1a has no target: not listed; Guangzhou 1 and rep2a1 are another team.
    assert [
        (line.owner, line.metric, line.target, line.actual, line.rate, line.time_progress, line.is_behind)
        for line in agenda.targets
    ] == [
        ("rep1a1", "sales_amount", D("10000.00"), D("8000.00"), D("0.8000"), D("1.0000"), True),
        ("rep1a2", "sales_amount", D("5000.00"), D("6000.00"), D("1.2000"), D("1.0000"), False),
        ("Shanghai 1", "sales_amount", D("15000.00"), D("14000.00"), D("0.9333"), D("1.0000"), True),
    ]
    # Lost in Q1 by reason and competitor, the most frequent (then the largest) first; 2025-Q4's
    # loss and Guangzhou 1's are not this quarter's or this team's.
    assert [(row["lost_reason"], row["competitor_name"], row["count"], row["amount"]) for row in agenda.lost_deals] == [
        ("Price too high", "Acme", 1, Decimal("3000.00")),
        ("Delivery time", "Bolt", 1, Decimal("2000.00")),
    ]
    # Stale: Quiet lead (no change since 2026-02-01: 68 days >= 30); Busy lead changed 9 days ago.
    assert [(opp.name, opp.is_idle, opp.is_past_close) for opp in agenda.stale_pipeline] == [
        ("Quiet lead", True, False)
    ]
    # KPI scores of 2026-Q1, the best first.
    assert [(card.person.name, card.total_score, card.grade) for card in agenda.scorecards] == [
        ("rep1a2", Decimal("91.00"), "A"),
        ("rep1a1", Decimal("72.50"), "C"),
    ]
    # Overdue on 2026-04-10: due 2026-04-01 and open. The done item and the one due 2026-04-30 are not.
    assert [item.title for item in agenda.overdue_actions] == ["Call every overdue account"]
    # The method's six questions, installed by the data migration, in order.
    assert [q["label"] for q in agenda.questions] == [
        "What result do you want by the end of the year?",
        "Which obstacles stand in the way?",
        "What are the strengths and weaknesses of your territory?",
        "If this quarter's target is missed, what does it mean for the year?",
        "Which of last quarter's results were progress, and how did you make it?",
        "How will you make up what last quarter missed?",
    ]
    # What came of 2025-Q4's decisions: one done, one still open.
    assert agenda.previous == world["previous"]
    assert sorted((item.title, item.status) for item in agenda.previous_actions) == [
        ("Call every overdue account", "open"),
        ("Send the Q1 visit plan", "done"),
    ]
    assert (agenda.previous_done, agenda.previous_open) == (1, 1)


@pytest.mark.django_db
def test_the_agenda_runs_a_fixed_number_of_queries(org, world):
    o = org
    meeting = world["meeting"]
    user = o.tm1a.user
    review_agenda(user=user, meeting=meeting, today=MEETING_DAY)  # the viewer is read once per user
    with CaptureQueriesContext(connection) as small:
        review_agenda(user=user, meeting=meeting, today=MEETING_DAY)
    # Grow the team: a rep with a target, a stale opportunity, an overdue item and a scorecard.
    from staff.tests.factories import PersonFactory

    extra = PersonFactory(name="rep1a3", team=o.t1a, region=o.r1, manager=o.tm1a)
    tf.target(extra, period="2026-Q1", value="1000.00", status="approved")
    achievements_recompute(as_of=date(2026, 3, 31))
    _opportunity(extra, name="Extra quiet", amount="10.00", close=date(2026, 3, 1), changed=datetime(2026, 1, 2))
    ActionItem.objects.create(
        owner=extra, coach=o.tm1a, team=o.t1a, region=o.r1, title="Extra", due_on=date(2026, 4, 2),
        review_meeting=world["previous"],
    )  # fmt: skip
    _card(world["cards"][0].appraisal_period, extra, "10.00", "D", world["cards"][0].scheme)
    with CaptureQueriesContext(connection) as large:
        agenda = review_agenda(user=user, meeting=meeting, today=MEETING_DAY)
    assert len(agenda.targets) == 4 and len(agenda.stale_pipeline) == 2 and len(agenda.overdue_actions) == 2
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_a_rep_reads_the_meeting_of_their_team_with_their_own_numbers_only(org, world):
    o = org
    agenda = review_agenda(user=o.rep1a1.user, meeting=world["meeting"], today=MEETING_DAY)
    # A rep's data scope is self: the meeting's agenda shows the rep's own lines.
    assert [line.owner for line in agenda.targets] == ["rep1a1"]
    assert [row["lost_reason"] for row in agenda.lost_deals] == ["Price too high"]
    assert [card.person for card in agenda.scorecards] == [o.rep1a1]
    assert ReviewMeeting.objects.visible_to(o.rep1a1.user).filter(pk=world["meeting"].pk).exists()
    # Another team's rep does not see it at all.
    assert not ReviewMeeting.objects.visible_to(o.rep2a1.user).filter(pk=world["meeting"].pk).exists()


@pytest.mark.django_db
def test_decisions_are_recorded_and_the_next_meeting_shows_what_came_of_them(org, world):
    o = org
    meeting = world["meeting"]
    # At the 2026-Q1 meeting: an improvement plan for rep1a1, a reward for rep1a2, one action item.
    outcome = review_meeting_record_outcome(
        meeting=meeting, by=o.tm1a.user, person=o.rep1a1, kind="improvement_plan", reason="20 % short of target"
    )
    reward = review_meeting_record_outcome(
        meeting=meeting, by=o.tm1a.user, person=o.rep1a2, kind="reward", reason="120 %", amount=Decimal("500.00")
    )
    item = review_meeting_add_action(
        meeting=meeting, by=o.tm1a.user, owner=o.rep1a1, title="Two visits a day", due_on=date(2026, 5, 31),
        today=MEETING_DAY,
    )  # fmt: skip
    # The outcome is appraisal's, dated on the meeting day, on the person's 2026-Q1 scorecard.
    assert (outcome.date, outcome.scorecard, outcome.decided_by, outcome.team) == (
        MEETING_DAY,
        world["cards"][0],
        o.tm1a,
        o.t1a,
    )
    assert reward.amount == Decimal("500.00")
    assert set(meeting.outcomes.all()) == {outcome, reward}
    assert (item.review_meeting, item.coach, item.owner, item.status) == (meeting, o.tm1a, o.rep1a1, "open")
    assert meeting.history.count() >= 2  # created, then the outcomes linked
    review_meeting_update(
        meeting=meeting,
        by=o.tm1a.user,
        notes="Pricing discipline",
        answers={ReviewQuestion.objects.first().pk: "Make the year's 60000.00"},
    )
    meeting.refresh_from_db()
    assert meeting.notes == "Pricing discipline"
    assert list(meeting.answers.values()) == ["Make the year's 60000.00"]

    # The item is followed up and done like any coaching action; the 2026-Q2 meeting shows it.
    from training.services import action_item_close

    action_item_close(item=item, by=o.tm1a.user, on=date(2026, 5, 20))
    q2 = review_meeting_create(by=o.rm1.user, period="2026-Q2", on=date(2026, 7, 9), team=o.t1a)
    agenda = review_agenda(user=o.tm1a.user, meeting=q2, today=date(2026, 7, 9))
    assert agenda.previous == meeting
    assert [(i.title, i.status) for i in agenda.previous_actions] == [("Two visits a day", "done")]
    assert {x.pk for x in agenda.previous_outcomes} == {outcome.pk, reward.pk}
    assert (agenda.previous_done, agenda.previous_open) == (1, 0)


@pytest.mark.django_db
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(org, world):
    o = org
    meeting = world["meeting"]
    before = (ReviewMeeting.objects.count(), Outcome.objects.count(), ActionItem.objects.count())
    cases = [
        (lambda: review_meeting_create(by=o.tm1a.user, period="2026-04", on=MEETING_DAY, team=o.t1a), "period"),
        (lambda: review_meeting_create(by=o.tm1a.user, period="2026-Q1", on=MEETING_DAY, team=o.t1a), "period"),
        (lambda: review_meeting_create(by=o.tm1a.user, period="2026-Q3", on=MEETING_DAY), "team"),
        (
            lambda: review_meeting_create(by=o.tm1a.user, period="2026-Q3", on=MEETING_DAY, team=o.t1a, stale_days=0),
            "stale_days",
        ),
        (lambda: review_meeting_update(meeting=meeting, by=o.tm1a.user, answers={999999: "x"}), "answers"),
        # rep1b1 is in Hangzhou 1: not a member of Shanghai 1's meeting.
        (
            lambda: review_meeting_record_outcome(
                meeting=meeting, by=o.rm1.user, person=o.rep1b1, kind="reward", reason="x", amount=Decimal(1)
            ),
            "person",
        ),
        (
            lambda: review_meeting_record_outcome(
                meeting=meeting, by=o.tm1a.user, person=o.rep1a1, kind="reward", reason="x"
            ),
            "amount",
        ),
        (
            lambda: review_meeting_add_action(
                meeting=meeting, by=o.tm1a.user, owner=o.rep1a1, title="", due_on=date(2026, 5, 1), today=MEETING_DAY
            ),
            "title",
        ),
        (
            lambda: review_meeting_add_action(
                meeting=meeting, by=o.rm1.user, owner=o.rep1b1, title="x", due_on=date(2026, 5, 1), today=MEETING_DAY
            ),
            "owner",
        ),
    ]
    for call, field in cases:
        with pytest.raises(ApplicationError) as caught:
            call()
        assert field in caught.value.fields, (field, caught.value.fields)
    assert (ReviewMeeting.objects.count(), Outcome.objects.count(), ActionItem.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [("tm1a", True), ("rm1", True), ("director", True), ("rep1a1", False), ("tm1b", False), ("rm2", False)],
)
def test_the_units_manager_line_holds_and_records_others_are_refused(org, world, role, allowed):
    """The unit's manager, the managers above it and the director may; a rep of the team, another
    team's manager and another region's manager may not (403 here; the pages and API answer 404
    where the meeting is outside their scope)."""
    o = org
    actor = getattr(o, role).user
    meeting = world["meeting"]
    calls = [
        lambda: review_meeting_create(by=actor, period="2026-Q3", on=date(2026, 10, 9), team=o.t1a),
        lambda: review_meeting_update(meeting=meeting, by=actor, notes="minutes"),
        lambda: review_meeting_record_outcome(
            meeting=meeting, by=actor, person=o.rep1a1, kind="improvement_plan", reason="short"
        ),
        lambda: review_meeting_add_action(
            meeting=meeting, by=actor, owner=o.rep1a1, title="x", due_on=date(2026, 5, 1), today=MEETING_DAY
        ),
    ]
    before = (ReviewMeeting.objects.count(), Outcome.objects.count(), ActionItem.objects.count())
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(NotAllowed):
                call()
    if not allowed:
        meeting.refresh_from_db()
        assert meeting.notes == ""
        assert (ReviewMeeting.objects.count(), Outcome.objects.count(), ActionItem.objects.count()) == before
    else:
        assert ReviewMeeting.objects.filter(period="2026-Q3", team=o.t1a).exists()


@pytest.mark.django_db
def test_a_region_meeting_covers_its_teams(org, world):
    o = org
    meeting = review_meeting_create(by=o.rm1.user, period="2026-Q1", on=MEETING_DAY, region=o.r1)
    agenda = review_agenda(user=o.rm1.user, meeting=meeting, today=MEETING_DAY)
    # East's members are its teams: Shanghai 1 (14000.00 / 15000.00); Hangzhou 1 has no target.
    assert [(line.owner, line.actual) for line in agenda.targets] == [("Shanghai 1", Decimal("14000.00"))]
    assert [opp.name for opp in agenda.stale_pipeline] == ["Quiet lead"]
    with pytest.raises(NotAllowed):
        review_meeting_create(by=o.tm1a.user, period="2026-Q2", on=MEETING_DAY, region=o.r1)


# --- pages and API ---------------------------------------------------------------------------


def _api(person):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(person.user)
    return client


def _page(person, language: str = "en"):
    from django.test import Client

    client = Client(headers={"accept-language": language})
    client.force_login(person.user)
    return client


@pytest.mark.django_db
def test_the_page_shows_the_agenda_and_records_decisions(org, world):
    o = org
    meeting = world["meeting"]
    url = f"/training/reviews/{meeting.pk}/"
    response = _page(o.tm1a).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for text in ("Quiet lead", "Price too high", "Acme", "Call every overdue account", "Send the Q1 visit plan"):
        assert text in body
    assert "South quiet" not in body and "South follow-up" not in body
    due = (timezone.localdate() + timezone.timedelta(days=20)).isoformat()
    response = _page(o.tm1a).post(
        url, {"action": "action-item", "owner": o.rep1a2.pk, "title": "Weekly pipeline call", "due_on": due}
    )
    assert response.status_code == 302
    response = _page(o.tm1a).post(
        url, {"action": "outcome", "person": o.rep1a1.pk, "kind": "penalty", "reason": "Short", "amount": ""}
    )
    # A penalty needs an amount: the form says so and nothing is written.
    assert response.status_code == 200 and "Give an amount above 0." in response.content.decode()
    assert not meeting.outcomes.exists()
    assert ActionItem.objects.get(review_meeting=meeting).title == "Weekly pipeline call"


@pytest.mark.django_db
def test_pages_in_chinese(org, world):
    response = _page(org.tm1a, "zh-hans").get(f"/training/reviews/{world['meeting'].pk}/")
    body = response.content.decode()
    for text in (
        "季度复盘会议",
        "目标、实际与时间进度",
        "丢单原因与竞争对手",
        "停滞的商机",
        "逾期的行动项",
        "你想在年底达成什么样的成果（年终目标）？",
    ):
        assert text in body, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "get", "post"),
    [
        ("tm1a", 200, 302),  # the team's manager
        ("rm1", 200, 302),  # the region's manager, above the team
        ("director", 200, 302),
        ("rep1a1", 200, 403),  # a rep of the team reads their team's meeting, records nothing
        ("tm1b", 404, 404),  # another team's manager: outside the scope
        ("rep2a1", 404, 404),
    ],
)
def test_page_answers_per_role(org, world, role, get, post):
    client = _page(getattr(org, role))
    url = f"/training/reviews/{world['meeting'].pk}/"
    assert client.get(url).status_code == get
    assert (
        client.post(url, {"action": "minutes", "date": "2026-04-10", "stale_days": 30, "notes": "x"}).status_code
        == post
    )
    world["meeting"].refresh_from_db()
    assert world["meeting"].notes == ("x" if post == 302 else "")


@pytest.mark.django_db
def test_the_api_opens_shows_and_records(org, world):
    o = org
    client = _api(o.tm1a)
    response = client.post(
        "/api/v1/review-meetings/", {"period": "2026-Q2", "team": o.t1a.pk, "date": "2026-07-09"}, format="json"
    )
    assert response.status_code == 201, response.content
    meeting = world["meeting"]
    detail = client.get(f"/api/v1/review-meetings/{meeting.pk}/").json()
    assert [row["owner"] for row in detail["agenda"]["targets"]] == ["rep1a1", "rep1a2", "Shanghai 1"]
    assert detail["agenda"]["targets"][0]["rate"] == "0.8000"
    assert [(r["lost_reason"], r["amount"]) for r in detail["agenda"]["lost_deals"]] == [
        ("Price too high", "3000.00"),
        ("Delivery time", "2000.00"),
    ]
    assert [r["name"] for r in detail["agenda"]["stale_pipeline"]] == ["Quiet lead"]
    assert [r["title"] for r in detail["agenda"]["overdue_action_items"]] == ["Call every overdue account"]
    outcome = client.post(
        f"/api/v1/review-meetings/{meeting.pk}/outcomes/",
        {"person": o.rep1a1.pk, "kind": "improvement_plan", "reason": "20 % short"},
        format="json",
    )
    assert outcome.status_code == 201, outcome.content
    due = (timezone.localdate() + timezone.timedelta(days=20)).isoformat()
    item = client.post(
        f"/api/v1/review-meetings/{meeting.pk}/action-items/",
        {"owner": o.rep1a1.pk, "title": "Two visits a day", "due_on": due},
        format="json",
    )
    assert item.status_code == 201 and item.json()["review_meeting"] == meeting.pk
    decisions = client.get(f"/api/v1/review-meetings/{meeting.pk}/").json()["decisions"]
    assert [d["kind"] for d in decisions["outcomes"]] == ["improvement_plan"]
    assert [d["title"] for d in decisions["action_items"]] == ["Two visits a day"]
    # Bad input: 400 naming the field, nothing written.
    bad = client.post(f"/api/v1/review-meetings/{meeting.pk}/minutes/", {"stale_days": 0}, format="json")
    assert bad.status_code == 400 and "stale_days" in bad.json()
    # A person of another team is not a choice: answered like a missing id.
    hidden = client.post(
        f"/api/v1/review-meetings/{meeting.pk}/outcomes/",
        {"person": o.rep2a1.pk, "kind": "improvement_plan", "reason": "x"},
        format="json",
    )
    assert hidden.status_code == 400 and "person" in hidden.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "read", "write"),
    [("rep1a1", 200, 403), ("tm1b", 404, 404), ("rm2", 404, 404), ("rm1", 200, 201), ("director", 200, 201)],
)
def test_api_answers_per_role(org, world, role, read, write):
    client = _api(getattr(org, role))
    meeting = world["meeting"]
    assert client.get(f"/api/v1/review-meetings/{meeting.pk}/").status_code == read
    response = client.post(
        f"/api/v1/review-meetings/{meeting.pk}/outcomes/",
        {"person": org.rep1a1.pk, "kind": "improvement_plan", "reason": "x"},
        format="json",
    )
    assert response.status_code == write
    assert meeting.outcomes.count() == (1 if write == 201 else 0)


@pytest.mark.django_db
def test_the_list_runs_a_fixed_number_of_queries(org):
    o = org

    def meetings(n: int, start_year: int) -> None:
        for year in range(start_year, start_year + n):
            for team in (o.t1a, o.t1b):
                review_meeting_create(by=o.director.user, period=f"{year}-Q1", on=date(year, 4, 8), team=team)

    client = _api(o.director)
    meetings(1, 2020)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/review-meetings/").json()["count"] == 2
    meetings(3, 2021)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/review-meetings/").json()["count"] == 8
    assert len(large.captured_queries) == len(small.captured_queries)
    page = _page(o.director)
    with CaptureQueriesContext(connection) as small_page:
        assert page.get("/training/reviews/?period=2020-Q1").status_code == 200
    with CaptureQueriesContext(connection) as large_page:
        assert page.get("/training/reviews/").status_code == 200
    assert len(large_page.captured_queries) == len(small_page.captured_queries)
