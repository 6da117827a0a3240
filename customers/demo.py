"""Demo data of the customers app for `seed_demo`: accounts and visits first, then sales."""

import importlib
import random
from datetime import date
from typing import Any


def seed(*, org: Any, rng: random.Random, today: date) -> None:
    for area in ("accounts", "sales"):
        try:
            module = importlib.import_module(f"customers.demo_{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"customers.demo_{area}":
                raise
            continue
        module.seed(org=org, rng=rng, today=today)
