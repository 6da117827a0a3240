"""A hidden id and a missing id get the same answer, word for word, in English and in Chinese.

DESIGN, data-scope rule: "every writable relation (a serializer field, a form choice) looks up only
what the user may see, so a hidden id and an id that does not exist get the same answer, word for
word, in every language."

For every writable relation of every API write (discovered from the API modules' serializers:
`PrimaryKeyRelatedField` and its scoped subclasses, integer fields named `*_id`, and integer fields
of plain input serializers named like a model relation; plus the ids views read straight from the
body, listed in RAW_IDS), a body naming a HIDDEN id (exists, outside the role's scope) and one
naming a MISSING id (max id + 1000) are posted as rep01 and as tm01. Status and JSON body must be
identical once the id number itself is replaced, in English, with `Accept-Language: zh-hans`, and
with the user's own language set to zh-hans. A relation found in a serializer with no sweep case
fails the completeness test.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.db.models import Max
from django.test import Client
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from staff.scope import forget_viewer
from tests.authority_table import WORLD_TODAY, _visit_checked_in, first, own_customer, person, pk
from tests.test_security_access import invisible_object, is_scoped

API_MODULES = (
    "staff.api",
    "staff.api_recruitment",
    "customers.api.accounts",
    "sales.api.catalogue",
    "sales.api.pipeline",
    "sales.api.orders",
    "sales.api.payments",
    "fieldwork.api.views",
    "targets.api",
    "training.api",
    "appraisal.api",
)
SWEEP_ROLES = ("rep01", "tm01")
LANGUAGES = ("en", "zh-hans header", "zh-hans user")

# Serializers that only shape answers: their relation fields are never read from a request.
OUTPUT_ONLY = {
    "TeamSerializer": "the answer of teams (input: TeamInput)",
    "PersonSerializer": "the answer of people and their employment changes (inputs: TransferInput, PromoteInput, ...)",
    "SelectionStepSerializer": "the answer of candidates/{id}/steps/ (input: StepCreateSerializer)",
    "CandidateSerializer": "the answer of candidates (input: CandidateCreateSerializer)",
    "OpeningSerializer": "the answer of openings (input: OpeningCreateSerializer)",
    "StageChangeSerializer": "the stage history inside an opportunity's answer",
    "AchievementSerializer": "GET /api/v1/achievements/ (read-only viewset)",
    "EnrollmentSerializer": "the answer of enrollments (input: EnrollmentCreateSerializer)",
    "ActionItemSerializer": "the answer of action items (input: ActionItemCreateSerializer)",
    "CoachingSessionSerializer": "the answer of sessions (input: CoachingSessionCreateSerializer)",
    "ReportCommentSerializer": "the comments inside a work report's answer",
    "WorkReportSerializer": "the answer of work reports (input: WorkReportCreateSerializer)",
    "TrainingSuggestionSerializer": "GET training suggestions (decisions take DecisionSerializer)",
    "PeriodSerializer": "the answer of appraisal periods (input: PeriodOpenSerializer)",
    "ContestSerializer": "the answer of contests (publish takes ContestPublishSerializer)",
}


def _fake_request() -> Request:
    request = Request(APIRequestFactory().post("/"))
    request.user = AnonymousUser()
    return request


def _relation_names() -> set[str]:
    return {f.name for m in apps.get_models() for f in m._meta.get_fields() if f.is_relation}


def discovered_relations() -> dict[str, str | None]:
    """`Serializer.field` -> the related model's label (None when the serializer does not say)."""
    found: dict[str, str | None] = {}
    names = _relation_names()
    for module_name in API_MODULES:
        module = importlib.import_module(module_name)
        for cls_name, cls in vars(module).items():
            if not (inspect.isclass(cls) and issubclass(cls, serializers.BaseSerializer)):
                continue
            if cls.__module__ != module_name:
                continue
            plain = not issubclass(cls, serializers.ModelSerializer)
            for name, fld in cls(context={"request": _fake_request()}).fields.items():
                if fld.read_only:
                    continue
                inner = fld.child_relation if isinstance(fld, serializers.ManyRelatedField) else fld
                inner = inner.child if isinstance(inner, serializers.ListField) else inner
                if isinstance(inner, serializers.PrimaryKeyRelatedField):
                    qs = inner.queryset
                    found[f"{cls_name}.{name}"] = qs.model._meta.label if qs is not None else None
                elif isinstance(inner, serializers.IntegerField) and (
                    name.endswith("_id") or (plain and name.removesuffix("_id") in names)
                ):
                    found[f"{cls_name}.{name}"] = None
    return found


