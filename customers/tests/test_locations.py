"""A customer's location on its page: the rep proposes, a manager of the unit confirms or rejects;
the history keeps every position (issue 19)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from customers.models import Customer, LocationProposal
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

AT = (Decimal("31.230000"), Decimal("121.470000"))


def test_the_rep_proposes_on_the_page_and_the_manager_confirms_there(client, org):
    customer = CustomerFactory(owner=org.rep1a1, latitude=AT[0], longitude=AT[1])
    page = reverse("customers:customer-detail", args=[customer.pk])

    client.force_login(org.rep1a1.user)
    as_rep = client.get(page).content.decode()
    proposed = client.post(
        reverse("customers:location-propose", args=[customer.pk]),
        {"latitude": "31.240000", "longitude": "121.470000", "note": "新厂区"},
    )
    waiting = client.get(page).content.decode()

    assert 'data-testid="propose-location"' in as_rep
    assert proposed.status_code == 302
    assert 'data-testid="location-pending"' in waiting and 'value="confirm"' not in waiting
    assert Customer.objects.get(pk=customer.pk).latitude == AT[0]

    client.force_login(org.tm1a.user)
    as_manager = client.get(page).content.decode()
    proposal = LocationProposal.objects.get()
    decided = client.post(reverse("customers:location-decide", args=[proposal.pk]), {"decision": "confirm"})

    assert 'value="confirm"' in as_manager
    assert decided.status_code == 302
    assert Customer.objects.get(pk=customer.pk).latitude == Decimal("31.240000")
    after = client.get(page).content.decode()
    # Both positions are listed: the first one and the confirmed one.
    assert "31.230000" in after and "31.240000" in after


def test_the_edit_page_does_not_move_a_reps_customer(client, org):
    customer = CustomerFactory(owner=org.rep1a1, latitude=AT[0], longitude=AT[1])
    client.force_login(org.rep1a1.user)

    response = client.post(
        reverse("customers:customer-edit", args=[customer.pk]),
        {"name": customer.name, "kind": "end", "status": "active", "potential_amount": "0", "latitude": "31.24",
         "longitude": "121.47"},
    )  # fmt: skip

    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.latitude, customer.longitude) == AT


def test_a_manager_of_another_team_does_not_find_the_proposal(client, org):
    customer = CustomerFactory(owner=org.rep1a1, latitude=AT[0], longitude=AT[1])
    proposal = LocationProposal.objects.create(
        customer=customer, latitude=Decimal("31.24"), longitude=AT[1], proposed_by=org.rep1a1
    )
    client.force_login(org.tm1b.user)

    response = client.post(reverse("customers:location-decide", args=[proposal.pk]), {"decision": "confirm"})

    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "pending"
