"""Training: courses, onboarding, enrollments, coaching, work reports, suggestions. Re-exported here."""

from training.models.coaching import (  # noqa: F401
    ActionItem,
    ActionItemStatus,
    CoachingSession,
    FollowUp,
    SessionKind,
)
from training.models.courses import (  # noqa: F401
    ClassSession,
    Course,
    CourseKind,
    CourseMaterial,
    Enrollment,
    EnrollmentStatus,
    MaterialKind,
    Onboarding,
    OnboardingTopic,
    RequiredCourse,
)
from training.models.reports import ReportComment, ReportKind, WorkReport, WorkReportRule  # noqa: F401
from training.models.reviews import STANDARD_QUESTION_CODES, ReviewMeeting, ReviewQuestion  # noqa: F401
from training.models.suggestions import (  # noqa: F401
    SuggestionRule,
    SuggestionStatus,
    TrainingSuggestion,
)
