"""Background jobs of the outbox (completed by the notifications work)."""

from django.tasks import task


@task()
def deliver_email(message_id: int) -> None:
    from samrad.notifications.delivery import deliver

    deliver(message_id)
