"""KPI appraisal: the KPI catalogue, schemes per position, periods, scorecards, reviews, outcomes,
commission plans and contests.

Appraisal never computes sales itself: the quantitative lines are read from the achievement
engine's results (`targets.Achievement`) and, for KPIs the engine does not carry, aggregated from
the commercial record by set-based queries (see `appraisal.services.kpis`).

The models live in modules by area and are all re-exported here, so `from appraisal.models import
X` is the one way to import them:
- `schemes`: the KPI catalogue, appraisal schemes, scheme KPIs, score and grade bands;
- `scorecards`: appraisal periods, scorecards and their lines;
- `outcomes`: improvement actions and appraisal outcomes;
- `commission`: commission plans, tiers and statements;
- `contests`: contests and their results.
"""

from appraisal.models.commission import (
    PAID_STATUSES,
    CommissionDispute,
    CommissionPlan,
    CommissionPlanVersion,
    CommissionStatement,
    CommissionStatementLine,
    CommissionTier,
    DisputeQuerySet,
    DisputeStatus,
    LineKind,
    StatementQuerySet,
    StatementStatus,
    TierMode,
)
from appraisal.models.contests import Contest, ContestQuerySet, ContestResult, ContestStatus, ParticipantKind
from appraisal.models.outcomes import (
    CONFIRMED_OUTCOMES,
    MONEY_OUTCOMES,
    ActionItemQuerySet,
    ImprovementAction,
    Outcome,
    OutcomeKind,
    OutcomeQuerySet,
)
from appraisal.models.schemes import (
    AppraisalScheme,
    GradeBand,
    Kpi,
    KpiCode,
    KpiSource,
    KpiUnit,
    SchemeKpi,
    ScoreBand,
    ScoringRule,
)
from appraisal.models.scorecards import (
    FROZEN_STATUSES,
    AppraisalPeriod,
    AppraisalPeriodQuerySet,
    PeriodStatus,
    Scorecard,
    ScorecardLine,
    ScorecardQuerySet,
    ScorecardStatus,
)

__all__ = [
    "CONFIRMED_OUTCOMES",
    "FROZEN_STATUSES",
    "MONEY_OUTCOMES",
    "ActionItemQuerySet",
    "AppraisalPeriod",
    "AppraisalPeriodQuerySet",
    "AppraisalScheme",
    "CommissionPlan",
    "CommissionStatement",
    "CommissionStatementLine",
    "CommissionDispute",
    "CommissionPlanVersion",
    "DisputeQuerySet",
    "DisputeStatus",
    "PAID_STATUSES",
    "TierMode",
    "CommissionTier",
    "Contest",
    "ContestQuerySet",
    "ContestResult",
    "ContestStatus",
    "LineKind",
    "GradeBand",
    "ImprovementAction",
    "Kpi",
    "KpiCode",
    "KpiSource",
    "KpiUnit",
    "Outcome",
    "OutcomeKind",
    "OutcomeQuerySet",
    "ParticipantKind",
    "PeriodStatus",
    "SchemeKpi",
    "ScoreBand",
    "Scorecard",
    "ScorecardLine",
    "ScorecardQuerySet",
    "ScorecardStatus",
    "ScoringRule",
    "StatementQuerySet",
    "StatementStatus",
]
