"""The task path with a real Celery worker on Redis and PostgreSQL: a worker killed mid-task
(SIGKILL of the process running it) leads to the task running again, and the results equal a
clean run."""

from __future__ import annotations

import os
import signal
from datetime import date
from pathlib import Path

import pytest

from targets.models import Achievement, RecomputeRun, RunStatus
from targets.services import achievements_recompute
from targets.tests import factories as f
from targets.tests.realtasks import achievement_snapshot as _snapshot
from targets.tests.realtasks import send_task
from targets.tests.realtasks import wait_for as _wait

pytestmark = [pytest.mark.worker, pytest.mark.postgres, pytest.mark.redis]

AS_OF = date(2026, 3, 15)


def test_worker_killed_mid_task_runs_it_again(org, worker_env):
    # Given committed records and a target.
    o = org
    cust = f.customer(o.rep1a1)
    order = f.order(
        cust,
        date(2026, 2, 1),
        lines=[("250.00", "100.00")],
        shares=[(o.rep1a1, o.t1a, o.r1, "100", "250.00", "150.00", True)],
    )
    f.payment(order, date(2026, 3, 1), "100.00")
    f.target(o.rep1a1, period="2026", value="1000.00", status="approved")
    run = RecomputeRun.objects.create(as_of=AS_OF, trigger="test")
    worker_env["pause"].write_text("pause")

    # When the task is sent through Redis and its worker process is SIGKILLed mid-run...
    task = "targets.tasks.recompute_achievements"
    send_task(worker_env["broker"], task, kwargs={"run_id": run.pk}, queue=worker_env["queue"])
    pid_file = Path(f"{worker_env['pause']}.pid")
    pid = int(
        _wait(
            lambda: pid_file.exists() and pid_file.read_text(),
            60,
            "the task to start: " + worker_env["log"].read_text()[-2000:],
        )
    )
    assert RecomputeRun.objects.get(pk=run.pk).status == RunStatus.RUNNING
    assert not Achievement.objects.exists()  # nothing written before the kill
    worker_env["pause"].unlink()
    os.kill(pid, signal.SIGKILL)

    # ...then the task comes back (acks_late + reject_on_worker_lost) and the run succeeds.
    _wait(
        lambda: RecomputeRun.objects.get(pk=run.pk).status == RunStatus.SUCCEEDED,
        90,
        "the redelivered task to finish: " + worker_env["log"].read_text()[-2000:],
    )
    log = worker_env["log"].read_text()
    assert "WorkerLostError" in log or "SIGKILL" in log or "signal 9" in log
    after_kill = _snapshot()
    # rep1a1: sales 250.00, margin 150.00, collection 100.00; year rate 250 / 1000 = 0.2500.
    row = Achievement.objects.get(owner_kind="rep", owner_key=o.rep1a1.pk, metric="sales_amount", period="2026")
    assert (str(row.actual), str(row.rate)) == ("250.00", "0.2500")

    # The results equal a clean run's.
    achievements_recompute(as_of=AS_OF)
    assert _snapshot() == after_kill
