"""Settings of the real Celery worker that the `worker` tests start (tasks go through Redis)."""

from salesorg.settings.test import *  # noqa: F403
from salesorg.settings.test import env

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
# targets' worker test: a file whose presence pauses a recompute mid-run (see targets/tasks.py).
RECOMPUTE_TEST_PAUSE_FILE = env("RECOMPUTE_TEST_PAUSE_FILE", default="")
