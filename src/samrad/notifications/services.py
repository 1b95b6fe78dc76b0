"""The e-mail outbox. Every outgoing message is a row written in the caller's transaction and sent afterwards
by a background job, so a rollback sends nothing and a mail-server outage only delays delivery."""

import base64
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.actors import Actor, is_platform_staff
from samrad.audit.services import audit_record
from samrad.notifications.delivery import schedule_delivery
from samrad.notifications.models import OutboundEmail
from samrad.notifications.rendering import render_email

RETRYABLE_STATES = (OutboundEmail.State.FAILED, OutboundEmail.State.RETRYING)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def email_enqueue(
    *,
    to: list[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    cc: list[str] | None = None,
    reply_to: list[str] | None = None,
    from_email: str = "",
    attachments: list[Attachment] | None = None,
    headers: dict[str, str] | None = None,
    category: str = "",
    dedupe_key: str | None = None,
) -> OutboundEmail:
    """Queue one e-mail. With `dedupe_key`, queueing the same key again returns the first message instead of
    a second one (reminders use this so that no body gets the same reminder twice)."""
    recipients = sorted({address.strip() for address in to if address and address.strip()})
    if not recipients:
        raise ValueError("An e-mail needs at least one recipient.")
    if dedupe_key is not None:
        existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">") or "samrad.localhost"
    try:
        with transaction.atomic():
            message = OutboundEmail.objects.create(
                to=recipients,
                cc=sorted(set(cc or [])),
                reply_to=list(reply_to or []),
                from_email=from_email or settings.DEFAULT_FROM_EMAIL,
                subject=" ".join(subject.split())[:998],
                body_text=body_text,
                body_html=body_html,
                attachments=[
                    {
                        "filename": a.filename,
                        "content_type": a.content_type,
                        "content_b64": base64.b64encode(a.content).decode("ascii"),
                    }
                    for a in attachments or []
                ],
                headers=dict(headers or {}),
                category=category,
                dedupe_key=dedupe_key,
                message_id=f"<{uuid.uuid4().hex}@{domain}>",
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: schedule_delivery(message.pk))
    return message


def email_enqueue_template(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any] | None = None,
    language: str = "sv",
    cc: list[str] | None = None,
    reply_to: list[str] | None = None,
    from_email: str = "",
    attachments: list[Attachment] | None = None,
    headers: dict[str, str] | None = None,
    category: str = "",
    dedupe_key: str | None = None,
) -> OutboundEmail:
    """Render `<template>_subject.txt`, `<template>.txt` and (if it exists) `<template>.html` in `language` and
    queue the result (see samrad.notifications.rendering for how to write the templates)."""
    rendered = render_email(template, context or {}, language=language)
    return email_enqueue(
        to=to,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        cc=cc,
        reply_to=reply_to,
        from_email=from_email,
        attachments=attachments,
        headers={"Content-Language": language, **(headers or {})},
        category=category or template,
        dedupe_key=dedupe_key,
    )


def email_retry(*, actor: Actor, message_id: int) -> OutboundEmail:
    """Send a failed or waiting message again now (platform staff's "retry now" on the outbox page)."""
    if not is_platform_staff(actor):
        raise PermissionDenied
    with transaction.atomic():
        message = OutboundEmail.objects.select_for_update().get(pk=message_id)
        if message.state not in RETRYABLE_STATES:
            raise ValidationError(
                _("Only a failed message or one waiting to retry can be retried."), code="not_retryable"
            )
        previous_state = message.state
        message.state = OutboundEmail.State.QUEUED
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["state", "next_attempt_at"])
        audit_record(
            actor=actor,
            action="email.retry",
            target=message,
            changes={"state": [previous_state, message.state]},
        )
        transaction.on_commit(lambda: schedule_delivery(message.pk))
    return message
