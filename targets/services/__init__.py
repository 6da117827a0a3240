"""Writes of the targets app, one module per area, re-exported here."""

from targets.services.breakdown import (  # noqa: F401
    ALLOCATION_METHODS,
    BREAKDOWN_METHODS,
    allocation_gap,
    split_year,
    target_allocate,
    target_breakdown,
)
from targets.services.catalogue import (  # noqa: F401
    distribution_template_delete,
    distribution_template_save,
)
from targets.services.engine import (  # noqa: F401
    RecomputeBusy,
    achievements_recompute,
    fiscal_year_of,
)
from targets.services.plans import (  # noqa: F401
    default_plan_owner,
    plan_activity_add,
    plan_activity_progress,
    sales_plan_approve,
    sales_plan_create,
)
from targets.services.proposals import targets_propose_next_year  # noqa: F401
from targets.services.runs import (  # noqa: F401
    recompute_catch_up_start,
    recompute_run_start,
    standard_as_of,
)
from targets.services.targets import (  # noqa: F401
    target_acknowledge,
    target_approve,
    target_create,
    target_history,
    target_update,
    targets_approve_bulk,
)
from targets.services.transfer import (  # noqa: F401
    targets_export_csv,
    targets_export_table,
    targets_import,
)
