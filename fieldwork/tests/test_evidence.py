"""Verified visits (issue 19): the filing window, the evidence each kind requires (a check-in within
the radius, the manager's confirmation), check-out with duration, the verdict shown before filing
and recorded on the visit, managers' comments, and the customer's location that only a manager
moves (a rep proposes, a manager confirms)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer, LocationProposal
from customers.selectors.locations import location_history
from customers.tests.factories import CustomerFactory, VisitFactory
from fieldwork.models import ExpenseClaim, Visit, VisitComment, VisitKindRule
from fieldwork.services.visits import expense_create, visit_check_out, visit_create
from fieldwork.tests.test_api import client_for
from notifications.models import Notification
from salesorg.exceptions import ApplicationError
from staff.models import Person

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The customer stands at (31.230000, 121.470000). Along a meridian one degree of latitude is
# 6,371,000 m x pi / 180 = 111,194.93 m, so:
#   0.010 deg north = 1,111.95 m -> 1112 m (outside the on-site radius of 1,000 m)
#   0.005 deg north =   555.97 m ->  556 m (inside it)
CUSTOMER_AT = (Decimal("31.230000"), Decimal("121.470000"))
FAR_PHONE = ("31.240000", "121.470000")
NEAR_PHONE = ("31.235000", "121.470000")


def widen(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(data_scope="all")


def located_customer(org, **kwargs) -> Customer:
    return CustomerFactory(owner=org.rep1a1, latitude=CUSTOMER_AT[0], longitude=CUSTOMER_AT[1], **kwargs)


# The filing window -------------------------------------------------------------------------------


def test_a_visit_is_filed_only_within_its_window(org, settings):
    settings.VISIT_FILING_DAYS = 7
    customer = located_customer(org)
    today = date(2026, 6, 15)

    # 15 June - 7 days = 8 June, the oldest date filed on 15 June; 7 June is one day too old.
    with pytest.raises(ApplicationError) as refused:
        visit_create(user=org.rep1a1.user, customer=customer, data={"date": date(2026, 6, 7)}, today=today)
    filed = visit_create(user=org.rep1a1.user, customer=customer, data={"date": date(2026, 6, 8)}, today=today)

    assert list(refused.value.fields) == ["date"]
    assert "2026-06-08" in refused.value.fields["date"][0]
    assert list(Visit.objects.values_list("pk", flat=True)) == [filed.pk]


def test_the_api_refuses_a_visit_out_of_its_window_naming_the_date(org, settings):
    settings.VISIT_FILING_DAYS = 7
    customer = located_customer(org)
    too_old = timezone.localdate() - timedelta(days=8)

    response = client_for(org.rep1a1).post(
        "/api/v1/visits/", {"customer": customer.pk, "date": too_old.isoformat(), "kind": "call"}, format="json"
    )

    assert response.status_code == 400
    assert "date" in response.json()
    assert Visit.objects.count() == 0


def test_moving_a_filed_visit_out_of_the_window_is_refused(org, settings):
    settings.VISIT_FILING_DAYS = 7
    customer = located_customer(org)
    today = timezone.localdate()
    visit = visit_create(user=org.rep1a1.user, customer=customer, data={"kind": "call"})
    year_ago = (today - timedelta(days=365)).isoformat()

    response = client_for(org.rep1a1).patch(f"/api/v1/visits/{visit.pk}/", {"date": year_ago}, format="json")

    assert response.status_code == 400 and "date" in response.json()
    assert Visit.objects.get(pk=visit.pk).date == today


def test_an_expense_claim_is_filed_only_within_its_window(org, settings):
    settings.EXPENSE_FILING_DAYS = 30
    today = date(2026, 6, 30)

    # 30 June - 30 days = 31 May: the oldest date; 30 May is refused.
    with pytest.raises(ApplicationError) as refused:
        expense_create(user=org.rep1a1.user, date_=date(2026, 5, 30), kind="travel", amount="80.00", today=today)
    claim = expense_create(user=org.rep1a1.user, date_=date(2026, 5, 31), kind="travel", amount="80.00", today=today)

    assert "date" in refused.value.fields
    assert list(ExpenseClaim.objects.values_list("pk", flat=True)) == [claim.pk]


# The check-in and its radius ---------------------------------------------------------------------


def test_a_check_in_outside_the_radius_is_flagged_far_and_one_inside_is_verified(org):
    customer = located_customer(org)
    rep = org.rep1a1.user

    far = visit_create(
        user=rep, customer=customer, data={"kind": "visit"}, latitude=FAR_PHONE[0], longitude=FAR_PHONE[1]
    )
    near = visit_create(
        user=rep, customer=customer, data={"kind": "visit"}, latitude=NEAR_PHONE[0], longitude=NEAR_PHONE[1]
    )
    missing = visit_create(user=rep, customer=customer, data={"kind": "visit"})

    assert (far.distance_m, far.radius_m, far.evidence, far.is_flagged) == (1112, 1000, "far", True)
    assert (near.distance_m, near.evidence, near.is_flagged) == (556, "verified", False)
    # An on-site visit without a check-in lacks its evidence.
    assert (missing.distance_m, missing.evidence, missing.is_flagged) == (None, "no_check_in", True)


def test_the_radius_is_a_setting_of_the_kind(org):
    VisitKindRule.objects.update_or_create(
        kind="visit", defaults={"requires_check_in": True, "radius_m": 2000, "requires_confirmation": False}
    )
    customer = located_customer(org)

    visit = visit_create(
        user=org.rep1a1.user, customer=customer, data={"kind": "visit"}, latitude=FAR_PHONE[0], longitude=FAR_PHONE[1]
    )

    # 1112 m is inside a 2,000 m radius.
    assert (visit.distance_m, visit.radius_m, visit.evidence) == (1112, 2000, "verified")


def test_a_phone_call_needs_no_check_in(org):
    visit = visit_create(user=org.rep1a1.user, customer=located_customer(org), data={"kind": "call"})

    assert (visit.evidence, visit.is_flagged) == ("verified", False)


def test_the_verdict_is_shown_before_filing_and_writes_nothing(org):
    customer = located_customer(org)
    client = client_for(org.rep1a1)
    url = "/api/v1/visits/check-in-preview/"

    far = client.get(
        url, {"customer": customer.pk, "kind": "visit", "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]}
    )
    near = client.get(
        url, {"customer": customer.pk, "kind": "visit", "latitude": NEAR_PHONE[0], "longitude": NEAR_PHONE[1]}
    )
    joint = client.get(url, {"customer": customer.pk, "kind": "joint"})
    bad = client.get(url, {"customer": customer.pk, "kind": "visit", "latitude": "95", "longitude": "121"})

    assert far.status_code == 200
    assert {k: far.json()[k] for k in ("distance_m", "radius_m", "evidence", "flagged")} == {
        "distance_m": 1112,
        "radius_m": 1000,
        "evidence": "far",
        "flagged": True,
    }
    assert (near.json()["distance_m"], near.json()["evidence"], near.json()["flagged"]) == (556, "verified", False)
    assert (joint.json()["evidence"], joint.json()["flagged"]) == ("unconfirmed", True)
    assert bad.status_code == 400 and "latitude" in bad.json()
    assert Visit.objects.count() == 0


def test_the_preview_of_a_customer_outside_scope_answers_like_a_missing_one(org):
    theirs = CustomerFactory(owner=org.rep1a2, latitude=CUSTOMER_AT[0], longitude=CUSTOMER_AT[1])
    client = client_for(org.rep1a1)
    url = "/api/v1/visits/check-in-preview/"

    hidden = client.get(url, {"customer": theirs.pk, "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]})
    missing = client.get(url, {"customer": 999999, "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]})

    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == missing.json()


def test_the_form_partial_warns_before_filing(client, org):
    customer = located_customer(org)
    client.force_login(org.rep1a1.user)

    response = client.get(
        reverse("fieldwork:visit-check-in-preview"),
        {"customer": customer.pk, "kind": "visit", "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-evidence="far"' in page and "1112" in page and "1000" in page


# A self-moved customer location -------------------------------------------------------------------


def test_a_rep_cannot_move_the_customer_to_check_in_0_m_from_it(org):
    customer = located_customer(org)
    client = client_for(org.rep1a1)

    # The rep, standing 1112 m away, tries to move the customer to where he stands ...
    moved = client.patch(
        f"/api/v1/customers/{customer.pk}/",
        {"latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]},
        format="json",
    )
    # ... and checks in from there.
    visit = client.post(
        "/api/v1/visits/",
        {"customer": customer.pk, "kind": "visit", "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]},
        format="json",
    )

    assert moved.status_code == 403
    customer.refresh_from_db()
    assert (customer.latitude, customer.longitude) == CUSTOMER_AT
    # The distance is measured from where the customer really is: 1112 m, not 0 m.
    assert (visit.json()["distance_m"], visit.json()["evidence"], visit.json()["flagged"]) == (1112, "far", True)


def test_a_proposed_location_moves_the_customer_only_when_the_manager_confirms(org):
    customer = located_customer(org)
    proposed = client_for(org.rep1a1).post(
        "/api/v1/customer-location-proposals/",
        {"customer": customer.pk, "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1], "note": "搬到新厂区"},
        format="json",
    )
    assert proposed.status_code == 201, proposed.content
    customer.refresh_from_db()
    # Waiting for the manager: the customer has not moved, so a check-in there is still far.
    assert (customer.latitude, customer.longitude) == CUSTOMER_AT
    far = visit_create(
        user=org.rep1a1.user, customer=customer, data={"kind": "visit"}, latitude=FAR_PHONE[0], longitude=FAR_PHONE[1]
    )
    assert far.evidence == "far"

    confirmed = client_for(org.tm1a).post(
        f"/api/v1/customer-location-proposals/{proposed.json()['id']}/confirm/", {}, format="json"
    )

    assert confirmed.status_code == 200, confirmed.content
    assert (confirmed.json()["status"], confirmed.json()["decided_by"]) == ("confirmed", org.tm1a.pk)
    customer.refresh_from_db()
    assert (customer.latitude, customer.longitude) == (Decimal(FAR_PHONE[0]), Decimal(FAR_PHONE[1]))
    # The history keeps every position: the factory's, then the confirmed one.
    positions = [(p.latitude, p.longitude) for p in location_history(customer=customer)]
    assert positions == [CUSTOMER_AT, (Decimal(FAR_PHONE[0]), Decimal(FAR_PHONE[1]))]
    # Now the same spot is 0 m from the customer.
    near = visit_create(
        user=org.rep1a1.user, customer=customer, data={"kind": "visit"}, latitude=FAR_PHONE[0], longitude=FAR_PHONE[1]
    )
    assert (near.distance_m, near.evidence) == (0, "verified")


def test_a_rejected_proposal_says_why_and_leaves_the_customer(org):
    customer = located_customer(org)
    proposal = LocationProposal.objects.create(
        customer=customer, latitude=Decimal(FAR_PHONE[0]), longitude=Decimal(FAR_PHONE[1]), proposed_by=org.rep1a1
    )
    client = client_for(org.tm1a)

    silent = client.post(f"/api/v1/customer-location-proposals/{proposal.pk}/reject/", {}, format="json")
    rejected = client.post(
        f"/api/v1/customer-location-proposals/{proposal.pk}/reject/", {"note": "地址未变"}, format="json"
    )

    assert silent.status_code == 400 and "note" in silent.json()
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    customer.refresh_from_db()
    assert (customer.latitude, customer.longitude) == CUSTOMER_AT


@pytest.mark.parametrize(
    ("who", "widened", "status"), [("rep1a1", False, 403), ("tm1b", False, 404), ("tm1b", True, 403)]
)
def test_a_location_proposal_is_confirmed_only_by_a_manager_of_the_customers_unit(org, who, widened, status):
    customer = located_customer(org)
    proposal = LocationProposal.objects.create(
        customer=customer, latitude=Decimal(FAR_PHONE[0]), longitude=Decimal(FAR_PHONE[1]), proposed_by=org.rep1a1
    )
    if widened:
        widen(getattr(org, who))

    response = client_for(getattr(org, who)).post(
        f"/api/v1/customer-location-proposals/{proposal.pk}/confirm/", {}, format="json"
    )

    # The rep proposed it (a second person confirms); another team's manager does not see it
    # (404), and seeing it through a widened scope does not let him confirm it (403).
    assert response.status_code == status
    proposal.refresh_from_db()
    customer.refresh_from_db()
    assert proposal.status == "pending" and (customer.latitude, customer.longitude) == CUSTOMER_AT


def test_a_manager_does_not_confirm_his_own_proposal(org):
    customer = located_customer(org)
    proposal = LocationProposal.objects.create(
        customer=customer, latitude=Decimal(FAR_PHONE[0]), longitude=Decimal(FAR_PHONE[1]), proposed_by=org.tm1a
    )

    own = client_for(org.tm1a).post(f"/api/v1/customer-location-proposals/{proposal.pk}/confirm/", {}, format="json")
    above = client_for(org.rm1).post(f"/api/v1/customer-location-proposals/{proposal.pk}/confirm/", {}, format="json")

    assert (own.status_code, above.status_code) == (403, 200)


def test_one_proposal_waits_per_customer_and_a_rep_of_another_customer_cannot_propose(org):
    customer = located_customer(org)
    first = client_for(org.rep1a1).post(
        "/api/v1/customer-location-proposals/",
        {"customer": customer.pk, "latitude": FAR_PHONE[0], "longitude": FAR_PHONE[1]},
        format="json",
    )
    second = client_for(org.rep1a1).post(
        "/api/v1/customer-location-proposals/",
        {"customer": customer.pk, "latitude": NEAR_PHONE[0], "longitude": NEAR_PHONE[1]},
        format="json",
    )
    stranger = client_for(org.rep1a2).post(
        "/api/v1/customer-location-proposals/",
        {"customer": customer.pk, "latitude": NEAR_PHONE[0], "longitude": NEAR_PHONE[1]},
        format="json",
    )

    assert first.status_code == 201
    assert second.status_code == 400 and "customer" in second.json()
    # rep1a2 does not see rep1a1's customer: the body names a hidden id (400 on the field).
    assert stranger.status_code == 400 and "customer" in stranger.json()
    assert LocationProposal.objects.count() == 1


# Joint visits: the manager's confirmation ---------------------------------------------------------


def test_a_joint_visit_waits_for_the_managers_confirmation(org):
    customer = located_customer(org)
    visit = visit_create(
        user=org.rep1a1.user, customer=customer, data={"kind": "joint", "accompanying_manager": org.tm1a.pk}
    )
    assert (visit.evidence, visit.is_flagged) == ("unconfirmed", True)

    own = client_for(org.rep1a1).post(f"/api/v1/visits/{visit.pk}/confirm/", {}, format="json")
    confirmed = client_for(org.tm1a).post(f"/api/v1/visits/{visit.pk}/confirm/", {}, format="json")
    again = client_for(org.tm1a).post(f"/api/v1/visits/{visit.pk}/confirm/", {}, format="json")

    assert own.status_code == 403
    assert confirmed.status_code == 200, confirmed.content
    body = confirmed.json()
    assert (body["evidence"], body["flagged"], body["confirmed_by"]) == ("verified", False, org.tm1a.pk)
    assert again.status_code == 400


@pytest.mark.parametrize(("who", "widened", "status"), [("tm1b", False, 404), ("tm1b", True, 403), ("rm2", True, 403)])
def test_another_teams_manager_does_not_confirm_a_joint_visit(org, who, widened, status):
    visit = visit_create(
        user=org.rep1a1.user,
        customer=located_customer(org),
        data={"kind": "joint", "accompanying_manager": org.tm1a.pk},
    )
    if widened:
        widen(getattr(org, who))

    response = client_for(getattr(org, who)).post(f"/api/v1/visits/{visit.pk}/confirm/", {}, format="json")

    assert response.status_code == status
    assert Visit.objects.get(pk=visit.pk).evidence == "unconfirmed"


def test_a_visit_of_a_kind_that_needs_no_confirmation_is_not_confirmed(org):
    visit = visit_create(user=org.rep1a1.user, customer=located_customer(org), data={"kind": "call"})

    response = client_for(org.tm1a).post(f"/api/v1/visits/{visit.pk}/confirm/", {}, format="json")

    assert response.status_code == 400 and "kind" in response.json()


def test_editing_a_confirmed_joint_visit_asks_for_a_new_confirmation(org):
    visit = visit_create(
        user=org.rep1a1.user,
        customer=located_customer(org),
        data={"kind": "joint", "accompanying_manager": org.tm1a.pk},
    )
    client_for(org.tm1a).post(f"/api/v1/visits/{visit.pk}/confirm/", {}, format="json")
    assert Visit.objects.get(pk=visit.pk).evidence == "verified"

    client_for(org.rep1a1).patch(
        f"/api/v1/visits/{visit.pk}/", {"date": (timezone.localdate() - timedelta(days=1)).isoformat()}, format="json"
    )

    visit.refresh_from_db()
    assert (visit.evidence, visit.confirmed_at) == ("unconfirmed", None)


# Check-out --------------------------------------------------------------------------------------


def test_check_out_records_the_duration(org):
    checked_in = datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI)
    visit = VisitFactory(
        customer=located_customer(org), date=date(2026, 6, 15), latitude=CUSTOMER_AT[0], longitude=CUSTOMER_AT[1]
    )
    Visit.objects.filter(pk=visit.pk).update(checked_in_at=checked_in)

    # 10:00 to 10:47:30 is 47.5 minutes: whole minutes, 47.
    out = visit_check_out(user=org.rep1a1.user, visit=visit, now=checked_in + timedelta(minutes=47, seconds=30))
    with pytest.raises(ApplicationError) as twice:
        visit_check_out(user=org.rep1a1.user, visit=visit, now=checked_in + timedelta(hours=1))

    assert (out.checked_out_at, out.duration_minutes) == (checked_in + timedelta(minutes=47, seconds=30), 47)
    assert "checked_out_at" in twice.value.fields


def test_check_out_needs_a_check_in_and_the_author(org):
    no_check_in = VisitFactory(customer=located_customer(org))
    checked_in = VisitFactory(customer=located_customer(org), latitude=CUSTOMER_AT[0], longitude=CUSTOMER_AT[1])
    Visit.objects.filter(pk=checked_in.pk).update(checked_in_at=timezone.now())

    missing = client_for(org.rep1a1).post(f"/api/v1/visits/{no_check_in.pk}/check-out/", {}, format="json")
    manager = client_for(org.tm1a).post(f"/api/v1/visits/{checked_in.pk}/check-out/", {}, format="json")
    own = client_for(org.rep1a1).post(f"/api/v1/visits/{checked_in.pk}/check-out/", {}, format="json")

    assert missing.status_code == 400 and "checked_out_at" in missing.json()
    assert manager.status_code == 403
    assert own.status_code == 200 and own.json()["duration_minutes"] == 0


def test_check_out_on_another_day_is_refused(org):
    checked_in = datetime(2026, 6, 15, 17, 0, tzinfo=SHANGHAI)
    visit = VisitFactory(customer=located_customer(org), latitude=CUSTOMER_AT[0], longitude=CUSTOMER_AT[1])
    Visit.objects.filter(pk=visit.pk).update(checked_in_at=checked_in)

    with pytest.raises(ApplicationError):
        visit_check_out(user=org.rep1a1.user, visit=visit, now=checked_in + timedelta(hours=8))

    assert Visit.objects.get(pk=visit.pk).checked_out_at is None


# Managers: flagged visits and comments ----------------------------------------------------------


def test_managers_filter_the_flagged_visits(org):
    customer = located_customer(org)
    rep = org.rep1a1.user
    far = visit_create(
        user=rep, customer=customer, data={"kind": "visit"}, latitude=FAR_PHONE[0], longitude=FAR_PHONE[1]
    )
    visit_create(user=rep, customer=customer, data={"kind": "visit"}, latitude=NEAR_PHONE[0], longitude=NEAR_PHONE[1])
    joint = visit_create(user=rep, customer=customer, data={"kind": "joint", "accompanying_manager": org.tm1a.pk})
    visit_create(user=rep, customer=customer, data={"kind": "call"})

    api = client_for(org.tm1a).get("/api/v1/visits/", {"flagged": "true"})
    page = _page(org, "?flagged=on")

    # Of four visits, the far check-in and the unconfirmed joint visit are flagged.
    assert sorted(v["id"] for v in api.json()["results"]) == sorted([far.pk, joint.pk])
    assert page.context["total"] == "2" and page.context["page"].paginator.count == 2


def _page(org, query: str):
    from django.test import Client

    client = Client()
    client.force_login(org.tm1a.user)
    return client.get(reverse("fieldwork:visit-list") + query)


def test_a_manager_comments_on_a_visit_of_his_unit_and_the_rep_is_notified(org):
    Person.objects.filter(pk=org.rep1a1.pk).update(language="zh-hans")
    customer = located_customer(org, name="恒达机械")
    visit = visit_create(user=org.rep1a1.user, customer=customer, data={"kind": "call"})

    response = client_for(org.tm1a).post(
        f"/api/v1/visits/{visit.pk}/comments/", {"text": "下次带上报价单"}, format="json"
    )

    assert response.status_code == 201, response.content
    comment = VisitComment.objects.get()
    assert (comment.visit_id, comment.author_id, comment.text) == (visit.pk, org.tm1a.pk, "下次带上报价单")
    note = Notification.objects.get(recipient=org.rep1a1)
    assert note.kind == "visit_comment" and note.body == "下次带上报价单"
    # Written in the rep's language (Chinese), whatever the manager's.
    assert note.title == f"tm1a 批注了你对 恒达机械 的拜访（{visit.date.isoformat()}）"
    listed = client_for(org.rep1a1).get(f"/api/v1/visits/{visit.pk}/comments/")
    assert [c["text"] for c in listed.json()] == ["下次带上报价单"]


@pytest.mark.parametrize(
    ("who", "widened", "status"), [("rep1a1", False, 403), ("tm1b", False, 404), ("tm1b", True, 403)]
)
def test_comments_are_for_managers_of_the_visits_unit(org, who, widened, status):
    visit = visit_create(user=org.rep1a1.user, customer=located_customer(org), data={"kind": "call"})
    if widened:
        widen(getattr(org, who))

    response = client_for(getattr(org, who)).post(f"/api/v1/visits/{visit.pk}/comments/", {"text": "x"}, format="json")

    assert response.status_code == status
    assert VisitComment.objects.count() == 0 and Notification.objects.count() == 0


def test_an_empty_comment_is_refused(org):
    visit = visit_create(user=org.rep1a1.user, customer=located_customer(org), data={"kind": "call"})

    response = client_for(org.tm1a).post(f"/api/v1/visits/{visit.pk}/comments/", {"text": "  "}, format="json")

    assert response.status_code == 400 and "text" in response.json()
    assert VisitComment.objects.count() == 0


def test_the_visit_page_offers_check_out_confirm_and_comment_to_whom_may(client, org):
    visit = visit_create(
        user=org.rep1a1.user,
        customer=located_customer(org),
        data={"kind": "joint", "accompanying_manager": org.tm1a.pk},
        latitude=NEAR_PHONE[0],
        longitude=NEAR_PHONE[1],
    )
    url = reverse("fieldwork:visit-detail", args=[visit.pk])

    client.force_login(org.rep1a1.user)
    as_rep = client.get(url).content.decode()
    client.force_login(org.tm1a.user)
    as_manager = client.get(url).content.decode()
    confirmed = client.post(reverse("fieldwork:visit-confirm", args=[visit.pk]))
    commented = client.post(reverse("fieldwork:visit-comment", args=[visit.pk]), {"text": "不错"})

    assert 'data-testid="check-out"' in as_rep and 'data-testid="confirm"' not in as_rep
    assert 'data-testid="comment"' not in as_rep
    assert 'data-testid="confirm"' in as_manager and 'data-testid="comment"' in as_manager
    assert confirmed.status_code == commented.status_code == 302
    visit.refresh_from_db()
    assert visit.evidence == "verified" and VisitComment.objects.filter(visit=visit).count() == 1


# Lists run a fixed number of queries --------------------------------------------------------------


def _queries_of(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_the_location_proposal_list_runs_the_same_queries_for_2_and_12_proposals(org):
    def propose(n: int) -> None:
        for _ in range(n):
            LocationProposal.objects.create(
                customer=located_customer(org), latitude=Decimal("30"), longitude=Decimal("120"), proposed_by=org.rep1a1
            )

    client = client_for(org.tm1a)
    propose(2)
    small = _queries_of(lambda: client.get("/api/v1/customer-location-proposals/"))
    propose(10)
    large = _queries_of(lambda: client.get("/api/v1/customer-location-proposals/"))

    assert small == large


def test_the_comment_list_and_the_flagged_visit_list_run_fixed_queries(org):
    customer = located_customer(org)
    visit = visit_create(user=org.rep1a1.user, customer=customer, data={"kind": "call"})
    client = client_for(org.tm1a)

    def add(n: int) -> None:
        for i in range(n):
            client.post(f"/api/v1/visits/{visit.pk}/comments/", {"text": f"c{i}"}, format="json")
            visit_create(
                user=org.rep1a1.user, customer=customer, data={"kind": "joint", "accompanying_manager": org.tm1a.pk}
            )

    add(2)
    small = (
        _queries_of(lambda: client.get(f"/api/v1/visits/{visit.pk}/comments/")),
        _queries_of(lambda: client.get("/api/v1/visits/", {"flagged": "true"})),
    )
    add(10)
    large = (
        _queries_of(lambda: client.get(f"/api/v1/visits/{visit.pk}/comments/")),
        _queries_of(lambda: client.get("/api/v1/visits/", {"flagged": "true"})),
    )

    assert small == large
