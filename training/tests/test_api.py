"""Training API: scope (a rep's review is theirs, not their peers'), 400s naming the field, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fieldwork.models import VisitKind
from training.models import ActionItem, CoachingSession, SessionKind, TrainingSuggestion, WorkReport
from training.tests.api_rows import make_rows
from training.tests.factories import ActionItemFactory, CourseFactory, visit

pytestmark = pytest.mark.django_db


def client_for(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def test_joint_visit_review_is_readable_by_the_rep_and_not_by_a_peer(org):
    today = timezone.localdate()
    joint = visit(org.rep1a1, on=today, kind=VisitKind.JOINT, manager=org.tm1a)
    response = client_for(org.tm1a).post(
        "/api/v1/coaching-sessions/",
        {
            "kind": "joint_visit_review",
            "date": today.isoformat(),
            "person": org.rep1a1.pk,
            "visit": joint.pk,
            "did_well": "Listened to the buyer",
            "to_improve": "Ask for the order",
            "action_items": [{"title": "Send the quote", "due_on": (today + timedelta(days=3)).isoformat()}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    review_id = response.json()["id"]
    url = f"/api/v1/coaching-sessions/{review_id}/"

    rep = client_for(org.rep1a1).get(url)
    assert rep.status_code == 200
    assert rep.json()["to_improve"] == "Ask for the order"
    assert client_for(org.rep1a2).get(url).status_code == 404  # a peer in the same team
    assert client_for(org.rep1b1).get(url).status_code == 404
    assert client_for(org.tm1b).get(url).status_code == 404  # another team's manager
    assert client_for(org.rm1).get(url).status_code == 200  # the region's manager
    # The rep's action item is theirs; the peer cannot see it.
    item_id = rep.json()["action_items"][0]["id"]
    assert client_for(org.rep1a1).get(f"/api/v1/action-items/{item_id}/").status_code == 200
    assert client_for(org.rep1a2).get(f"/api/v1/action-items/{item_id}/").status_code == 404
    # The pages follow the same rule.
    page = reverse("training:session-detail", args=[review_id])
    client = APIClient()
    client.force_login(org.rep1a2.user)
    assert client.get(page).status_code == 404
    client.force_login(org.rep1a1.user)
    assert client.get(page).status_code == 200


def test_a_bad_session_answers_400_naming_the_field_and_writes_nothing(org):
    today = timezone.localdate()
    plain = visit(org.rep1a1, on=today)
    response = client_for(org.tm1a).post(
        "/api/v1/coaching-sessions/",
        {
            "kind": "joint_visit_review",
            "date": today.isoformat(),
            "person": org.rep1a1.pk,
            "visit": plain.pk,
            "did_well": "a",
            "to_improve": "b",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "visit" in response.json()
    # Someone outside the manager's scope is an unknown person to them.
    response = client_for(org.tm1b).post(
        "/api/v1/coaching-sessions/",
        {"kind": "one_on_one", "date": today.isoformat(), "person": org.rep1a1.pk, "discussed": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert "person" in response.json()
    assert CoachingSession.objects.count() == 0


def test_follow_up_and_close_through_the_api(org):
    today = timezone.localdate()
    item = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=today)
    url = f"/api/v1/action-items/{item.pk}/"
    response = client_for(org.tm1a).post(url + "follow-ups/", {"date": today.isoformat(), "note": ""}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    response = client_for(org.tm1a).post(
        url + "follow-ups/", {"date": today.isoformat(), "note": "Called twice"}, format="json"
    )
    assert response.status_code == 201
    refused = client_for(org.rep1a1).post(url + "close/", {"status": "done", "date": today.isoformat()})
    assert refused.status_code == 403  # the owner does not close their own item
    assert refused.json()["detail"] == "Only rep1a1's manager line does this."
    response = client_for(org.tm1a).post(url + "close/", {"status": "done", "date": today.isoformat()}, format="json")
    assert response.json()["status"] == "done"


def test_overdue_filter_lists_items_from_the_day_after_due(org):
    today = timezone.localdate()
    due_yesterday = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=today - timedelta(days=1))
    ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=today)  # due today: not yet overdue
    response = client_for(org.tm1a).get("/api/v1/action-items/?overdue=true")
    assert [row["id"] for row in response.json()["results"]] == [due_yesterday.pk]


def test_rep_submits_a_work_report_and_the_manager_comments(org):
    today = timezone.localdate()
    response = client_for(org.rep1a1).post(
        "/api/v1/work-reports/", {"kind": "daily", "day": today.isoformat(), "summary": ""}, format="json"
    )
    assert response.status_code == 400 and "summary" in response.json()
    response = client_for(org.rep1a1).post(
        "/api/v1/work-reports/", {"kind": "daily", "day": today.isoformat(), "summary": "Met two buyers"}, format="json"
    )
    assert response.status_code == 201
    report_id = response.json()["id"]
    assert response.json()["numbers"]["visits"] == 0
    comment = client_for(org.tm1a).post(f"/api/v1/work-reports/{report_id}/comments/", {"text": "Good, follow up"})
    assert comment.status_code == 201
    assert client_for(org.rep1a2).get(f"/api/v1/work-reports/{report_id}/").status_code == 404
    assert WorkReport.objects.get().comments.count() == 1


def test_manager_accepts_a_suggestion_through_the_api(org):
    from training.services import training_suggestions_generate

    CourseFactory(topic="collection")
    [suggestion] = training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"collection_rate": "0.6"}},
        kpi_targets={"collection_rate": "0.9"},
        period="2026-Q1",
    )
    url = f"/api/v1/training-suggestions/{suggestion.pk}/"
    assert client_for(org.rep1a2).post(url + "accept/").status_code == 404
    refused = client_for(org.rep1a1).post(url + "accept/")  # a rep does not decide their own
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only rep1a1's manager line does this."
    response = client_for(org.tm1a).post(url + "accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert TrainingSuggestion.objects.get().status == "accepted"


ENDPOINTS = [
    "/api/v1/courses/",
    "/api/v1/enrollments/",
    "/api/v1/coaching-sessions/",
    "/api/v1/action-items/",
    "/api/v1/work-reports/",
    "/api/v1/training-suggestions/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("rows", [3, 30])
def test_list_endpoints_cost_the_same_queries_at_any_size(org, django_assert_max_num_queries, url, rows):
    make_rows(org, rows)
    client = client_for(org.tm1a)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= rows


def test_a_rep_sees_only_their_own_action_items(org):
    mine = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a)
    ActionItemFactory(owner=org.rep1a2, coach=org.tm1a)
    response = client_for(org.rep1a1).get("/api/v1/action-items/")
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]
    assert ActionItem.objects.count() == 2
    assert SessionKind.ONE_ON_ONE == "one_on_one"


def test_team_meeting_minutes_are_read_by_the_team_only(org):
    today = timezone.localdate()
    response = client_for(org.tm1a).post(
        "/api/v1/coaching-sessions/",
        {"kind": "team_meeting", "date": today.isoformat(), "topic": "Weekly targets review"},
        format="json",
    )
    assert response.status_code == 201, response.content
    url = f"/api/v1/coaching-sessions/{response.json()['id']}/"
    assert client_for(org.rep1a2).get(url).status_code == 200  # a member of T1a
    assert client_for(org.rep1b1).get(url).status_code == 404  # another team
    assert client_for(org.tm1b).get(url).status_code == 404
