"""Settings shared by every environment; values come from the environment."""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from salesorg.env import setup as setup_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional (real deployments may set the environment directly). Every process
# has read it already through salesorg.env.setup(); reading it here again covers a process started
# with --settings or DJANGO_SETTINGS_MODULE alone (pytest, django-admin).
setup_env()

SECRET_KEY = env("SECRET_KEY", default="insecure-local-development-key-change-me")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Our apps come before the third-party ones: their translations win ("Name" is 姓名 here,
    # not django-celery-beat's 任务名).
    "salesorg",
    "staff",
    "notifications",
    "customers",
    "sales",
    "fieldwork",
    "targets",
    "appraisal",
    "training",
    "dashboard",
    "demo",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's saved language beats the browser's.
    "staff.middleware.UserLanguageMiddleware",
    # A leaver's session ends on the leaving date (the person is already loaded, no extra query).
    "staff.auth.LeaverLogoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salesorg.urls"
WSGI_APPLICATION = "salesorg.wsgi.application"

# Every form field carries its label as its accessible name (salesorg/forms.py).
FORM_RENDERER = "salesorg.forms.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "staff.context_processors.navigation",
            ],
        },
    },
]

# A SQLite file in the project by default, so a new user needs no database server.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env.bool("DATABASE_JIT", default=False):
    # PostgreSQL's JIT compiles a web page's short queries for longer than they run (1.7 s of a
    # 2.2 s list statement was measured): off for every connection unless DATABASE_JIT=1.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and os.environ.get("SALESORG_PROCESS") == "web":
    # Web requests (salesorg/wsgi.py) without parallel query by default: a list's short statements
    # ran slower with two parallel workers than without even alone (a team's page of orders 85 ms
    # against 42 ms on the 5,000,000-line data set), and several requests at once each wanting two
    # workers on a small server wait for one another. The worker's recompute keeps the server's
    # setting: its reads of the year are parallel on purpose (targets/services/engine).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _workers = env.int("DATABASE_WEB_PARALLEL_WORKERS", default=0)
    _options["options"] = f"{_options.get('options', '')} -c max_parallel_workers_per_gather={_workers}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked-out login never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    # The model backend, refusing a person whose leaving date has come (staff/auth.py).
    "staff.auth.LeaverAwareBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = env("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (visit photos, receipts) are never served as public URLs: a view checks the
# data scope first (customers/views/files.py). Behind nginx or Apache that view hands the sending
# to the proxy with SENDFILE_HEADER=X-Accel-Redirect (nginx; SENDFILE_URL an internal location
# aliased to MEDIA_ROOT) or X-Sendfile (Apache; SENDFILE_URL the MEDIA_ROOT path on disk); empty:
# the file is streamed through Django's storage API.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
SENDFILE_HEADER = env("SENDFILE_HEADER", default="")
SENDFILE_URL = env("SENDFILE_URL", default="/protected-media/")

# The month the fiscal year starts in (1 = calendar year).
FISCAL_YEAR_START_MONTH = env.int("FISCAL_YEAR_START_MONTH", default=1)
# The official holidays and make-up workdays that fill the working-day calendar (staff.CalendarDay):
# "CN" China's (调休 included), "none" a plain Monday-Friday week (only the days admins enter).
WORKING_CALENDAR = env("WORKING_CALENDAR", default="CN")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DRF's token authentication that answers 401 for a leaver's token (staff/auth.py).
        "staff.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "salesorg.api.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "salesorg.api.exception_handler",
    # Money is a decimal string in JSON, never a float.
    "COERCE_DECIMAL_TO_STRING": True,
}

# Lists and API pages count at most this many rows past the start (then "10000+" and
# `count_exact: false`): an exact count of a region's year of orders costs more than the page.
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=10_000)
# A picker of customers or people lists this many choices in scope whole; past them it is a search
# (salesorg.picking).
PICK_LIST_LIMIT = 200

