"""A page refused by the authority rule answers 403 and says who may, in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from targets.models import DistributionTemplate


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Only a director or an admin edits the distribution templates."), ("zh-hans", "只有总监或管理员")],
)
def test_a_refused_form_answers_403_naming_who_may(org, language, expected):
    # Given a team manager (a manager, but not the director) and the company's template catalogue
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(org.tm1a.user)
    before = DistributionTemplate.objects.count()
    # When he posts a new distribution template
    weights = {f"w{m}": "8.33" for m in range(1, 13)}
    response = client.post(reverse("targets:template-create"), {"name": "Mine", **weights})
    # Then the page says who may, and nothing is written
    assert response.status_code == 403
    assert expected in response.content.decode()
    assert DistributionTemplate.objects.count() == before
