# ruff: noqa: E501 (a hand-written table: one reason per line)
"""The authority matrix's expected answers, written by hand from DESIGN.md ("The authority rule").

Read independently of the code: every entry says what the DESIGN table (and the data-scope rule)
makes of one write operation, called by each of six roles against one object of the demo world
(`seed_demo --size 12 --seed 7`, tests/security_world.py). The world:

    region 华东 (rm01): teams 上海一组 (tm01; rep01 and a rep without a login), 杭州一组, 南京一组
    region 华南 (rm02): teams 广州一组 (tm04; rep04), 深圳一组
    region 华北 (rm03): teams 北京一组 (tm06; rep06), 天津一组
    admin: a superuser with no person; director: the company.

The six roles, in the order of every expectation string:
    admin  director  rm01  tm01  rep01  wide
`wide` is rep04 (广州一组, region 华南) whose data scope an admin widened to "all": a widened scope
widens what one sees, never what one may change, so `wide` sees every object below (never 404)
and may change only what rep04 may change as a rep (DESIGN: "a data scope widens what one sees,
never what one may change").

Variants: `own` = an object of rep01 (owner / author / credited rep01, team 上海一组, region 华东);
`far` = an object of rep06 (北京一组, 华北): outside rm01's, tm01's and rep01's scope, so 404 for
those three (DESIGN, data-scope rule: "an object outside a user's scope answers 404").
`new` = a create with no object in the path (the body names the objects).

Answers: `ok` = 2xx (a page: 2xx or a redirect), `403` = in scope but not allowed, `404` = outside
the data scope, `400` = a body naming an id the role cannot see ("a hidden id and an id that does
not exist get the same answer": a relation field's 400) or a documented business refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

ROLES6 = ("admin", "director", "rm01", "tm01", "rep01", "wide")
WIDE_USERNAME = "rep04"
WORLD_TODAY = date(2026, 6, 15)

# The DESIGN rows the cases cite.
SET = "DESIGN 'set, break down, allocate, propose targets': the owner's unit's manager or above; a rep only their own"
APPROVE_T = (
    "DESIGN 'approve a target; revise an approved one': a manager above the drafter whose unit contains the owner"
)
RECOMPUTE = "DESIGN 'start a recompute': any manager for yesterday; director and admin for another as-of date"
CREATE = "DESIGN 'create an order, opportunity, visit, expense claim': a rep for own customers, a manager in their unit"
APPROVE = "DESIGN 'approve an order or expense claim; confirm a payment': a manager of the unit above the filer"
CLASSIFY = "DESIGN 'classify a customer, set credit rating or limit, move location': a manager of the customer's unit"
POOL = "DESIGN 'transfer, release, claim customers': the pool rules for reps; managers within their unit"
CATALOGUE = "DESIGN 'edit competitors and pipeline stages': managers (reps add intelligence notes)"
COACH = "DESIGN 'coach, review joint visits, close action items': the person's manager line"
APPRAISE = "DESIGN 'open appraisal periods, score, decide outcomes': the manager line of the people appraised"
INCENTIVE = "DESIGN 'compute, approve commission; create, publish, finish contests': managers for their unit"
PAYROLL = "DESIGN 'payroll export: director and admin, never on a GET'"
ORG = "DESIGN 'org changes: hire, transfer, ...': director and admin; a regional manager within their region"
COMPANY = "company catalogue (products, templates, schemes): the company's manager, a director, or an admin"
EDIT = "a customer's details follow 'create ...' above: its owner or a manager of its unit"
OWN = "one's own record (a visit, a work report): its author only; admin has no person"
NO_PERSON = "admin is a login with no person: a record that needs an author answers 403 ('not linked to a person')"
SCOPE = "data-scope rule: outside rm01's, tm01's and rep01's scope -> 404; wide sees it"
HIDDEN_BODY = "the body names an id the role cannot see: answered like a missing id (400 on that field)"
# A distribution template's 12 weights are percentages adding up to 100.
TEMPLATE_WEIGHTS = {f"m{m:02d}": "8.334" if m % 3 == 1 else "8.333" for m in range(1, 13)}
WIDE = "wide sees everything but is a rep of another team: may not change it (403)"
PLAN = (
    "a rep's weekly visit plan (issue 19): drafted and edited by the rep or the rep's manager line"
    " (no DESIGN row; read with 'coach'); wide is a rep of another team (403)"
)
FORECAST = (
    "adjust a forecast (issue 21): the owner's unit manager or a manager above it, never the rep (no DESIGN row;"
    " read with 'set targets'); admin has no person to sign the adjustment (403); outside the scope 404"
)
INBOX = (
    "the approval inbox (issue 18) decides only the items awaiting the user: a step at their level"
    " (an order's matrix step; an expense claim's first manager rank above the filer) that they may"
    " approve; anything else answers 404 like a missing item (admin: every waiting item)"
)
APPROVE_PLAN = "approve a visit plan: the rep's manager line, a second person (never the rep, nor whoever drafted it)"


# ---------------------------------------------------------------------------------------------
# The world's objects


def person(username: str):
    return get_user_model().objects.select_related("person").get(username=username).person


def first(label: str, *, exclude: dict | None = None, **filters: Any):
    model = apps.get_model(label)
    obj = model._default_manager.filter(**filters).exclude(**(exclude or {})).order_by("pk").first()
    assert obj is not None, f"the demo world has no {label} with {filters}: choose another object for this case"
    return obj


def own_customer():
    return first("customers.Customer", owner=person("rep01"))


def far_customer():
    return first("customers.Customer", owner=person("rep06"))


def next_monday() -> date:
    """The Monday after today: a week that may still be planned."""
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def _pool_customer(team_code: str) -> Callable[[], Any]:
    def pick():
        return first("customers.Customer", owner__isnull=True, team__code=team_code, in_company_pool=False)

    return pick


EAST_POOL = _pool_customer("EAST-T01")
NORTH_POOL = _pool_customer("NORTH-T01")


def plan_of(username: str, *, with_item: bool = False, status: str = "draft") -> Callable[[], Any]:
    """A visit plan of next week for the rep, drafted by the rep (made for the case: the demo seeds none)."""

    def make():
        from fieldwork.models import VisitPlan, VisitPlanItem

        rep = person(username)
        plan = VisitPlan.objects.create(
            person=rep, team=rep.team, region=rep.region, week_start=next_monday(), drafted_by=rep, status=status
        )
        if with_item:
            customer = first("customers.Customer", owner=rep)
            VisitPlanItem.objects.create(plan=plan, customer=customer, day=plan.week_start, position=1)
        return plan

    return make


def colleague():
    """The rep without a login in rep01's team (上海一组)."""
    rep01 = person("rep01")
    return first("staff.Person", team=rep01.team, position="rep", exclude={"pk": rep01.pk})


def filing_day() -> date:
    """The date a new visit or expense claim carries: today, within the filing window (the world's
    WORLD_TODAY lies months back, older than VISIT_FILING_DAYS / EXPENSE_FILING_DAYS allow)."""
    return timezone.localdate()


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


def with_status(label: str, status: str, **filters: Any) -> Callable[[], Any]:
    """An object put into a status for the case (inside the test's savepoint)."""

    def pick():
        obj = first(label, **filters)
        type(obj)._default_manager.filter(pk=obj.pk).update(status=status)
        return type(obj)._default_manager.get(pk=obj.pk)

    return pick


@dataclass
class Case:
    """One operation, one object, six expected answers (in ROLES6 order) and why."""

    op: str  # "POST /api/v1/orders/{id}/approve/" or "PAGE sales:order-action action=approve"
    variant: str
    expect: str
    why: str
    obj: Callable[[], Any] | None = None
    body: Callable[[Any], dict] | dict = field(default_factory=dict)
    # Extra models whose row count must not change when refused (the object's row is always kept).
    watch: tuple[str, ...] = ()
    # URL kwargs besides pk (pages).
    kwargs: dict = field(default_factory=dict)

    def expected(self, role: str) -> str:
        answers = self.expect.split()
        assert len(answers) == len(ROLES6), f"{self.op} [{self.variant}]: six answers needed"
        return answers[ROLES6.index(role)]

    def make_body(self, obj: Any) -> dict:
        return self.body(obj) if callable(self.body) else dict(self.body)


C = Case
OC = own_customer
FC = far_customer


def pk(label: str, **filters: Any) -> int:
    return first(label, **filters).pk


def order_body(customer) -> dict:
    return {
        "customer": customer.pk,
        "date": str(WORLD_TODAY),
        "lines": [{"product": pk("sales.Product"), "quantity": "2.00", "unit_price": "100.00"}],
    }


# --- commission statements built from a plan version (the demo's month before last, issued) -----
COMMISSION_REP = (
    "DESIGN 'compute, approve commission statements': a rep acknowledges or disputes only their own statement (README)"
)


def statement_issued_own():
    """rep01's issued statement with lines, its disputes cleared (inside the test's savepoint)."""
    statement = first(
        "appraisal.CommissionStatement",
        person__user__username="rep01",
        version__isnull=False,
        status="issued",
        lines__isnull=False,
    )
    apps.get_model("appraisal.CommissionDispute")._default_manager.filter(statement=statement).delete()
    return statement


def dispute_open_own():
    """An open dispute of rep01's issued statement (raised inside the test's savepoint if none)."""
    dispute_model = apps.get_model("appraisal.CommissionDispute")
    found = dispute_model._default_manager.filter(statement__person__user__username="rep01", status="open").first()
    if found is not None:
        return found
    statement = statement_issued_own()
    line = statement.lines.order_by("pk").first()
    return dispute_model._default_manager.create(
        statement=statement, line=line, raised_by=statement.person, reason="matrix"
    )


STATEMENT_DRAFT_VERSIONED_OWN = with_status(
    "appraisal.CommissionStatement", "draft", person__user__username="rep01", version__isnull=False
)

ORDER_PENDING_OWN = with_status("sales.Order", "pending", shares__rep__user__username="rep01", payments__isnull=True)


def awaiting_payment():
    """A payment rep01 entered on their confirmed order, waiting for confirmation (PAYMENT_CONFIRMATION)."""
    order = first("sales.Order", shares__rep__user__username="rep01", status="confirmed", payments__isnull=True)
    return apps.get_model("sales", "Payment").objects.create(
        order=order,
        date=WORLD_TODAY,
        amount="1.00",
        entered_by=first("staff.Person", user__username="rep01"),
        awaiting_confirmation=True,
    )


ORDER_PENDING_FAR = with_status("sales.Order", "pending", shares__rep__user__username="rep06", payments__isnull=True)
ORDER_DRAFT_OWN = with_status("sales.Order", "draft", shares__rep__user__username="rep01", payments__isnull=True)
# --- quotations (issue 18): made for the case (the demo seeds none) --------------------------------
QUOTE = (
    "a quotation follows 'create an order ...' (its owner, its maker or a manager of its unit) and its"
    " discount approval 'approve an order ...' (a manager of the unit above the maker, never its owner)"
)


def own_opportunity():
    """rep01's opportunity for one of rep01's own customers."""
    return first("sales.Opportunity", owner__user__username="rep01", customer__owner__user__username="rep01")


def far_opportunity():
    return first("sales.Opportunity", owner__user__username="rep06", customer__owner__user__username="rep06")


def quote_line_body() -> dict:
    return {"product": pk("sales.Product", is_active=True), "quantity": "1", "discount_percent": "5"}


def quotation_of(username: str, status: str = "draft") -> Callable[[], Any]:
    """A quotation of the rep's opportunity, made by the rep, with one line 30 % off (above the
    matrix's discount limit); "pending_approval": submitted (its first step waits for the team
    manager); other statuses set on the draft."""

    def make():
        from sales.models import Quotation
        from sales.services import quotes

        opportunity = own_opportunity() if username == "rep01" else far_opportunity()
        product = first("sales.Product", is_active=True)
        line = quotes.QuoteLineInput(product=product, quantity=1, discount_percent=30)
        quotation = quotes.quote_from_opportunity(opportunity=opportunity, user=None, lines=[line])
        Quotation.objects.filter(pk=quotation.pk).update(created_by=person(username))
        quotation.refresh_from_db()
        if status == "pending_approval":
            quotes.quote_submit(quotation=quotation, user=None)
        elif status != "draft":
            Quotation.objects.filter(pk=quotation.pk).update(status=status)
        return Quotation.objects.get(pk=quotation.pk)

    return make


QUOTE_DRAFT_OWN = quotation_of("rep01")
QUOTE_PENDING_OWN = quotation_of("rep01", "pending_approval")
QUOTE_PENDING_FAR = quotation_of("rep06", "pending_approval")
QUOTE_APPROVED_OWN = quotation_of("rep01", "approved")
QUOTE_ACCEPTED_OWN = quotation_of("rep01", "accepted")

EXPENSE_OWN = with_status("fieldwork.ExpenseClaim", "submitted", person__user__username="rep01")
EXPENSE_FAR = with_status("fieldwork.ExpenseClaim", "submitted", person__user__username="rep06")
SCORECARD_DRAFT_OWN = with_status("appraisal.Scorecard", "draft", person__user__username="rep01")


def _scorecard_submitted_by_tm01() -> Any:
    """rep01's first card, submitted by tm01 (the second-person rule's case: tm01 scored it)."""
    card = with_status("appraisal.Scorecard", "submitted", person__user__username="rep01")()
    card.submitted_by = first("staff.Person", user__username="tm01")
    card.save(update_fields=["submitted_by"])
    return card


