import base64
import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from samrad.notifications.delivery import Outcome, deliver, email_claim, retry_delay, sweep_due
from samrad.notifications.models import OutboundEmail
from samrad.notifications.services import Attachment
from samrad.notifications.tasks import deliver_email
from samrad.notifications.tests.conftest import queued_tasks
from samrad.testing.queue import run_queued_tasks
from samrad.testing.waiting import wait_until

CALENDAR = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Samrad//SV\r\nEND:VCALENDAR\r\n"


@pytest.mark.django_db
def test_a_message_is_sent_with_both_bodies_attachments_and_headers(smtp_server, make_email):
    message = make_email(
        to=["registrator@nacka.se", "kommun@varmdo.se"],
        cc=["handlaggare@regionstockholm.se"],
        reply_to=["remiss@regionstockholm.se"],
        body_html="<p>Ni är inbjudna att svara på remissen.</p>",
        attachments=[
            Attachment("möte.ics", CALENDAR, "text/calendar"),
            Attachment("bilaga.pdf", b"%PDF-1.4 not really", "application/pdf"),
        ],
        headers={"X-Samrad-Consultation": "RS 2026-0042"},
    )

    result = deliver(message.pk)

    assert result.outcome is Outcome.SENT
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    [received] = smtp_server.messages
    assert sorted(received.envelope_to) == [
        "handlaggare@regionstockholm.se",
        "kommun@varmdo.se",
        "registrator@nacka.se",
    ]
    mail = received.message
    assert mail["Message-ID"] == message.message_id
    assert mail["Subject"] == "Remiss: Regional utvecklingsplan"
    assert mail["Reply-To"] == "remiss@regionstockholm.se"
    assert mail["X-Samrad-Consultation"] == "RS 2026-0042"
    assert received.body("text/plain").startswith("Hej!")
    assert "inbjudna" in received.body("text/html")
    attachments = {part.get_filename(): part for part in mail.iter_attachments()}
    assert set(attachments) == {"möte.ics", "bilaga.pdf"}
    assert attachments["bilaga.pdf"].get_content() == b"%PDF-1.4 not really"
    assert attachments["möte.ics"].get_content_type() == "text/calendar"
    assert "BEGIN:VCALENDAR" in attachments["möte.ics"].get_content()


@pytest.mark.django_db
def test_a_message_that_is_not_due_or_already_sent_is_left_alone(smtp_server, make_email):
    message = make_email()
    OutboundEmail.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert deliver(message.pk).outcome is Outcome.NOT_CLAIMED
    OutboundEmail.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert deliver(message.pk).outcome is Outcome.SENT
    assert deliver(message.pk).outcome is Outcome.NOT_CLAIMED
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_mail_queued_during_an_outage_is_delivered_once_when_the_server_is_back(smtp_server, fast_retries, make_email):
    smtp_server.stop()
    with transaction.atomic():
        message = make_email()
    assert queued_tasks(deliver_email).count() == 1

    run_queued_tasks()
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.RETRYING
    assert message.attempts == 1
    assert "Connection refused" in message.last_error or "ConnectionRefused" in message.last_error
    assert message.next_attempt_at > timezone.now() - timedelta(seconds=1)

    def attempted_twice() -> bool:
        run_queued_tasks()
        message.refresh_from_db()
        return message.attempts >= 2

    wait_until(attempted_twice, timeout=15, interval=0.3, message="no second attempt")
    assert message.state == OutboundEmail.State.RETRYING

    smtp_server.start()

    def sent() -> bool:
        run_queued_tasks()
        message.refresh_from_db()
        return message.state == OutboundEmail.State.SENT

    wait_until(sent, timeout=15, interval=0.3, message="not sent after the server came back")
    assert message.attempts >= 2
    assert len(smtp_server.messages) == 1
    assert smtp_server.messages[0].message["Message-ID"] == message.message_id
    run_queued_tasks()  # any task still queued for it finds nothing to do
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_queues_nothing(make_email):
    with pytest.raises(RuntimeError), transaction.atomic():
        make_email()
        raise RuntimeError("the change that caused the e-mail failed")
    assert not OutboundEmail.objects.exists()
    assert not queued_tasks(deliver_email).exists()