SPECTACULAR_SETTINGS = {
    "TITLE": "Sales organization API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets come from drf-spectacular-sidecar: no CDN on a closed network.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Many models have a `kind` (or grade) with its own choices: name each enum after its class
    # so the schema is stable and `check --deploy` stays quiet.
    "ENUM_NAME_OVERRIDES": {
        "EmploymentEventKindEnum": "staff.models.EventKind",
        # A person's, a membership's and an event's (from / to) position: one enum.
        "PositionEnum": "staff.models.Position",
        "CalendarDayKindEnum": "staff.models.CalendarDayKind",
        "SelectionStepKindEnum": "staff.models.SelectionStepKind",
        "CustomerKindEnum": "customers.models.customers.CustomerKind",
        "CustomerMoveKindEnum": "customers.models.pool.MoveKind",
        "FollowUpKindEnum": "customers.models.follow_ups.FollowUpKind",
        "StakeholderChangeKindEnum": "customers.models.stakeholders.StakeholderChangeKind",
        "CustomerGradeEnum": "customers.models.records.Grade",
        "RewardKindEnum": "customers.models.records.RewardKind",
        "VisitKindEnum": "fieldwork.models.visits.VisitKind",
        "ExpenseKindEnum": "fieldwork.models.visits.ExpenseKind",
        "ImportKindEnum": "sales.models.orders.ImportKind",
        # An opportunity's forecast category, its effective one and a stage's default: one enum.
        "ForecastCategoryEnum": "sales.models.pipeline.ForecastCategory",
        "PlanActivityKindEnum": "targets.models.ActivityKind",
        "OutcomeKindEnum": "appraisal.models.OutcomeKind",
        "CoachingSessionKindEnum": "training.models.coaching.SessionKind",
        "CourseKindEnum": "training.models.courses.CourseKind",
        "CourseMaterialKindEnum": "training.models.courses.MaterialKind",
        "WorkReportKindEnum": "training.models.reports.ReportKind",
        "NotificationKindEnum": "notifications.models.NotificationKind",
        "ChannelKindEnum": "notifications.models.ChannelKind",
        "CommissionStatementStatusEnum": "appraisal.models.commission.StatementStatus",
        "CommissionDisputeStatusEnum": "appraisal.models.commission.DisputeStatus",
    },
}

