"""Reactions to other apps' signals (connected in TrainingConfig.ready)."""

from __future__ import annotations

from datetime import date
from typing import Any

from staff.models import Person
from training.services import onboarding_start


def enroll_new_hire(sender: Any, *, person: Person, hired_on: date, **kwargs: Any) -> None:
    """A person hired through recruitment starts onboarding in the same transaction as the hire."""
    onboarding_start(person=person, start=hired_on)
