"""The shared world for the cross-cutting security tests.

Built ONCE per test module with the apps' own demo seeders (`seed_demo --size 12 --seed 7`: the org
with its logins and each app's `demo.seed`), inside an outer transaction that is rolled back when
the module ends, so nothing leaks into the other test modules. Each test still runs inside its own
savepoint (pytest-django's `db` fixture nests), so writes made by one test never reach the next.

Roles are the demo logins: admin (superuser), director, rm01 (regional manager), tm01 (team
manager), rep01 (rep).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction

ROLES = ("admin", "director", "rm01", "tm01", "rep01")
TODAY = date(2026, 6, 15)


@dataclass
class World:
    users: dict = field(default_factory=dict)

    def user(self, role: str):
        # A fresh user object per request path: the viewer is cached on the user object.
        return get_user_model().objects.select_related("person").get(username=role)


def build_world() -> World:
    call_command("seed_demo", size=12, seed=7, today=TODAY, stdout=open("/dev/null", "w"))  # noqa: SIM115
    world = World()
    for role in ROLES:
        world.users[role] = get_user_model().objects.get(username=role)
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo world, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            # Fire the world's deferred foreign-key checks once, here. Left pending, PostgreSQL would
            # fire them again at every test's teardown (Django checks constraints before rolling the
            # test's savepoint back, and the rollback marks the outer transaction's checks unfired).
            connection.check_constraints()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.close()