SCORECARD_SUBMITTED_OWN = _scorecard_submitted_by_tm01
SCORECARD_APPROVED_OWN = with_status("appraisal.Scorecard", "approved", person__user__username="rep01")
SCORECARD_APPROVED_FAR = with_status("appraisal.Scorecard", "approved", person__user__username="rep06")
ACKNOWLEDGE = (
    "the person appraised acknowledges their own approved scorecard, nobody else (not their manager "
    "line, not an admin: it records that the person read it); admin has no person"
)
ACTION_OPEN_OWN = with_status("training.ActionItem", "open", owner__user__username="rep01")
SUGGESTION_OWN = with_status("training.TrainingSuggestion", "open", person__user__username="rep01")


def drafted(drafter: str, **filters: Any) -> Callable[[], Any]:
    """A target put back to draft, drafted by `drafter`: the approval and revision rules depend on
    who drafted it, so the case fixes it."""

    def pick():
        from targets.models import Target

        target = with_status("targets.Target", "draft", **filters)()
        Target.objects.filter(pk=target.pk).update(drafted_by=get_user_model().objects.get(username=drafter))
        return Target.objects.get(pk=target.pk)

    return pick


# rep01's 2026 commitment, drafted by rep01; its quarters and months stay approved, so breaking it
# down again is a revision (DESIGN: "revise an approved one (with a reason)").
TARGET_DRAFT_OWN = drafted("rep01", owner_kind="rep", person__user__username="rep01", period="2026")
# 上海一组's and 北京一组's 2026 targets, drafted by their team managers; their reps' targets stay approved.
TARGET_TEAM_OWN = drafted("tm01", owner_kind="team", team__code="EAST-T01", period="2026")
TARGET_TEAM_FAR = drafted("tm06", owner_kind="team", team__code="NORTH-T01", period="2026")
# rep01's approved 2026 commitment, not acknowledged yet; and the company's 2026 sales target (a
# draft nobody in particular drafted: its regions' targets stay approved).
TARGET_APPROVED_OWN = with_status(
    "targets.Target", "approved", owner_kind="rep", person__user__username="rep01", period="2026", metric="sales_amount"
)
TARGET_COMPANY = with_status("targets.Target", "draft", owner_kind="company", period="2026", metric="sales_amount")
ACK_T = (
    "DESIGN 'The owner acknowledges an approved target (and any revision of it)': rep01's own approved "
    "target, by rep01 only (not the managers, not an admin: it records that the owner read it)"
)


def _enrollment_own():
    """An enrollment of rep01 (the world enrols only 南京一组's new hires): made for the case."""
    from training.models import Enrollment

    course = first("training.Course", is_active=True)
    rep = person("rep01")
    return Enrollment.objects.create(
        person=rep, team=rep.team, region=rep.region, course=course, enrolled_on=WORLD_TODAY
    )


def _follow_up_own():
    """A pool warning of rep01 (whether the world's pool run warned rep01 depends on the draw):
    made for the case."""
    from customers.models import FollowUp

    found = FollowUp.objects.filter(person=person("rep01")).order_by("pk").first()
    return found or FollowUp.objects.create(
        person=person("rep01"),
        customer=own_customer(),
        kind="pool_warning",
        message="Matrix warning",
        due_date=WORLD_TODAY,
        created_on=WORLD_TODAY,
    )


def _visit_checked_in(username: str) -> Callable[[], Any]:
    """A visit of `username` checked in now and not checked out (made for the case from one of
    theirs, so the check-out is on the day of the check-in)."""

    def pick():
        from fieldwork.models import Visit

        visit = first("fieldwork.Visit", author__user__username=username)
        Visit.objects.filter(pk=visit.pk).update(
            checked_in_at=timezone.now(),
            checked_out_at=None,
            duration_minutes=None,
            latitude=visit.customer.latitude,
            longitude=visit.customer.longitude,
        )
        return Visit.objects.get(pk=visit.pk)

    return pick


def _joint_unconfirmed(username: str) -> Callable[[], Any]:
    """A joint visit of `username` awaiting the manager's confirmation (the world's joint visits
    are confirmed, so the case puts one back)."""

    def pick():
        from fieldwork.models import Visit

        visit = first("fieldwork.Visit", author__user__username=username, kind="joint")
        Visit.objects.filter(pk=visit.pk).update(confirmed_by=None, confirmed_at=None, evidence="unconfirmed")
        return Visit.objects.get(pk=visit.pk)

    return pick


def _customer_without_proposal(username: str):
    return first("customers.Customer", owner=person(username), exclude={"location_proposals__status": "pending"})


