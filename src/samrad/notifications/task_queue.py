"""The health of the task queue itself: tasks whose worker died.

django-tasks-db (0.13) marks a task "running" when a worker claims it (`DBTaskResult.claim`: status, started_at,
and the worker's random id appended to `worker_ids`) and "successful" or "failed" when the task returns. It
keeps no heartbeat and no list of live workers, so a worker killed mid-task (SIGKILL, out of memory, the machine
gone) leaves its row "running" for ever, and nothing runs the task again. RQ handles the same case itself: each
worker keeps a heartbeat, and its StartedJobRegistry cleanup moves a job whose worker stopped beating to the
failed registry (AbandonedJobError).

For the database queue, `abandoned_tasks_fail` does the equivalent: a row "running" for more than twice the
longest a task of its queue may run (TASK_TIME_LIMIT, MAIL_TASK_TIME_LIMIT) is marked failed, with a message
that says so, where staff see task results (the admin). It does not run the task again: each kind of work that
must not be lost has its own sweep that knows when it is unfinished and re-queues it (the outbox's
`outbox_sweep`, text extraction's `documents.extraction_sweep`; periodic jobs simply run again next period).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone

logger = logging.getLogger(__name__)

ABANDONED_EXCEPTION = "samrad.notifications.task_queue.WorkerDied"
ABANDONED_MESSAGE = (
    "The worker running this task stopped (killed, out of memory or its machine gone) before the task finished: "
    "it was still marked running {minutes} minutes after it started. Marked failed by notifications.task_sweep."
)


def _time_limits() -> dict[str, int]:
    return {"mail": settings.MAIL_TASK_TIME_LIMIT}


def abandoned_tasks_fail(*, now: datetime | None = None) -> int:
    """Mark as failed the database queue's "running" tasks that outlived twice their time limit; how many."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    aliases = [alias for alias in settings.TASKS if isinstance(task_backends[alias], DatabaseBackend)]
    if not aliases:
        return 0
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, backend_name__in=aliases)
    limits = _time_limits()
    failed = 0
    for queue in set(running.values_list("queue_name", flat=True)):
        limit = limits.get(queue, settings.TASK_TIME_LIMIT)
        failed += running.filter(queue_name=queue, started_at__lt=now - timedelta(seconds=2 * limit)).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=ABANDONED_EXCEPTION,
            traceback=ABANDONED_MESSAGE.format(minutes=round(2 * limit / 60)),
        )
    if failed:
        logger.warning("Marked %d task(s) failed whose worker died", failed)
    return failed
