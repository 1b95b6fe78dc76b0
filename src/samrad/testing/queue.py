"""Running the database task queue inside the test process, for tests that need queued tasks to run but not a
separate worker process (those use `samrad.testing.worker`)."""

from django_tasks_db.management.commands.db_worker import Worker


def run_queued_tasks(*, queue: str = "*", backend: str = "default") -> None:
    """Run every task of the database backend that is ready now (deferred ones only once due), then return.
    `queue` names one queue ("mail", "default"); all by default.

    This is django-tasks-db's own worker loop in batch mode. Use it with `transactional_db`: the worker commits
    and closes connections between tasks, as it does in production.
    """
    Worker(
        queue_names=[queue],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-process",
        excluded_queue_names=[],
    ).run()
