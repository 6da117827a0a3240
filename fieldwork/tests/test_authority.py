"""Who may file visits and expense claims, name the accompanying manager, approve a claim.

Outside the data scope: 404 (or, for an id named in a body, the answer of a missing id); in scope
but not allowed: 403 with the rule's message and nothing written. A widened data scope widens
what one sees, never what one may change.
"""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.tests.factories import CustomerFactory, ExpenseClaimFactory, StakeholderFactory, VisitFactory
from fieldwork.models import ExpenseClaim, Visit
from fieldwork.tests.test_api import client_for
from fieldwork.visit_actions import VisitAction, register_visit_action, unregister_visit_action
from staff.models import Person

pytestmark = pytest.mark.django_db

CREATE = "Only the customer's owner or a manager of the customer's unit records work for this customer."
MISSING = 1_000_000


def widen(person) -> None:
    Person.objects.filter(pk=person.pk).update(data_scope="all")


def normalised(response, pk: int) -> tuple[int, object]:
    """Status and body, with the id the request named replaced: what a hidden and a missing id share."""
    text = json.dumps(response.json(), ensure_ascii=False).replace(f'\\"{pk}\\"', '\\"ID\\"')
    return response.status_code, json.loads(text)


# The accompanying manager (Part A 2) ----------------------------------------------------------


def joint(person, customer, manager_id):
    body = {"customer": customer.pk, "kind": "joint", "purpose": "联合拜访", "accompanying_manager": manager_id}
    return client_for(person).post("/api/v1/visits/", body, format="json")


@pytest.mark.parametrize("manager", ["tm1a", "rm1", "director"])
def test_a_rep_names_a_manager_above_them(org, manager):
    customer = CustomerFactory(owner=org.rep1a1)

    response = joint(org.rep1a1, customer, getattr(org, manager).pk)

    assert response.status_code == 201, response.content
    assert Visit.objects.get().accompanying_manager == getattr(org, manager)


@pytest.mark.parametrize("manager", ["tm1b", "tm2a", "rm2"])
def test_a_manager_outside_the_reps_line_answers_as_a_missing_id(org, manager):
    customer = CustomerFactory(owner=org.rep1a1)
    hidden = getattr(org, manager).pk

    named = joint(org.rep1a1, customer, hidden)
    missing = joint(org.rep1a1, customer, MISSING)

    assert named.status_code == 400
    assert normalised(named, hidden) == normalised(missing, MISSING)
    assert Visit.objects.count() == 0


@pytest.mark.parametrize("person", ["tm1b", "rm2", "rep1a2"])
def test_someone_the_rep_sees_but_who_is_not_above_them_is_refused(org, person):
    customer = CustomerFactory(owner=org.rep1a1)
    widen(org.rep1a1)

    response = joint(org.rep1a1, customer, getattr(org, person).pk)

    assert response.status_code == 400
    assert response.json()["accompanying_manager"] == ["The accompanying manager must be a manager above you."]
    assert Visit.objects.count() == 0


def test_a_manager_names_only_a_manager_above_them(org):
    customer = CustomerFactory(owner=org.rep1a1)

    below = joint(org.tm1a, customer, org.rep1a2.pk)
    above = joint(org.tm1a, customer, org.rm1.pk)

    assert below.status_code == 400
    assert below.json()["accompanying_manager"] == ["The accompanying manager must be a manager above you."]
    assert above.status_code == 201
    assert Visit.objects.get().accompanying_manager == org.rm1


def test_the_visit_form_offers_the_managers_above_the_rep_only(client, org):
    customer = CustomerFactory(owner=org.rep1a1)
    client.force_login(org.rep1a1.user)

    page = client.get(reverse("fieldwork:visit-create"))
    refused = client.post(
        reverse("fieldwork:visit-create"),
        {
            "customer": customer.pk,
            "date": str(timezone.localdate()),
            "kind": "joint",
            "accompanying_manager": org.tm1b.pk,
        },
    )

    choices = set(page.context["form"].fields["accompanying_manager"].queryset)
    assert choices == {org.tm1a, org.rm1, org.director}
    assert refused.status_code == 400 and "accompanying_manager" in refused.context["form"].errors
    assert Visit.objects.count() == 0


# Creating visits and claims (Part A 3) --------------------------------------------------------


