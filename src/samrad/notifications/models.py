"""The e-mail outbox, and the bookkeeping of periodic jobs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One e-mail to send. Written in the same transaction as the change that caused it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        RETRYING = "retrying", _("waiting to retry")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed permanently")

    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    to = models.JSONField(_("to"), default=list)
    cc = models.JSONField(_("cc"), default=list, blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    from_email = models.CharField(_("from"), max_length=255, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # [{"filename": ..., "content_type": ..., "content_b64": ...}] – small files such as calendar invitations.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # What caused the message, e.g. "consultation.invitation"; and a key that makes enqueueing idempotent.
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=255, null=True, blank=True, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"


class PeriodicJob(models.Model):
    """When a periodic job last ran and is next due. Claimed with a conditional update, so any number of
    scheduler processes can run and each job still runs once per period."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