@dataclass
class Sweep:
    keys: tuple[str, ...]  # the serializer fields (or `RAW <op> <field>`) this case covers
    op: str
    model: str  # the related model
    body: Callable[[int], dict]  # the body naming the id under test
    obj: Callable[[], Any] | None = None
    extra: dict = field(default_factory=dict)
    # The hidden object for a role when the field looks up more than the data scope (default:
    # any object outside the role's scope).
    hidden: Callable[[str], Any] | None = None


def _manager_outside_line(role: str):
    """A manager of another region: neither in the role's data scope nor in their manager line."""
    from staff.models import Person, Position

    me = Person.objects.get(user__username=role)
    visible = Person.objects.visible_to(me.user).values("pk")
    return (
        Person.objects.filter(position__in=[Position.REGIONAL_MANAGER, Position.TEAM_MANAGER])
        .exclude(region=me.region)
        .exclude(pk__in=visible)
        .order_by("pk")
        .first()
    )


def _order(**over: Any) -> dict:
    body = {
        "customer": own_customer().pk,
        "date": str(WORLD_TODAY),
        "lines": [{"product": pk("sales.Product"), "quantity": "1.00", "unit_price": "100.00"}],
    }
    return {**body, **over}


def _opp(**over: Any) -> dict:
    return {
        "name": "Sweep",
        "customer": own_customer().pk,
        "expected_amount": "10.00",
        "expected_close_date": "2026-09-30",
        **over,
    }


def _rep01():
    return person("rep01")


def _rep01_target():
    return first("targets.Target", person__user__username="rep01", period_kind="year")


