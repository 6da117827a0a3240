"""Writes of the appraisal app, one module per area, re-exported here."""

from appraisal.services.commission import (  # noqa: F401
    commission_amount,
    commission_approve,
    commission_export_payroll,
    commission_plan_create,
    commission_statements_compute,
    payroll_table,
)
from appraisal.services.contests import (  # noqa: F401
    contest_create,
    contest_finish,
    contest_leaderboard,
    contest_publish,
)
from appraisal.services.export import scorecards_table  # noqa: F401
from appraisal.services.kpis import kpi_values  # noqa: F401
from appraisal.services.periods import (  # noqa: F401
    appraisal_period_close,
    appraisal_period_open,
    appraisal_period_publish_rankings,
    appraisal_period_refresh,
    appraisal_period_refresh_after_recompute,
    appraisal_period_update_meeting,
)
from appraisal.services.schemes import (  # noqa: F401
    BandInput,
    LineInput,
    check_bands,
    check_weights,
    line_inputs,
    scheme_create,
    score_line,
)
from appraisal.services.scorecards import (  # noqa: F401
    action_add,
    outcome_confirm,
    outcome_create,
    scorecard_acknowledge,
    scorecard_approve,
    scorecard_close,
    scorecard_return,
    scorecard_review_update,
    scorecard_submit,
    suggest_training,
)
from appraisal.services.statements import (  # noqa: F401
    Estimate,
    basis_items,
    commission_dispute_resolve,
    commission_estimate,
    commission_line_dispute,
    commission_plan_version_create,
    commission_statement_acknowledge,
    commission_statement_build,
    commission_statement_issue,
    version_in_force,
)
