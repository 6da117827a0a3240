"""Writes of the targets app, one module per area, re-exported here."""

from targets.services.achievements import (  # noqa: F401
    RecomputeBusy,
    achievements_recompute,
    fiscal_year_of,
    recompute_run_start,
)
from targets.services.breakdown import (  # noqa: F401
    ALLOCATION_METHODS,
    BREAKDOWN_METHODS,
    allocation_gap,
    split_year,
    target_allocate,
    target_breakdown,
    targets_propose_next_year,
)
from targets.services.plans import (  # noqa: F401
    plan_activity_add,
    plan_activity_progress,
    sales_plan_approve,
    sales_plan_create,
)
from targets.services.targets import (  # noqa: F401
    can_approve,
    can_set_targets_of,
    target_approve,
    target_create,
    target_history,
    target_update,
)
from targets.services.transfer import (  # noqa: F401
    targets_export_csv,
    targets_export_xlsx,
    targets_import,
)
