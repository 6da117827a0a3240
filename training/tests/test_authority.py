"""Who may change training records (DESIGN.md, the authority rule): coaching, joint-visit reviews,
action items, report comments, enrollments and suggestion decisions belong to the person's manager
line; a report to its author. Outside the data scope the answer is 404 (a hidden id in a body: the
answer of a missing one); in scope but not allowed, 403 with the rule's message, and nothing written.

The actors, for records about rep1a1 (team T1a, manager tm1a, region R1 under rm1):
- a rep of the same team whose data scope is widened to the team (sees, may not change);
- tm1b, the manager of ANOTHER team (T1b): by default rep1a1 is out of their scope; widened to
  "all", they see rep1a1's records but still may not change them;
- rm1, the regional manager above, and the director: the manager line, allowed;
- rm2, another region's manager: out of scope.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fieldwork.models import VisitKind
from salesorg.exceptions import NotAllowed
from staff.scope import DataScope, forget_viewer
from training import services
from training.models import (
    ActionItem,
    CoachingSession,
    Enrollment,
    EnrollmentStatus,
    FollowUp,
    ReportComment,
    SuggestionStatus,
    TrainingSuggestion,
    WorkReport,
)
from training.services.coaching import joint_visit_reviewable
from training.tests.factories import ActionItemFactory, CourseFactory, visit

pytestmark = pytest.mark.django_db

LINE = "Only rep1a1's manager line does this."


def widen(person, scope: str):
    person.data_scope = scope
    person.save(update_fields=["data_scope"])
    forget_viewer(person.user)
    return person


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def page(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def actor(org, name: str):
    """The actor by name; the "wide" ones get a widened data scope first."""
    if name == "peer_wide":
        return widen(org.rep1a2, DataScope.OWN_UNIT)
    if name == "other_tm_wide":
        return widen(org.tm1b, DataScope.ALL)
    return {"other_tm": org.tm1b, "other_rm": org.rm2, "rm": org.rm1, "director": org.director}[name]


def assert_refused(response, message: str = LINE) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["detail"] == message


# --- Action items -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 404), ("other_tm_wide", 403), ("other_rm", 404), ("rm", 200), ("director", 200)],
)
def test_closing_an_action_item_is_the_owners_manager_line(org, name, expected):
    today = timezone.localdate()
    item = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=today)
    response = api(actor(org, name)).post(
        f"/api/v1/action-items/{item.pk}/close/", {"status": "done", "date": today.isoformat()}, format="json"
    )
    assert response.status_code == expected
    item.refresh_from_db()
    if expected == 403:
        assert_refused(response)
    assert item.status == ("done" if expected == 200 else "open")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 400), ("other_tm_wide", 403), ("other_rm", 400), ("rm", 201), ("director", 201)],
)
def test_setting_an_action_item_is_the_owners_manager_line(org, name, expected):
    body = {"owner": org.rep1a1.pk, "title": "Call the overdue accounts", "due_on": "2099-12-31"}
    response = api(actor(org, name)).post("/api/v1/action-items/", body, format="json")
    assert response.status_code == expected, response.content
    if expected == 403:
        assert_refused(response, "Only a manager records coaching sessions." if name == "peer_wide" else LINE)
    assert ActionItem.objects.count() == (1 if expected == 201 else 0)


def test_a_rep_sets_no_action_item_even_for_themselves(org):
    body = {"owner": org.rep1a1.pk, "title": "Mine", "due_on": "2099-12-31"}
    assert_refused(
        api(org.rep1a1).post("/api/v1/action-items/", body, format="json"), "Only a manager records coaching sessions."
    )
    assert ActionItem.objects.count() == 0


def test_the_owner_follows_up_but_does_not_mark_their_item_done(org):
    today = timezone.localdate()
    item = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=today)
    url = reverse("training:action-detail", args=[item.pk])
    response = page(org.rep1a1).post(url, {"date": today.isoformat(), "note": "Done, I think", "mark_done": "on"})
    assert response.status_code == 403
    assert (ActionItem.objects.get().status, FollowUp.objects.count()) == ("open", 0)
    # Without closing it, the owner's follow-up is recorded.
    response = page(org.rep1a1).post(url, {"date": today.isoformat(), "note": "Called three of five"})
    assert response.status_code == 302
    assert FollowUp.objects.get().author == org.rep1a1
    # A widened peer sees the item but does not follow it up.
    with pytest.raises(NotAllowed) as exc:
        services.action_item_follow_up(item=item, author=widen(org.rep1a2, DataScope.OWN_UNIT), on=today, note="x")
    assert exc.value.message == LINE
    assert FollowUp.objects.count() == 1


# --- Coaching sessions and joint-visit reviews -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 400), ("other_tm_wide", 403), ("other_rm", 400), ("rm", 201), ("director", 201)],
)
def test_a_one_on_one_is_the_persons_manager_line(org, name, expected):
    today = timezone.localdate()
    response = api(actor(org, name)).post(
        "/api/v1/coaching-sessions/",
        {"kind": "one_on_one", "date": today.isoformat(), "person": org.rep1a1.pk, "discussed": "Pipeline"},
        format="json",
    )
    assert response.status_code == expected, response.content
    if expected == 400:  # out of scope: the id is as unknown as a missing one
        assert "person" in response.json()
    if expected == 403:
        assert_refused(response, "Only a manager records coaching sessions." if name == "peer_wide" else LINE)
    assert CoachingSession.objects.count() == (1 if expected == 201 else 0)


def test_a_joint_visit_review_is_the_reps_manager_line(org):
    today = timezone.localdate()
    joint = visit(org.rep1a1, on=today, kind=VisitKind.JOINT, manager=org.tm1a)
    wide = widen(org.tm1b, DataScope.ALL)
    # The visit page offers the review to the manager line only, whatever the viewer sees.
    assert joint_visit_reviewable(visit=joint, by=org.tm1a)
    assert joint_visit_reviewable(visit=joint, by=org.rm1)
    assert not joint_visit_reviewable(visit=joint, by=wide)
    assert not joint_visit_reviewable(visit=joint, by=org.rep1a1)
    body = {
        "kind": "joint_visit_review",
        "date": today.isoformat(),
        "person": org.rep1a1.pk,
        "visit": joint.pk,
        "did_well": "Opened well",
        "to_improve": "Ask for the order",
    }
    assert_refused(api(wide).post("/api/v1/coaching-sessions/", body, format="json"))
    assert CoachingSession.objects.count() == 0
    assert api(org.tm1a).post("/api/v1/coaching-sessions/", body, format="json").status_code == 201


def test_a_team_meeting_is_held_by_a_manager_of_the_team(org):
    today = timezone.localdate()
    with pytest.raises(NotAllowed) as exc:
        services.coaching_session_create(
            kind="team_meeting", coach=widen(org.tm1b, DataScope.ALL), team=org.t1a, on=today, topic="x", today=today
        )
    assert exc.value.message == "Only a manager of this unit does this."
    assert CoachingSession.objects.count() == 0


# --- Work reports --------------------------------------------------------------------------------


def _report(org) -> WorkReport:
    return services.work_report_submit(
        person=org.rep1a1, kind="daily", day=date(2026, 3, 4), summary="Met two buyers", now=timezone.now()
    )


def test_a_report_is_written_by_its_author_only(org):
    with pytest.raises(NotAllowed) as exc:
        services.work_report_submit(
            person=org.rep1a1, by=org.tm1a, kind="daily", day=date(2026, 3, 4), summary="x", now=timezone.now()
        )
    assert exc.value.message == "Only the author changes this."
    assert WorkReport.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 404), ("other_tm_wide", 403), ("other_rm", 404), ("rm", 201), ("director", 201)],
)
def test_comments_on_a_report_are_the_authors_manager_line(org, name, expected):
    report = _report(org)
    response = api(actor(org, name)).post(f"/api/v1/work-reports/{report.pk}/comments/", {"text": "Follow up"})
    assert response.status_code == expected
    if expected == 403:
        assert_refused(response)
    assert ReportComment.objects.count() == (1 if expected == 201 else 0)


def test_the_author_does_not_comment_their_own_report_from_the_page(org):
    report = _report(org)
    response = page(org.rep1a1).post(reverse("training:report-detail", args=[report.pk]), {"text": "Me again"})
    assert response.status_code == 403
    assert ReportComment.objects.count() == 0


# --- Enrollments ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 400), ("other_tm_wide", 403), ("other_rm", 400), ("rm", 201), ("director", 201)],
)
def test_enrolling_someone_is_their_manager_line(org, name, expected):
    course = CourseFactory()
    response = api(actor(org, name)).post(
        "/api/v1/enrollments/", {"person": org.rep1a1.pk, "course": course.pk}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 403:
        assert_refused(response)
    assert Enrollment.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 404), ("other_tm_wide", 403), ("other_rm", 404), ("rm", 200), ("director", 200)],
)
def test_recording_a_result_is_the_persons_manager_line(org, name, expected):
    enrollment = services.enrollment_create(person=org.rep1a1, course=CourseFactory(), enrolled_on=date(2026, 3, 1))
    response = api(actor(org, name)).post(
        f"/api/v1/enrollments/{enrollment.pk}/result/", {"completed_on": "2026-03-05", "score": "80"}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 403:
        assert_refused(response)
    enrollment.refresh_from_db()
    assert enrollment.status == (EnrollmentStatus.COMPLETED if expected == 200 else EnrollmentStatus.ENROLLED)


def test_a_result_from_the_page_by_a_widened_manager_of_another_team_is_refused(org):
    enrollment = services.enrollment_create(person=org.rep1a1, course=CourseFactory(), enrolled_on=date(2026, 3, 1))
    response = page(widen(org.tm1b, DataScope.ALL)).post(
        reverse("training:enrollment-result", args=[enrollment.pk]), {"completed_on": "2026-03-05", "passed": "on"}
    )
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.completed_on) == (EnrollmentStatus.ENROLLED, None)
    # The same manager without the widened scope does not even find it.
    widen(org.tm1b, "")
    response = page(org.tm1b).post(
        reverse("training:enrollment-result", args=[enrollment.pk]), {"completed_on": "2026-03-05", "passed": "on"}
    )
    assert response.status_code == 404


# --- Training suggestions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("peer_wide", 403), ("other_tm", 404), ("other_tm_wide", 403), ("other_rm", 404), ("rm", 200), ("director", 200)],
)
@pytest.mark.parametrize("decision", ["accept", "dismiss"])
def test_deciding_a_suggestion_is_the_persons_manager_line(org, name, expected, decision):
    CourseFactory(topic="collection")
    [suggestion] = services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"collection_rate": "0.6"}},
        kpi_targets={"collection_rate": "0.9"},
        period="2026-Q1",
    )
    response = api(actor(org, name)).post(
        f"/api/v1/training-suggestions/{suggestion.pk}/{decision}/", {"note": "Not now"}, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 403:
        assert_refused(response)
    suggestion.refresh_from_db()
    decided = SuggestionStatus.ACCEPTED if decision == "accept" else SuggestionStatus.DISMISSED
    assert suggestion.status == (decided if expected == 200 else SuggestionStatus.OPEN)
    assert Enrollment.objects.count() == (1 if expected == 200 and decision == "accept" else 0)
    assert TrainingSuggestion.objects.count() == 1


def test_the_pages_show_the_decision_buttons_to_the_manager_line_only(org):
    CourseFactory(topic="collection")
    services.training_suggestions_generate(
        person_ids=[org.rep1a1.pk],
        kpi_values={org.rep1a1.pk: {"collection_rate": "0.6"}},
        kpi_targets={"collection_rate": "0.9"},
        period="2026-Q1",
    )
    url = reverse("training:suggestion-list")
    assert 'value="accept"' in page(org.tm1a).get(url).content.decode()
    assert 'value="accept"' not in page(widen(org.tm1b, DataScope.ALL)).get(url).content.decode()
    sessions = reverse("training:session-list")
    assert reverse("training:session-create") in page(org.tm1a).get(sessions).content.decode()
    assert reverse("training:session-create") not in page(org.rep1a1).get(sessions).content.decode()