@pytest.mark.django_db(transaction=True)
def test_a_dedupe_key_prevents_a_duplicate(make_email):
    first = make_email(dedupe_key="reminder:referral:17:7-days")
    second = make_email(dedupe_key="reminder:referral:17:7-days", subject="Påminnelse igen")
    assert second.pk == first.pk
    assert OutboundEmail.objects.count() == 1
    assert queued_tasks(deliver_email).count() == 1
    make_email(dedupe_key="reminder:referral:17:1-day")
    assert OutboundEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_message_send_it_once(smtp_server, make_email):
    message = make_email()
    start = threading.Barrier(2)
    outcomes: list[Outcome] = []

    def work() -> None:
        try:
            start.wait()
            outcomes.append(deliver(message.pk).outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted([Outcome.SENT, Outcome.NOT_CLAIMED])
    assert len(smtp_server.messages) == 1
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.django_db
def test_a_claim_succeeds_once_for_the_same_moment(make_email):
    message = make_email()
    now = timezone.now()
    assert email_claim(message.pk, now=now) is True
    assert email_claim(message.pk, now=now) is False


@pytest.mark.django_db
def test_a_message_left_sending_by_a_dead_worker_is_taken_again_after_the_lease(smtp_server, settings, make_email):
    message = make_email()
    OutboundEmail.objects.filter(pk=message.pk).update(
        state=OutboundEmail.State.SENDING, claimed_at=timezone.now() - timedelta(seconds=60), attempts=1
    )
    settings.OUTBOX_SENDING_LEASE = 600
    assert deliver(message.pk).outcome is Outcome.NOT_CLAIMED
    settings.OUTBOX_SENDING_LEASE = 30
    assert deliver(message.pk).outcome is Outcome.SENT
    message.refresh_from_db()
    assert message.attempts == 2
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_recipients_refused_for_good_mark_the_message_failed(smtp_server, make_email):
    smtp_server.reject_recipient("finns.inte@nacka.se", 550)
    message = make_email(to=["finns.inte@nacka.se"])
    result = deliver(message.pk)
    assert result.outcome is Outcome.FAILED
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.FAILED
    assert "550" in message.last_error
    assert "finns.inte@nacka.se" in message.last_error
    assert not smtp_server.messages
    assert not queued_tasks(deliver_email).filter(args_kwargs__args=[message.pk], run_after__gt=timezone.now()).exists()


@pytest.mark.django_db
def test_a_temporary_refusal_is_retried_later(smtp_server, settings, make_email):
    settings.OUTBOX_RETRY_BASE = 30
    smtp_server.reject_recipient("upptagen@nacka.se", 450)
    message = make_email(to=["upptagen@nacka.se"])
    before = timezone.now()
    result = deliver(message.pk)
    assert result.outcome is Outcome.RETRY
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.RETRYING
    assert "450" in message.last_error
    assert before + timedelta(seconds=29) < message.next_attempt_at < timezone.now() + timedelta(seconds=31)
    retry = queued_tasks(deliver_email).get(run_after__gt=timezone.now())
    assert retry.args_kwargs["args"] == [message.pk]


@pytest.mark.django_db
def test_some_recipients_refused_still_sends_to_the_others(smtp_server, make_email):
    smtp_server.reject_recipient("finns.inte@nacka.se", 550)
    message = make_email(to=["finns.inte@nacka.se", "registrator@nacka.se"])
    assert deliver(message.pk).outcome is Outcome.SENT
    assert smtp_server.messages[0].envelope_to == ["registrator@nacka.se"]


def test_retry_delay_doubles_up_to_the_maximum(settings):
    settings.OUTBOX_RETRY_BASE = 30
    settings.OUTBOX_RETRY_MAX = 3600
    assert [retry_delay(n).total_seconds() for n in range(1, 9)] == [30, 60, 120, 240, 480, 960, 1920, 3600]
    assert retry_delay(500).total_seconds() == 3600


@pytest.mark.django_db
def test_the_sweep_queues_messages_whose_task_was_lost(make_email):
    lost = make_email(subject="Tappad")
    fresh = make_email(subject="Ny")
    waiting = make_email(subject="Väntar")
    long_ago = timezone.now() - timedelta(minutes=10)
    OutboundEmail.objects.filter(pk=lost.pk).update(next_attempt_at=long_ago)
    OutboundEmail.objects.filter(pk=waiting.pk).update(
        state=OutboundEmail.State.RETRYING, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    assert sweep_due() == 1
    [task] = queued_tasks(deliver_email)
    assert task.args_kwargs["args"] == [lost.pk]
    assert fresh.state == OutboundEmail.State.QUEUED


def test_attachments_are_stored_as_base64(db, make_email):
    message = make_email(attachments=[Attachment("a.txt", b"\x00\x01binary", "application/octet-stream")])
    assert base64.b64decode(message.attachments[0]["content_b64"]) == b"\x00\x01binary"