S = Sweep
SWEEPS: list[Sweep] = [
    S(("OpeningCreateSerializer.team",), "POST /api/v1/openings/", "staff.Team",
      lambda i: {"team": i, "title": "Sweep", "opened_on": str(WORLD_TODAY)}),
    S(("CandidateCreateSerializer.opening",), "POST /api/v1/candidates/", "staff.Opening",
      lambda i: {"opening": i, "name": "Sweep", "applied_on": str(WORLD_TODAY)}),
    S(("TeamInput.region",), "POST /api/v1/teams/", "staff.Region",
      lambda i: {"code": "SWEEP", "name": "Sweep", "region": i}),
    # An employment change names a team or a manager; rep01 and tm01 may make none (403 before the
    # body is read, alike for both ids): tm1a/rm1 in staff/tests/test_workflows_api.py sweep them too.
    S(("TransferInput.team",), "POST /api/v1/people/{id}/transfer/", "staff.Team",
      lambda i: {"team": i, "on": str(WORLD_TODAY), "reason": "sweep"}, _rep01),
    S(("TransferInput.manager",), "POST /api/v1/people/{id}/transfer/", "staff.Person",
      lambda i: {"team": pk("staff.Team", code="EAST-T02"), "manager": i, "on": str(WORLD_TODAY), "reason": "sweep"},
      _rep01),
    S(("PromoteInput.team",), "POST /api/v1/people/{id}/promote/", "staff.Team",
      lambda i: {"position": "team_manager", "team": i, "on": str(WORLD_TODAY), "reason": "sweep"}, _rep01),
    S(("PromoteInput.region",), "POST /api/v1/people/{id}/promote/", "staff.Region",
      lambda i: {"position": "regional_manager", "region": i, "on": str(WORLD_TODAY), "reason": "sweep"}, _rep01),
    S(("PromoteInput.manager",), "POST /api/v1/people/{id}/promote/", "staff.Person",
      lambda i: {"position": "team_manager", "manager": i, "on": str(WORLD_TODAY), "reason": "sweep"}, _rep01),
    S(("ChangeManagerInput.manager",), "POST /api/v1/people/{id}/change-manager/", "staff.Person",
      lambda i: {"manager": i, "on": str(WORLD_TODAY), "reason": "sweep"}, _rep01),
    S(("HandoverInput.successor",), "POST /api/v1/people/{id}/handover/", "staff.Person",
      lambda i: {"successor": i, "on": str(WORLD_TODAY)}, _rep01),
    S(("OpportunitySerializer.customer",), "POST /api/v1/opportunities/", "customers.Customer",
      lambda i: _opp(customer=i)),
    S(("OpportunitySerializer.owner",), "POST /api/v1/opportunities/", "staff.Person", lambda i: _opp(owner=i)),
    S(("OrderSerializer.customer",), "POST /api/v1/orders/", "customers.Customer", lambda i: _order(customer=i)),
    S(("OrderSerializer.distributor",), "POST /api/v1/orders/", "customers.Customer",
      lambda i: _order(distributor=i, channel="distributor")),
    S(("CreditShareSerializer.rep",), "POST /api/v1/orders/", "staff.Person",
      lambda i: _order(shares=[{"rep": i, "percent": "100.00"}])),
    S(("PaymentSerializer.order",), "POST /api/v1/payments/", "sales.Order",
      lambda i: {"order": i, "date": str(WORLD_TODAY), "amount": "1.00"}),
    S(("TargetSerializer.person",), "POST /api/v1/targets/", "staff.Person",
      lambda i: {"owner_kind": "rep", "person": i, "metric": "sales_amount", "period": "2027", "value": "1.00"}),
    S(("TargetSerializer.team",), "POST /api/v1/targets/", "staff.Team",
      lambda i: {"owner_kind": "team", "team": i, "metric": "sales_amount", "period": "2027", "value": "1.00"}),
    S(("TargetSerializer.region",), "POST /api/v1/targets/", "staff.Region",
      lambda i: {"owner_kind": "region", "region": i, "metric": "sales_amount", "period": "2027", "value": "1.00"}),
    S(("BulkApprovalSerializer.team",), "POST /api/v1/targets/approve-bulk/", "staff.Team",
      lambda i: {"year": 2026, "team": i}),
    S(("BulkApprovalSerializer.region",), "POST /api/v1/targets/approve-bulk/", "staff.Region",
      lambda i: {"year": 2026, "region": i}),
    S(("BreakdownSerializer.template",), "POST /api/v1/targets/{id}/breakdown/", "targets.DistributionTemplate",
      lambda i: {"method": "template", "template": i}, _rep01_target),
    S(("EnrollmentCreateSerializer.person",), "POST /api/v1/enrollments/", "staff.Person",
      lambda i: {"person": i, "course": pk("training.Course", is_active=True)}),
    S(("CoachingSessionCreateSerializer.person",), "POST /api/v1/coaching-sessions/", "staff.Person",
      lambda i: {"kind": "one_on_one", "date": str(WORLD_TODAY), "person": i, "topic": "sweep"}),
    S(("CoachingSessionCreateSerializer.visit",), "POST /api/v1/coaching-sessions/", "fieldwork.Visit",
      lambda i: {"kind": "joint_visit_review", "date": str(WORLD_TODAY), "visit": i, "topic": "sweep"}),
    S(("NewActionItemSerializer.owner",), "POST /api/v1/coaching-sessions/", "staff.Person",
      lambda i: {"kind": "one_on_one", "date": str(WORLD_TODAY), "person": person("rep01").pk, "topic": "sweep",
                 "action_items": [{"title": "sweep", "due_on": "2026-12-31", "owner": i}]}),
    S(("ActionItemCreateSerializer.owner",), "POST /api/v1/action-items/", "staff.Person",
      lambda i: {"owner": i, "title": "sweep", "due_on": "2026-12-31"}),
    S(("ActionItemCreateSerializer.session",), "POST /api/v1/action-items/", "training.CoachingSession",
      lambda i: {"owner": person("rep01").pk, "title": "sweep", "due_on": "2026-12-31", "session": i}),
    S(("PeriodOpenSerializer.team",), "POST /api/v1/appraisal-periods/", "staff.Team",
      lambda i: {"period": "2026-06", "team": i}),
    S(("PeriodOpenSerializer.region",), "POST /api/v1/appraisal-periods/", "staff.Region",
      lambda i: {"period": "2026-06", "region": i}),
    S(("StatementComputeSerializer.team",), "POST /api/v1/commission-statements/compute/", "staff.Team",
      lambda i: {"plan": pk("appraisal.CommissionPlan", is_active=True), "period": "2026-05", "team": i}),
    S(("StatementComputeSerializer.region",), "POST /api/v1/commission-statements/compute/", "staff.Region",
      lambda i: {"plan": pk("appraisal.CommissionPlan", is_active=True), "period": "2026-05", "region": i}),
    S(("StatementBuildSerializer.person",), "POST /api/v1/commission-statements/build/", "staff.Person",
      lambda i: {"plan": pk("appraisal.CommissionPlan", is_active=True), "person": i, "period": "2026-06"}),
    S(("StatementDisputeSerializer.line",), "POST /api/v1/commission-statements/{id}/dispute/",
      "appraisal.CommissionStatementLine", lambda i: {"line": i, "reason": "sweep"},
      lambda: first("appraisal.CommissionStatement", person__user__username="rep01", status="issued",
                    version__isnull=False),
      hidden=lambda role: first("appraisal.CommissionStatementLine",
                                exclude={"statement__person__user__username": "rep01"})),
    S(("ReviewMeetingCreateSerializer.team",), "POST /api/v1/review-meetings/", "staff.Team",
      lambda i: {"period": "2026-Q3", "team": i, "date": str(WORLD_TODAY)}),
    S(("ReviewMeetingCreateSerializer.region",), "POST /api/v1/review-meetings/", "staff.Region",
      lambda i: {"period": "2026-Q3", "region": i, "date": str(WORLD_TODAY)}),
    S(("ReviewOutcomeCreateSerializer.person",), "POST /api/v1/review-meetings/{id}/outcomes/", "staff.Person",
      lambda i: {"person": i, "kind": "improvement_plan", "reason": "sweep"},
      lambda: first("training.ReviewMeeting", team__code="EAST-T01")),
    S(("ReviewActionCreateSerializer.owner",), "POST /api/v1/review-meetings/{id}/action-items/", "staff.Person",
      lambda i: {"owner": i, "title": "sweep", "due_on": "2030-12-31"},
      lambda: first("training.ReviewMeeting", team__code="EAST-T01")),
    # customers' input serializers take plain integers, and some views read ids from the body.
    S(("CustomerInput.owner",), "POST /api/v1/customers/", "staff.Person",
      lambda i: {"name": "Sweep", "kind": "end", "owner": i}),
    S(("CustomerInput.referred_by",), "POST /api/v1/customers/", "customers.Customer",
      lambda i: {"name": "Sweep", "kind": "end", "referred_by": i}),
    S(("VisitInput.customer", "RAW POST /api/v1/visits/ customer"), "POST /api/v1/visits/", "customers.Customer",
      lambda i: {"customer": i, "date": str(WORLD_TODAY), "kind": "visit"}),
    # A rep may name their own manager line (outside their data scope, but theirs to know): the
    # hidden person is a manager outside scope AND outside that line.
    S(("VisitInput.accompanying_manager",), "POST /api/v1/visits/", "staff.Person",
      lambda i: {"customer": own_customer().pk, "date": str(WORLD_TODAY), "kind": "joint", "accompanying_manager": i},
      hidden=_manager_outside_line),
    S(("VisitInput.stakeholders",), "POST /api/v1/visits/", "customers.Stakeholder",
      lambda i: {"customer": own_customer().pk, "date": str(WORLD_TODAY), "kind": "visit", "stakeholders": [i]}),
    S(("LocationProposalInput.customer",), "POST /api/v1/customer-location-proposals/", "customers.Customer",
      lambda i: {"customer": i, "latitude": "30.0", "longitude": "120.0"}),
    S(("ExpenseInput.customer",), "POST /api/v1/expenses/", "customers.Customer",
      lambda i: {"date": str(WORLD_TODAY), "kind": "travel", "amount": "1.00", "customer": i}),
    S(("ExpenseInput.visit",), "POST /api/v1/expenses/", "fieldwork.Visit",
      lambda i: {"date": str(WORLD_TODAY), "kind": "travel", "amount": "1.00", "visit": i}),
    S(("RAW POST /api/v1/stakeholders/ customer",), "POST /api/v1/stakeholders/", "customers.Customer",
      lambda i: {"customer": i, "name": "Sweep", "role": "user"}),
    S(("RAW POST /api/v1/complaints/ customer",), "POST /api/v1/complaints/", "customers.Customer",
      lambda i: {"customer": i, "subject": "sweep", "received_on": str(WORLD_TODAY)}),
    S(("RAW POST /api/v1/intel-notes/ customer",), "POST /api/v1/intel-notes/", "customers.Customer",
      lambda i: {"customer": i, "note": "sweep", "date": str(WORLD_TODAY)}),
    S(("RAW POST /api/v1/intel-notes/ visit",), "POST /api/v1/intel-notes/", "fieldwork.Visit",
      lambda i: {"visit": i, "note": "sweep", "date": str(WORLD_TODAY)}),
    # Visit actions (issue 19): the order or payment is looked up among those the user sees, of the
    # visit's customer. tm01 is refused on rep01's visit before the body is read (alike for both).
    S(("RAW POST /api/v1/visits/{id}/actions/ order",), "POST /api/v1/visits/{id}/actions/", "sales.Order",
      lambda i: {"action": "order", "order": i}, _visit_checked_in("rep01")),
    S(("RAW POST /api/v1/visits/{id}/actions/ payment",), "POST /api/v1/visits/{id}/actions/", "sales.Payment",
      lambda i: {"action": "collection", "payment": i}, _visit_checked_in("rep01")),
    S(("RAW POST /api/v1/customers/{id}/rewards/ referral",), "POST /api/v1/customers/{id}/rewards/",
      "customers.Customer",
      lambda i: {"kind": "referral", "amount": "1.00", "reason": "sweep", "date": str(WORLD_TODAY), "referral": i},
      own_customer),
]  # fmt: skip
# Ids that views read straight from the body (not through a serializer): each must have a case.
RAW_IDS = {
    "RAW POST /api/v1/visits/ customer",
    "RAW POST /api/v1/stakeholders/ customer",
    "RAW POST /api/v1/complaints/ customer",
    "RAW POST /api/v1/intel-notes/ customer",
    "RAW POST /api/v1/intel-notes/ visit",
    "RAW POST /api/v1/customers/{id}/rewards/ referral",
    "RAW POST /api/v1/visits/{id}/actions/ order",
    "RAW POST /api/v1/visits/{id}/actions/ payment",
}
# Also a body id, but not a lookup of what one sees: the new owner of a transfer is checked by the
# authority rule ("the new owner must be in your unit"); tests/test_authority_matrix.py covers it.
NOT_SWEPT = {"RAW POST /api/v1/customers/{id}/transfer/ to_owner": "the transfer rule names the new owner"}


