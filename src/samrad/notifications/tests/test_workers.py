"""Background jobs through real worker processes: the database queue, and RQ over the real Redis."""

import pytest
from django.db import transaction

from samrad.notifications.models import OutboundEmail
from samrad.notifications.services import email_enqueue


def enqueue_invitation() -> OutboundEmail:
    with transaction.atomic():
        return email_enqueue(
            to=["registrator@nacka.se"], subject="Remiss: Trafikplan 2030", body_text="Ni är inbjudna att svara."
        )


def state_of(message: OutboundEmail) -> str:
    message.refresh_from_db()
    return message.state


@pytest.mark.worker
def test_the_database_worker_delivers_mail_queued_during_an_outage_once(task_worker, smtp_server):
    smtp_server.stop()
    message = enqueue_invitation()
    worker = task_worker(
        backend="database",
        env={**smtp_server.environment(), "OUTBOX_RETRY_BASE": "1", "OUTBOX_RETRY_MAX": "1"},
    )

    def attempted_twice() -> bool:
        message.refresh_from_db()
        return message.attempts >= 2

    worker.wait_until(attempted_twice, what="two failed attempts while the SMTP server is down")
    assert message.state in {OutboundEmail.State.RETRYING, OutboundEmail.State.SENDING}
    assert not smtp_server.messages

    smtp_server.start()
    worker.wait_until(lambda: state_of(message) == OutboundEmail.State.SENT, what="the message is sent")
    assert message.attempts >= 2
    [received] = smtp_server.messages
    assert received.message["Message-ID"] == message.message_id
    assert received.subject == "Remiss: Trafikplan 2030"


@pytest.mark.worker
@pytest.mark.redis
def test_the_rq_worker_runs_tasks_enqueued_by_this_process_and_their_deferred_retries(
    rq_task_queue, task_worker, smtp_server
):
    import django_rq

    smtp_server.stop()
    message = enqueue_invitation()  # django.tasks puts deliver_email on RQ (rq_task_queue points TASKS there)
    assert django_rq.get_queue("mail").count == 1  # delivery has its own queue
    worker = task_worker(
        backend="rq",
        env={
            **rq_task_queue.environment(),
            **smtp_server.environment(),
            "OUTBOX_RETRY_BASE": "1",
            "OUTBOX_RETRY_MAX": "1",
        },
    )

    def attempted_twice() -> bool:
        message.refresh_from_db()
        return message.attempts >= 2

    # The second attempt is a deferred task (run_after): only RQ's scheduler (--with-scheduler) runs it.
    worker.wait_until(attempted_twice, what="two failed attempts while the SMTP server is down")
    smtp_server.start()
    worker.wait_until(lambda: state_of(message) == OutboundEmail.State.SENT, what="the RQ worker sends the message")
    [received] = smtp_server.messages
    assert received.message["Message-ID"] == message.message_id
