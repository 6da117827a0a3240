from celery import Celery
from django.db import DatabaseError

from salesorg.env import setup

# The same rule as manage.py and the WSGI app: the environment, then .env, then the local settings.
setup()

app = Celery("salesorg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The delivery policy of every task that writes: acknowledged after it ran (a task whose worker
# died comes back), and a database error retried with exponential backoff (30 s doubling, at most
# 600 s, jittered) up to 5 times before it fails for good. `@shared_task(**RELIABLE_TASK)`.
RELIABLE_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