def test_every_writable_relation_has_a_sweep_case():
    covered = {key for sweep in SWEEPS for key in sweep.keys}
    found = discovered_relations()
    assert len(found) > 20, "the discovery found almost no relation fields"
    missing = [
        key
        for key, label in sorted(found.items())
        if key.split(".")[0] not in OUTPUT_ONLY and key not in covered
        and (label is None or is_scoped(apps.get_model(label)))
    ]  # fmt: skip
    missing += sorted(RAW_IDS - covered)
    assert not missing, "\n".join(f"no sweep case for {key}: add one to SWEEPS" for key in missing)


# ---------------------------------------------------------------------------------------------


def _client(role: str, language: str) -> Client:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=role)
    forget_viewer(user)
    token, _ = Token.objects.get_or_create(user=user)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    if language == "zh-hans header":
        headers["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return Client(**headers)


def _answer(client: Client, op: str, obj, body: dict, number: int) -> tuple[int, str]:
    method, path = op.split(" ", 1)
    url = path.replace("{id}", str(obj.pk)) if obj is not None else path
    with transaction.atomic():
        response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
        transaction.set_rollback(True)
    try:
        text = json.dumps(response.json(), ensure_ascii=False, sort_keys=True)
    except ValueError:
        text = response.content.decode(errors="replace")
    return response.status_code, re.sub(rf"\b{number}\b", "<id>", text)


def _missing_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1000


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", SWEEP_ROLES)
@pytest.mark.parametrize("sweep", SWEEPS, ids=lambda s: f"{s.op} {s.keys[0]}")
def test_hidden_and_missing_ids_answer_alike(world, sweep, role, language):
    from staff.models import Person

    model = apps.get_model(sweep.model)
    if sweep.hidden is not None:
        hidden = sweep.hidden(role)
    else:
        hidden = invisible_object(model, role) if is_scoped(model) else None
    if hidden is None:
        pytest.skip(f"every {sweep.model} is visible to {role}: nothing is hidden")
    if language == "zh-hans user":
        Person.objects.filter(user__username=role).update(language="zh-hans")
    obj = sweep.obj() if sweep.obj is not None else None
    client = _client(role, language)
    missing = _missing_id(model)
    got_hidden = _answer(client, sweep.op, obj, sweep.body(hidden.pk), hidden.pk)
    got_missing = _answer(client, sweep.op, obj, sweep.body(missing), missing)
    assert got_hidden == got_missing, (
        f"{sweep.op} field {sweep.keys[0]} as {role} ({language}): a hidden {sweep.model} #{hidden.pk} answers "
        f"{got_hidden[0]} {got_hidden[1][:300]}\n  but a missing id answers {got_missing[0]} {got_missing[1][:300]}"
    )
    assert got_hidden[0] < 500, f"{sweep.op} {sweep.keys[0]} as {role}: server error {got_hidden[0]}"