@pytest.mark.parametrize("who", ["rep1a2", "tm1b", "rm2"])
def test_visits_and_claims_are_for_the_owner_or_a_manager_of_the_customers_unit(org, who):
    customer = CustomerFactory(owner=org.rep1a1)
    person = getattr(org, who)
    widen(person)
    client = client_for(person)

    visit = client.post("/api/v1/visits/", {"customer": customer.pk, "purpose": "x"}, format="json")
    claim = client.post(
        "/api/v1/expenses/",
        {"date": str(timezone.localdate()), "kind": "travel", "amount": "10.00", "customer": customer.pk},
        format="json",
    )

    assert visit.status_code == claim.status_code == 403
    assert visit.json()["detail"] == claim.json()["detail"] == CREATE
    assert Visit.objects.count() == ExpenseClaim.objects.count() == 0


@pytest.mark.parametrize("who", ["rep1a1", "tm1a", "rm1", "director"])
def test_the_owner_and_the_managers_of_the_unit_record_visits_and_claims(org, who):
    customer = CustomerFactory(owner=org.rep1a1)
    client = client_for(getattr(org, who))

    visit = client.post("/api/v1/visits/", {"customer": customer.pk, "purpose": "x"}, format="json")
    claim = client.post(
        "/api/v1/expenses/",
        {"date": str(timezone.localdate()), "kind": "travel", "amount": "10.00", "customer": customer.pk},
        format="json",
    )

    assert (visit.status_code, claim.status_code) == (201, 201), (visit.content, claim.content)
    assert Visit.objects.get().author == getattr(org, who)


def test_editing_a_visit_is_for_its_author_only(org):
    visit = VisitFactory(customer=CustomerFactory(owner=org.rep1a1), purpose="原目的")

    response = client_for(org.tm1a).patch(f"/api/v1/visits/{visit.pk}/", {"purpose": "改"}, format="json")

    assert response.status_code == 403
    assert response.json()["detail"] == "Only the author changes this."
    assert Visit.objects.get().purpose == "原目的"


# Approving a claim --------------------------------------------------------------------------------


def claim_state(claim) -> tuple:
    return ExpenseClaim.objects.filter(pk=claim.pk).values_list("status", "decided_by", "decided_on").get()


@pytest.mark.parametrize(
    ("filer", "who", "message"),
    [
        ("rep1a1", "rep1a2", "Only a manager of the record's unit approves it."),
        ("rep1a1", "tm1b", "Only a manager of the record's unit approves it."),
        ("rep1a1", "rm2", "Only a manager of the record's unit approves it."),
        ("tm1a", "tm1a", "Approval is by a second person: you filed this."),
        # A regional manager's claim is on the region, which no team manager's unit contains.
        ("rm1", "tm1a", "Only a manager of the record's unit approves it."),
    ],
)
def test_refused_approvals_write_nothing(org, filer, who, message):
    claim = ExpenseClaimFactory(person=getattr(org, filer))
    widen(getattr(org, who))
    before = claim_state(claim)

    response = client_for(getattr(org, who)).post(f"/api/v1/expenses/{claim.pk}/approve/")

    assert response.status_code == 403
    assert response.json()["detail"] == message
    assert claim_state(claim) == before == ("submitted", None, None)


def test_a_manager_of_another_team_does_not_find_the_claim(org):
    claim = ExpenseClaimFactory(person=org.rep1a1)

    response = client_for(org.tm1b).post(f"/api/v1/expenses/{claim.pk}/approve/")

    assert response.status_code == 404
    assert claim_state(claim) == ("submitted", None, None)


@pytest.mark.parametrize(
    ("filer", "who"), [("rep1a1", "tm1a"), ("rep1a1", "rm1"), ("rep1a1", "director"), ("tm1a", "rm1")]
)
def test_a_manager_of_the_unit_above_the_filer_approves(org, filer, who):
    claim = ExpenseClaimFactory(person=getattr(org, filer))

    response = client_for(getattr(org, who)).post(f"/api/v1/expenses/{claim.pk}/approve/")

    assert response.status_code == 200, response.content
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == ("approved", getattr(org, who))


def test_the_expense_page_offers_the_decision_only_to_who_may_decide(client, org):
    ExpenseClaimFactory(person=org.rep1a1)
    widen(org.tm1b)
    client.force_login(org.tm1b.user)
    assert 'value="approve"' not in client.get(reverse("fieldwork:expense-list")).content.decode()
    client.force_login(org.rm1.user)
    assert 'value="approve"' in client.get(reverse("fieldwork:expense-list")).content.decode()


# Every writable relation: a hidden id answers as a missing one (Part A 5) -------------------------


def _hidden_objects(org) -> dict:
    theirs = CustomerFactory(owner=org.rep2a1)
    return {
        "customer": theirs,
        "person": org.rep2a1,
        "stakeholder": StakeholderFactory(customer=theirs),
        "visit": VisitFactory(customer=theirs),
    }


