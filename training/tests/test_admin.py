"""Admin: every training and recruitment changelist and add page renders; scoped models are scoped."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from staff.models import Candidate, Opening, SelectionStep
from training.tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db

MODELS = [m for m in admin.site._registry if m._meta.app_label == "training"] + [Opening, Candidate, SelectionStep]


def test_every_changelist_and_add_page_renders(org):
    ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=date(2026, 3, 1))
    org.director.user.is_superuser = org.director.user.is_staff = True
    org.director.user.save(update_fields=["is_superuser", "is_staff"])
    client = Client()
    client.force_login(org.director.user)
    for model in MODELS:
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200, meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 200, meta


def test_an_action_item_outside_scope_answers_404_in_admin(org):
    from django.contrib.auth.models import Permission

    item = ActionItemFactory(owner=org.rep1b1, coach=org.tm1b, due_on=date(2026, 3, 1))
    user = org.tm1a.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_actionitem", "change_actionitem"]))
    client = Client()
    client.force_login(user)
    assert client.get(reverse("admin:training_actionitem_change", args=[item.pk])).status_code == 404
    mine = ActionItemFactory(owner=org.rep1a1, coach=org.tm1a, due_on=date(2026, 3, 1))
    assert client.get(reverse("admin:training_actionitem_change", args=[mine.pk])).status_code == 200
