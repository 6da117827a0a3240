"""Visit photos and expense receipts open only through the data-scope rule (issue "uploaded files served").

The author, their team manager and their regional manager open a photo, through the page and the
API; a rep of another team gets 404, exactly as for a file that does not exist. Nothing under
MEDIA_URL is served, and the API hands out the scoped URLs, never a /media/ one.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from customers.tests.factories import CustomerFactory, ExpenseClaimFactory, VisitFactory
from fieldwork.models import VisitPhoto
from fieldwork.tests.test_api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.SENDFILE_HEADER = ""


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def photo(org) -> VisitPhoto:
    visit = VisitFactory(customer=CustomerFactory(owner=org.rep1a1))
    return VisitPhoto.objects.create(visit=visit, image=SimpleUploadedFile("shop.png", png_bytes()))


@pytest.fixture
def claim(org):
    return ExpenseClaimFactory(
        person=org.rep1a1, receipt=SimpleUploadedFile("taxi.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    )


def page_client(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("who", ["rep1a1", "tm1a", "rm1"])
def test_the_author_and_their_managers_open_a_visit_photo_through_the_page_and_the_api(org, photo, who):
    person = getattr(org, who)

    page = page_client(person).get(reverse("fieldwork:visit-photo", args=[photo.pk]))
    api = client_for(person).get(f"/api/v1/visits/{photo.visit_id}/photo/", {"photo": photo.pk})

    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert body(response) == png_bytes()


def test_a_rep_of_another_team_gets_404_as_for_a_missing_photo(org, photo):
    page, api = page_client(org.rep1b1), client_for(org.rep1b1)

    hidden_page = page.get(reverse("fieldwork:visit-photo", args=[photo.pk]))
    missing_page = page.get(reverse("fieldwork:visit-photo", args=[photo.pk + 1000]))
    hidden_api = api.get(f"/api/v1/visits/{photo.visit_id}/photo/")
    missing_api = api.get(f"/api/v1/visits/{photo.visit_id + 1000}/photo/")

    assert hidden_page.status_code == missing_page.status_code == 404
    assert hidden_page.content == missing_page.content
    assert hidden_api.status_code == missing_api.status_code == 404
    assert hidden_api.json() == missing_api.json()


def test_the_api_gives_the_scoped_photo_url_never_a_media_one(org, photo):
    client = client_for(org.tm1a)

    urls = client.get(f"/api/v1/visits/{photo.visit_id}/").json()["photos"]

    assert urls == [f"http://testserver/api/v1/visits/{photo.visit_id}/photo/?photo={photo.pk}"]
    assert body(client.get(urls[0])) == png_bytes()
    assert client_for(org.rep1b1).get(urls[0]).status_code == 404


def test_the_visit_page_links_the_photo(org, photo):
    html = page_client(org.rep1a1).get(reverse("fieldwork:visit-detail", args=[photo.visit_id])).content.decode()

    assert reverse("fieldwork:visit-photo", args=[photo.pk]) in html
    assert "/media/" not in html


@pytest.mark.parametrize(
    ("who", "status"), [("rep1a1", 200), ("tm1a", 200), ("rm1", 200), ("rep1b1", 404), ("tm1b", 404)]
)
def test_a_receipt_opens_only_in_scope(org, claim, who, status):
    person = getattr(org, who)

    page = page_client(person).get(reverse("fieldwork:expense-receipt", args=[claim.pk]))
    api = client_for(person).get(f"/api/v1/expenses/{claim.pk}/receipt/")

    assert page.status_code == api.status_code == status
    if status == 200:
        assert body(page) == body(api) == b"%PDF-1.4 receipt"
        assert page["Content-Type"] == "application/pdf"


def test_the_expense_api_and_page_give_the_scoped_receipt_url(org, claim):
    row = client_for(org.rep1a1).get(f"/api/v1/expenses/{claim.pk}/").json()
    html = page_client(org.rep1a1).get(reverse("fieldwork:expense-list")).content.decode()

    assert row["receipt"] == f"http://testserver/api/v1/expenses/{claim.pk}/receipt/"
    assert reverse("fieldwork:expense-receipt", args=[claim.pk]) in html and "/media/" not in html


def test_a_claim_without_a_receipt_answers_404(org):
    bare = ExpenseClaimFactory(person=org.rep1a1)

    assert client_for(org.rep1a1).get(f"/api/v1/expenses/{bare.pk}/receipt/").status_code == 404
    assert client_for(org.rep1a1).get(f"/api/v1/expenses/{bare.pk}/").json()["receipt"] is None


def test_nothing_under_the_media_url_is_served(org, photo, claim):
    client = page_client(org.rep1a1)

    for name in (photo.image.name, claim.receipt.name):
        assert client.get(f"/media/{name}").status_code == 404


def test_with_a_sendfile_header_the_proxy_sends_the_file(org, photo, settings):
    settings.SENDFILE_HEADER = "X-Accel-Redirect"
    settings.SENDFILE_URL = "/protected-media/"

    response = client_for(org.tm1a).get(f"/api/v1/visits/{photo.visit_id}/photo/")
    refused = client_for(org.rep1b1).get(f"/api/v1/visits/{photo.visit_id}/photo/")

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/protected-media/{photo.image.name}"
    assert response["Content-Type"] == "image/png"
    assert response.content == b""
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/visits/abc/photo/",
        "/api/v1/visits/{visit}/photo/?photo=abc",
        "/api/v1/visits/{visit}/photo/?photo=99999999999999999999999",
        "/api/v1/expenses/99999999999999999999999/receipt/",
    ],
)
def test_a_malformed_id_is_a_404_never_a_500(org, photo, url):
    assert client_for(org.rep1a1).get(url.format(visit=photo.visit_id)).status_code == 404
