"""The e-mail outbox, and the bookkeeping of periodic jobs."""

from django.conf import settings
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


class Notice(models.Model):
    """Something a person should know about a consultation they run: an answer arrived, a body asks for more
    time, declines, or answered unasked. Shown on the person's notices page (/aviseringar/) and mailed at once
    or in the daily digest, as the person prefers (NoticePreference). Written by the apps' notice builders
    (e.g. consultations/notices.py) through `notice_create`."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("answer received")
        UNSOLICITED = "unsolicited", _("unsolicited answer")
        EXTENSION = "extension", _("extension requested")
        DECLINE = "decline", _("declined to answer")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consultation"),
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    # A path on the platform ("/samordning/12/anstand/3/"), made absolute when mailed.
    link = models.CharField(_("link"), max_length=500, blank=True)
    # A file the mail carries (the answer's PDF), so that a registry can file it.
    attachment = models.ForeignKey(
        "documents.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Makes creating the same notice twice (a job run again) a no-op.
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(fields=["recipient", "read_at"]),
        ]

    def __str__(self) -> str:
        return self.subject


class NoticePreference(models.Model):
    """How a person wants notices mailed: at once (the default, also for people without a row) or daily."""

    class Delivery(models.TextChoices):
        IMMEDIATE = "immediate", _("at once, one e-mail per notice")
        DAILY = "daily", _("once a day, in a digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference", verbose_name=_("person")
    )
    delivery = models.CharField(_("e-mail"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    # The local day of the last digest: a digest job run twice on a day sends one.
    last_digest_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.delivery}"
