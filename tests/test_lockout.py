"""Brute force: repeated failed logins lock the account out on the pages, the API token endpoint and the admin."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def test_login_page_locks_out_after_repeated_failures(org, client):
    for _ in range(LIMIT):
        client.post(reverse("login"), {"username": "tm1a", "password": "wrong"})
    # Now even the right password is refused.
    response = client.post(reverse("login"), {"username": "tm1a", "password": "pw-secret-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_api_token_endpoint_locks_out(org):
    api = APIClient()
    for _ in range(LIMIT - 1):
        assert api.post(reverse("api-token"), {"username": "rep1a1", "password": "wrong"}).status_code == 400
    # The failure that reaches the limit is itself answered with the lock-out.
    assert api.post(reverse("api-token"), {"username": "rep1a1", "password": "wrong"}).status_code == 429
    response = api.post(reverse("api-token"), {"username": "rep1a1", "password": "pw-secret-123"})
    assert response.status_code == 429
    assert "token" not in response.content.decode()


def test_admin_login_locks_out(org, client):
    org.director.user.is_staff = True
    org.director.user.save(update_fields=["is_staff"])
    url = reverse("admin:login")
    for _ in range(LIMIT):
        client.post(url, {"username": "director", "password": "wrong"})
    response = client.post(url, {"username": "director", "password": "pw-secret-123"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_global(org, client):
    for _ in range(LIMIT):
        client.post(reverse("login"), {"username": "tm1a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "tm1b", "password": "pw-secret-123"})
    assert response.status_code == 302