def _pending_proposal(username: str) -> Callable[[], Any]:
    """A location of a customer of `username`, proposed by `username` and waiting for a manager."""

    def pick():
        from customers.models import LocationProposal

        found = (
            LocationProposal.objects.filter(
                customer__owner__user__username=username, proposed_by__user__username=username, status="pending"
            )
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found
        customer = _customer_without_proposal(username)
        return LocationProposal.objects.create(
            customer=customer, latitude="30.000000", longitude="120.000000", proposed_by=person(username)
        )

    return pick


VISIT_OWN = "a check-out is the author's own (a visit one filed): its author only; admin has no person"
VISIT_ACTION = (
    "an action on a visit (stock count, competitor sighting, shelf photo, order, collection, issue 19):"
    " the visit's author only, while it is open (the visit-edit rule); admin has no person"
)
CONFIRM_JOINT = f"{COACH}: confirming a joint visit is the author's manager line; never the author"
COMMENT = "comment on a visit: a manager of the visit's unit ('units.manage'); admin has no person to sign it"
PROPOSE = (
    "propose a customer's location: its owner or a manager of its unit (DESIGN: 'a rep may propose a new location')"
)
CONFIRM_LOCATION = (
    f"{CLASSIFY}: a manager of the customer's unit confirms a proposed location, never the proposer (rep01 proposed it)"
)


def _complaint_own():
    from customers.models import Complaint

    source = first("customers.Complaint")
    source.pk = source.id = None
    source.customer = own_customer()
    source.save()
    return Complaint.objects.get(pk=source.pk)


def _scheme_lines() -> list[dict]:
    """The KPI lines of the demo's rep scheme, as a client would send them back."""
    from appraisal.api import SchemeSerializer

    return [dict(line) for line in SchemeSerializer(first("appraisal.AppraisalScheme", position="rep")).data["lines"]]


def _month_draft_own():
    """A month target of rep01 put back to draft (the grid edits one cell)."""
    return with_status(
        "targets.Target", "draft", owner_kind="rep", person__user__username="rep01", period_kind="month"
    )()


def _activity_of(plan) -> int:
    return first("targets.PlanActivity", plan=plan).pk


def _period_ready_to_close():
    """上海一组's period with every scorecard approved (closing needs that)."""
    from appraisal.models import Scorecard

    period = first("appraisal.AppraisalPeriod", team__code="EAST-T01")
    Scorecard.objects.filter(appraisal_period=period).update(status="approved")
    return period


def _review_meeting(team_code: str) -> Callable[[], Any]:
    """The team's quarterly review meeting (复盘) the demo seeded (or one made for the case)."""

    def pick():
        from staff.models import Team
        from training.models import ReviewMeeting

        team = Team.objects.get(code=team_code)
        seeded = ReviewMeeting.objects.filter(team=team).order_by("pk").first()
        return seeded or ReviewMeeting.objects.create(
            period="2026-Q1",
            start=date(2026, 1, 1),
            end=date(2026, 3, 31),
            team=team,
            region=team.region,
            date=WORLD_TODAY,
            held_by=first("staff.Person", team=team, position="team_manager"),
        )

    return pick


REVIEW_OWN = _review_meeting("EAST-T01")
REVIEW_FAR = _review_meeting("NORTH-T01")
REVIEW = (
    "quarterly review meeting (复盘) of a unit: the unit's manager line holds it and records its decisions "
    "(DESIGN 'open appraisal periods, score, decide outcomes' / 'coach ... close action items'); a rep of the "
    "team reads it (own unit) but records nothing"
)


def _review_create_body(team_code: str) -> Callable[[Any], dict]:
    return lambda o: {"period": "2026-Q2", "team": pk("staff.Team", code=team_code), "date": str(WORLD_TODAY)}


def _review_outcome_body(o: Any) -> dict:
    return {"person": person("rep01").pk, "kind": "improvement_plan", "reason": "matrix"}


def _review_action_body(o: Any) -> dict:
    return {"owner": person("rep01").pk, "title": "matrix", "due_on": "2030-12-31"}


def _review_page_create_body(o: Any) -> dict:
    return {**_review_create_body("EAST-T01")(o), "stale_days": 30}


def _promotion_own():
    """A promotion of rep01 decided by tm01, waiting for confirmation."""
    from appraisal.models import Outcome

    outcome = first("appraisal.Outcome", person__user__username="rep01")
    Outcome.objects.filter(pk=outcome.pk).update(
        kind="promotion", to_position="team_manager", decided_by=person("tm01"), confirmed_by=None, confirmed_at=None
    )
    return Outcome.objects.get(pk=outcome.pk)


# --- org changes (staff): a person's employment and the units -----------------------------------
UNITS = (
    f"{ORG}: regions by a director or an admin (no region to be 'within'); teams also by the "
    "regional manager of the team's region"
)


def today() -> str:
    """Org changes are dated today: not in the future, after every change of the demo world, and
    after its approved appraisal periods (a change reaching into one is refused)."""
    return str(timezone.localdate())


def _on_probation(username: str) -> Callable[[], Any]:
    return with_status("staff.Person", "probation", user__username=username)


def _person_of(username: str) -> Callable[[], Any]:
    return lambda: person(username)


# (action, body given the person): the person's own unit's colleagues and teams, so that a
# regional manager stays within their region. `own` is rep01 (上海一组, 华东), `far` rep06 (北京一组, 华北).
PERSON_CHANGES: list[tuple[str, Callable[[Any], dict]]] = [
    ("pass-probation", lambda o: {"on": today()}),
    (
        "transfer",
        lambda o: {
            "team": first("staff.Team", region=o.region, exclude={"pk": o.team_id}).pk,
            "on": today(),
            "reason": "matrix",
        },
    ),
    ("promote", lambda o: {"position": "team_manager", "on": today(), "reason": "matrix"}),
    (
        "change-manager",
        lambda o: {
            "manager": first("staff.Person", position="team_manager", region=o.region, exclude={"team": o.team}).pk,
            "on": today(),
            "reason": "matrix",
        },
    ),
    ("warn", lambda o: {"on": today(), "reason": "matrix"}),
    ("dismiss", lambda o: {"on": today(), "reason": "matrix"}),
    (
        "handover",
        lambda o: {
            "successor": first("staff.Person", team=o.team_id, position="team_manager").pk,
            "on": today(),
        },
    ),
]
PERSON_WATCH = ("staff.EmploymentEvent", "staff.Membership")


def _person_change_cases(op: Callable[[str], str]) -> list[Case]:
    """Each person change on rep01 (rm01's region) and on rep06 (another region): director and
    admin may; a regional manager within their region; tm01, rep01 (even about themself) and wide
    may not (403); outside the scope 404."""
    cases = []
    for action, body in PERSON_CHANGES:
        pick = _on_probation if action == "pass-probation" else _person_of
        cases += [
            C(
                op(action),
                "own",
                "ok ok ok 403 403 403",
                f"{ORG}: rep01 of 华东; {WIDE}",
                pick("rep01"),
                body,
                PERSON_WATCH,
            ),
            C(op(action), "far", "ok ok 404 404 404 403", f"{ORG}; {SCOPE}", pick("rep06"), body, PERSON_WATCH),
        ]
    return cases


def _unit_cases(*, region_create: str, region_edit: str, team_create: str, team_edit: str) -> list[Case]:
    east, north = (lambda: first("staff.Region", code="EAST")), (lambda: first("staff.Region", code="NORTH"))
    east_team, north_team = (
        (lambda: first("staff.Team", code="EAST-T01")),
        (lambda: first("staff.Team", code="NORTH-T01")),
    )
    region = {"code": "MX-R", "name": "Matrix", "is_active": "on"}
    return [
        C(region_create, "new", "ok ok 403 403 403 403", UNITS, None, region, ("staff.Region",)),
        C(
            region_edit,
            "own",
            "ok ok 403 403 403 403",
            f"{UNITS}: 华东 is seen by its members, changed by a director or an admin",
            east,
            lambda o: {"code": o.code, "name": "Matrix", "is_active": "on"},
        ),
        C(
            region_edit,
            "far",
            "ok ok 404 404 404 403",
            f"{UNITS}; {SCOPE}",
            north,
            lambda o: {"code": o.code, "name": "Matrix", "is_active": "on"},
        ),
        C(
            team_create,
            "region",
            "ok ok ok 403 403 403",
            f"{UNITS}: a team of 华东 (rm01's region)",
            None,
            lambda o: {"code": "MX-T", "name": "Matrix", "region": pk("staff.Region", code="EAST"), "is_active": "on"},
            ("staff.Team",),
        ),
        C(
            team_edit,
            "own",
            "ok ok ok 403 403 403",
            f"{UNITS}: 上海一组 of 华东",
            east_team,
            lambda o: {"code": o.code, "name": "Matrix", "region": o.region_id, "is_active": "on"},
        ),
        C(
            team_edit,
            "far",
            "ok ok 404 404 404 403",
            f"{UNITS}; {SCOPE}",
            north_team,
            lambda o: {"code": o.code, "name": "Matrix", "region": o.region_id, "is_active": "on"},
        ),
    ]


API_CASES: list[Case] = [
    # --- customers -----------------------------------------------------------------------------
    C(
        "POST /api/v1/customers/",
        "new",
        "ok ok ok ok ok ok",
        "no DESIGN row limits adding a customer: the creator owns it",
        body={"code": "MX-API-1", "name": "Matrix Co", "kind": "end"},
        watch=("customers.Customer",),
    ),
    C("PATCH /api/v1/customers/{id}/", "own", "ok ok ok ok ok 403", f"{EDIT}; {WIDE}", OC, {"notes": "matrix"}),
    C("PATCH /api/v1/customers/{id}/", "far", "ok ok 404 404 404 403", f"{EDIT}; {SCOPE}", FC, {"notes": "matrix"}),
    C(
        "POST /api/v1/customers/{id}/classify/",
        "own",
        "ok ok ok ok 403 403",
        f"{CLASSIFY}: rep01 owns it but is no manager",
        OC,
        {"classification": "key", "reason": "matrix"},
    ),
    C(
        "POST /api/v1/customers/{id}/classify/",
        "far",
        "ok ok 404 404 404 403",
        f"{CLASSIFY}; {SCOPE}",
        FC,
        {"classification": "key", "reason": "matrix"},
    ),
    C(
        "POST /api/v1/customers/{id}/evaluations/",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT} (evaluations); {WIDE}",
        OC,
        {
            "period": "2026-Q2",
            "reason": "matrix",
            "response_plan": "keep",
            "credit_score": 4,
            "payment_score": 4,
            "volume_score": 4,
            "cooperation_score": 4,
            "satisfaction_score": 4,
        },
        ("customers.CustomerEvaluation",),
    ),
    C(
        "POST /api/v1/customers/{id}/release/",
        "own",
        "ok ok ok ok ok 403",
        f"{POOL}: the owner releases (pool rules)",
        OC,
        {"reason": "matrix"},
    ),
    C(
        "POST /api/v1/customers/{id}/release/",
        "far",
        "ok ok 404 404 404 403",
        f"{POOL}; {SCOPE}",
        FC,
        {"reason": "matrix"},
    ),
    C(
        "POST /api/v1/customers/{id}/rewards/",
        "own",
        "ok ok ok ok 403 403",
        f"{EDIT} (rewards); {WIDE}; a reward spends company money on a customer: a manager of the customer's unit (no DESIGN row; read with 'classify')",
        OC,
        {"kind": "gift", "amount": "100.00", "reason": "matrix", "date": str(WORLD_TODAY)},
        ("customers.CustomerReward",),
    ),
    C(
        "POST /api/v1/customers/{id}/transfer/",
        "own",
        "ok ok ok ok 403 403",
        f"{POOL}: a rep transfers nothing",
        OC,
        lambda o: {"to_owner": colleague().pk, "reason": "matrix"},
    ),
    C(
        "POST /api/v1/customers/{id}/transfer/",
        "far",
        "ok ok 404 404 404 403",
        f"{POOL}; {SCOPE} (to rep07 of 天津一组)",
        FC,
        lambda o: {"to_owner": person("rep07").pk, "reason": "matrix"},
    ),
    C(
        "POST /api/v1/customer-pool/{id}/claim/",
        "pool",
        "403 ok ok ok ok 403",
        f"{POOL}: 华东's pool is open to the people of 华东 (issue 19); the director claims from any pool; wide (华南) sees it but may not claim it; admin has no person to own it (403)",
        EAST_POOL,
    ),
    C(
        "POST /api/v1/customer-pool/{id}/claim/",
        "pool-far",
        "403 ok 404 404 404 403",
        f"{POOL}: 华北's pool is not seen by the people of 华东 (404, issue 19); wide sees it but is of 华南 (403); admin has no person to own it (403)",
        NORTH_POOL,
    ),
    C(
        "POST /api/v1/customer-pool/{id}/assign/",
        "pool",
        "ok ok ok ok 403 403",
        f"{POOL}: managers assign from their unit's pool to a person of their unit; reps assign nothing",
        EAST_POOL,
        lambda o: {"to_owner": person("rep01").pk, "reason": "matrix"},
    ),
    C(
        "POST /api/v1/customer-pool/{id}/assign/",
        "pool-far",
        "ok ok 404 404 404 403",
        f"{POOL}; 华北's pool is not seen by the people of 华东 (404); wide is a rep (403)",
        NORTH_POOL,
        lambda o: {"to_owner": person("rep06").pk, "reason": "matrix"},
    ),
    C(
        "POST /api/v1/customer-pool/{id}/open-to-company/",
        "pool",
        "ok ok 403 403 403 403",
        f"{POOL}: a company pool a director may open (issue 19): the director or an admin",
        EAST_POOL,
    ),
    C(
        "POST /api/v1/visit-plans/",
        "new",
        "ok ok ok ok ok 403",
        PLAN,
        None,
        lambda o: {"person": person("rep01").pk, "week_start": str(next_monday())},
        ("fieldwork.VisitPlan",),
    ),
    C(
        "POST /api/v1/visit-plans/",
        "far",
        "ok ok 400 400 400 403",
        f"{PLAN}; {HIDDEN_BODY} (rep06)",
        None,
        lambda o: {"person": person("rep06").pk, "week_start": str(next_monday())},
        ("fieldwork.VisitPlan",),
    ),
    C(
        "POST /api/v1/visit-plans/{id}/items/",
        "own",
        "ok ok ok ok ok 403",
        PLAN,
        plan_of("rep01"),
        lambda o: {"customer": own_customer().pk, "day": str(o.week_start)},
        ("fieldwork.VisitPlanItem",),
    ),
    C(
        "POST /api/v1/visit-plans/{id}/items/",
        "far",
        "ok ok 404 404 404 403",
        f"{PLAN}; {SCOPE}",
        plan_of("rep06"),
        lambda o: {"customer": far_customer().pk, "day": str(o.week_start)},
        ("fieldwork.VisitPlanItem",),
    ),
    C(
        "POST /api/v1/visit-plans/{id}/remove-item/",
        "own",
        "ok ok ok ok ok 403",
        PLAN,
        plan_of("rep01", with_item=True),
        lambda o: {"item": o.items.first().pk},
        ("fieldwork.VisitPlanItem",),
    ),
    C(
        "POST /api/v1/visit-plans/{id}/submit/",
        "own",
        "ok ok ok ok ok 403",
        PLAN,
        plan_of("rep01", with_item=True),
    ),
    C(
        "POST /api/v1/visit-plans/{id}/decide/",
        "own",
        "ok ok ok ok 403 403",
        APPROVE_PLAN,
        plan_of("rep01", with_item=True, status="submitted"),
        {"decision": "approve"},
    ),
    C(
        "POST /api/v1/visit-plans/{id}/decide/",
        "far",
        "ok ok 404 404 404 403",
        f"{APPROVE_PLAN}; {SCOPE}",
        plan_of("rep06", with_item=True, status="submitted"),
        {"decision": "approve"},
    ),
    C(
        "POST /api/v1/stakeholders/",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT} (stakeholders); {WIDE}",
        None,
        lambda o: {"customer": own_customer().pk, "name": "Matrix", "role": "user"},
        ("customers.Stakeholder",),
    ),
    C(
        "POST /api/v1/stakeholders/",
        "far",
        "ok ok 400 400 400 403",
        f"{EDIT}; {HIDDEN_BODY}",
        None,
        lambda o: {"customer": far_customer().pk, "name": "Matrix", "role": "user"},
        ("customers.Stakeholder",),
    ),
    C(
        "PATCH /api/v1/stakeholders/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT}; {WIDE}",
        lambda: first("customers.Stakeholder", customer__owner__user__username="rep01"),
        {"title": "matrix"},
    ),
    C(
        "POST /api/v1/stakeholders/{id}/change/",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT}; {WIDE}",
        lambda: first("customers.Stakeholder", customer__owner__user__username="rep01", status="active"),
        {"kind": "left", "date": str(WORLD_TODAY), "note": "matrix"},
        ("customers.StakeholderChange",),
    ),
    C(
        "POST /api/v1/visits/",
        "own",
        "403 ok ok ok ok 403",
        f"{CREATE}; {NO_PERSON}; {WIDE}",
        None,
        lambda o: {"customer": own_customer().pk, "date": str(filing_day()), "kind": "visit", "purpose": "matrix"},
        ("fieldwork.Visit",),
    ),
    C(
        "POST /api/v1/visits/",
        "far",
        "403 ok 400 400 400 403",
        f"{CREATE}; the body's customer is hidden: 404; a hidden customer answers like a missing one (400)",
        None,
        lambda o: {"customer": far_customer().pk, "date": str(filing_day()), "kind": "visit", "purpose": "matrix"},
        ("fieldwork.Visit",),
    ),
    C(
        "PATCH /api/v1/visits/{id}/",
        "own",
        "403 403 403 403 ok 403",
        OWN,
        lambda: first("fieldwork.Visit", author__user__username="rep01"),
        {"outcome": "matrix"},
    ),
    C(
        "PATCH /api/v1/visits/{id}/",
        "far",
        "403 403 404 404 404 403",
        f"{OWN}; {SCOPE}",
        lambda: first("fieldwork.Visit", author__user__username="rep06"),
        {"outcome": "matrix"},
    ),
    C(
        "POST /api/v1/expenses/",
        "own",
        "403 ok ok ok ok 403",
        f"{CREATE}; {NO_PERSON}; {WIDE}",
        None,
        lambda o: {"date": str(filing_day()), "kind": "travel", "amount": "10.00", "customer": own_customer().pk},
        ("fieldwork.ExpenseClaim",),
    ),
    C(
        "POST /api/v1/expenses/{id}/approve/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE}: rep01 filed it",
        EXPENSE_OWN,
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/expenses/{id}/approve/",
        "far",
        "ok ok 404 404 404 403",
        f"{APPROVE}; {SCOPE}",
        EXPENSE_FAR,
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/expenses/{id}/refuse/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE}: rep01 filed it",
        EXPENSE_OWN,
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/visits/{id}/check-out/",
        "own",
        "403 403 403 403 ok 403",
        VISIT_OWN,
        _visit_checked_in("rep01"),
    ),
    C(
        "POST /api/v1/visits/{id}/check-out/",
        "far",
        "403 403 404 404 404 403",
        f"{VISIT_OWN}; {SCOPE}",
        _visit_checked_in("rep06"),
    ),
    C(
        "POST /api/v1/visits/{id}/actions/",
        "own",
        "403 403 403 403 ok 403",
        VISIT_ACTION,
        _visit_checked_in("rep01"),
        {"action": "stock_count", "item": "matrix", "quantity": "1"},
        ("fieldwork.VisitActionRecord",),
    ),
    C(
        "POST /api/v1/visits/{id}/actions/",
        "far",
        "403 403 404 404 404 403",
        f"{VISIT_ACTION}; {SCOPE}",
        _visit_checked_in("rep06"),
        {"action": "stock_count", "item": "matrix", "quantity": "1"},
        ("fieldwork.VisitActionRecord",),
    ),
    C(
        "POST /api/v1/visits/{id}/confirm/",
        "own",
        "ok ok ok ok 403 403",
        CONFIRM_JOINT,
        _joint_unconfirmed("rep01"),
    ),
    C(
        "POST /api/v1/visits/{id}/confirm/",
        "far",
        "ok ok 404 404 404 403",
        f"{CONFIRM_JOINT}; {SCOPE}",
        _joint_unconfirmed("rep06"),
    ),
    C(
        "POST /api/v1/visits/{id}/comments/",
        "own",
        "403 ok ok ok 403 403",
        COMMENT,
        lambda: first("fieldwork.Visit", author__user__username="rep01"),
        {"text": "matrix"},
        ("fieldwork.VisitComment", "notifications.Notification"),
    ),
    C(
        "POST /api/v1/visits/{id}/comments/",
        "far",
        "403 ok 404 404 404 403",
        f"{COMMENT}; {SCOPE}",
        lambda: first("fieldwork.Visit", author__user__username="rep06"),
        {"text": "matrix"},
        ("fieldwork.VisitComment", "notifications.Notification"),
    ),
    C(
        "POST /api/v1/customer-location-proposals/",
        "own",
        "403 ok ok ok ok 403",
        f"{PROPOSE}; {NO_PERSON}; {WIDE}",
        None,
        lambda o: {"customer": _customer_without_proposal("rep01").pk, "latitude": "30.0", "longitude": "120.0"},
        ("customers.LocationProposal",),
    ),
    C(
        "POST /api/v1/customer-location-proposals/",
        "far",
        "403 ok 400 400 400 403",
        f"{PROPOSE}; {HIDDEN_BODY}",
        None,
        lambda o: {"customer": _customer_without_proposal("rep06").pk, "latitude": "30.0", "longitude": "120.0"},
        ("customers.LocationProposal",),
    ),
    C(
        "POST /api/v1/customer-location-proposals/{id}/confirm/",
        "own",
        "ok ok ok ok 403 403",
        CONFIRM_LOCATION,
        _pending_proposal("rep01"),
        watch=("customers.Customer",),
    ),
    C(
        "POST /api/v1/customer-location-proposals/{id}/confirm/",
        "far",
        "ok ok 404 404 404 403",
        f"{CONFIRM_LOCATION}; {SCOPE}",
        _pending_proposal("rep06"),
    ),
    C(
        "POST /api/v1/customer-location-proposals/{id}/reject/",
        "own",
        "ok ok ok ok 403 403",
        CONFIRM_LOCATION,
        _pending_proposal("rep01"),
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/follow-ups/{id}/done/",
        "own",
        "403 403 403 403 ok 403",
        "a follow-up is the rep's own reminder: only that rep marks it done (no DESIGN row)",
        _follow_up_own,
    ),
    C(
        "POST /api/v1/competitors/",
        "new",
        "ok ok ok ok 403 403",
        CATALOGUE,
        None,
        {"name": "Matrix rival"},
        ("customers.Competitor",),
    ),
    C(
        "PATCH /api/v1/competitors/{id}/",
        "any",
        "ok ok ok ok 403 403",
        f"{CATALOGUE}: competitors are visible to all",
        lambda: first("customers.Competitor"),
        {"strengths": "matrix"},
    ),
    C(
        "POST /api/v1/intel-notes/",
        "new",
        "403 ok ok ok ok ok",
        f"{CATALOGUE}: reps add intelligence notes; {NO_PERSON}",
        None,
        lambda o: {"competitor": pk("customers.Competitor"), "note": "matrix", "date": str(WORLD_TODAY)},
        ("fieldwork.IntelNote",),
    ),
    C(
        "POST /api/v1/complaints/",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT} (complaints); {WIDE}",
        None,
        lambda o: {
            "customer": own_customer().pk,
            "subject": "matrix",
            "description": "matrix",
            "received_on": str(WORLD_TODAY),
        },
        ("customers.Complaint",),
    ),
    C(
        "PATCH /api/v1/complaints/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT}; {WIDE}",
        _complaint_own,
        {"status": "handling", "resolution": "matrix"},
    ),
    # --- sales ---------------------------------------------------------------------------------
    C(
        "POST /api/v1/products/",
        "new",
        "ok ok 403 403 403 403",
        COMPANY,
        None,
        {"code": "MX-1", "name": "Matrix", "product_line": "Matrix", "list_price": "10.00", "unit_cost": "5.00"},
        ("sales.Product",),
    ),
    C(
        "PUT /api/v1/products/{id}/",
        "any",
        "ok ok 403 403 403 403",
        COMPANY,
        lambda: first("sales.Product"),
        lambda o: {
            "code": o.code,
            "name": "Matrix",
            "product_line": o.product_line,
            "list_price": "10.00",
            "unit_cost": "5.00",
        },
    ),
    C(
        "PATCH /api/v1/products/{id}/",
        "any",
        "ok ok 403 403 403 403",
        COMPANY,
        lambda: first("sales.Product"),
        {"name": "Matrix"},
    ),
    C(
        "POST /api/v1/pipeline-stages/",
        "new",
        "ok ok ok ok 403 403",
        CATALOGUE,
        None,
        {"name": "Matrix", "order": 90, "probability": 50},
        ("sales.PipelineStage",),
    ),
    C(
        "PUT /api/v1/pipeline-stages/{id}/",
        "any",
        "ok ok ok ok 403 403",
        CATALOGUE,
        lambda: first("sales.PipelineStage", is_won=False, is_lost=False),
        lambda o: {"name": o.name, "order": o.order, "probability": o.probability},
    ),
    C(
        "PATCH /api/v1/pipeline-stages/{id}/",
        "any",
        "ok ok ok ok 403 403",
        CATALOGUE,
        lambda: first("sales.PipelineStage", is_won=False, is_lost=False),
        {"name": "Matrix"},
    ),
    C(
        "POST /api/v1/opportunities/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}; {WIDE}",
        None,
        lambda o: {
            "name": "Matrix",
            "customer": own_customer().pk,
            "owner": person("rep01").pk,
            "expected_amount": "1000.00",
            "expected_close_date": "2026-09-30",
        },
        ("sales.Opportunity",),
    ),
    C(
        "POST /api/v1/opportunities/",
        "far",
        "ok ok 400 400 400 403",
        f"{CREATE}; {HIDDEN_BODY}",
        None,
        lambda o: {
            "name": "Matrix",
            "customer": far_customer().pk,
            "owner": person("rep06").pk,
            "expected_amount": "1000.00",
            "expected_close_date": "2026-09-30",
        },
        ("sales.Opportunity",),
    ),
    C(
        "PUT /api/v1/opportunities/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE} (its owner or a manager); {WIDE}",
        lambda: first("sales.Opportunity", owner__user__username="rep01"),
        lambda o: {
            "name": "Matrix",
            "customer": o.customer_id,
            "expected_amount": "1000.00",
            "expected_close_date": "2026-09-30",
        },
    ),
    C(
        "PATCH /api/v1/opportunities/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE} (its owner or a manager); {WIDE}",
        lambda: first("sales.Opportunity", owner__user__username="rep01"),
        {"note": "matrix"},
    ),
    C(
        "PATCH /api/v1/opportunities/{id}/",
        "far",
        "ok ok 404 404 404 403",
        f"{CREATE}; {SCOPE}",
        lambda: first("sales.Opportunity", owner__user__username="rep06"),
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/orders/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}; {WIDE}",
        None,
        lambda o: order_body(own_customer()),
        ("sales.Order",),
    ),
    C(
        "POST /api/v1/orders/",
        "far",
        "ok ok 400 400 400 403",
        f"{CREATE}; {HIDDEN_BODY}",
        None,
        lambda o: order_body(far_customer()),
        ("sales.Order",),
    ),
    C(
        "PUT /api/v1/orders/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE} (its filer or a manager, while a draft)",
        ORDER_DRAFT_OWN,
        lambda o: order_body(o.customer),
    ),
    C(
        "PATCH /api/v1/orders/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE} (its filer or a manager, while a draft)",
        ORDER_DRAFT_OWN,
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/orders/{id}/submit/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: the draft's filer or a manager",
        ORDER_DRAFT_OWN,
    ),
    C(
        "POST /api/v1/orders/{id}/approve/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE}: never the credited rep",
        ORDER_PENDING_OWN,
    ),
    C("POST /api/v1/orders/{id}/approve/", "far", "ok ok 404 404 404 403", f"{APPROVE}; {SCOPE}", ORDER_PENDING_FAR),
    C(
        "POST /api/v1/inbox/decide/",
        "own",
        "ok 404 404 ok 404 404",
        f"{INBOX}; {APPROVE}: the step waits for the team manager (tm01); the credited rep never",
        ORDER_PENDING_OWN,
        lambda o: {"items": [f"order:{o.pk}"], "decision": "approve"},
    ),
    C(
        "POST /api/v1/inbox/decide/",
        "own",
        "ok 404 404 ok 404 404",
        f"{INBOX}; {APPROVE}: rep01's claim waits for the first rank above a rep, the team manager",
        EXPENSE_OWN,
        lambda o: {"items": [f"expense:{o.pk}"], "decision": "refuse", "reason": "matrix"},
    ),
    C(
        "POST /api/v1/orders/{id}/reject/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE}: never the credited rep",
        ORDER_PENDING_OWN,
        {"reason": "matrix"},
    ),
    C(
        "POST /api/v1/orders/{id}/cancel/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: the filer withdraws a pending order, or a manager of its unit; {WIDE}",
        ORDER_PENDING_OWN,
        {"reason": "matrix"},
    ),
    C(
        "PUT /api/v1/orders/{id}/payment-plan/",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: the order's filer or a manager plans its payments; {WIDE}",
        ORDER_PENDING_OWN,
        lambda o: {"instalments": [{"due_date": "2026-12-31", "amount": str(o.total_amount)}]},
    ),
    C(
        "POST /api/v1/payments/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE} (confirm a payment): managers",
        None,
        lambda o: {
            "order": pk("sales.Order", shares__rep__user__username="rep01", status="confirmed", payments__isnull=True),
            "date": str(WORLD_TODAY),
            "amount": "1.00",
        },
        ("sales.Payment",),
    ),
    C(
        "POST /api/v1/payments/{id}/confirm/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE} (confirm a payment): managers, never rep01 who entered it",
        awaiting_payment,
        {},
    ),
    # --- targets -------------------------------------------------------------------------------
    C(
        "POST /api/v1/forecast-adjustments/",
        "team",
        "403 ok ok ok 403 403",
        f"{FORECAST}: 上海一组 is tm01's team and in rm01's region; rep01 sees their own team but may not adjust it",
        None,
        lambda o: {
            "owner_kind": "team",
            "owner_id": pk("staff.Team", code="EAST-T01"),
            "period": "2026-06",
            "amount": "1000.00",
            "note": "matrix",
        },
        ("targets.ForecastAdjustment",),
    ),
    C(
        "POST /api/v1/forecast-adjustments/",
        "far",
        "403 ok 404 404 404 403",
        f"{FORECAST}; {SCOPE}: 北京一组 (华北) is outside rm01's, tm01's and rep01's scope",
        None,
        lambda o: {
            "owner_kind": "team",
            "owner_id": pk("staff.Team", code="NORTH-T01"),
            "period": "2026-06",
            "amount": "1000.00",
            "note": "matrix",
        },
        ("targets.ForecastAdjustment",),
    ),
    C(
        "POST /api/v1/forecast-adjustments/",
        "own",
        "403 ok ok ok 403 403",
        f"{FORECAST}: rep01's own forecast is adjusted by their manager line, not by rep01",
        None,
        lambda o: {
            "owner_kind": "rep",
            "owner_id": person("rep01").pk,
            "period": "2026-06",
            "amount": "1.00",
            "note": "m",
        },
        ("targets.ForecastAdjustment",),
    ),
    C(
        "POST /api/v1/targets/",
        "own",
        "ok ok ok ok ok 403",
        f"{SET}: rep01 drafts their own commitment",
        None,
        lambda o: {
            "owner_kind": "rep",
            "person": person("rep01").pk,
            "metric": "sales_amount",
            "period": "2027",
            "value": "1000.00",
        },
        ("targets.Target",),
    ),
    C(
        "POST /api/v1/targets/",
        "team",
        "ok ok ok 400 400 403",
        f"{SET}: 杭州一组's targets: rm01 (its region) or above; tm01 manages another team; tm01 and rep01 do not see 杭州一组 (400 on team)",
        None,
        lambda o: {
            "owner_kind": "team",
            "team": pk("staff.Team", code="EAST-T02"),
            "metric": "sales_amount",
            "period": "2027",
            "value": "1000.00",
        },
        ("targets.Target",),
    ),
    C(
        "PUT /api/v1/targets/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{SET}: a draft of rep01's own target",
        TARGET_DRAFT_OWN,
        lambda o: {"value": "1234.00", "version": o.version, "reason": "matrix"},
    ),
    C(
        "PATCH /api/v1/targets/{id}/",
        "own",
        "ok ok ok ok ok 403",
        f"{SET}: a draft of rep01's own target",
        TARGET_DRAFT_OWN,
        lambda o: {"value": "1234.00", "version": o.version, "reason": "matrix"},
    ),
    C(
        "POST /api/v1/targets/{id}/breakdown/",
        "own",
        "ok ok ok ok 403 403",
        f"{SET}: breaking down rep01's draft; breaking down again replaces approved quarters and months: a revision (DESIGN 'revise an approved one (with a reason)'): a manager above the drafter rep01; never the drafter",
        TARGET_DRAFT_OWN,
        {"method": "equal", "reason": "matrix"},
        ("targets.Target",),
    ),
    C(
        "POST /api/v1/targets/{id}/allocate/",
        "team",
        "ok ok ok 403 404 403",
        f"{SET}: 上海一组's target to its reps; rep01 does not see the team's target (404); re-allocating replaces approved rep targets: a revision: a manager above the drafter tm01 (tm01 drafted it: 403)",
        TARGET_TEAM_OWN,
        {"method": "equal", "reason": "matrix"},
        ("targets.Target",),
    ),
    C(
        "POST /api/v1/targets/{id}/allocate/",
        "far",
        "ok ok 404 404 404 403",
        f"{SET}; {SCOPE}",
        TARGET_TEAM_FAR,
        {"method": "equal", "reason": "matrix"},
        ("targets.Target",),
    ),
    C(
        "POST /api/v1/targets/{id}/approve/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE_T}: rep01's draft (drafted by rep01): any manager above; never the owner",
        TARGET_DRAFT_OWN,
    ),
    C("POST /api/v1/targets/{id}/approve/", "far", "ok ok 404 404 404 403", f"{APPROVE_T}; {SCOPE}", TARGET_TEAM_FAR),
    C(
        "POST /api/v1/targets/approve-bulk/",
        "team",
        "ok ok ok ok 403 403",
        f"{APPROVE_T} (in bulk for a unit): 上海一组's 2026 drafts, rep01's drafted by rep01: its managers approve; rep01 may approve none of them (his own), wide (a rep) none",
        TARGET_DRAFT_OWN,
        lambda o: {"year": 2026, "team": o.team_id},
        ("targets.Target",),
    ),
    C(
        "POST /api/v1/targets/{id}/acknowledge/",
        "own",
        "403 403 403 403 ok 403",
        ACK_T,
        TARGET_APPROVED_OWN,
    ),
    C(
        "POST /api/v1/targets/{id}/allocate/",
        "company",
        "ok ok 404 404 404 403",
        f"{SET}: the company's target to the regions (a director or an admin); the regions' approved targets make it a revision: a director who did not draft it, or an admin; {SCOPE}",
        TARGET_COMPANY,
        {"method": "equal", "reason": "matrix"},
        ("targets.Target",),
    ),
    C(
        "POST /api/v1/recompute-runs/",
        "yesterday",
        "ok ok ok ok 403 403",
        RECOMPUTE,
        None,
        lambda o: {"as_of": str(yesterday())},
        ("targets.RecomputeRun",),
    ),
    C(
        "POST /api/v1/recompute-runs/",
        "other-date",
        "ok ok 403 403 403 403",
        RECOMPUTE,
        None,
        {"as_of": "2026-01-31"},
        ("targets.RecomputeRun",),
    ),
    C(
        "POST /api/v1/distribution-templates/",
        "new",
        "ok ok 403 403 403 403",
        COMPANY,
        None,
        {"name": "Matrix", **TEMPLATE_WEIGHTS},
        ("targets.DistributionTemplate",),
    ),
    C(
        "PUT /api/v1/distribution-templates/{id}/",
        "any",
        "ok ok 403 403 403 403",
        COMPANY,
        lambda: first("targets.DistributionTemplate"),
        {"name": "Matrix", **TEMPLATE_WEIGHTS},
    ),
    C(
        "PATCH /api/v1/distribution-templates/{id}/",
        "any",
        "ok ok 403 403 403 403",
        COMPANY,
        lambda: first("targets.DistributionTemplate"),
        {"name": "Matrix"},
    ),
    C(
        "DELETE /api/v1/distribution-templates/{id}/",
        "any",
        "ok ok 403 403 403 403",
        COMPANY,
        lambda: first("targets.DistributionTemplate"),
    ),
    # --- training ------------------------------------------------------------------------------
    C(
        "POST /api/v1/enrollments/",
        "own",
        "ok ok ok ok 403 403",
        f"{COACH} (targeted training)",
        None,
        lambda o: {"person": person("rep01").pk, "course": pk("training.Course", is_active=True)},
        ("training.Enrollment",),
    ),
    C(
        "POST /api/v1/enrollments/{id}/result/",
        "own",
        "ok ok ok ok 403 403",
        f"{COACH}: the trainee records no result",
        _enrollment_own,
        {"passed": True, "completed_on": str(WORLD_TODAY), "score": "90.00"},
    ),
    C(
        "POST /api/v1/coaching-sessions/",
        "own",
        "403 ok ok ok 403 403",
        f"{COACH}; {NO_PERSON} (the coach)",
        None,
        lambda o: {
            "kind": "one_on_one",
            "date": str(WORLD_TODAY),
            "person": person("rep01").pk,
            "topic": "matrix",
            "discussed": "matrix",
            "agreed_plan": "matrix",
        },
        ("training.CoachingSession",),
    ),
    C(
        "POST /api/v1/coaching-sessions/",
        "far",
        "403 ok 400 400 400 403",
        f"{COACH}; {HIDDEN_BODY}",
        None,
        lambda o: {
            "kind": "one_on_one",
            "date": str(WORLD_TODAY),
            "person": person("rep06").pk,
            "topic": "matrix",
            "discussed": "matrix",
            "agreed_plan": "matrix",
        },
        ("training.CoachingSession",),
    ),
    C(
        "POST /api/v1/action-items/",
        "own",
        "403 ok ok ok 403 403",
        f"{COACH}; {NO_PERSON} (the coach)",
        None,
        lambda o: {"owner": person("rep01").pk, "title": "matrix", "due_on": "2026-12-31"},
        ("training.ActionItem",),
    ),
    C(
        "POST /api/v1/action-items/{id}/close/",
        "own",
        "ok ok ok ok 403 403",
        f"{COACH}: never the owner",
        ACTION_OPEN_OWN,
        {"status": "done", "date": str(WORLD_TODAY)},
    ),
    C(
        "POST /api/v1/action-items/{id}/follow-ups/",
        "own",
        "403 ok ok ok ok 403",
        f"{COACH}: the owner reports progress, the manager line follows up; {NO_PERSON} (the author)",
        ACTION_OPEN_OWN,
        {"date": str(WORLD_TODAY), "note": "matrix"},
        ("training.FollowUp",),
    ),
    C(
        "POST /api/v1/work-reports/",
        "new",
        "403 ok ok ok ok ok",
        f"{OWN}: everyone files their own report",
        None,
        {"kind": "daily", "day": "2026-06-13", "summary": "matrix"},
        ("training.WorkReport",),
    ),
    C(
        "POST /api/v1/work-reports/{id}/comments/",
        "own",
        "403 ok ok ok 403 403",
        "managers' comments on work reports: the author's manager line; admin has no person to sign",
        lambda: first("training.WorkReport", person__user__username="rep01"),
        {"text": "matrix"},
        ("training.ReportComment",),
    ),
    C(
        "POST /api/v1/training-suggestions/{id}/accept/",
        "own",
        "ok ok ok ok 403 403",
        f"{COACH}: training from KPI gaps is decided by the manager line",
        SUGGESTION_OWN,
        {"note": "matrix"},
    ),
    C(
        "POST /api/v1/training-suggestions/{id}/dismiss/",
        "own",
        "ok ok ok ok 403 403",
        f"{COACH}: training from KPI gaps is decided by the manager line",
        SUGGESTION_OWN,
        {"note": "matrix"},
    ),
    # --- appraisal -----------------------------------------------------------------------------
    C(
        "POST /api/v1/appraisal-periods/",
        "team",
        "ok ok ok ok 403 403",
        f"{APPRAISE}: 上海一组's period",
        None,
        lambda o: {"period": "2026-04", "team": pk("staff.Team", code="EAST-T01")},
        ("appraisal.AppraisalPeriod",),
    ),
    C(
        "POST /api/v1/appraisal-periods/",
        "far",
        "ok ok 400 400 400 403",
        f"{APPRAISE}: 北京一组 is hidden from rm01 and tm01 ({HIDDEN_BODY}); a rep may not open one (rep01 sees "
        "no team but their own, so the rule answers first)",
        None,
        lambda o: {"period": "2026-04", "team": pk("staff.Team", code="NORTH-T01")},
        ("appraisal.AppraisalPeriod",),
    ),
    C(
        "POST /api/v1/appraisal-periods/{id}/refresh/",
        "team",
        "ok ok ok ok 403 403",
        f"{APPRAISE}: 上海一组's period",
        lambda: first("appraisal.AppraisalPeriod", team__code="EAST-T01"),
    ),
    C(
        "POST /api/v1/appraisal-periods/{id}/refresh/",
        "far",
        "ok ok 404 404 404 403",
        f"{APPRAISE}; {SCOPE}",
        lambda: first("appraisal.AppraisalPeriod", team__code="NORTH-T01"),
    ),
    C(
        "POST /api/v1/appraisal-schemes/",
        "new",
        "ok ok 403 403 403 403",
        COMPANY,
        None,
        lambda o: {"name": "Matrix", "position": "rep", "valid_from": "2027-01-01", "lines": _scheme_lines()},
        ("appraisal.AppraisalScheme",),
    ),
    C(
        "PATCH /api/v1/scorecards/{id}/review/",
        "own",
        "ok ok ok ok 403 403",
        f"{APPRAISE}: the appraised does not score",
        SCORECARD_DRAFT_OWN,
        {"root_cause": "matrix"},
    ),
    C("POST /api/v1/scorecards/{id}/submit/", "own", "ok ok ok ok 403 403", f"{APPRAISE}", SCORECARD_DRAFT_OWN),
    C(
        "POST /api/v1/scorecards/{id}/approve/",
        "own",
        "ok ok ok 403 403 403",
        f"{APPRAISE}; approval by a second person: tm01 scored this card",
        SCORECARD_SUBMITTED_OWN,
    ),
    C(
        "POST /api/v1/scorecards/{id}/return/",
        "own",
        "ok ok ok 403 403 403",
        f"{APPRAISE}; approval by a second person: tm01 scored this card",
        SCORECARD_SUBMITTED_OWN,
        {"reason": "matrix"},
    ),
    C(
        "POST /api/v1/scorecards/{id}/acknowledge/",
        "own",
        "403 403 403 403 ok 403",
        f"{ACKNOWLEDGE}; {WIDE}",
        SCORECARD_APPROVED_OWN,
        {"comment": "matrix"},
    ),
    C(
        "POST /api/v1/scorecards/{id}/acknowledge/",
        "far",
        "403 403 404 404 404 403",
        f"{ACKNOWLEDGE}; {SCOPE}",
        SCORECARD_APPROVED_FAR,
        {"comment": "matrix"},
    ),
    # --- incentives ----------------------------------------------------------------------------
    C(
        "POST /api/v1/contests/{id}/finish/",
        "team",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: 上海一组's contest",
        lambda: first("appraisal.Contest", created_by__user__username="tm01"),
    ),
    C(
        "POST /api/v1/contests/{id}/finish/",
        "other-team",
        "ok ok ok 404 404 403",
        f"{INCENTIVE}: 杭州一组's contest (made by tm02): rm01 manages its region; tm01 another team (contests are announced to everyone: 403, not 404); a contest holds its participants' sales: scoped to its unit (issue 13: another team's rep must not read it): 404 outside",
        lambda: first("appraisal.Contest", created_by__user__username="tm02"),
    ),
    C(
        "POST /api/v1/contests/{id}/publish/",
        "team",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: 上海一组's contest",
        lambda: first("appraisal.Contest", created_by__user__username="tm01"),
        {"published": True},
    ),
    C(
        "POST /api/v1/commission-statements/compute/",
        "team",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: 上海一组's statements",
        None,
        lambda o: {
            "plan": pk("appraisal.CommissionPlan", is_active=True),
            "period": "2026-05",
            "team": pk("staff.Team", code="EAST-T01"),
        },
        ("appraisal.CommissionStatement",),
    ),
    C(
        "POST /api/v1/commission-statements/compute/",
        "far",
        "ok ok 400 400 400 403",
        f"{INCENTIVE}; {HIDDEN_BODY} (北京一组)",
        None,
        lambda o: {
            "plan": pk("appraisal.CommissionPlan", is_active=True),
            "period": "2026-05",
            "team": pk("staff.Team", code="NORTH-T01"),
        },
        ("appraisal.CommissionStatement",),
    ),
    C(
        "POST /api/v1/commission-statements/{id}/approve/",
        "own",
        "ok 403 ok ok 403 403",
        f"{INCENTIVE}: rep01's statement; never one's own; approval by a second person: the demo's statements were computed by the director",
        with_status("appraisal.CommissionStatement", "draft", person__user__username="rep01"),
    ),
    C(
        "POST /api/v1/commission-statements/build/",
        "own",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: rep01's statement of June from the plan version in force; never one's own",
        None,
        lambda o: {
            "plan": pk("appraisal.CommissionPlan"),
            "person": pk("staff.Person", user__username="rep01"),
            "period": "2026-06",
        },
        ("appraisal.CommissionStatement", "appraisal.CommissionStatementLine"),
    ),
    C(
        "POST /api/v1/commission-statements/{id}/issue/",
        "own",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: rep01's draft statement built from a plan version",
        STATEMENT_DRAFT_VERSIONED_OWN,
    ),
    C(
        "POST /api/v1/commission-statements/{id}/acknowledge/",
        "own",
        "403 403 403 403 ok 403",
        COMMISSION_REP,
        statement_issued_own,
        {"comment": "matrix"},
    ),
    C(
        "POST /api/v1/commission-statements/{id}/dispute/",
        "own",
        "403 403 403 403 ok 403",
        COMMISSION_REP,
        statement_issued_own,
        lambda o: {"line": o.lines.order_by("pk").first().pk, "reason": "matrix"},
        ("appraisal.CommissionDispute",),
    ),
    C(
        "POST /api/v1/commission-disputes/{id}/resolve/",
        "own",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: a manager of the statement's unit resolves rep01's dispute, never the rep",
        dispute_open_own,
        {"accept": False, "resolution": "matrix"},
        ("appraisal.CommissionStatementLine",),
    ),
    C(
        "POST /api/v1/commission-statements/payroll-export/",
        "all",
        "ok ok 403 403 403 403",
        PAYROLL,
        None,
        {"period": ""},
    ),
    # --- staff ---------------------------------------------------------------------------------
    C(
        "POST /api/v1/auth/token/",
        "login",
        "ok ok ok ok ok ok",
        "logging in is no write of the authority rule",
        None,
        lambda o: {"username": o, "password": "demo1234"},
    ),
    C(
        "POST /api/v1/openings/",
        "team",
        "ok ok ok ok 403 403",
        f"{ORG} (recruiting for a team: its managers and above); rep01 sees their own team: the rule answers 403",
        None,
        lambda o: {"team": pk("staff.Team", code="EAST-T01"), "title": "Matrix", "opened_on": str(WORLD_TODAY)},
        ("staff.Opening",),
    ),
    C(
        "POST /api/v1/candidates/",
        "team",
        "ok ok ok ok 400 403",
        f"recruiting for 上海一组: its managers and above; rep01 sees no opening ({HIDDEN_BODY})",
        None,
        lambda o: {
            "opening": pk("staff.Opening", team__code="EAST-T01"),
            "name": "Matrix",
            "applied_on": str(WORLD_TODAY),
        },
        ("staff.Candidate",),
    ),
    C(
        "POST /api/v1/candidates/{id}/steps/",
        "team",
        "ok ok ok ok 404 403",
        "recruiting for 上海一组: its managers and above; rep01 sees no candidate (404)",
        lambda: first("staff.Candidate", team__code="EAST-T01", status="in_selection"),
        {"kind": "interview", "date": str(WORLD_TODAY), "note": "matrix"},
        ("staff.SelectionStep",),
    ),
    C(
        "POST /api/v1/candidates/{id}/reject/",
        "team",
        "ok ok ok ok 404 403",
        "recruiting for 上海一组: its managers and above; rep01 sees no candidate (404)",
        lambda: first("staff.Candidate", team__code="EAST-T01", status="in_selection"),
        {"date": str(WORLD_TODAY), "reason": "matrix"},
    ),
    C(
        "POST /api/v1/candidates/{id}/hire/",
        "team",
        "ok ok ok 403 404 403",
        f"{ORG}: a hire is an org change (tm01 may not); rep01 sees no candidate (404)",
        lambda: first("staff.Candidate", team__code="EAST-T01", status="in_selection"),
        {"employee_no": "E9001", "hire_date": str(WORLD_TODAY), "reason": "matrix"},
        ("staff.Person",),
    ),
    # --- review meetings (复盘) ---------------------------------------------------------------------
    C(
        "POST /api/v1/review-meetings/",
        "own",
        "403 ok ok ok 403 403",
        f"{REVIEW}; {NO_PERSON} (the one who holds it)",
        None,
        _review_create_body("EAST-T01"),
        ("training.ReviewMeeting",),
    ),
    C(
        "POST /api/v1/review-meetings/",
        "far",
        "403 ok 400 400 400 403",
        f"{REVIEW}; {HIDDEN_BODY}; {NO_PERSON}",
        None,
        _review_create_body("NORTH-T01"),
        ("training.ReviewMeeting",),
    ),
    C(
        "POST /api/v1/review-meetings/{id}/minutes/",
        "own",
        "ok ok ok ok 403 403",
        REVIEW,
        REVIEW_OWN,
        {"notes": "matrix"},
    ),
    C(
        "POST /api/v1/review-meetings/{id}/minutes/",
        "far",
        "ok ok 404 404 404 403",
        f"{REVIEW}; {SCOPE}",
        REVIEW_FAR,
        {"notes": "matrix"},
    ),
    C(
        "POST /api/v1/review-meetings/{id}/outcomes/",
        "own",
        "ok ok ok ok 403 403",
        f"{REVIEW}; the outcome itself: {APPRAISE}",
        REVIEW_OWN,
        _review_outcome_body,
        ("appraisal.Outcome",),
    ),
    C(
        "POST /api/v1/review-meetings/{id}/action-items/",
        "own",
        "403 ok ok ok 403 403",
        f"{REVIEW}; the action item: {COACH}; {NO_PERSON} (the coach)",
        REVIEW_OWN,
        _review_action_body,
        ("training.ActionItem",),
    ),
    *_person_change_cases(lambda action: f"POST /api/v1/people/{{id}}/{action}/"),
    *_unit_cases(
        region_create="POST /api/v1/regions/",
        region_edit="PATCH /api/v1/regions/{id}/",
        team_create="POST /api/v1/teams/",
        team_edit="PATCH /api/v1/teams/{id}/",
    ),
    # --- quotations ----------------------------------------------------------------------------
    C(
        "POST /api/v1/quotations/",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {CREATE}; {WIDE}",
        None,
        lambda o: {"opportunity": own_opportunity().pk, "lines": [quote_line_body()]},
        ("sales.Quotation",),
    ),
    C(
        "POST /api/v1/quotations/",
        "far",
        "ok ok 400 400 400 403",
        f"{QUOTE}; {HIDDEN_BODY}",
        None,
        lambda o: {"opportunity": far_opportunity().pk, "lines": [quote_line_body()]},
        ("sales.Quotation",),
    ),
    C("POST /api/v1/quotations/{id}/submit/", "own", "ok ok ok ok ok 403", f"{QUOTE}; {WIDE}", QUOTE_DRAFT_OWN),
    C(
        "POST /api/v1/quotations/{id}/approve/",
        "own",
        "ok ok ok ok 403 403",
        f"{QUOTE}: never its owner; {WIDE}",
        QUOTE_PENDING_OWN,
    ),
    C(
        "POST /api/v1/quotations/{id}/approve/",
        "far",
        "ok ok 404 404 404 403",
        f"{QUOTE}; {SCOPE}",
        QUOTE_PENDING_FAR,
    ),
    C(
        "POST /api/v1/quotations/{id}/reject/",
        "own",
        "ok ok ok ok 403 403",
        f"{QUOTE}: never its owner; {WIDE}",
        QUOTE_PENDING_OWN,
        {"reason": "matrix"},
    ),
    C(
        "POST /api/v1/quotations/{id}/accept/",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}: the customer accepted, recorded by its people or a manager; {WIDE}",
        QUOTE_APPROVED_OWN,
    ),
    C(
        "POST /api/v1/quotations/{id}/decline/",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}: the customer declined, recorded by its people or a manager; {WIDE}",
        QUOTE_DRAFT_OWN,
        {"reason": "matrix"},
    ),
    C(
        "POST /api/v1/quotations/{id}/convert/",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {CREATE} (the order it becomes); {WIDE}",
        QUOTE_ACCEPTED_OWN,
        watch=("sales.Order",),
    ),
    C(
        "POST /api/v1/inbox/decide/",
        "own",
        "ok 404 404 ok 404 404",
        f"{INBOX}; {QUOTE}: the discount step waits for the team manager (tm01); the owner never",
        QUOTE_PENDING_OWN,
        lambda o: {"items": [f"quotation:{o.pk}"], "decision": "approve"},
    ),
]


