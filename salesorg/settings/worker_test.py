"""Settings of the real Celery worker that the `worker` tests start (tasks go through Redis)."""

from salesorg.settings.test import *  # noqa: F403
from salesorg.settings.test import env

CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
# targets' worker tests inject their faults into the recompute tasks through this seam (see
# targets/tests/faults.py); each fault is off unless its file is named below.
RECOMPUTE_HOOKS = "targets.tests.faults.recompute_hooks"
# targets' worker test: a file whose presence pauses a recompute mid-run.
RECOMPUTE_TEST_PAUSE_FILE = env("RECOMPUTE_TEST_PAUSE_FILE", default="")
# targets' worker tests: a file holding a number N makes the next N recompute runs fail with a real
# database error.
RECOMPUTE_TEST_FAIL_FILE = env("RECOMPUTE_TEST_FAIL_FILE", default="")
# The tests that start a real `celery beat` give it their own short schedule in django-celery-beat's
# tables; beat would copy the base settings' entries into them, to fire at their own times.
CELERY_BEAT_SCHEDULE = {}
