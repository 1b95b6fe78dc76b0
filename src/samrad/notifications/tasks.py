"""Background jobs of the outbox. Tasks take ids and call the delivery code; they are safe to run twice."""

from django.tasks import task


@task()
def deliver_email(message_id: int) -> str:
    """Send one queued message (or do nothing if it is not due or another worker has it)."""
    from samrad.notifications.delivery import deliver

    return str(deliver(message_id).outcome)


@task()
def outbox_sweep() -> int:
    """Queue delivery of every message that is due but has apparently no task waiting for it (the task was lost,
    the broker was flushed, a worker died mid-send). Runs every minute through the scheduler."""
    from samrad.notifications.delivery import sweep_due

    return sweep_due()
