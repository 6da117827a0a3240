"""Pools per region and the company pool, claim limits and holding caps, the protection after a
claim and the warning before a return (issue 19), with dates worked by hand."""

from datetime import date

import pytest

from customers.models import Classification, Customer, CustomerMove, MoveKind, PoolLimit
from customers.services.accounts import customer_transfer
from customers.services.pool import customer_claim, customer_release, pool_run
from customers.tests.factories import CustomerFactory, IdleCustomerRuleFactory
from fieldwork.tests.test_api import client_for
from notifications.models import Notification
from salesorg.exceptions import ApplicationError, NotAllowed

pytestmark = pytest.mark.django_db


def pooled_in(region, team=None, **kwargs) -> Customer:
    """A customer waiting in a region's pool (the region its last owner had)."""
    return CustomerFactory(owner=None, owner_since=None, region=region, team=team, **kwargs)


def test_a_rep_of_one_region_cannot_claim_from_another_regions_pool(org):
    east = pooled_in(org.r1, org.t1a)

    # rep2a1 (region R2) does not see R1's pool: the claim answers like a missing id.
    south_rep = client_for(org.rep2a1)
    assert east.pk not in [row["id"] for row in south_rep.get("/api/v1/customer-pool/").json()["results"]]
    assert south_rep.post(f"/api/v1/customer-pool/{east.pk}/claim/").status_code == 404
    # Called directly (or with a scope widened to all), the rule refuses it.
    with pytest.raises(NotAllowed):
        customer_claim(user=org.rep2a1.user, customer=east, today=date(2026, 3, 2))
    assert Customer.objects.get(pk=east.pk).owner is None
    assert not CustomerMove.objects.filter(customer=east).exists()

    # A rep of another team of the same region claims it: the pool is the region's.
    response = client_for(org.rep1b1).post(f"/api/v1/customer-pool/{east.pk}/claim/")
    assert response.status_code == 200
    east.refresh_from_db()
    assert east.owner == org.rep1b1 and east.team == org.t1b and east.region == org.r1


def test_a_released_customer_waits_in_its_regions_pool(org):
    customer = CustomerFactory(owner=org.rep1a1)

    customer_release(user=org.rep1a1.user, customer=customer, reason="不再跟进", today=date(2026, 3, 2))

    assert customer.pk in [row["id"] for row in client_for(org.rm1).get("/api/v1/customer-pool/").json()["results"]]
    assert customer.pk not in [row["id"] for row in client_for(org.rm2).get("/api/v1/customer-pool/").json()["results"]]
    move = CustomerMove.objects.get(customer=customer)
    assert (move.kind, move.from_owner, move.date) == (MoveKind.RELEASED, org.rep1a1, date(2026, 3, 2))


def test_the_company_pool_opened_by_a_director_is_open_to_every_region(org):
    east = pooled_in(org.r1, org.t1a)
    url = f"/api/v1/customer-pool/{east.pk}/open-to-company/"

    # Refusals: a rep (403), another team's manager in the region (403), the regional manager (403),
    # a manager of another region (does not see the pool: 404).
    assert client_for(org.rep1a1).post(url).status_code == 403
    assert client_for(org.tm1b).post(url).status_code == 403
    assert client_for(org.rm1).post(url).status_code == 403
    assert client_for(org.rm2).post(url).status_code == 404
    assert Customer.objects.get(pk=east.pk).in_company_pool is False

    assert client_for(org.director).post(url).status_code == 200
    assert CustomerMove.objects.get(customer=east).kind == MoveKind.OPENED

    # Now a rep of region R2 sees and claims it.
    response = client_for(org.rep2a1).post(f"/api/v1/customer-pool/{east.pk}/claim/")
    assert response.status_code == 200
    east.refresh_from_db()
    assert east.owner == org.rep2a1 and east.region == org.r2 and east.in_company_pool is False


def test_managers_assign_from_their_units_pool_and_the_refusals_per_role(org):
    east = pooled_in(org.r1, org.t1a)
    url = f"/api/v1/customer-pool/{east.pk}/assign/"
    body = {"to_owner": org.rep1a1.pk, "reason": "区域分配"}

    # A rep assigns nothing (403); the manager of another team sees the region's pool but not rep1a1
    # of team T1a (400 on the field, like a missing id); a manager of another region does not see
    # the pool (404).
    assert client_for(org.rep1a2).post(url, body, format="json").status_code == 403
    other_team = client_for(org.tm1b).post(url, body, format="json")
    assert other_team.status_code == 400 and "to_owner" in other_team.json()
    assert client_for(org.rm2).post(url, body, format="json").status_code == 404
    assert client_for(org.tm2a).post(url, body, format="json").status_code == 404
    assert Customer.objects.get(pk=east.pk).owner is None

    # The regional manager may not give it to a rep of another region (400 on the field: he does
    # not see rep2a1, so the id answers like a missing one).
    wrong = client_for(org.rm1).post(url, {"to_owner": org.rep2a1.pk}, format="json")
    assert wrong.status_code == 400 and "to_owner" in wrong.json()

    response = client_for(org.rm1).post(url, body, format="json")
    assert response.status_code == 200
    move = CustomerMove.objects.get(customer=east)
    assert (move.kind, move.to_owner, move.moved_by, move.reason) == (
        MoveKind.ASSIGNED,
        org.rep1a1,
        org.rm1,
        "区域分配",
    )

    # The director assigns from any region's pool.
    south = pooled_in(org.r2, org.t2a)
    answer = client_for(org.director).post(
        f"/api/v1/customer-pool/{south.pk}/assign/", {"to_owner": org.rep2a1.pk}, format="json"
    )
    assert answer.status_code == 200 and Customer.objects.get(pk=south.pk).owner == org.rep2a1


