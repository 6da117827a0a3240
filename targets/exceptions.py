"""The targets app's errors that are raised below its services and caught above them (the tasks),
importable without the models."""

from __future__ import annotations

from salesorg.exceptions import ApplicationError


class RecomputeBusy(ApplicationError):
    """Another recompute is running."""