# Celery: with no broker configured, tasks run eagerly in-process (the SQLite default path).
# One cache for every server process (the dashboard charts are kept per scope for five minutes):
# in production a shared one, e.g. CACHE_URL=redis://127.0.0.1:6379/1 (Django's Redis backend).
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Reliability: a task is acknowledged only after it finished, so a worker killed mid-task
# leaves it on the queue to be redelivered; prefetch 1 keeps one worker from hoarding tasks.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers unacknowledged tasks after the visibility timeout; the hard time limit
# stays below it so a running task is never handed to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3000)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The nightly jobs. django-celery-beat copies these into its tables, where admins can change the
# times without a deploy. The catch-up check starts the night's recompute if beat failed to send it.
NIGHTLY_RECOMPUTE_HOUR = env.int("NIGHTLY_RECOMPUTE_HOUR", default=1)
NIGHTLY_RECOMPUTE_MINUTE = env.int("NIGHTLY_RECOMPUTE_MINUTE", default=30)
# The catch-up check starts the night's run only this long after its scheduled time.
NIGHTLY_RECOMPUTE_CATCH_UP_GRACE_MINUTES = env.int("NIGHTLY_RECOMPUTE_CATCH_UP_GRACE_MINUTES", default=15)
# The managers' morning digest (yesterday's numbers, who is behind, what waits): local time.
MORNING_DIGEST_HOUR = env.int("MORNING_DIGEST_HOUR", default=8)
MORNING_DIGEST_MINUTE = env.int("MORNING_DIGEST_MINUTE", default=30)
# A complaint still open this many days after it was received is escalated to the regional manager.
COMPLAINT_ESCALATION_DAYS = env.int("COMPLAINT_ESCALATION_DAYS", default=3)
CELERY_BEAT_SCHEDULE = {
    "staff-people-leave-due": {"task": "staff.tasks.people_leave_due", "schedule": crontab(hour=0, minute=5)},
    # Yearly, on 1 December: the official holidays of every year the installed chinesecalendar knows.
    # The State Council publishes next year's schedule in the autumn and the package follows, so a
    # release installed by then fills next year before it starts (`refresh_calendar` does it at once).
    "staff-refresh-calendar": {
        "task": "staff.tasks.refresh_calendar",
        "schedule": crontab(hour=3, minute=0, day_of_month=1, month_of_year=12),
    },
    "customers-return-idle-to-pool": {
        "task": "customers.tasks.return_idle_customers_to_pool",
        "schedule": crontab(hour=0, minute=30),
    },
    "targets-nightly-recompute": {
        "task": "targets.tasks.recompute_achievements_nightly",
        "schedule": crontab(hour=NIGHTLY_RECOMPUTE_HOUR, minute=NIGHTLY_RECOMPUTE_MINUTE),
    },
    "targets-recompute-catch-up": {
        "task": "targets.tasks.recompute_catch_up",
        "schedule": crontab(minute="*/15"),
    },
    # Sales: flag overdue instalments and send the reminders N days before due dates.
    "customers-instalments-daily": {
        "task": "sales.tasks.instalments_daily",
        "schedule": crontab(hour=6, minute=0),
    },
    # Sales: approval steps waiting longer than APPROVAL_ESCALATION_HOURS move one level up.
    "sales-escalate-approvals": {"task": "sales.tasks.escalate_approvals", "schedule": crontab(minute=10)},
    "sales-expire-quotations": {"task": "sales.tasks.expire_quotations", "schedule": crontab(hour=0, minute=20)},
    # Dashboard: milestones after the night's recompute, Monday digest.
    "dashboard-milestones": {"task": "dashboard.tasks.notify_milestones", "schedule": crontab(hour=6, minute=0)},
    # Customers: follow-up discipline (the key predates its move from the dashboard; beat's
    # database scheduler updates the entry of that name). Fieldwork: next contacts set on visits.
    "dashboard-follow-ups": {"task": "customers.tasks.run_follow_up_discipline", "schedule": crontab(hour=7, minute=0)},
    "fieldwork-next-contacts": {"task": "fieldwork.tasks.remind_next_contacts", "schedule": crontab(hour=7, minute=0)},
    # Customers: complaints open COMPLAINT_ESCALATION_DAYS go to the regional manager.
    "customers-escalate-complaints": {
        "task": "customers.tasks.escalate_complaints",
        "schedule": crontab(hour=7, minute=15),
    },
    "dashboard-morning-digest": {
        "task": "dashboard.tasks.send_morning_digest",
        "schedule": crontab(hour=MORNING_DIGEST_HOUR, minute=MORNING_DIGEST_MINUTE),
    },
    "dashboard-weekly-digest": {
        "task": "dashboard.tasks.send_weekly_digest",
        "schedule": crontab(hour=8, minute=0, day_of_week=1),
    },
    # Targets: the weekly forecast snapshot (how the forecast moved) and the pace-gap prescriptions,
    # Mondays after the night's recompute.
    "targets-forecast-snapshot": {
        "task": "targets.tasks.forecast_snapshot_weekly",
        "schedule": crontab(hour=6, minute=30, day_of_week=1),
    },
    "targets-pace-gap-prescriptions": {
        "task": "targets.tasks.pace_gap_prescriptions_weekly",
        "schedule": crontab(hour=7, minute=30, day_of_week=1),
    },
    # Training: remind reps whose daily, weekly or monthly work report is overdue.
    "training-remind-missing-reports": {
        "task": "training.tasks.remind_missing_work_reports",
        "schedule": crontab(hour=9, minute=0),
    },
}

# django-axes: lock an account+address pair out after repeated failed logins.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="salesorg@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
AXES_VERBOSE = False

