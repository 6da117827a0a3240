"""The API answers in the language the person chose, else in the request's Accept-Language: a
follow-up the night run wrote is worded for whoever reads it."""

from __future__ import annotations

from datetime import date

import pytest
from rest_framework.authtoken.models import Token

from customers.models import FollowUp, FollowUpKind, follow_up_text
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

ZH = "华东机械 将在 7 天后回收公海，请尽快拜访。"
EN = "华东机械 returns to the pool in 7 days unless you visit it."


@pytest.fixture
def warning(org):
    customer = CustomerFactory(owner=org.rep1a1, name="华东机械")
    return FollowUp.objects.create(
        person=org.rep1a1,
        customer=customer,
        kind=FollowUpKind.POOL_WARNING,
        due_date=date(2026, 2, 9),
        created_on=date(2026, 2, 2),
        **follow_up_text("pool_warning", customer="华东机械", days=7),
    )


def _message(client, org, accept: str) -> str:
    token, _ = Token.objects.get_or_create(user=org.rep1a1.user)
    response = client.get("/api/v1/follow-ups/", HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    [row] = response.json()["results"]
    return row["message"]


@pytest.mark.parametrize(
    ("chosen", "accept", "expected"),
    [("", "zh-hans", ZH), ("", "en", EN), ("en", "zh-hans", EN), ("zh-hans", "en", ZH)],
)
def test_the_api_answers_in_the_persons_language_else_the_requests(client, org, warning, chosen, accept, expected):
    org.rep1a1.language = chosen
    org.rep1a1.save(update_fields=["language"])
    assert _message(client, org, accept) == expected
