"""The names other modules import from here; the achievement engine is `targets.services.engine`."""

from targets.services.engine import (  # noqa: F401
    ADVISORY_LOCK_KEY,
    STALE_RUN_AFTER,
    RecomputeBusy,
    achievements_recompute,
    fiscal_year_of,
)
