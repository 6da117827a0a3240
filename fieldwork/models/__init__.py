"""Field work: visit reports (check-in, photos, joint visits), expense claims and the market
intelligence reps file from the field.

These models moved here from `customers`; their tables keep the names they had there
(`Meta.db_table`), so no data moved (migrations 0001 here and customers' 0006 are state only).
"""

from fieldwork.models.actions import ActionKind, VisitActionRecord, VisitKindAction  # noqa: F401
from fieldwork.models.intel import IntelNote  # noqa: F401
from fieldwork.models.plans import PlanStatus, VisitFrequency, VisitPlan, VisitPlanItem  # noqa: F401
from fieldwork.models.policy import ExpensePolicy  # noqa: F401
from fieldwork.models.visits import (  # noqa: F401
    FLAGGED_EVIDENCE,
    ExpenseClaim,
    ExpenseKind,
    ExpenseStatus,
    Visit,
    VisitComment,
    VisitEvidence,
    VisitKind,
    VisitKindRule,
    VisitPhoto,
)