RELATIONS = [
    # (who asks, method, url, body with ID where the relation goes, kind of hidden object)
    ("tm1a", "post", "/api/v1/customers/", {"code": "C-H", "name": "x", "owner": "ID"}, "person"),
    ("tm1a", "post", "/api/v1/customers/", {"code": "C-H", "name": "x", "referred_by": "ID"}, "customer"),
    ("tm1a", "patch", "/api/v1/customers/{own}/", {"referred_by": "ID"}, "customer"),
    ("tm1a", "post", "/api/v1/customers/{own}/transfer/", {"to_owner": "ID", "reason": "x"}, "person"),
    (
        "tm1a",
        "post",
        "/api/v1/customers/{own}/rewards/",
        {"kind": "referral", "amount": "1", "referral": "ID"},
        "customer",
    ),
    ("rep1a1", "post", "/api/v1/stakeholders/", {"customer": "ID", "name": "x", "role": "user"}, "customer"),
    ("rep1a1", "post", "/api/v1/complaints/", {"customer": "ID", "subject": "x"}, "customer"),
    ("rep1a1", "post", "/api/v1/visits/", {"customer": "ID", "purpose": "x"}, "customer"),
    ("rep1a1", "post", "/api/v1/visits/", {"customer": "{own}", "stakeholders": ["ID"]}, "stakeholder"),
    (
        "rep1a1",
        "post",
        "/api/v1/visits/",
        {"customer": "{own}", "kind": "joint", "accompanying_manager": "ID"},
        "person",
    ),
    ("rep1a1", "patch", "/api/v1/visits/{own_visit}/", {"customer": "ID"}, "customer"),
    ("rep1a1", "patch", "/api/v1/visits/{own_visit}/", {"stakeholders": ["ID"]}, "stakeholder"),
    (
        "rep1a1",
        "post",
        "/api/v1/expenses/",
        {"date": str(timezone.localdate()), "kind": "travel", "amount": "1", "customer": "ID"},
        "customer",
    ),
    (
        "rep1a1",
        "post",
        "/api/v1/expenses/",
        {"date": str(timezone.localdate()), "kind": "travel", "amount": "1", "visit": "ID"},
        "visit",
    ),
    ("rep1a1", "post", "/api/v1/intel-notes/", {"note": "x", "customer": "ID"}, "customer"),
    ("rep1a1", "post", "/api/v1/intel-notes/", {"note": "x", "visit": "ID"}, "visit"),
]


def _fill(value, ids: dict):
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, str) and value in ids:
        return ids[value]
    return value


@pytest.mark.parametrize(("who", "method", "url", "body", "kind"), RELATIONS)
def test_a_hidden_id_in_a_body_answers_as_a_missing_one(org, who, method, url, body, kind):
    hidden = _hidden_objects(org)[kind]
    own = CustomerFactory(owner=org.rep1a1)
    own_visit = VisitFactory(customer=own)
    StakeholderFactory(customer=own)
    path = url.format(own=own.pk, own_visit=own_visit.pk)
    client = client_for(getattr(org, who))
    counts = (Visit.objects.count(), ExpenseClaim.objects.count())

    answers = []
    for pk in (hidden.pk, MISSING):
        data = {key: _fill(value, {"ID": pk, "{own}": own.pk}) for key, value in body.items()}
        answers.append(normalised(getattr(client, method)(path, data, format="json"), pk))

    assert answers[0][0] == 400, answers[0]
    assert answers[0] == answers[1]
    assert (Visit.objects.count(), ExpenseClaim.objects.count()) == counts
    assert not own_visit.stakeholders.exists()


# The visit-action registry (Part A 6) ----------------------------------------------------------


def test_the_visit_page_shows_the_actions_the_apps_above_register(client, org):
    visit = VisitFactory(customer=CustomerFactory(owner=org.rep1a1))

    def offer(user, shown):
        return VisitAction(label="Plan the follow-up", url=f"/elsewhere/{shown.pk}/") if shown == visit else None

    register_visit_action(offer)
    try:
        client.force_login(org.tm1a.user)
        html = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    finally:
        unregister_visit_action(offer)

    assert f'href="/elsewhere/{visit.pk}/"' in html and "Plan the follow-up" in html


def test_training_fills_the_registry_with_the_joint_visit_review(client, org):
    visit = VisitFactory(customer=CustomerFactory(owner=org.rep1a1), kind="joint", accompanying_manager=org.tm1a)
    review = f"{reverse('training:session-create')}?kind=joint_visit_review&amp;visit={visit.pk}"

    client.force_login(org.tm1a.user)
    assert review in client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    client.force_login(org.rep1a1.user)
    assert review not in client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
