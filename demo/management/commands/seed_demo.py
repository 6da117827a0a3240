"""Load a realistic demo organization with a year of data; idempotent and repeatable (--seed)."""

from __future__ import annotations

import importlib
import importlib.util
import random
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import timezone

from staff import demo as staff_demo
from staff import demo_history
from staff.demo import DEMO_PASSWORD, seed_org
from staff.models import Person, Position, Region


def demo_seeders() -> Iterator[Callable[..., None]]:
    """Each installed app's `demo.seed(org=..., rng=..., today=...)`, in INSTALLED_APPS order (the
    dependency order), found by its module rather than by a list of app names; staff's own
    seeder (recruitment) comes last so that it leaves the other apps' random draws unchanged, then
    the year's leavers (a warning, a dismissal with handover) through the staff services."""
    for config in apps.get_app_configs():
        if config.name == "staff" or importlib.util.find_spec(f"{config.name}.demo") is None:
            continue
        seed = getattr(importlib.import_module(f"{config.name}.demo"), "seed", None)
        if callable(seed):
            yield seed
    yield staff_demo.seed
    yield demo_history.leavers


# The demo's logins by role (prefix of the login, the role, what it sees) and what to click first.
ROLES = [
    ("director", Position.DIRECTOR, "sales director: the whole company"),
    ("rm", Position.REGIONAL_MANAGER, "regional managers: their region and its teams"),
    ("tm", Position.TEAM_MANAGER, "team managers: their team"),
    ("rep", Position.REP, "sales reps: their own records"),
]
FIRST_CLICKS = [
    ("admin", "Django admin (/admin/): people, data scopes, Periodic tasks for the nightly jobs"),
    ("director", "Dashboard: pick a period and a metric, then click a region to drill down to teams and reps"),
    ("rm01", "Dashboard of the region, then Targets: the region's months and its teams' targets"),
    ("tm01", "Dashboard of the team, then Development > Coaching and Organization > Recruitment"),
    ("rep01", "Home (made for a phone): the month against target, then File a visit report"),
]


class Command(BaseCommand):
    help = "Create the demo organization and a year of its data (does nothing if it exists)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", type=int, default=40, help="Number of reps (default 40; 2000 for benchmarks).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Pretend today is this date.")

    def handle(self, *args: Any, size: int, seed: int, today: date | None, **options: Any) -> None:
        if Region.objects.exists():
            self.stdout.write("The database already has an organization; seed_demo changed nothing.")
            self.print_logins()
            return
        today = today or timezone.localdate()
        rng = random.Random(seed)
        org = seed_org(rng=rng, reps=size, today=today)
        for seed in demo_seeders():
            seed(org=org, rng=rng, today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organization: {len(org.regions)} regions, {len(org.teams)} teams, {len(org.reps)} reps."
            )
        )
        self.print_logins()

    def print_logins(self) -> None:
        """The demo logins found in the database, a line per role, and what to click first."""
        users = get_user_model().objects
        found = set(users.filter(username__in=[u for u, _hint in FIRST_CLICKS]).values_list("username", flat=True))
        rows = [("admin", "superuser: everything, Django admin at /admin/")] if "admin" in found else []
        positions = Person.objects.filter(user__isnull=False).values_list("user__username", "position")
        for prefix, position, role in ROLES:
            names = sorted(u for u, p in positions if p == position and re.fullmatch(rf"{prefix}(\d+)?", u))
            if names:
                rows.append((names[0] if len(names) == 1 else f"{names[0]} ... {names[-1]}", role))
        if not rows:
            return
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for logins, role in rows:
            self.stdout.write(f"  {logins:<16} {role}")
        self.stdout.write("What to click first:")
        for username, hint in FIRST_CLICKS:
            if username in found:
                self.stdout.write(f"  {username:<16} {hint}")
