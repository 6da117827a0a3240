"""Who may open periods, score, approve and decide outcomes (the authority rule): 403 with the
rule's message in scope, 404 outside it, and nothing changed when refused."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from appraisal.forms import PeriodOpenForm, StatementComputeForm
from appraisal.models import AppraisalPeriod, Outcome, OutcomeKind, Scorecard, ScorecardStatus
from appraisal.services import (
    appraisal_period_close,
    appraisal_period_open,
    appraisal_period_publish_rankings,
    appraisal_period_refresh,
    outcome_confirm,
    outcome_create,
    scorecard_approve,
    scorecard_review_update,
    scorecard_submit,
)
from appraisal.tests import factories as f
from salesorg.exceptions import ApplicationError, NotAllowed
from staff.attribution import unit_on
from staff.models import EmploymentEvent, EventKind, Position
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)
UNIT = "Only a manager of this unit does this."
COMPANY = "Only a director or an admin does this for the whole company."


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


@pytest.fixture
def engine(org):
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))


@pytest.fixture
def opened(org, engine) -> AppraisalPeriod:
    return appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)


@pytest.fixture
def card(org, opened) -> Scorecard:
    return Scorecard.objects.get(appraisal_period=opened, person=org.rep1a1)


def submitted(card: Scorecard, by) -> Scorecard:
    scorecard_review_update(scorecard=card, by=by, data={"manager_comment": "ok", "root_cause": "late"})
    return scorecard_submit(scorecard=card, by=by)


# --- opening and running a period -------------------------------------------------------------


def test_a_period_is_opened_only_by_the_managers_of_its_unit(org, engine):
    refusals = [
        ("rep1a1", {"team": "t1a"}, UNIT),
        ("tm1b", {"team": "t1a"}, UNIT),
        ("tm1a", {"region": "r1"}, UNIT),
        ("rm2", {"team": "t1a"}, UNIT),
        ("tm1a", {}, COMPANY),
        ("rm1", {}, COMPANY),
    ]
    for who, unit, message in refusals:
        with pytest.raises(NotAllowed) as refused:
            appraisal_period_open(
                period="2026-02",
                opened_by=getattr(org, who),
                today=TODAY,
                **{k: getattr(org, v) for k, v in unit.items()},
            )
        assert refused.value.message == message, who
    assert not AppraisalPeriod.objects.exists() and not Scorecard.objects.exists()
    # The regional manager opens for a team of the region; the director for the company.
    assert appraisal_period_open(period="2026-02", opened_by=org.rm1, team=org.t1a, today=TODAY).team == org.t1a
    company = appraisal_period_open(period="2026-02", opened_by=org.director, today=TODAY)
    assert company.history.first().history_user == org.director.user


def test_opening_through_the_api_hidden_unit_like_missing_and_403_in_scope(org, engine):
    hidden = api(org.tm1b).post("/api/v1/appraisal-periods/", {"period": "2026-02", "team": org.t1a.pk}, format="json")
    missing = api(org.tm1b).post("/api/v1/appraisal-periods/", {"period": "2026-02", "team": 999999}, format="json")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json()["team"] == [f'Invalid pk "{org.t1a.pk}" - object does not exist.']
    # The rep sees their own team, but does not manage it.
    answer = api(org.rep1a1).post(
        "/api/v1/appraisal-periods/", {"period": "2026-02", "team": org.t1a.pk}, format="json"
    )
    assert answer.status_code == 403 and answer.json()["detail"] == UNIT
    assert not AppraisalPeriod.objects.exists()


@pytest.mark.parametrize("who", ["rep1a1", "tm1b", "rm2"])
def test_period_steps_are_the_units_managers(org, opened, who):
    person = getattr(org, who)
    before = row(AppraisalPeriod, opened.pk)
    for step in (
        lambda: appraisal_period_publish_rankings(appraisal=opened, by=person, published=True),
        lambda: appraisal_period_refresh(appraisal=opened, by=person),
        lambda: appraisal_period_close(appraisal=opened, by=person),
    ):
        with pytest.raises(NotAllowed) as refused:
            step()
        assert refused.value.message == UNIT
    assert row(AppraisalPeriod, opened.pk) == before


def test_period_steps_on_the_page(client, org, opened):
    # The rep sees the period through their own card: 403, and no buttons.
    client.force_login(org.rep1a1.user)
    assert client.post(f"/appraisal/periods/{opened.pk}/publish/").status_code == 403
    assert "Publish rankings" not in client.get(f"/appraisal/periods/{opened.pk}/").content.decode()
    # Another team's manager does not see it at all.
    client.force_login(org.tm1b.user)
    assert client.post(f"/appraisal/periods/{opened.pk}/publish/").status_code == 404
    assert not AppraisalPeriod.objects.get(pk=opened.pk).rankings_published
    client.force_login(org.rm1.user)
    assert "Publish rankings" in client.get(f"/appraisal/periods/{opened.pk}/").content.decode()
    assert client.post(f"/appraisal/periods/{opened.pk}/publish/").status_code == 302
    assert AppraisalPeriod.objects.get(pk=opened.pk).rankings_published


def test_the_open_form_offers_only_visible_units(org):
    form = PeriodOpenForm(user=org.tm1a.user)
    assert list(form.fields["team"].queryset) == [org.t1a]
    compute = StatementComputeForm(user=org.rm2.user)
    assert list(compute.fields["team"].queryset) == [org.t2a]
    assert list(compute.fields["region"].queryset) == [org.r2]


# --- scoring and approving --------------------------------------------------------------------


@pytest.mark.parametrize("who", ["rep1a2", "tm1b", "rm2"])
def test_scoring_is_the_persons_manager_line(org, card, who):
    person = getattr(org, who)
    before = row(Scorecard, card.pk)
    for step in (
        lambda: scorecard_review_update(scorecard=card, by=person, data={"manager_comment": "x"}),
        lambda: scorecard_submit(scorecard=card, by=person),
    ):
        with pytest.raises(NotAllowed) as refused:
            step()
        assert refused.value.message == "Only rep1a1's manager line appraises them."
    assert row(Scorecard, card.pk) == before


def test_a_scorecard_is_approved_by_a_second_person_above_the_scorer(org, card):
    submitted(card, org.tm1a)
    before = row(Scorecard, card.pk)
    refusals = [
        (org.tm1a, "Approval is by a second person: you scored this scorecard."),
        (org.rep1a1, "Approval is by a second person: this is your own scorecard."),
        (org.tm1b, "Only rep1a1's manager line approves this scorecard."),
        (org.rm2, "Only rep1a1's manager line approves this scorecard."),
    ]
    for person, message in refusals:
        with pytest.raises(NotAllowed) as refused:
            scorecard_approve(scorecard=card, by=person)
        assert refused.value.message == message
    assert row(Scorecard, card.pk) == before
    scorecard_approve(scorecard=card, by=org.rm1)
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.APPROVED


def test_a_card_scored_by_the_director_is_not_approved_by_anyone_below_them(org, card):
    submitted(card, org.director)
    for person, message in (
        (org.director, "Approval is by a second person: you scored this scorecard."),
        (org.rm1, "Only a manager above director, who scored this scorecard, approves it."),
    ):
        with pytest.raises(NotAllowed) as refused:
            scorecard_approve(scorecard=card, by=person)
        assert refused.value.message == message
    assert Scorecard.objects.get(pk=card.pk).status == ScorecardStatus.SUBMITTED


def test_the_scorecard_page_shows_only_the_steps_the_viewer_may_take(client, org, card):
    client.force_login(org.tm1a.user)
    assert "Submit for approval" in client.get(f"/appraisal/scorecards/{card.pk}/").content.decode()
    client.force_login(org.rep1a1.user)
    page = client.get(f"/appraisal/scorecards/{card.pk}/").content.decode()
    assert "Submit for approval" not in page and "Record outcome" not in page
    assert client.post(f"/appraisal/scorecards/{card.pk}/submit/").status_code == 403
    submitted(card, org.tm1a)
    client.force_login(org.tm1a.user)
    assert ">Approve<" not in client.get(f"/appraisal/scorecards/{card.pk}/").content.decode()
    client.force_login(org.rm1.user)
    assert ">Approve<" in client.get(f"/appraisal/scorecards/{card.pk}/").content.decode()


# --- outcomes ---------------------------------------------------------------------------------


def test_a_promotion_is_confirmed_one_level_above_the_manager_who_decided_it(client, org, card):
    outcome = outcome_create(
        person=org.rep1a1, scorecard=card, kind=OutcomeKind.PROMOTION, reason="Top", decided_by=org.tm1a, on=TODAY,
        to_position=Position.TEAM_MANAGER,
    )  # fmt: skip
    assert outcome.awaiting_confirmation
    refusals = [
        (org.tm1a, "A promotion or dismissal is confirmed by a second person, one level above."),
        (org.rep1a1, "Only rep1a1's manager line confirms this."),
        (org.tm1b, "Only rep1a1's manager line confirms this."),
        (org.rm2, "Only rep1a1's manager line confirms this."),
    ]
    for person, message in refusals:
        with pytest.raises(NotAllowed) as refused:
            outcome_confirm(outcome=outcome, by=person)
        assert refused.value.message == message
    client.force_login(org.tm1a.user)
    assert client.post(f"/appraisal/outcomes/{outcome.pk}/confirm/").status_code == 403
    assert row(Outcome, outcome.pk)["confirmed_at"] is None
    client.force_login(org.rm1.user)
    assert "Awaiting confirmation one level above" in client.get(f"/appraisal/scorecards/{card.pk}/").content.decode()
    assert client.post(f"/appraisal/outcomes/{outcome.pk}/confirm/").status_code == 302
    outcome.refresh_from_db()
    assert outcome.confirmed_by == org.rm1 and not outcome.awaiting_confirmation
    # Confirmed, the promotion is the person's employment event and their position from its date.
    event = EmploymentEvent.objects.get(person=org.rep1a1)
    assert (event.kind, event.date, event.to_position) == (EventKind.PROMOTED, TODAY, Position.TEAM_MANAGER)
    assert event.reason == "Appraisal outcome: Top" and event.recorded_by == org.rm1.user
    assert unit_on(org.rep1a1.pk, TODAY).position == Position.TEAM_MANAGER


def test_a_confirmed_dismissal_sets_the_leaving_date_and_a_warning_is_recorded(org, card):
    warning = outcome_create(
        person=org.rep1a2, kind=OutcomeKind.DISMISSAL_WARNING, reason="Low", decided_by=org.tm1a, on=TODAY
    )
    outcome_confirm(outcome=warning, by=org.rm1)
    dismissal = outcome_create(
        person=org.rep1a2, kind=OutcomeKind.DISMISSAL, reason="Lower", decided_by=org.tm1a, on=TODAY
    )
    outcome_confirm(outcome=dismissal, by=org.rm1)

    events = list(EmploymentEvent.objects.filter(person=org.rep1a2).order_by("id").values_list("kind", "reason"))
    assert events == [
        (EventKind.WARNED, "Appraisal outcome: Low"),
        (EventKind.DISMISSED, "Appraisal outcome: Lower"),
    ]
    org.rep1a2.refresh_from_db()
    assert org.rep1a2.left_on == TODAY and org.rep1a2.status == "left"


def test_a_promotion_outcome_names_its_position(org, card):
    with pytest.raises(ApplicationError) as refused:
        outcome_create(person=org.rep1a1, kind=OutcomeKind.PROMOTION, reason="x", decided_by=org.tm1a, on=TODAY)
    assert "to_position" in refused.value.fields
    assert not Outcome.objects.exists()


def test_a_dismissal_decided_by_the_director_is_not_confirmed_by_the_director(org, card):
    outcome = outcome_create(
        person=org.rep1a1, kind=OutcomeKind.DISMISSAL_WARNING, reason="Low", decided_by=org.director, on=TODAY
    )
    with pytest.raises(NotAllowed):
        outcome_confirm(outcome=outcome, by=org.director)
    with pytest.raises(NotAllowed) as refused:
        outcome_confirm(outcome=outcome, by=org.rm1)
    assert refused.value.message == "A promotion or dismissal is confirmed one level above the manager who decided it."
    assert row(Outcome, outcome.pk)["confirmed_at"] is None


def test_outcomes_are_decided_by_the_manager_line(org, card):
    for person in (org.rep1a2, org.tm1b, org.rm2):
        with pytest.raises(NotAllowed):
            outcome_create(
                person=org.rep1a1, kind=OutcomeKind.PROMOTION, reason="x", decided_by=person, on=TODAY,
                to_position=Position.TEAM_MANAGER,
            )  # fmt: skip
    assert not Outcome.objects.exists()