# ---------------------------------------------------------------------------------------------
# Page forms: `PAGE <url name> [<action>]`, posted as a browser would (a 302 after success).


def csv_file(name: str, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


CUSTOMER_FORM = {
    "code": "MX-0001",
    "name": "Matrix Co",
    "kind": "end",
    "status": "active",
    "credit_limit": "0",
    "potential_amount": "0",
}
IMPORTS = (
    "imports are master data (DESIGN 'Users': admins in Django admin: master data, imports); managers for their unit"
)
P = "PAGE "

PAGE_CASES: list[Case] = [
    C(
        P + "notifications:read",
        "self",
        "ok ok ok ok ok ok",
        "one's own inbox: everyone marks their own read",
    ),
    C(
        P + "notifications:settings",
        "self",
        "ok ok ok ok ok ok",
        "one's own notification settings: everyone switches their own kinds (a login without a person is sent to the inbox)",
    ),
    C(
        P + "staff:opening-create",
        "team",
        "ok ok ok ok 403 403",
        "recruiting for 上海一组: its managers and above",
        None,
        lambda o: {
            "team": pk("staff.Team", code="EAST-T01"),
            "title": "Matrix",
            "position": "rep",
            "headcount": 1,
            "opened_on": str(WORLD_TODAY),
        },
        ("staff.Opening",),
    ),
    C(
        P + "staff:opening-detail",
        "team",
        "ok ok ok ok 404 403",
        "recruiting for 上海一组: its managers and above; a rep sees no opening (404)",
        lambda: first("staff.Opening", team__code="EAST-T01"),
        {"name": "Matrix", "applied_on": str(WORLD_TODAY)},
        ("staff.Candidate",),
    ),
    C(
        P + "staff:candidate-detail step",
        "team",
        "ok ok ok ok 404 403",
        "recruiting: the team's managers and above",
        lambda: first("staff.Candidate", team__code="EAST-T01", status="in_selection"),
        {"action": "step", "kind": "interview", "date": str(WORLD_TODAY), "notes": "matrix"},
        ("staff.SelectionStep",),
    ),
    C(
        P + "staff:candidate-detail reject",
        "team",
        "ok ok ok ok 404 403",
        "recruiting: the team's managers and above",
        lambda: first("staff.Candidate", team__code="EAST-T01", status="in_selection"),
        {"action": "reject", "reason": "matrix", "date": str(WORLD_TODAY)},
    ),
    C(
        P + "staff:candidate-detail hire",
        "team",
        "ok ok ok 403 404 403",
        f"{ORG}: tm01 may not hire",
        lambda: first("staff.Candidate", team__code="EAST-T01", status="in_selection"),
        {"action": "hire", "employee_no": "E9001", "hire_date": str(WORLD_TODAY), "reason": "matrix"},
        ("staff.Person",),
    ),
    *_person_change_cases(lambda action: f"{P}staff:person-{action}"),
    *_unit_cases(
        region_create=P + "staff:region-create",
        region_edit=P + "staff:region-edit",
        team_create=P + "staff:team-create",
        team_edit=P + "staff:team-edit",
    ),
    C(
        P + "customers:customer-create",
        "new",
        "ok ok ok ok ok ok",
        "no DESIGN row limits adding a customer",
        None,
        CUSTOMER_FORM,
        ("customers.Customer",),
    ),
    C(
        P + "customers:customer-import",
        "new",
        "ok ok ok ok 403 403",
        IMPORTS,
        None,
        lambda o: {"file": csv_file("c.csv", "code,name,kind\nMX-9,Matrix Co,end\n")},
        ("customers.Customer",),
    ),
    C(
        P + "customers:customer-import-preview",
        "new",
        "400 400 400 400 403 403",
        IMPORTS + "; applying with no file checked in this session is a documented refusal (400: upload it again)",
        None,
        lambda o: {},
        ("customers.Customer",),
    ),
    C(
        P + "customers:customer-edit",
        "own",
        "ok ok ok ok ok 403",
        f"{EDIT}; {WIDE}",
        OC,
        lambda o: {
            **CUSTOMER_FORM,
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "status": o.status,
            "credit_limit": str(o.credit_limit),
            "potential_amount": str(o.potential_amount),
            "notes": "matrix",
        },
    ),
    C(
        P + "customers:customer-edit",
        "far",
        "ok ok 404 404 404 403",
        f"{EDIT}; {SCOPE}",
        FC,
        lambda o: {
            **CUSTOMER_FORM,
            "code": o.code,
            "name": o.name,
            "kind": o.kind,
            "status": o.status,
            "credit_limit": str(o.credit_limit),
            "potential_amount": str(o.potential_amount),
            "notes": "matrix",
        },
    ),
    C(
        P + "customers:customer-transfer",
        "own",
        "ok ok ok ok 403 403",
        POOL,
        OC,
        lambda o: {"to_owner": colleague().pk, "reason": "matrix"},
    ),
    C(
        P + "customers:customer-classify",
        "own",
        "ok ok ok ok 403 403",
        CLASSIFY,
        OC,
        {"classification": "key", "reason": "matrix"},
    ),
    C(P + "customers:customer-release", "own", "ok ok ok ok ok 403", POOL, OC, {"reason": "matrix"}),
    C(
        P + "customers:evaluation-create",
        "own",
        "ok ok ok ok ok 403",
        EDIT,
        OC,
        {
            "period": "2026-Q2",
            "credit_score": 4,
            "payment_score": 4,
            "volume_score": 4,
            "cooperation_score": 4,
            "satisfaction_score": 4,
            "reason": "matrix",
        },
        ("customers.CustomerEvaluation",),
    ),
    C(
        P + "customers:stakeholder-create",
        "own",
        "ok ok ok ok ok 403",
        EDIT,
        OC,
        {"name": "Matrix", "role": "user", "attitude": "neutral", "relationship": 3},
        ("customers.Stakeholder",),
    ),
    C(
        P + "customers:complaint-create",
        "own",
        "ok ok ok ok ok 403",
        EDIT,
        OC,
        {"received_on": str(WORLD_TODAY), "subject": "matrix"},
        ("customers.Complaint",),
    ),
    C(
        P + "customers:reward-create",
        "own",
        "ok ok ok ok 403 403",
        f"{EDIT}; a reward spends company money on a customer: a manager of the customer's unit (no DESIGN row; read with 'classify')",
        OC,
        {"kind": "gift", "date": str(WORLD_TODAY), "amount": "100.00", "reason": "matrix"},
        ("customers.CustomerReward",),
    ),
    C(
        P + "customers:stakeholder-change",
        "own",
        "ok ok ok ok ok 403",
        EDIT,
        lambda: first("customers.Stakeholder", customer__owner__user__username="rep01", status="active"),
        {"kind": "left", "date": str(WORLD_TODAY), "note": "matrix"},
        ("customers.StakeholderChange",),
    ),
    C(
        P + "customers:pool-claim",
        "pool",
        "403 ok ok ok ok 403",
        f"{POOL}; 华东's pool is open to the people of 华东 (wide is of 华南); {NO_PERSON} (the new owner)",
        EAST_POOL,
    ),
    C(
        P + "customers:pool-assign",
        "pool",
        "ok ok ok ok 403 403",
        f"{POOL}: managers assign from their unit's pool to a person of their unit; reps assign nothing",
        EAST_POOL,
        lambda o: {"to_owner": person("rep01").pk, "reason": "matrix"},
    ),
    C(
        P + "customers:pool-open-to-company",
        "pool",
        "ok ok 403 403 403 403",
        f"{POOL}: a company pool a director may open (issue 19): the director or an admin",
        EAST_POOL,
    ),
    C(
        P + "fieldwork:plan-propose",
        "new",
        "ok ok ok ok ok 403",
        PLAN,
        None,
        lambda o: {"person": person("rep01").pk, "week_start": str(next_monday())},
        ("fieldwork.VisitPlan",),
    ),
    C(
        P + "fieldwork:plan-item-add",
        "own",
        "ok ok ok ok ok 403",
        PLAN,
        plan_of("rep01"),
        lambda o: {"customer": own_customer().pk, "day": str(o.week_start)},
        ("fieldwork.VisitPlanItem",),
    ),
    C(
        P + "fieldwork:plan-item-remove",
        "own",
        "ok ok ok ok ok 403",
        PLAN,
        plan_of("rep01", with_item=True),
        lambda o: {"item": o.items.first().pk},
        ("fieldwork.VisitPlanItem",),
    ),
    C(P + "fieldwork:plan-submit", "own", "ok ok ok ok ok 403", PLAN, plan_of("rep01", with_item=True)),
    C(
        P + "fieldwork:plan-decide",
        "own",
        "ok ok ok ok 403 403",
        APPROVE_PLAN,
        plan_of("rep01", with_item=True, status="submitted"),
        {"decision": "approve"},
    ),
    C(
        P + "customers:follow-up-done",
        "own",
        "403 403 403 403 ok 403",
        "a follow-up is the rep's own reminder: only that rep marks it done (no DESIGN row)",
        _follow_up_own,
    ),
    C(
        P + "fieldwork:visit-create",
        "own",
        "403 ok ok ok ok 403",
        f"{CREATE}; {NO_PERSON}",
        None,
        lambda o: {"customer": own_customer().pk, "date": str(filing_day()), "kind": "visit", "purpose": "matrix"},
        ("fieldwork.Visit",),
    ),
    C(
        P + "fieldwork:visit-edit",
        "own",
        "403 403 403 403 ok 403",
        OWN,
        lambda: first("fieldwork.Visit", author__user__username="rep01"),
        lambda o: {"customer": o.customer_id, "date": str(o.date), "kind": o.kind, "outcome": "matrix"},
    ),
    C(
        P + "fieldwork:expense-create",
        "own",
        "403 ok ok ok ok 403",
        f"{CREATE}; {NO_PERSON}",
        None,
        lambda o: {"date": str(filing_day()), "kind": "travel", "amount": "10.00", "customer": own_customer().pk},
        ("fieldwork.ExpenseClaim",),
    ),
    C(P + "fieldwork:expense-decide", "own", "ok ok ok ok 403 403", APPROVE, EXPENSE_OWN, {"decision": "approve"}),
    C(P + "fieldwork:visit-check-out", "own", "403 403 403 403 ok 403", VISIT_OWN, _visit_checked_in("rep01")),
    C(
        P + "fieldwork:visit-action-create",
        "own",
        "403 403 403 403 ok 403",
        VISIT_ACTION,
        _visit_checked_in("rep01"),
        {"action": "stock_count", "item": "matrix", "quantity": "1"},
        ("fieldwork.VisitActionRecord",),
    ),
    C(P + "fieldwork:visit-confirm", "own", "ok ok ok ok 403 403", CONFIRM_JOINT, _joint_unconfirmed("rep01")),
    C(
        P + "fieldwork:visit-comment",
        "own",
        "403 ok ok ok 403 403",
        COMMENT,
        lambda: first("fieldwork.Visit", author__user__username="rep01"),
        {"text": "matrix"},
        ("fieldwork.VisitComment", "notifications.Notification"),
    ),
    C(
        P + "customers:location-propose",
        "own",
        "403 ok ok ok ok 403",
        f"{PROPOSE}; {NO_PERSON}; {WIDE}",
        lambda: _customer_without_proposal("rep01"),
        {"latitude": "30.0", "longitude": "120.0"},
        ("customers.LocationProposal",),
    ),
    C(
        P + "customers:location-decide",
        "own",
        "ok ok ok ok 403 403",
        CONFIRM_LOCATION,
        _pending_proposal("rep01"),
        {"decision": "confirm"},
    ),
    C(
        P + "customers:complaint-update",
        "own",
        "ok ok ok ok ok 403",
        EDIT,
        _complaint_own,
        {"status": "handling", "resolution": "matrix"},
    ),
    C(
        P + "customers:competitor-create",
        "new",
        "ok ok ok ok 403 403",
        CATALOGUE,
        None,
        {"name": "Matrix rival"},
        ("customers.Competitor",),
    ),
    C(
        P + "fieldwork:intel-create",
        "new",
        "403 ok ok ok ok ok",
        f"{CATALOGUE}: reps add notes; {NO_PERSON}",
        None,
        lambda o: {"competitor": pk("customers.Competitor"), "date": str(WORLD_TODAY), "note": "matrix"},
        ("fieldwork.IntelNote",),
    ),
    C(
        P + "sales:order-create",
        "own",
        "ok ok ok ok ok 403",
        CREATE,
        None,
        lambda o: {
            "customer": own_customer().pk,
            "date": str(WORLD_TODAY),
            "channel": "direct",
            "payment_terms_days": 30,
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-product": pk("sales.Product"),
            "lines-0-quantity": "1",
            "lines-0-unit_price": "100",
            "shares-TOTAL_FORMS": 0,
            "shares-INITIAL_FORMS": 0,
        },
        ("sales.Order",),
    ),
    C(
        P + "sales:order-action submit",
        "own",
        "ok ok ok ok ok 403",
        CREATE,
        ORDER_DRAFT_OWN,
        kwargs={"action": "submit"},
    ),
    C(
        P + "sales:order-action approve",
        "own",
        "ok ok ok ok 403 403",
        APPROVE,
        ORDER_PENDING_OWN,
        kwargs={"action": "approve"},
    ),
    C(
        P + "sales:order-action approve",
        "far",
        "ok ok 404 404 404 403",
        f"{APPROVE}; {SCOPE}",
        ORDER_PENDING_FAR,
        kwargs={"action": "approve"},
    ),
    C(
        P + "approval-inbox-decide",
        "own",
        "ok 404 404 ok 404 404",
        f"{INBOX}; {APPROVE}: the step waits for the team manager (tm01)",
        ORDER_PENDING_OWN,
        lambda o: {"item": f"order:{o.pk}", "decision": "approve"},
    ),
    C(
        P + "sales:order-action reject",
        "own",
        "ok ok ok ok 403 403",
        APPROVE,
        ORDER_PENDING_OWN,
        {"reason": "matrix"},
        kwargs={"action": "reject"},
    ),
    C(
        P + "sales:order-action cancel",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: the filer or a manager",
        ORDER_PENDING_OWN,
        {"reason": "matrix"},
        kwargs={"action": "cancel"},
    ),
    C(
        P + "sales:order-action pay",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE} (confirm a payment)",
        lambda: first("sales.Order", shares__rep__user__username="rep01", status="confirmed", payments__isnull=True),
        {"date": str(WORLD_TODAY), "amount": "1.00"},
        ("sales.Payment",),
        kwargs={"action": "pay"},
    ),
    C(
        P + "sales:payment-confirm",
        "own",
        "ok ok ok ok 403 403",
        f"{APPROVE} (confirm a payment): managers, never rep01 who entered it",
        awaiting_payment,
    ),
    C(
        P + "sales:order-plan",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: the order's filer or a manager plans its payments; {WIDE}",
        ORDER_PENDING_OWN,
        lambda o: {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-due_date": "2026-12-31",
            "form-0-amount": str(o.total_amount),
        },
        ("sales.Instalment",),
    ),
    C(
        P + "sales:pipeline",
        "own",
        "400 ok ok ok ok 403",
        f"{CREATE}; admin has no person and the page form names no owner: the form refuses it (400)",
        None,
        lambda o: {
            "name": "Matrix",
            "customer": own_customer().pk,
            "expected_amount": "1000",
            "expected_close_date": "2026-09-30",
            "stage": pk("sales.PipelineStage", is_won=False, is_lost=False),
        },
        ("sales.Opportunity",),
    ),
    C(
        P + "sales:opportunity-detail move",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: its owner or a manager",
        lambda: first("sales.Opportunity", owner__user__username="rep01", stage__is_won=False, stage__is_lost=False),
        lambda o: {"stage": pk("sales.PipelineStage", is_won=False, is_lost=False, exclude={"pk": o.stage_id})},
    ),
    C(
        P + "sales:opportunity-detail category",
        "own",
        "ok ok ok ok ok 403",
        f"{CREATE}: its owner or a manager sets its forecast category",
        lambda: first("sales.Opportunity", owner__user__username="rep01", stage__is_won=False, stage__is_lost=False),
        lambda o: {
            "action": "category",
            "forecast_category": "omitted" if o.forecast_category != "omitted" else "commit",
        },
    ),
    C(
        P + "dashboard:forecast",
        "team",
        "403 ok ok ok 400 403",
        f"{FORECAST}: the page offers rep01 only their own row at the rep level (a team's id is not a choice: 400)",
        None,
        lambda o: {
            "level": "team",
            "kind": "month",
            "period": "2026-06",
            "owner": pk("staff.Team", code="EAST-T01"),
            "amount": "1000.00",
            "note": "matrix",
        },
        ("targets.ForecastAdjustment",),
    ),
    C(
        P + "sales:import-upload",
        "new",
        "ok ok 403 403 403 403",
        f"{IMPORTS}: ERP imports of orders and payments",
        None,
        lambda o: {"kind": "orders", "file": csv_file("o.csv", "erp_no\n"), "dry_run": "on"},
        ("sales.ImportJob",),
    ),
    C(
        P + "targets:grid-cell",
        "own",
        "ok ok ok ok ok 403",
        f"{SET}: a cell of rep01's own draft commitment",
        _month_draft_own,
        lambda o: {
            "target_id": o.pk,
            "version": o.version,
            "value": "1234",
            "reason": "matrix",
            # The grid answers the edited row again, so the cell names its row.
            "metric": o.metric,
            "period": o.period,
            "owner_kind": o.owner_kind,
            "owner_key": o.owner_key,
        },
        ("targets.Target",),
    ),
    C(
        P + "targets:create",
        "team",
        "ok ok ok 400 400 403",
        f"{SET}: 杭州一组's targets: rm01 or above; tm01 and rep01 do not see 杭州一组 (the form refuses the choice)",
        None,
        lambda o: {
            "owner_kind": "team",
            "team": pk("staff.Team", code="EAST-T02"),
            "metric": "sales_amount",
            "period": "2027",
            "value": "1000",
        },
        ("targets.Target",),
    ),
    C(
        P + "targets:detail edit",
        "own",
        "ok ok ok ok ok 403",
        f"{SET}: rep01's draft",
        TARGET_DRAFT_OWN,
        lambda o: {"action": "edit", "value": "1234", "version": o.version, "reason": "matrix"},
    ),
    C(P + "targets:detail approve", "own", "ok ok ok ok 403 403", APPROVE_T, TARGET_DRAFT_OWN, {"action": "approve"}),
    C(
        P + "targets:detail acknowledge",
        "own",
        "403 403 403 403 ok 403",
        ACK_T,
        TARGET_APPROVED_OWN,
        {"action": "acknowledge"},
    ),
    C(
        P + "targets:approve-bulk",
        "team",
        "ok ok ok ok 403 403",
        f"{APPROVE_T} (in bulk for a unit): a managers' page; 上海一组's 2026 drafts, rep01's drafted by rep01",
        TARGET_DRAFT_OWN,
        lambda o: {"year": 2026, "team": o.team_id},
        ("targets.Target",),
    ),
    C(
        P + "targets:breakdown",
        "own",
        "ok ok ok ok 403 403",
        f"{SET}; breaking down again replaces approved quarters and months: a revision (DESIGN 'revise an approved one (with a reason)'): a manager above the drafter rep01; never the drafter",
        TARGET_DRAFT_OWN,
        {"method": "equal", "reason": "matrix"},
        ("targets.Target",),
    ),
    C(
        P + "targets:allocate",
        "team",
        "ok ok ok 403 404 403",
        f"{SET}; rep01 does not see the team's target (404); re-allocating replaces approved rep targets: a revision: a manager above the drafter tm01 (tm01 drafted it: 403)",
        TARGET_TEAM_OWN,
        {"method": "equal", "reason": "matrix"},
        ("targets.Target",),
    ),
    C(
        P + "targets:template-create",
        "new",
        "ok ok 403 403 403 403",
        COMPANY,
        None,
        {"name": "Matrix", **TEMPLATE_WEIGHTS},
        ("targets.DistributionTemplate",),
    ),
    C(
        P + "targets:template-edit",
        "any",
        "ok ok 403 403 403 403",
        COMPANY,
        lambda: first("targets.DistributionTemplate"),
        {"name": "Matrix", **TEMPLATE_WEIGHTS},
    ),
    C(
        P + "targets:proposals",
        "new",
        "ok ok ok ok 403 403",
        f"{SET}: proposals only for owners the proposer may set (a team manager: own team and its reps)",
        None,
        {"year": 2027, "growth": "0.10", "metric": "sales_amount"},
        ("targets.Target",),
    ),
    C(
        P + "targets:import",
        "new",
        "ok ok ok ok 403 403",
        f"{SET}: each imported row by the set rule",
        None,
        lambda o: {
            "file": csv_file(
                "t.csv",
                f"owner_kind,owner_code,metric,period,value\nrep,{person('rep01').employee_no},sales_amount,2027,1000\n",
            )
        },
        ("targets.Target",),
    ),
    C(
        P + "targets:plan-create",
        "own",
        "ok ok ok ok ok ok",
        f"{SET}: a sales plan for one's own target; wide writes a plan of their own",
        None,
        {"title": "Matrix", "period": "2027"},
        ("targets.SalesPlan",),
    ),
    C(
        P + "targets:plan-detail activity",
        "team",
        "ok ok ok ok 404 403",
        f"{SET}: 上海一组's plan",
        lambda: first("targets.SalesPlan", team__code="EAST-T01"),
        {
            "action": "activity",
            "kind": "campaign",
            "name": "Matrix",
            "start_date": "2026-07-01",
            "end_date": "2026-07-31",
            "planned_count": 1,
            "done_count": 0,
            "progress": 0,
        },
        ("targets.PlanActivity",),
    ),
    C(
        P + "targets:plan-detail approve",
        "team",
        "ok ok ok 403 404 403",
        f"{APPROVE_T}: above the plan's owner",
        lambda: first("targets.SalesPlan", team__code="EAST-T01"),
        {"action": "approve"},
    ),
    C(
        P + "targets:plan-detail progress",
        "team",
        "ok ok ok ok 404 403",
        f"{SET}: 上海一组's plan",
        lambda: first("targets.SalesPlan", team__code="EAST-T01"),
        lambda o: {"action": "progress", "activity": _activity_of(o), "done_count": 1},
    ),
    C(
        P + "targets:runs",
        "yesterday",
        "ok ok ok ok 403 403",
        RECOMPUTE,
        None,
        lambda o: {"as_of": str(yesterday())},
        ("targets.RecomputeRun",),
    ),
    C(
        P + "targets:runs",
        "other-date",
        "ok ok 403 403 403 403",
        RECOMPUTE,
        None,
        {"as_of": "2026-01-31"},
        ("targets.RecomputeRun",),
    ),
    C(
        P + "training:enrollment-result",
        "own",
        "ok ok ok ok 403 403",
        COACH,
        _enrollment_own,
        {"completed_on": str(WORLD_TODAY), "passed": "on", "score": "90"},
    ),
    C(
        P + "training:session-create",
        "own",
        "403 ok ok ok 403 403",
        f"{COACH}; {NO_PERSON}",
        None,
        lambda o: {
            "kind": "one_on_one",
            "date": str(WORLD_TODAY),
            "person": person("rep01").pk,
            "topic": "matrix",
            "discussed": "matrix",
            "agreed_plan": "matrix",
        },
        ("training.CoachingSession",),
    ),
    C(
        P + "training:action-detail",
        "own",
        "403 ok ok ok ok 403",
        f"{COACH}: owner and manager line follow up",
        ACTION_OPEN_OWN,
        {"date": str(WORLD_TODAY), "note": "matrix"},
        ("training.FollowUp",),
    ),
    C(
        P + "training:report-create",
        "new",
        "403 ok ok ok ok ok",
        OWN,
        None,
        {"kind": "daily", "day": "2026-06-13", "summary": "matrix"},
        ("training.WorkReport",),
    ),
    C(
        P + "training:report-detail",
        "own",
        "403 ok ok ok 403 403",
        "managers' comments: the author's manager line",
        lambda: first("training.WorkReport", person__user__username="rep01"),
        {"text": "matrix"},
        ("training.ReportComment",),
    ),
    C(
        P + "training:suggestion-decide",
        "own",
        "ok ok ok ok 403 403",
        COACH,
        SUGGESTION_OWN,
        {"decision": "accept", "note": "matrix"},
    ),
    C(
        P + "training:review-create",
        "own",
        "403 ok ok ok 403 403",
        f"{REVIEW}; {NO_PERSON} (the one who holds it)",
        None,
        _review_page_create_body,
        ("training.ReviewMeeting",),
    ),
    C(
        P + "training:review-detail minutes",
        "own",
        "ok ok ok ok 403 403",
        REVIEW,
        REVIEW_OWN,
        {"action": "minutes", "date": str(WORLD_TODAY), "stale_days": 30, "notes": "matrix"},
    ),
    C(
        P + "training:review-detail outcome",
        "own",
        "ok ok ok ok 403 403",
        f"{REVIEW}; the outcome itself: {APPRAISE}",
        REVIEW_OWN,
        lambda o: {"action": "outcome", **_review_outcome_body(o)},
        ("appraisal.Outcome",),
    ),
    C(
        P + "training:review-detail action-item",
        "own",
        "403 ok ok ok 403 403",
        f"{REVIEW}; the action item: {COACH}; {NO_PERSON} (the coach)",
        REVIEW_OWN,
        lambda o: {"action": "action-item", **_review_action_body(o)},
        ("training.ActionItem",),
    ),
    C(
        P + "appraisal:index",
        "team",
        "ok ok ok ok 403 403",
        f"{APPRAISE}: 上海一组's period",
        None,
        lambda o: {"period": "2026-04", "team": pk("staff.Team", code="EAST-T01")},
        ("appraisal.AppraisalPeriod",),
    ),
    *[
        C(
            P + f"appraisal:period-action {step}",
            "team",
            "ok ok ok ok 403 403",
            APPRAISE,
            picker,
            body,
            kwargs={"step": step},
        )
        for step, picker, body in (
            ("refresh", lambda: first("appraisal.AppraisalPeriod", team__code="EAST-T01"), {}),
            ("publish", lambda: first("appraisal.AppraisalPeriod", team__code="EAST-T01"), {}),
            ("close", _period_ready_to_close, {}),
            (
                "meeting",
                lambda: first("appraisal.AppraisalPeriod", team__code="EAST-T01"),
                {"meeting_date": str(WORLD_TODAY), "notes": "matrix"},
            ),
        )
    ],
    C(
        P + "appraisal:scorecard-detail",
        "own",
        "ok ok ok ok 403 403",
        APPRAISE,
        SCORECARD_DRAFT_OWN,
        {"review-root_cause": "matrix"},
    ),
    C(
        P + "appraisal:action-add",
        "own",
        "ok ok ok ok 403 403",
        APPRAISE,
        SCORECARD_DRAFT_OWN,
        lambda o: {"description": "matrix", "owner": person("rep01").pk, "due_date": "2026-12-31"},
        ("appraisal.ImprovementAction",),
    ),
    C(
        P + "appraisal:outcome-add",
        "own",
        "ok ok ok ok 403 403",
        APPRAISE,
        SCORECARD_SUBMITTED_OWN,
        {"kind": "reward", "amount": "100", "reason": "matrix", "date": str(WORLD_TODAY)},
        ("appraisal.Outcome",),
    ),
    *[
        C(
            P + f"appraisal:scorecard-step {step}",
            "own",
            expect,
            why,
            picker,
            body,
            kwargs={"step": step},
        )
        for step, expect, why, picker, body in (
            ("submit", "ok ok ok ok 403 403", APPRAISE, SCORECARD_DRAFT_OWN, {}),
            (
                "approve",
                "ok ok ok 403 403 403",
                f"{APPRAISE}; second person: tm01 scored it",
                SCORECARD_SUBMITTED_OWN,
                {},
            ),
            (
                "return",
                "ok ok ok 403 403 403",
                f"{APPRAISE}; second person: tm01 scored it",
                SCORECARD_SUBMITTED_OWN,
                {"reason": "matrix"},
            ),
            (
                "close",
                "ok ok ok ok 403 403",
                APPRAISE,
                with_status("appraisal.Scorecard", "approved", person__user__username="rep01"),
                {},
            ),
            (
                "acknowledge",
                "403 403 403 403 ok 403",
                f"{ACKNOWLEDGE}; {WIDE}",
                SCORECARD_APPROVED_OWN,
                {"comment": "matrix"},
            ),
        )
    ],
    C(
        P + "appraisal:scorecard-step acknowledge",
        "far",
        "403 403 404 404 404 403",
        f"{ACKNOWLEDGE}; {SCOPE}",
        SCORECARD_APPROVED_FAR,
        {"comment": "matrix"},
        kwargs={"step": "acknowledge"},
    ),
    C(
        P + "appraisal:outcome-confirm",
        "own",
        "ok ok ok 403 403 403",
        "DESIGN 'promotion and dismissal confirmed one level above' the deciding tm01; a second person",
        _promotion_own,
    ),
    C(
        P + "appraisal:contest-detail finish",
        "team",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: 上海一组's contest",
        lambda: first("appraisal.Contest", created_by__user__username="tm01"),
        {"step": "finish"},
    ),
    C(
        P + "appraisal:contest-detail finish",
        "other-team",
        "ok ok ok 404 404 403",
        f"{INCENTIVE}: 杭州一组's contest (made by tm02): rm01 manages its region; tm01 another team (contests are announced to everyone: 403, not 404); a contest holds its participants' sales: scoped to its unit (issue 13: another team's rep must not read it): 404 outside",
        lambda: first("appraisal.Contest", created_by__user__username="tm02"),
        {"step": "finish"},
    ),
    C(
        P + "appraisal:contest-detail publish",
        "team",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: 上海一组's contest",
        lambda: first("appraisal.Contest", created_by__user__username="tm01"),
        {"step": "publish"},
    ),
    C(
        P + "appraisal:statement-list compute",
        "unit",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: 上海一组's statements",
        None,
        lambda o: {
            "step": "compute",
            "period": "2026-05",
            "plan": pk("appraisal.CommissionPlan"),
            "team": pk("staff.Team", code="EAST-T01"),
        },
        ("appraisal.CommissionStatement",),
    ),
    C(
        P + "appraisal:statement-list approve",
        "unit",
        "ok 403 ok ok 403 403",
        f"{INCENTIVE}: within the actor's unit; approval by a second person: the demo's statements were computed by the director",
        None,
        lambda o: {
            "step": "approve",
            "statement": with_status("appraisal.CommissionStatement", "draft", person__user__username="rep01")().pk,
        },
    ),
    C(
        P + "appraisal:statement-detail issue",
        "own",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: rep01's draft statement built from a plan version",
        STATEMENT_DRAFT_VERSIONED_OWN,
        {"step": "issue"},
    ),
    C(
        P + "appraisal:statement-detail acknowledge",
        "own",
        "403 403 403 403 ok 403",
        COMMISSION_REP,
        statement_issued_own,
        {"step": "acknowledge", "comment": "matrix"},
    ),
    C(
        P + "appraisal:statement-detail dispute",
        "own",
        "403 403 403 403 ok 403",
        COMMISSION_REP,
        statement_issued_own,
        lambda o: {"step": "dispute", "line": o.lines.order_by("pk").first().pk, "reason": "matrix"},
        ("appraisal.CommissionDispute",),
    ),
    C(
        P + "appraisal:dispute-list",
        "own",
        "ok ok ok ok 403 403",
        f"{INCENTIVE}: a manager of the statement's unit resolves rep01's dispute, never the rep",
        dispute_open_own,
        lambda o: {"dispute": o.pk, "decision": "reject", "resolution": "matrix"},
        ("appraisal.CommissionStatementLine",),
    ),
    C(
        P + "appraisal:statement-list export",
        "unit",
        "ok ok 403 403 403 403",
        PAYROLL,
        None,
        {"step": "export", "period": "2026-05"},
    ),
    # --- quotations ----------------------------------------------------------------------------
    C(
        P + "sales:quotation-create",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {CREATE}; {WIDE}",
        own_opportunity,
        lambda o: {
            "valid_until": str(timezone.localdate() + timedelta(days=30)),
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-product": pk("sales.Product", is_active=True),
            "lines-0-quantity": "1",
            "lines-0-discount_percent": "5",
        },
        ("sales.Quotation",),
    ),
    C(
        P + "sales:quotation-create",
        "far",
        "ok ok 404 404 404 403",
        f"{QUOTE}; {SCOPE}",
        far_opportunity,
        lambda o: {
            "valid_until": str(timezone.localdate() + timedelta(days=30)),
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-product": pk("sales.Product", is_active=True),
            "lines-0-quantity": "1",
            "lines-0-discount_percent": "5",
        },
        ("sales.Quotation",),
    ),
    C(
        P + "sales:quotation-edit",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}: a draft, by its people or a manager; {WIDE}",
        QUOTE_DRAFT_OWN,
        lambda o: {
            "valid_until": str(o.valid_until),
            "lines-TOTAL_FORMS": 1,
            "lines-INITIAL_FORMS": 0,
            "lines-0-product": pk("sales.Product", is_active=True),
            "lines-0-quantity": "2",
            "lines-0-discount_percent": "5",
        },
    ),
    C(
        P + "sales:quotation-action submit",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {WIDE}",
        QUOTE_DRAFT_OWN,
        kwargs={"action": "submit"},
    ),
    C(
        P + "sales:quotation-action approve",
        "own",
        "ok ok ok ok 403 403",
        f"{QUOTE}: never its owner; {WIDE}",
        QUOTE_PENDING_OWN,
        kwargs={"action": "approve"},
    ),
    C(
        P + "sales:quotation-action approve",
        "far",
        "ok ok 404 404 404 403",
        f"{QUOTE}; {SCOPE}",
        QUOTE_PENDING_FAR,
        kwargs={"action": "approve"},
    ),
    C(
        P + "sales:quotation-action reject",
        "own",
        "ok ok ok ok 403 403",
        f"{QUOTE}: never its owner; {WIDE}",
        QUOTE_PENDING_OWN,
        {"reason": "matrix"},
        kwargs={"action": "reject"},
    ),
    C(
        P + "sales:quotation-action send",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {WIDE}",
        QUOTE_APPROVED_OWN,
        kwargs={"action": "send"},
    ),
    C(
        P + "sales:quotation-action accept",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {WIDE}",
        QUOTE_APPROVED_OWN,
        kwargs={"action": "accept"},
    ),
    C(
        P + "sales:quotation-action decline",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {WIDE}",
        QUOTE_DRAFT_OWN,
        {"reason": "matrix"},
        kwargs={"action": "decline"},
    ),
    C(
        P + "sales:quotation-action convert",
        "own",
        "ok ok ok ok ok 403",
        f"{QUOTE}; {CREATE} (the order it becomes); {WIDE}",
        QUOTE_ACCEPTED_OWN,
        watch=("sales.Order",),
        kwargs={"action": "convert"},
    ),
    C(
        P + "approval-inbox-decide",
        "own",
        "ok 404 404 ok 404 404",
        f"{INBOX}; {QUOTE}: the discount step waits for the team manager (tm01)",
        QUOTE_PENDING_OWN,
        lambda o: {"item": f"quotation:{o.pk}", "decision": "approve"},
    ),
]