def test_daily_claim_limit_and_holding_cap_per_position_and_classification(org):
    PoolLimit.objects.update_or_create(
        position="rep", classification=Classification.KEY, defaults={"daily_claims": 2, "holding_cap": 3}
    )
    keys = [pooled_in(org.r1, org.t1a, classification=Classification.KEY) for _ in range(5)]
    general = pooled_in(org.r1, org.t1a, classification=Classification.GENERAL)
    rep = org.rep1a1.user

    # 3 Mar: two key customers claimed, the third refused (daily limit 2) ...
    customer_claim(user=rep, customer=keys[0], today=date(2026, 3, 3))
    customer_claim(user=rep, customer=keys[1], today=date(2026, 3, 3))
    with pytest.raises(ApplicationError) as daily:
        customer_claim(user=rep, customer=keys[2], today=date(2026, 3, 3))
    assert "customer" in daily.value.fields
    # ... while a general customer counts against its own classification's limits.
    customer_claim(user=rep, customer=general, today=date(2026, 3, 3))

    # 4 Mar: a new day, one more key customer: he holds 2 + 1 = 3, the cap.
    customer_claim(user=rep, customer=keys[2], today=date(2026, 3, 4))
    with pytest.raises(ApplicationError) as cap:
        customer_claim(user=rep, customer=keys[3], today=date(2026, 3, 4))
    assert "3" in str(cap.value.fields["customer"][0])
    # A manager's assignment is held to the same cap (not to the daily limit).
    with pytest.raises(ApplicationError) as assigned:
        customer_transfer(
            user=org.rm1.user, customer=keys[4], to_owner=org.rep1a1, reason="分配", today=date(2026, 3, 5)
        )
    assert "to_owner" in assigned.value.fields
    assert Customer.objects.filter(owner=org.rep1a1, classification=Classification.KEY).count() == 3
    assert CustomerMove.objects.filter(to_owner=org.rep1a1, kind=MoveKind.CLAIMED).count() == 4


def test_protection_after_a_claim_delays_the_return_and_the_warning(org):
    IdleCustomerRuleFactory(
        classification=Classification.GENERAL, idle_days=30, warning_days=7, cooloff_days=30, protection_days=45
    )
    customer = pooled_in(org.r1, org.t1a)
    customer_claim(user=org.rep1a1.user, customer=customer, today=date(2026, 3, 1))
    customer.refresh_from_db()
    # Claimed 1 Mar, protected 45 days: until 1 Mar + 45 = 15 Apr (31 - 1 = 30 days left in March,
    # then 15 in April). Idle since 1 Mar, it would be due 1 Mar + 30 = 31 Mar (warned from 24 Mar);
    # protected, the earliest return is 16 Apr, so the warning opens 16 Apr - 7 = 9 Apr.
    assert customer.protected_until == date(2026, 4, 15)

    assert pool_run(today=date(2026, 3, 24)).warned == []
    assert pool_run(today=date(2026, 3, 31)).returned == []
    assert pool_run(today=date(2026, 4, 8)).warned == []
    # While protected, a manager may not take it away nor give it back to the pool.
    with pytest.raises(ApplicationError):
        customer_transfer(
            user=org.tm1a.user, customer=customer, to_owner=org.rep1a2, reason="调整", today=date(2026, 4, 1)
        )
    with pytest.raises(ApplicationError):
        customer_release(user=org.tm1a.user, customer=customer, reason="调整", today=date(2026, 4, 1))
    assert Customer.objects.get(pk=customer.pk).owner == org.rep1a1

    # 9 Apr: the warning, as a notification to the owner naming the day of the return.
    assert pool_run(today=date(2026, 4, 9)).warned == [customer.pk]
    notice = Notification.objects.get(recipient=org.rep1a1)
    assert "2026-04-16" in notice.title and notice.body.startswith("7 ")
    # Running again the same day sends nothing twice.
    pool_run(today=date(2026, 4, 9))
    assert Notification.objects.filter(recipient=org.rep1a1).count() == 1

    assert pool_run(today=date(2026, 4, 15)).returned == []
    assert pool_run(today=date(2026, 4, 16)).returned == [customer.pk]
    customer.refresh_from_db()
    assert customer.owner is None and customer.region == org.r1 and customer.protected_until is None
    assert list(CustomerMove.objects.filter(customer=customer).values_list("kind", flat=True)) == [
        MoveKind.RETURNED,
        MoveKind.CLAIMED,
    ]


def test_the_warning_is_in_the_owners_language(org):
    IdleCustomerRuleFactory(classification=Classification.GENERAL, idle_days=30, warning_days=7)
    org.rep1a1.language = "zh-hans"
    org.rep1a1.save(update_fields=["language"])
    customer = CustomerFactory(owner=org.rep1a1, owner_since=date(2026, 1, 1), name="华东机械")

    # Idle since 1 Jan: due 31 Jan, warned from 24 Jan.
    assert pool_run(today=date(2026, 1, 24)).warned == [customer.pk]

    assert Notification.objects.get(recipient=org.rep1a1).title == "华东机械 将于 2026-01-31 退回公海"
