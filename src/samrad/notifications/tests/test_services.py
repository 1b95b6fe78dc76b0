import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.notifications.models import OutboundEmail
from samrad.notifications.services import email_enqueue, email_enqueue_template, email_retry
from samrad.notifications.tasks import deliver_email
from samrad.notifications.tests.conftest import queued_tasks


@pytest.mark.django_db
def test_a_templated_email_is_swedish_by_default():
    message = email_enqueue_template(
        to=["registrator@nacka.se"],
        template="notifications/email/test_message",
        context={"recipient": "registrator@nacka.se"},
    )
    assert message.subject == "Testmeddelande från Samråd"
    assert message.body_text.startswith("Hej,\n\nDetta är ett testmeddelande.")
    assert "Med vänliga hälsningar,\nSamråd" in message.body_text
    assert '<html lang="sv">' in message.body_html
    assert message.headers["Content-Language"] == "sv"
    assert message.category == "notifications/email/test_message"


@pytest.mark.django_db
def test_a_templated_email_in_english():
    message = email_enqueue_template(
        to=["official@example.org"],
        template="notifications/email/test_message",
        context={"recipient": "official@example.org"},
        language="en",
    )
    assert message.subject == "Test message from Samråd"
    assert message.body_text.startswith("Hello,\n\nThis is a test message.")
    assert '<html lang="en">' in message.body_html


@pytest.mark.django_db
def test_text_is_not_html_escaped_but_html_is():
    message = email_enqueue_template(
        to=["a@example.se"],
        template="notifications/email/test_message",
        context={"recipient": "Kommun & Region <a@example.se>"},
    )
    assert "Kommun & Region <a@example.se>" in message.body_text
    assert "Kommun &amp; Region &lt;a@example.se&gt;" in message.body_html
    assert "<a@example.se>" not in message.body_html


@pytest.mark.django_db
def test_enqueue_needs_a_recipient():
    with pytest.raises(ValueError, match="recipient"):
        email_enqueue(to=[" "], subject="x", body_text="y")


@pytest.fixture
def staff():
    return UserFactory.create(is_staff=True)


@pytest.mark.django_db(transaction=True)
def test_retrying_a_failed_message_queues_it_and_is_audited(staff):
    message = email_enqueue(to=["a@example.se"], subject="Kallelse", body_text="Text")
    OutboundEmail.objects.filter(pk=message.pk).update(state=OutboundEmail.State.FAILED, last_error="550 No such user")
    queued_before = queued_tasks(deliver_email).count()

    email_retry(actor=staff, message_id=message.pk)

    message.refresh_from_db()
    assert message.state == OutboundEmail.State.QUEUED
    assert message.next_attempt_at <= timezone.now()
    assert queued_tasks(deliver_email).count() == queued_before + 1
    event = AuditEvent.objects.get(action="email.retry")
    assert event.actor_id == staff.pk
    assert event.object_id == str(message.pk)
    assert event.changes == {"state": ["failed", "queued"]}


@pytest.mark.django_db
def test_a_sent_message_cannot_be_retried(staff):
    message = email_enqueue(to=["a@example.se"], subject="Kallelse", body_text="Text")
    OutboundEmail.objects.filter(pk=message.pk).update(state=OutboundEmail.State.SENT)
    with pytest.raises(ValidationError):
        email_retry(actor=staff, message_id=message.pk)
    assert not AuditEvent.objects.filter(action="email.retry").exists()


@pytest.mark.django_db
def test_only_platform_staff_may_retry():
    respondent = MembershipFactory(role=Membership.Role.COORDINATOR).user
    message = email_enqueue(to=["a@example.se"], subject="Kallelse", body_text="Text")
    OutboundEmail.objects.filter(pk=message.pk).update(state=OutboundEmail.State.FAILED)
    with pytest.raises(PermissionDenied):
        email_retry(actor=respondent, message_id=message.pk)
    message.refresh_from_db()
    assert message.state == OutboundEmail.State.FAILED
