"""Periodic jobs: a registry of (name, interval, task) and a tick that queues the tasks that are due.

The task queue (django.tasks) runs the work; this module only decides *when* to queue it. Each job's next run
is a row in `PeriodicJob`; a tick claims a due job with one conditional UPDATE on `next_run_at`, so any number
of scheduler processes (`manage.py run_scheduler`) can run side by side, be restarted or die, and a run is
still queued once. Periodic tasks must be idempotent: a run can be repeated (the queue fails after the claim's
commit) or skipped (all schedulers down for a while: the next tick queues one run, not the missed backlog).

Apps register their jobs in `AppConfig.ready()`::

    from samrad.notifications.scheduling import periodic_job_register
    periodic_job_register(name="consultations.close_due", interval=timedelta(minutes=5), task=close_due)
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.tasks import Task
from django.utils import timezone

from samrad.notifications.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJobSpec:
    name: str
    interval: timedelta
    task: Task[Any, Any]


class PeriodicJobRegistry:
    """The jobs known to this process. The project uses the module-level `periodic_jobs`."""

    def __init__(self) -> None:
        self._jobs: dict[str, PeriodicJobSpec] = {}

    def register(self, *, name: str, interval: timedelta, task: Task[Any, Any]) -> PeriodicJobSpec:
        if interval <= timedelta(0):
            raise ValueError("A periodic job needs a positive interval.")
        spec = PeriodicJobSpec(name=name, interval=interval, task=task)
        existing = self._jobs.get(name)
        if existing is not None and existing != spec:
            raise ValueError(f"A different periodic job is already registered as {name!r}.")
        self._jobs[name] = spec
        return spec

    def __iter__(self) -> Iterator[PeriodicJobSpec]:
        return iter(sorted(self._jobs.values(), key=lambda spec: spec.name))

    def __len__(self) -> int:
        return len(self._jobs)


periodic_jobs = PeriodicJobRegistry()


def periodic_job_register(*, name: str, interval: timedelta, task: Task[Any, Any]) -> PeriodicJobSpec:
    """Run `task` (a django.tasks task taking no arguments) every `interval`, starting at the first tick."""
    return periodic_jobs.register(name=name, interval=interval, task=task)


def periodic_job_claim(job: PeriodicJob, *, interval: timedelta, now: datetime) -> bool:
    """Move the job's next run on by one interval if nobody has since `job` was read. True for one caller only."""
    claimed = PeriodicJob.objects.filter(pk=job.pk, next_run_at=job.next_run_at, next_run_at__lte=now).update(
        next_run_at=now + interval, last_run_at=now
    )
    return claimed == 1


def scheduler_tick(*, registry: PeriodicJobRegistry | None = None, now: datetime | None = None) -> list[str]:
    """Queue every registered job that is due; returns the names of the jobs this call queued."""
    registry = periodic_jobs if registry is None else registry
    now = now or timezone.now()
    queued = []
    for spec in registry:
        job, _created = PeriodicJob.objects.get_or_create(name=spec.name, defaults={"next_run_at": now})
        if job.next_run_at > now:
            continue
        # Claim and queue together: if queueing fails, the claim rolls back and the next tick tries again.
        with transaction.atomic():
            if not periodic_job_claim(job, interval=spec.interval, now=now):
                continue
            spec.task.enqueue()
        queued.append(spec.name)
        logger.info("Queued periodic job %s", spec.name)
    return queued
