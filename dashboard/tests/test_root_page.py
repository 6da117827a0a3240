"""The root page is chosen by position (`authority.is_manager`), not by data scope: a rep whose
scope an admin widened still lands on the rep's home; the dashboard starts where the scope rule
says they see more than their own."""

from __future__ import annotations

import pytest
from django.test import Client

from dashboard.selectors import REP, TEAM, top_level
from staff.scope import DataScope, forget_viewer

pytestmark = pytest.mark.django_db


def test_a_rep_with_a_widened_scope_lands_on_the_reps_home(org):
    org.rep1a1.data_scope = DataScope.ALL
    org.rep1a1.save(update_fields=["data_scope"])
    forget_viewer(org.rep1a1.user)
    client = Client()
    client.force_login(org.rep1a1.user)
    assert client.get("/").templates[0].name == "dashboard/rep_home.html"
    client.force_login(org.tm1a.user)
    assert client.get("/").templates[0].name == "dashboard/index.html"


def test_the_dashboard_starts_at_the_team_for_a_scope_wider_than_ones_own(org):
    assert top_level(org.rep1a1.user) == (REP, org.rep1a1.pk)
    assert top_level(org.tm1a.user) == (TEAM, org.t1a.pk)
    org.rep1a2.data_scope = DataScope.OWN_UNIT
    org.rep1a2.save(update_fields=["data_scope"])
    forget_viewer(org.rep1a2.user)
    assert top_level(org.rep1a2.user) == (TEAM, org.t1a.pk)
