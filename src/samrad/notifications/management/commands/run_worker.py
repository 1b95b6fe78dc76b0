"""`manage.py run_worker [QUEUE ...]`: run the task-queue worker of the configured backend (settings.TASK_BACKEND).

- database: django-tasks-db's `db_worker` (polls the database; no broker);
- rq: django-rq's `rqworker --with-scheduler --job-class django_tasks_rq.Job` (the scheduler is what runs
  deferred tasks such as outbox retries; the job class is what runs a django.tasks task).

Without queue names the worker takes every queue (settings.TASK_QUEUES; on RQ "mail" first). In production run
one worker for "mail" and others for "default", so that mail never waits behind a long job:

    manage.py run_worker mail
    manage.py run_worker default
"""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Run a background worker for the configured task backend (TASK_BACKEND=database or rq) on the named queues "
        "(default: all, i.e. " + ", ".join(settings.TASK_QUEUES) + ")."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "queues",
            nargs="*",
            help="Queues to work on: " + ", ".join(settings.TASK_QUEUES) + " (default: all of them).",
        )
        parser.add_argument(
            "--burst", action="store_true", help="Run the tasks that are ready now, then exit (deploy checks, tests)."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="database backend: seconds to wait when the queue is empty (default: 1).",
        )

    def handle(self, *args: Any, queues: list[str], burst: bool, interval: float, **options: Any) -> None:
        verbosity = options["verbosity"]
        unknown = sorted(set(queues) - set(settings.TASK_QUEUES))
        if unknown:
            raise CommandError(
                f"Unknown queue(s): {', '.join(unknown)}. The queues are: {', '.join(settings.TASK_QUEUES)}."
            )
        # Mail first: RQ takes jobs from its queues in the order given.
        queues = queues or sorted(settings.TASK_QUEUES, key=lambda name: name != "mail")
        if settings.TASK_BACKEND == "database":
            call_command(
                "db_worker",
                queue_name=",".join(queues),
                batch=burst,
                interval=interval,
                reload=False,
                startup_delay=not burst,
                verbosity=verbosity,
            )
        elif settings.TASK_BACKEND == "rq":
            call_command(
                "rqworker",
                *queues,
                with_scheduler=True,
                job_class="django_tasks_rq.Job",
                burst=burst,
                verbosity=verbosity,
            )
        else:
            raise CommandError(
                f"TASK_BACKEND={settings.TASK_BACKEND!r} runs tasks in the web process; there is no worker to start."
            )
