"""The person appraised acknowledges their approved scorecard: once, with an optional comment,
nobody else; service, API and page."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from appraisal.models import Scorecard, ScorecardStatus
from appraisal.services import (
    appraisal_period_open,
    scorecard_acknowledge,
    scorecard_approve,
    scorecard_review_update,
    scorecard_submit,
)
from appraisal.tests import factories as f
from salesorg.exceptions import ApplicationError, NotAllowed
from targets.services import achievements_recompute

TODAY = date(2026, 3, 2)


@pytest.fixture
def card(org) -> Scorecard:
    """rep1a1's February card: scored by tm1a, approved by rm1 (the second person above)."""
    f.rep_scheme()
    achievements_recompute(as_of=date(2026, 3, 1))
    appraisal = appraisal_period_open(period="2026-02", opened_by=org.tm1a, team=org.t1a, today=TODAY)
    card = Scorecard.objects.get(appraisal_period=appraisal, person=org.rep1a1)
    scorecard_review_update(scorecard=card, by=org.tm1a, data={"manager_comment": "ok", "root_cause": "new rep"})
    scorecard_submit(scorecard=card, by=org.tm1a)
    return scorecard_approve(scorecard=card, by=org.rm1)


def test_the_rep_acknowledges_their_approved_scorecard_with_a_comment(org, card):
    scorecard_acknowledge(scorecard=card, by=org.rep1a1.user, comment="  I will visit more.  ")
    card.refresh_from_db()
    assert card.acknowledged_by == org.rep1a1
    assert card.acknowledged_at is not None
    assert card.acknowledgement_comment == "I will visit more."
    # History keeps the acknowledgement, by the rep's login.
    latest = card.history.first()
    assert (latest.acknowledged_by_id, latest.history_user_id, latest.history_change_reason) == (
        org.rep1a1.pk,
        org.rep1a1.user.pk,
        "acknowledged",
    )
    # The approval before it is still in the history.
    assert card.history.filter(status=ScorecardStatus.APPROVED, acknowledged_at__isnull=True).exists()


def test_a_second_acknowledgement_is_refused(org, card):
    scorecard_acknowledge(scorecard=card, by=org.rep1a1, comment="")
    with pytest.raises(ApplicationError) as refused:
        scorecard_acknowledge(scorecard=card, by=org.rep1a1, comment="again")
    assert refused.value.message.startswith("You acknowledged this scorecard on ")
    assert "acknowledged_at" in refused.value.fields
    card.refresh_from_db()
    assert card.acknowledgement_comment == ""


@pytest.mark.parametrize("who", ["tm1a", "rm1", "director", "rep1a2"])
def test_nobody_but_the_person_acknowledges_it(org, card, who):
    # The manager line (the scorer, the approver, the director) and another rep of the team.
    with pytest.raises(NotAllowed) as refused:
        scorecard_acknowledge(scorecard=card, by=getattr(org, who), comment="")
    assert refused.value.message == "Only rep1a1 acknowledges their own scorecard."
    card.refresh_from_db()
    assert card.acknowledged_at is None


def test_a_card_not_yet_approved_cannot_be_acknowledged(org, card):
    Scorecard.objects.filter(pk=card.pk).update(status=ScorecardStatus.SUBMITTED)
    card.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        scorecard_acknowledge(scorecard=card, by=org.rep1a1, comment="")
    assert refused.value.message == "This scorecard is Submitted: you acknowledge it once it is approved."
    assert Scorecard.objects.get(pk=card.pk).acknowledged_at is None


def test_the_api_action(org, card):
    rep = APIClient()
    rep.force_authenticate(org.rep1a1.user)
    manager = APIClient()
    manager.force_authenticate(org.tm1a.user)
    other_rep = APIClient()
    other_rep.force_authenticate(org.rep1a2.user)
    url = f"/api/v1/scorecards/{card.pk}/acknowledge/"
    # The manager sees the card but may not acknowledge it (403); another rep does not see it (404).
    assert manager.post(url, {"comment": "x"}, format="json").status_code == 403
    assert other_rep.post(url, {"comment": "x"}, format="json").status_code == 404
    answer = rep.post(url, {"comment": "Agreed."}, format="json")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["acknowledged_by"], body["acknowledgement_comment"]) == (org.rep1a1.pk, "Agreed.")
    assert body["acknowledged_at"]
    again = rep.post(url, {}, format="json")
    assert again.status_code == 400
    assert "acknowledged_at" in again.json()


def test_the_page_offers_the_button_to_the_person_only_and_shows_who_acknowledged(client, org, card):
    url = f"/appraisal/scorecards/{card.pk}/"
    client.force_login(org.tm1a.user)
    assert 'id="acknowledge-form"' not in client.get(url).content.decode()
    client.force_login(org.rep1a1.user)
    assert 'id="acknowledge-form"' in client.get(url).content.decode()
    answer = client.post(f"{url}acknowledge/", {"comment": "Thanks, agreed."})
    assert answer.status_code == 302
    html = client.get(url).content.decode()
    assert 'id="acknowledge-form"' not in html
    assert "Acknowledged by rep1a1 on " in html
    assert "Thanks, agreed." in html
    # The manager reads it too.
    client.force_login(org.tm1a.user)
    assert "Thanks, agreed." in client.get(url).content.decode()


def test_the_page_refuses_the_manager_with_403(client, org, card):
    client.force_login(org.tm1a.user)
    assert client.post(f"/appraisal/scorecards/{card.pk}/acknowledge/", {"comment": "x"}).status_code == 403
    assert Scorecard.objects.get(pk=card.pk).acknowledged_at is None
