"""Who may change a customer and the competitor records (the authority rule, `staff/authority.py`).

Outside the data scope the answer is 404; in scope but not allowed, 403 with the rule's message, and
the row is unchanged. A widened data scope widens what one sees, never what one may change: the
team manager of another team, given the whole company to see, is still refused.
"""

from decimal import Decimal

import pytest

from customers.models import Competitor, Customer, CustomerMove
from customers.tests.factories import CustomerFactory
from fieldwork.tests.test_api import client_for
from staff.models import Person

pytestmark = pytest.mark.django_db

MANAGE = "Only a manager of the customer's unit does this."
EDIT = "Only the customer's owner or a manager of the customer's unit changes this customer."
CATALOGUE = "Only a manager edits competitors and pipeline stages; reps add intelligence notes."


def widen(person) -> None:
    """Let `person` see the whole company (a data scope an admin may set)."""
    Person.objects.filter(pk=person.pk).update(data_scope="all")


def snapshot(customer: Customer) -> dict:
    fields = ("owner_id", "classification", "credit_rating", "credit_limit", "status", "latitude", "longitude")
    row = Customer.objects.filter(pk=customer.pk).values(*fields).get()
    return {**row, "moves": CustomerMove.objects.filter(customer=customer).count()}


# Competitors (Part A 1) ------------------------------------------------------------------------


def test_a_rep_may_not_add_or_edit_competitors_and_nothing_is_written(org):
    rival = Competitor.objects.create(name="远航科技", products="同类设备")
    rep = client_for(org.rep1a1)

    created = rep.post("/api/v1/competitors/", {"name": "新对手"}, format="json")
    edited = rep.patch(f"/api/v1/competitors/{rival.pk}/", {"products": "降价"}, format="json")

    assert created.status_code == edited.status_code == 403
    assert created.json()["detail"] == edited.json()["detail"] == CATALOGUE
    assert list(Competitor.objects.values_list("name", "products")) == [("远航科技", "同类设备")]


@pytest.mark.parametrize("who", ["tm1b", "rm1", "director"])
def test_managers_add_and_edit_competitors(org, who):
    client = client_for(getattr(org, who))

    created = client.post("/api/v1/competitors/", {"name": "新对手", "products": "A"}, format="json")
    edited = client.patch(f"/api/v1/competitors/{created.json()['id']}/", {"products": "B"}, format="json")

    assert created.status_code == 201 and edited.status_code == 200
    assert Competitor.objects.get().products == "B"


def test_the_competitor_page_refuses_a_rep_and_hides_the_button(client, org):
    client.force_login(org.rep1a1.user)

    assert client.get("/customers/competitors/new/").status_code == 403
    assert client.post("/customers/competitors/new/", {"name": "新对手"}).status_code == 403
    assert "/customers/competitors/new/" not in client.get("/customers/competitors/").content.decode()
    assert Competitor.objects.count() == 0


@pytest.mark.parametrize("body", [[{"name": "x"}], ["x"], 3, "x"])
def test_a_body_that_is_not_an_object_is_a_400(org, body):
    response = client_for(org.tm1a).post("/api/v1/competitors/", body, format="json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()
    assert Competitor.objects.count() == 0


# Classify, credit, status, location (Part A 4) -------------------------------------------------


@pytest.mark.parametrize(
    ("action", "payload"),
    [
        ("classify", {"classification": "key", "reason": "大客户"}),
        ("patch", {"credit_rating": "AA"}),
        ("patch", {"credit_limit": "500000.00"}),
        ("patch", {"status": "dormant"}),
        ("patch", {"latitude": "30.000000", "longitude": "120.000000"}),
    ],
)
@pytest.mark.parametrize("who", ["rep1a1", "tm1b"])
def test_only_a_manager_of_the_customers_unit_classifies_and_sets_credit_status_location(org, action, payload, who):
    customer = CustomerFactory(owner=org.rep1a1)
    # The owner sees the customer; the other team's manager sees it once given the whole company.
    widen(org.tm1b)
    before = snapshot(customer)
    client = client_for(getattr(org, who))

    if action == "classify":
        response = client.post(f"/api/v1/customers/{customer.pk}/classify/", payload, format="json")
    else:
        response = client.patch(f"/api/v1/customers/{customer.pk}/", payload, format="json")

    assert response.status_code == 403
    # The other team's manager may not even edit the customer's details.
    assert response.json()["detail"] == (EDIT if (who, action) == ("tm1b", "patch") else MANAGE)
    assert snapshot(customer) == before


def test_a_manager_of_another_team_without_a_widened_scope_does_not_find_the_customer(org):
    customer = CustomerFactory(owner=org.rep1a1)
    before = snapshot(customer)

    response = client_for(org.tm1b).patch(f"/api/v1/customers/{customer.pk}/", {"credit_rating": "AA"}, format="json")

    assert response.status_code == 404
    assert snapshot(customer) == before


@pytest.mark.parametrize("who", ["tm1a", "rm1", "director"])
def test_managers_of_the_unit_set_credit_status_and_location(org, who):
    customer = CustomerFactory(owner=org.rep1a1)
    payload = {"credit_rating": "AA", "credit_limit": "500000.00", "status": "dormant", "latitude": "30.5"}

    response = client_for(getattr(org, who)).patch(
        f"/api/v1/customers/{customer.pk}/", {**payload, "longitude": "120.25"}, format="json"
    )

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.credit_rating, customer.credit_limit, customer.status) == ("AA", Decimal("500000.00"), "dormant")
    assert (customer.latitude, customer.longitude) == (Decimal("30.500000"), Decimal("120.250000"))


