"""The product's own 404 and 500 pages, in the reader's language, and the favicon."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path

from salesorg.urls import urlpatterns as site_urlpatterns


def _boom(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [*site_urlpatterns, path("boom/", _boom)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "words"),
    [
        ("en", "Page not found", "not in your part of the organization"),
        ("zh-hans", "页面不存在", "不在您负责的组织范围内"),
    ],
)
def test_a_missing_page_answers_404_with_the_products_page(org, language, title, words):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(org.rep1a1.user)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert title in body and words in body
    # The product's page, with its navigation, not Django's bare "Not Found".
    assert 'href="/"' in body and "<h1>Not Found</h1>" not in body


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "Nothing you sent was saved"), ("zh-hans", "您提交的内容没有保存")],
)
def test_an_unexpected_error_answers_500_with_the_products_page(language, words):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert words in body
    assert "an unexpected failure" not in body  # the error itself is logged, never shown


@pytest.mark.django_db  # ATOMIC_REQUESTS opens a transaction for every view
def test_the_favicon_is_served_for_pages_without_a_link_to_it():
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.svg")
