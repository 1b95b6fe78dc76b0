"""Sending one queued message: claim it, hand it to the configured e-mail backend, record what happened.

A message is claimed with one conditional UPDATE (state and due time in its WHERE clause), so of any number of
workers holding a task for the same message exactly one sends it; the others find nothing to claim and return.
A worker that dies while sending leaves the message "sending"; once its claim is older than
OUTBOX_SENDING_LEASE the message may be claimed again (by a retry or by the periodic outbox sweep).

Failures are sorted into temporary ones (connection refused, timeouts, 4xx answers: retried with a doubling
delay from OUTBOX_RETRY_BASE up to OUTBOX_RETRY_MAX, never dropped) and permanent ones (every recipient refused
with a 5xx code, the message itself refused with a 5xx code, a message that cannot be built): those are marked
failed and shown on the outbox page, where staff can retry them.
"""

import base64
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from samrad.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 2000
EARLY_START_TOLERANCE = timedelta(seconds=2)


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not-claimed"


class PermanentFailure(Exception):
    """The mail server (or the message itself) makes clear that trying again will not help."""


@dataclass(frozen=True)
class DeliveryResult:
    outcome: Outcome
    next_attempt_at: datetime | None = None
    error: str = ""


def claimable(*, due_by: datetime, lease_expired_before: datetime) -> Q:
    """Messages that may be taken: queued/retrying ones due by `due_by`, and "sending" ones whose claim was
    made before `lease_expired_before` (the worker that made it is presumed dead)."""
    due = Q(state__in=[OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING], next_attempt_at__lte=due_by)
    abandoned = Q(state=OutboundEmail.State.SENDING, claimed_at__lt=lease_expired_before)
    return due | abandoned


def _lease_expired_before(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.OUTBOX_SENDING_LEASE)


def email_claim(message_id: int, *, now: datetime) -> bool:
    """Take the message for sending. True for exactly one caller, however many race for it.

    A task may wake up slightly before the message's next attempt (RQ's scheduler counts whole seconds, and
    workers' clocks differ a little), so a message due within EARLY_START_TOLERANCE counts as due.
    """
    condition = claimable(due_by=now + EARLY_START_TOLERANCE, lease_expired_before=_lease_expired_before(now))
    claimed = OutboundEmail.objects.filter(condition, pk=message_id).update(
        state=OutboundEmail.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def retry_delay(attempts: int) -> timedelta:
    """OUTBOX_RETRY_BASE after the first failed attempt, doubling each time, at most OUTBOX_RETRY_MAX."""
    base = settings.OUTBOX_RETRY_BASE
    ceiling = settings.OUTBOX_RETRY_MAX
    exponent = min(max(attempts - 1, 0), 32)
    return timedelta(seconds=min(base * 2**exponent, ceiling))


def build_message(message: OutboundEmail) -> EmailMultiAlternatives:
    headers = {**message.headers, "Message-ID": message.message_id}
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(message.to),
        cc=list(message.cc),
        reply_to=list(message.reply_to),
        headers=headers,
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content_b64"]),
            attachment.get("content_type") or "application/octet-stream",
        )
    return email


def _classify(error: Exception) -> type[Exception]:
    """PermanentFailure for refusals that a later attempt cannot change; the error's own type otherwise."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        if codes and all(500 <= code < 600 for code in codes):
            return PermanentFailure
    elif isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600:
        return PermanentFailure
    return type(error)


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = "; ".join(
            f"{address}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for address, (code, text) in error.recipients.items()
        )
        return f"Recipients refused: {refused}"[:ERROR_MAX_LENGTH]
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{type(error).__name__}: {error.smtp_code} {text}"[:ERROR_MAX_LENGTH]
    return f"{type(error).__name__}: {error}"[:ERROR_MAX_LENGTH]


def deliver(message_id: int) -> DeliveryResult:
    """Send one message if it is due and nobody else has it. Safe to call any number of times."""
    now = timezone.now()
    if not email_claim(message_id, now=now):
        return DeliveryResult(Outcome.NOT_CLAIMED)
    message = OutboundEmail.objects.get(pk=message_id)
    ours = OutboundEmail.objects.filter(pk=message_id, state=OutboundEmail.State.SENDING, claimed_at=now)
    try:
        email = build_message(message)
    except (ValueError, KeyError, TypeError) as error:  # a malformed header or attachment: it will never send
        return _fail(ours, message, error)
    try:
        with mailers.default as connection:
            connection.send_messages([email])
    except (smtplib.SMTPException, OSError) as error:  # OSError covers refused connections and timeouts
        # Refusals of the sender or of our login are retried, not failed: they are the operator's settings to
        # fix, and once fixed every waiting message should still go out.
        if _classify(error) is PermanentFailure:
            return _fail(ours, message, error)
        return _retry(ours, message, error)
    ours.update(state=OutboundEmail.State.SENT, sent_at=timezone.now(), last_error="", claimed_at=None)
    logger.info("Sent e-mail %s (%s) after %d attempt(s)", message.pk, message.message_id, message.attempts)
    return DeliveryResult(Outcome.SENT)


def _fail(ours: QuerySet[OutboundEmail], message: OutboundEmail, error: Exception) -> DeliveryResult:
    description = _describe(error)
    ours.update(state=OutboundEmail.State.FAILED, last_error=description, claimed_at=None)
    logger.warning("E-mail %s failed permanently: %s", message.pk, description)
    return DeliveryResult(Outcome.FAILED, error=description)


def _retry(ours: QuerySet[OutboundEmail], message: OutboundEmail, error: Exception) -> DeliveryResult:
    description = _describe(error)
    next_attempt_at = timezone.now() + retry_delay(message.attempts)
    ours.update(
        state=OutboundEmail.State.RETRYING, last_error=description, next_attempt_at=next_attempt_at, claimed_at=None
    )
    logger.info("E-mail %s not sent (%s); next attempt at %s", message.pk, description, next_attempt_at)
    schedule_delivery(message.pk, run_after=next_attempt_at)
    return DeliveryResult(Outcome.RETRY, next_attempt_at=next_attempt_at, error=description)


def schedule_delivery(message_id: int, *, run_after: datetime | None = None) -> None:
    """Queue a delivery task. If the queue cannot take it (broker down, or a backend without deferred tasks),
    the message stays due in the outbox and the periodic sweep queues it again; nothing is lost."""
    from samrad.notifications.tasks import deliver_email

    try:
        if run_after is None:
            deliver_email.enqueue(message_id)
        elif deliver_email.get_backend().supports_defer:
            deliver_email.using(run_after=run_after).enqueue(message_id)
    except Exception:
        logger.exception("Could not queue delivery of e-mail %s; the outbox sweep will pick it up", message_id)


# A message due for longer than this without being claimed is assumed to have lost its task.
SWEEP_GRACE = timedelta(minutes=2)
SWEEP_BATCH = 500


def sweep_due(*, now: datetime | None = None) -> int:
    """Queue a delivery task for each message that should have been claimed by now; returns how many.

    A message whose task is merely late gets a second task; that one finds nothing to claim, so this is safe.
    """
    now = now or timezone.now()
    condition = claimable(due_by=now - SWEEP_GRACE, lease_expired_before=_lease_expired_before(now))
    stale = OutboundEmail.objects.filter(condition).order_by("next_attempt_at")
    ids = list(stale.values_list("pk", flat=True)[:SWEEP_BATCH])
    for message_id in ids:
        schedule_delivery(message_id)
    if ids:
        logger.info("Outbox sweep queued %d message(s) that had no delivery task", len(ids))
    return len(ids)