def test_a_rep_still_edits_their_customers_notes(org):
    customer = CustomerFactory(owner=org.rep1a1)

    response = client_for(org.rep1a1).patch(
        f"/api/v1/customers/{customer.pk}/", {"notes": "周三拜访", "credit_limit": str(customer.credit_limit)}
    )

    assert response.status_code == 200
    assert Customer.objects.get(pk=customer.pk).notes == "周三拜访"


def test_a_rep_may_not_create_a_customer_with_credit(org):
    response = client_for(org.rep1a1).post(
        "/api/v1/customers/", {"code": "C-CR", "name": "x", "credit_limit": "1000.00"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == MANAGE
    assert not Customer.objects.filter(code="C-CR").exists()


def test_the_classify_page_refuses_the_owner(client, org):
    customer = CustomerFactory(owner=org.rep1a1)
    before = snapshot(customer)
    client.force_login(org.rep1a1.user)

    response = client.post(f"/customers/{customer.pk}/classify/", {"classification": "key", "reason": "x"})

    assert response.status_code == 403
    assert snapshot(customer) == before
    assert f"/customers/{customer.pk}/classify/" not in client.get(f"/customers/{customer.pk}/").content.decode()


# Transfer, release, claim ----------------------------------------------------------------------


def test_transfer_is_within_the_managers_unit(org):
    customer = CustomerFactory(owner=org.rep1a1)
    widen(org.tm1a)
    widen(org.tm1b)
    before = snapshot(customer)
    url = f"/api/v1/customers/{customer.pk}/transfer/"

    rep = client_for(org.rep1a1).post(url, {"to_owner": org.rep1a1.pk, "reason": "x"}, format="json")
    other_team = client_for(org.tm1b).post(url, {"to_owner": org.rep1b1.pk, "reason": "x"}, format="json")
    # The customer's team manager may not hand it to a rep of another team.
    out_of_unit = client_for(org.tm1a).post(url, {"to_owner": org.rep1b1.pk, "reason": "x"}, format="json")

    assert (rep.status_code, other_team.status_code, out_of_unit.status_code) == (403, 403, 403)
    assert rep.json()["detail"] == other_team.json()["detail"] == "Only a manager of the customer's unit transfers it."
    assert out_of_unit.json()["detail"] == "The new owner must be in your unit."
    assert snapshot(customer) == before


@pytest.mark.parametrize("who", ["rm1", "director"])
def test_a_regional_manager_or_director_transfers_across_teams_of_their_unit(org, who):
    customer = CustomerFactory(owner=org.rep1a1)

    response = client_for(getattr(org, who)).post(
        f"/api/v1/customers/{customer.pk}/transfer/", {"to_owner": org.rep1b1.pk, "reason": "调整"}, format="json"
    )

    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert (customer.owner, customer.team) == (org.rep1b1, org.t1b)


@pytest.mark.parametrize("who", ["rep1a2", "tm1b", "rm2"])
def test_release_is_for_the_owner_and_the_managers_of_its_unit(org, who):
    customer = CustomerFactory(owner=org.rep1a1)
    widen(getattr(org, who))
    before = snapshot(customer)

    response = client_for(getattr(org, who)).post(
        f"/api/v1/customers/{customer.pk}/release/", {"reason": "不再跟进"}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Only the customer's owner or a manager of its unit releases it to the pool."
    assert snapshot(customer) == before


def test_a_manager_claims_pool_customers_only_within_their_unit(org):
    # Each region has its own pool (issue 19): R2's team manager does not see R1's pool (404, like
    # a missing id); with a scope of all he sees it but may not claim from it (403).
    pooled = CustomerFactory(owner=None, team=org.t1a, region=org.r1)
    before = snapshot(pooled)

    hidden = client_for(org.tm2a).post(f"/api/v1/customer-pool/{pooled.pk}/claim/")
    org.tm2a.data_scope = "all"
    org.tm2a.save(update_fields=["data_scope"])
    refused = client_for(org.tm2a).post(f"/api/v1/customer-pool/{pooled.pk}/claim/")
    claimed = client_for(org.tm1a).post(f"/api/v1/customer-pool/{pooled.pk}/claim/")

    assert hidden.status_code == 404
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the people of the customer's region claim from its pool."
    assert claimed.status_code == 200
    assert snapshot(pooled) != before and Customer.objects.get(pk=pooled.pk).owner == org.tm1a


# Imports ---------------------------------------------------------------------------------------


def _csv(rows: list[str]):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("c.csv", ("\n".join(rows) + "\n").encode(), content_type="text/csv")


def test_a_rep_may_not_import_customers(client, org):
    client.force_login(org.rep1a1.user)

    page = client.get("/customers/import/")
    posted = client.post("/customers/import/", {"file": _csv(["code,name", "C-IMP,导入客户"])})

    assert page.status_code == posted.status_code == 403
    assert not Customer.objects.filter(code="C-IMP").exists()
    assert "/customers/import/" not in client.get("/customers/").content.decode()


def test_a_manager_imports_only_rows_of_their_unit(client, org):
    widen(org.tm1b)
    client.force_login(org.tm1b.user)

    response = client.post(
        "/customers/import/",
        {
            "file": _csv(
                [
                    "code,name,owner",
                    f"C-OK,本组客户,{org.rep1b1.employee_no}",
                    f"C-NO,他组客户,{org.rep1a1.employee_no}",
                ]
            )
        },
    )

    # The upload leads to the dry run: the other team's owner refuses line 3 only, naming the owner.
    assert response.status_code == 302
    plan = client.get(response["Location"]).context["plan"]
    assert [(r.line, r.code, r.status, [f for f, _m in r.problems]) for r in plan.rows] == [
        (2, "C-OK", "added", []),
        (3, "C-NO", "refused", ["owner"]),
    ]
    # A refused row refuses the whole file: applying answers 400 and writes nothing.
    assert client.post(response["Location"]).status_code == 400
    assert not Customer.objects.filter(code__in=["C-OK", "C-NO"]).exists()


def test_the_transfer_page_refuses_a_rep_before_reading_the_form(client, org):
    customer = CustomerFactory(owner=org.rep1a1)
    before = snapshot(customer)
    client.force_login(org.rep1a1.user)

    response = client.post(f"/customers/{customer.pk}/transfer/", {"to_owner": org.rep1a2.pk, "reason": "x"})

    assert response.status_code == 403
    assert snapshot(customer) == before


def test_the_edit_page_shows_a_rep_the_credit_and_location_but_keeps_them(client, org):
    customer = CustomerFactory(owner=org.rep1a1, credit_rating="A", credit_limit=Decimal("5000.00"))
    before = snapshot(customer)
    client.force_login(org.rep1a1.user)
    form = {"name": customer.name, "kind": "end", "status": "lost", "credit_rating": "AAA", "credit_limit": "9"}

    response = client.post(f"/customers/{customer.pk}/edit/", {**form, "potential_amount": "0", "notes": "改备注"})

    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).notes == "改备注"
    # Credit, status and location are the manager's: the posted values are ignored, not applied.
    assert snapshot(customer) == before
