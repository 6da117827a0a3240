"""Training writes, one module per area, re-exported here."""

from training.services.coaching import (  # noqa: F401
    action_item_close,
    action_item_create,
    action_item_follow_up,
    coaching_session_create,
)
from training.services.courses import (  # noqa: F401
    enrollment_create,
    enrollment_record_result,
    onboarding_courses_ensure,
    onboarding_start,
)
from training.services.reports import (  # noqa: F401
    missing_reporters,
    report_comment_add,
    report_period,
    work_report_numbers,
    work_report_submit,
    work_reports_remind_missing,
    work_reports_remind_overdue,
)
from training.services.reviews import (  # noqa: F401
    review_meeting_add_action,
    review_meeting_create,
    review_meeting_record_outcome,
    review_meeting_update,
)
from training.services.suggestions import (  # noqa: F401
    suggestion_accept,
    suggestion_dismiss,
    training_suggestions_generate,
)
