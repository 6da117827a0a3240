"""Load a realistic demo organization with a year of data; idempotent and repeatable (--seed)."""

from __future__ import annotations

import importlib
import random
from datetime import date
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone

from staff.demo import DEMO_PASSWORD, seed_org
from staff.models import Region

# Apps in dependency order; each may offer `demo.seed(org=..., rng=..., today=...)`. Staff's
# recruitment comes last so that it leaves the random draws of the other apps' data unchanged.
DEMO_APPS = ["customers", "targets", "appraisal", "training", "staff"]


class Command(BaseCommand):
    help = "Create the demo organization and a year of its data (does nothing if it exists)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", type=int, default=40, help="Number of reps (default 40; 2000 for benchmarks).")
        parser.add_argument("--seed", type=int, default=2026, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="Pretend today is this date.")

    def handle(self, *args: Any, size: int, seed: int, today: date | None, **options: Any) -> None:
        if Region.objects.exists():
            self.stdout.write("The database already has an organization; seed_demo changed nothing.")
            return
        today = today or timezone.localdate()
        rng = random.Random(seed)
        org = seed_org(rng=rng, reps=size, today=today)
        for label in DEMO_APPS:
            if not apps.is_installed(label):
                continue
            try:
                module = importlib.import_module(f"{label}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(org=org, rng=rng, today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organization: {len(org.regions)} regions, {len(org.teams)} teams, {len(org.reps)} reps."
            )
        )
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        for username, role in org.logins:
            self.stdout.write(f"  {username:<10} {role}")
