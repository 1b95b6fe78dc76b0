"""Background jobs of the outbox and of the task queue itself. Tasks take ids and call the delivery code; they
are safe to run twice.

Delivery runs on its own queue, "mail", which has its own worker (`manage.py run_worker mail`): a long job on
"default" (text extraction, search indexing) never holds up an invitation or a login link.
"""

from django.tasks import task

MAIL_QUEUE = "mail"


@task(queue_name=MAIL_QUEUE)
def deliver_email(message_id: int) -> str:
    """Send one queued message (or do nothing if it is not due or another worker has it)."""
    from samrad.notifications.delivery import deliver

    return str(deliver(message_id).outcome)


@task(queue_name=MAIL_QUEUE)
def outbox_sweep() -> int:
    """Queue delivery of every message that is due but has apparently no task waiting for it (the task was lost,
    the broker was flushed, a worker died mid-send). Runs every minute through the scheduler."""
    from samrad.notifications.delivery import sweep_due

    return sweep_due()


@task()
def task_sweep() -> int:
    """Mark as failed the database queue's tasks whose worker died ("running" far longer than any task may run).
    Runs every ten minutes through the scheduler; on RQ, RQ's own registry cleanup does this."""
    from samrad.notifications.task_queue import abandoned_tasks_fail

    return abandoned_tasks_fail()


@task()
def send_notice_digests() -> int:
    """Every 15 minutes (registered as "notifications.notice_digests"): each person who asked for a daily digest
    gets at most one a day, once it is past the digest hour, with the notices not yet mailed. On "default": it
    reads files (answers' PDFs) to attach, and only queues mail."""
    from samrad.notifications.notices import notice_digests_send

    return notice_digests_send()
