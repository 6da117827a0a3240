"""The menu and the home page offer the manager's pages by position (`authority.is_manager`), never by
data scope: a widened scope widens what one sees, not the manager's tools one is offered. The
person page links the other apps' pages about the person from the registry they fill."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from staff import registry
from staff import views as staff_views
from staff.scope import DataScope, forget_viewer

pytestmark = pytest.mark.django_db


def login(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def nav_urls(response) -> set[str]:
    urls = set()
    for item in response.context["nav_items"]:
        if "url" in item:
            urls.add(item["url"])
        urls.update(url for _label, url in item.get("children", []))
    return urls


def test_a_rep_with_a_widened_scope_is_not_offered_the_managers_pages(org):
    org.rep1a1.data_scope = DataScope.ALL
    org.rep1a1.save(update_fields=["data_scope"])
    forget_viewer(org.rep1a1.user)
    response = login(org.rep1a1).get(reverse("staff:person-list"))
    urls = nav_urls(response)
    assert reverse("staff:person-list") in urls
    assert reverse("dashboard:index") not in urls
    assert reverse("staff:opening-list") not in urls
    # The organization home shows no unit counts to a rep, whatever they see.
    assert reverse("staff:team-list") not in _staff_home(org.rep1a1.user)
    assert reverse("staff:team-list") in _staff_home(org.tm1a.user)


def test_a_team_manager_is_offered_the_managers_pages(org):
    urls = nav_urls(login(org.tm1a).get(reverse("staff:person-list")))
    assert {reverse("dashboard:index"), reverse("staff:opening-list"), reverse("staff:team-list")} <= urls


def test_the_person_page_links_the_registered_pages_in_their_order(org):
    response = login(org.tm1a).get(reverse("staff:person-detail", args=[org.rep1a1.pk]))
    assert response.context["person_pages"] == [
        ("Development history", reverse("training:person-history", args=[org.rep1a1.pk])),
        ("Appraisal history", reverse("appraisal:person-history", args=[org.rep1a1.pk])),
    ]
    # Registering again (ready() may run twice) adds nothing. (The app's own lazy label is
    # registered again, so the pages other tests render still translate it.)
    training_page = next(p for p in registry.person_pages() if p.url_name == "training:person-history")
    registry.register_person_page("training:person-history", training_page.label, order=training_page.order)
    assert [page.url_name for page in registry.person_pages()] == [
        "training:person-history",
        "appraisal:person-history",
    ]


def _staff_home(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return staff_views.home.__wrapped__(request).content.decode()
