"""Coaching sessions, action items and their follow-ups."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from fieldwork.models import Visit, VisitKind
from salesorg.exceptions import ApplicationError
from staff import authority
from staff.models import Person, PersonStatus, Team
from training.models import ActionItem, ActionItemStatus, CoachingSession, FollowUp, ReviewMeeting, SessionKind
from training.services.common import require_text


@transaction.atomic
def coaching_session_create(
    *,
    kind: str,
    coach: Person,
    on: date,
    person: Person | None = None,
    team: Team | None = None,
    visit: Visit | None = None,
    topic: str = "",
    strengths: str = "",
    weaknesses: str = "",
    discussed: str = "",
    agreed_plan: str = "",
    did_well: str = "",
    to_improve: str = "",
    attendees: Iterable[Person] = (),
    action_items: Iterable[dict[str, Any]] = (),
    today: date,
) -> CoachingSession:
    """Record a session. A one-on-one or a joint-visit review is about one person of the coach's
    manager line ("people.coach"); a team meeting is held by a manager of the team ("units.manage")."""
    authority.require(coach, "coaching.record")
    if kind not in SessionKind.values:
        raise ApplicationError(_("Unknown kind of session."), fields={"kind": [_("Unknown kind of session.")]})
    if on > today:
        raise ApplicationError(_("A session is recorded after it took place."), fields={"date": [_("In the future.")]})
    person, team = _session_subject(kind=kind, coach=coach, person=person, team=team)
    _check_session_record(
        kind=kind,
        person=person,
        visit=visit,
        topic=topic,
        discussed=discussed,
        did_well=did_well,
        to_improve=to_improve,
    )
    session = CoachingSession.objects.create(
        kind=kind,
        coach=coach,
        person=person,
        team=team,
        region_id=person.region_id if person else team.region_id,
        date=on,
        visit=visit,
        topic=topic.strip(),
        strengths=strengths.strip(),
        weaknesses=weaknesses.strip(),
        discussed=discussed.strip(),
        agreed_plan=agreed_plan.strip(),
        did_well=did_well.strip(),
        to_improve=to_improve.strip(),
    )
    if attendees:
        session.attendees.set(attendees)
    for index, item in enumerate(action_items):
        try:
            action_item_create(
                coach=coach,
                owner=item.get("owner") or person or coach,
                title=item.get("title", ""),
                due_on=item.get("due_on"),
                session=session,
                today=today,
            )
        except ApplicationError as exc:
            raise ApplicationError(
                exc.message, fields={f"action_items[{index}].{f}": m for f, m in exc.fields.items()}
            ) from exc
    return session


def _session_subject(
    *, kind: str, coach: Person, person: Person | None, team: Team | None
) -> tuple[Person | None, Team | None]:
    """(person, team) of a session, once the coach may hold it: a team meeting is about the team
    (default: the coach's), held by a manager of it; any other session about one person of the
    coach's manager line, in that person's team."""
    if kind == SessionKind.TEAM_MEETING:
        team = team or coach.team
        if team is None:
            raise ApplicationError(_("Choose the team that met."), fields={"team": [_("This field is required.")]})
        authority.require(coach, "units.manage", team_id=team.pk, region_id=team.region_id)
        return None, team
    if person is None:
        raise ApplicationError(_("Choose the person coached."), fields={"person": [_("This field is required.")]})
    authority.require(coach, "people.coach", person)
    return person, person.team


def _check_session_record(
    *,
    kind: str,
    person: Person | None,
    visit: Visit | None,
    topic: str,
    discussed: str,
    did_well: str,
    to_improve: str,
) -> None:
    """What each kind of session must record: a joint-visit review its visit (and only it links
    one), what went well and what to improve; a one-on-one what was discussed; a meeting its topic."""
    if kind == SessionKind.JOINT_VISIT_REVIEW:
        _check_joint_visit(visit, person=person)
        require_text(did_well, field="did_well")
        require_text(to_improve, field="to_improve")
    elif visit is not None:
        raise ApplicationError(
            _("Only a joint-visit review links a visit."), fields={"visit": [_("Only for a joint-visit review.")]}
        )
    if kind == SessionKind.ONE_ON_ONE:
        require_text(discussed, field="discussed")
    if kind == SessionKind.TEAM_MEETING:
        require_text(topic, field="topic")


def joint_visit_reviewable(*, visit: Visit, by: Person) -> bool:
    """Whether `by` may record the review of this joint visit now: the checks of
    `coaching_session_create` for a joint-visit review, asked before the form is filled in."""
    if visit.kind != VisitKind.JOINT or visit.author.status == PersonStatus.LEFT:  # current people only
        return False
    if not authority.allowed(by, "people.coach", visit.author):
        return False
    return not CoachingSession.objects.filter(visit=visit).exists()


def _check_joint_visit(visit: Visit | None, *, person: Person) -> None:
    if visit is None:
        raise ApplicationError(
            _("A joint-visit review links the joint visit report."), fields={"visit": [_("This field is required.")]}
        )
    if visit.kind != VisitKind.JOINT:
        raise ApplicationError(_("This visit is not a joint visit."), fields={"visit": [_("Not a joint visit.")]})
    if visit.author_id != person.pk:
        raise ApplicationError(
            _("The joint visit was filed by someone else."), fields={"visit": [_("Filed by another rep.")]}
        )
    if CoachingSession.objects.filter(visit=visit).exists():
        raise ApplicationError(
            _("This joint visit has already been reviewed."), fields={"visit": [_("Already reviewed.")]}
        )


@transaction.atomic
def action_item_create(
    *,
    coach: Person,
    owner: Person,
    title: str,
    due_on: date | None,
    today: date,
    session: CoachingSession | None = None,
    review_meeting: ReviewMeeting | None = None,
) -> ActionItem:
    # A manager sets action items: for a person of their manager line, or for themselves.
    authority.require(coach, "coaching.record")
    if owner.pk != coach.pk:
        authority.require(coach, "people.coach", owner)
    title = require_text(title, field="title")
    if due_on is None:
        raise ApplicationError(_("Set a due date."), fields={"due_on": [_("This field is required.")]})
    if due_on < today:
        raise ApplicationError(_("The due date has passed."), fields={"due_on": [_("The due date has passed.")]})
    return ActionItem.objects.create(
        session=session,
        review_meeting=review_meeting,
        owner=owner,
        coach=coach,
        team_id=owner.team_id,
        region_id=owner.region_id,
        title=title,
        due_on=due_on,
    )


@transaction.atomic
def action_item_follow_up(
    *, item: ActionItem, author: Person, on: date, note: str, mark_done: bool = False
) -> FollowUp:
    """Record one check on an item: its owner, its coach or the owner's manager line; closing it at
    the same time is the manager line's (as `action_item_close`)."""
    if mark_done or author.pk not in (item.coach_id, item.owner_id):
        authority.require(author, "people.coach", item.owner)
    note = require_text(note, field="note")
    if item.status != ActionItemStatus.OPEN:
        raise ApplicationError(_("This action item is closed."), fields={"status": [_("Closed.")]})
    follow_up = FollowUp.objects.create(action_item=item, date=on, note=note, author=author)
    if mark_done:
        action_item_close(item=item, by=author, on=on, status=ActionItemStatus.DONE)
    return follow_up


@transaction.atomic
def action_item_close(*, item: ActionItem, by: Any, on: date, status: str = ActionItemStatus.DONE) -> ActionItem:
    """Close an item as done or cancelled: the owner's manager line ("people.coach")."""
    authority.require(by, "people.coach", item.owner)
    if status not in (ActionItemStatus.DONE, ActionItemStatus.CANCELLED):
        raise ApplicationError(_("Close as done or cancelled."), fields={"status": [_("Invalid status.")]})
    if item.status != ActionItemStatus.OPEN:
        raise ApplicationError(_("This action item is closed."), fields={"status": [_("Closed.")]})
    item.status = status
    item.done_on = on if status == ActionItemStatus.DONE else None
    item.save(update_fields=["status", "done_on"])
    return item