# Business rules an admin may tune per deployment (each read by the app that owns the rule).
VISIT_EDIT_LOCK_DAYS = env.int("VISIT_EDIT_LOCK_DAYS", default=3)  # a visit report is locked after N days
VISIT_FAR_CHECKIN_METRES = env.int("VISIT_FAR_CHECKIN_METRES", default=1000)  # check-ins farther are flagged
# A visit / an expense claim is filed at most N days after its date (older ones would count late).
VISIT_FILING_DAYS = env.int("VISIT_FILING_DAYS", default=7)
EXPENSE_FILING_DAYS = env.int("EXPENSE_FILING_DAYS", default=30)
VISIT_PLAN_DAY_MAX = env.int("VISIT_PLAN_DAY_MAX", default=8)  # visits a drafted weekly plan puts on one day
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)  # photos and receipts
CUSTOMER_KEY_AMOUNT = env("CUSTOMER_KEY_AMOUNT", default="1000000")  # 12-month sales that make a key customer
CUSTOMER_KEY_POTENTIAL = env("CUSTOMER_KEY_POTENTIAL", default="3000000")
CUSTOMER_GENERAL_POTENTIAL = env("CUSTOMER_GENERAL_POTENTIAL", default="300000")
# Order numbers: `year`, `month` and the month's sequence `seq` (which comes last).
ORDER_NUMBER_FORMAT = env("ORDER_NUMBER_FORMAT", default="SO{year}{month:02d}-{seq:05d}")
# The default approval matrix's seed (sales migration 0004): orders above this amount, or with a
# line discounted more than this percent, need the team manager. Admins edit the matrix afterwards.
ORDER_APPROVAL_AMOUNT = env("ORDER_APPROVAL_AMOUNT", default="100000")
ORDER_APPROVAL_DISCOUNT_PERCENT = env("ORDER_APPROVAL_DISCOUNT_PERCENT", default="15")
# An order's or a quotation's approval step waiting longer than this moves one level up (hourly escalation task).
APPROVAL_ESCALATION_HOURS = env.int("APPROVAL_ESCALATION_HOURS", default=48)
INSTALMENT_REMINDER_DAYS = env.int("INSTALMENT_REMINDER_DAYS", default=7)
# An order typed in by a person is dated at most N days back / ahead of today (ERP imports exempt).
ORDER_DATE_PAST_DAYS = env.int("ORDER_DATE_PAST_DAYS", default=400)
ORDER_DATE_FUTURE_DAYS = env.int("ORDER_DATE_FUTURE_DAYS", default=31)
# When on, a payment entered by a rep counts only once finance or a manager has confirmed it.
PAYMENT_CONFIRMATION = env.bool("PAYMENT_CONFIRMATION", default=False)
RECOMPUTE_FAN_OUT_BY_REGION = env.bool("RECOMPUTE_FAN_OUT_BY_REGION", default=False)  # one task per region
# The night's run and a manager's "Recompute now" count only what changed since the last run
# (targets/services/engine/incremental.py); the night of RECOMPUTE_FULL_WEEKDAY (0 = Monday ... 6 =
# Sunday, of the as-of day's next day) rebuilds everything instead, as does any run when the
# incremental one cannot (the first run, a new fiscal year, an earlier as-of day).
RECOMPUTE_INCREMENTAL = env.bool("RECOMPUTE_INCREMENTAL", default=True)
RECOMPUTE_FULL_WEEKDAY = env.int("RECOMPUTE_FULL_WEEKDAY", default=6)
# A recompute that hits a database error is retried: first after up to RECOMPUTE_RETRY_BACKOFF
# seconds, doubling (random jitter) up to RECOMPUTE_RETRY_BACKOFF_MAX, at most RECOMPUTE_MAX_RETRIES times.
RECOMPUTE_RETRY_BACKOFF = env.int("RECOMPUTE_RETRY_BACKOFF", default=30)
RECOMPUTE_RETRY_BACKOFF_MAX = env.int("RECOMPUTE_RETRY_BACKOFF_MAX", default=600)
RECOMPUTE_MAX_RETRIES = env.int("RECOMPUTE_MAX_RETRIES", default=5)
# The recompute tasks' test seam: the dotted path of a callable that returns keyword arguments for
# the engine (`on_step`, `fail_after_write`). Empty here and in production; only the worker tests'
# settings (salesorg/settings/worker_test.py) name one, to pause or fail a run in a real worker.
RECOMPUTE_HOOKS = ""
