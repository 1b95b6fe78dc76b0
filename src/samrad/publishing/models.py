"""Masking an answer's personal data before it is published.

A `MaskingRun` reads every current answer of a consultation in the background (`services.masking_run`). Each
answer (its latest `Submission`) gets one `MaskingProposal`, holding one `MaskingText` per text of the answer
that is published (the private respondent's name, the respondent's reference and "decided by", each answer's
text, each attachment's file name and each page of its extracted text), and on each text the `MaskingSpan`s:
found by the detector (proposed) or added by a person, then confirmed or rejected by one. A masked copy replaces
each confirmed span with a marker; the original answer is never changed.

The spans hold the text they cover (the personal data itself) so that a page can show it; the audit log records
only where a span is and of what kind, never its text, so that personal data is not kept in the append-only log.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MaskingRun(models.Model):
    """One pass of the detector over a consultation's current answers. Runs in slices: a slice that reaches its
    time limit saves how far it came and queues the next (status back to "queued")."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)  # answers read so far
    total = models.PositiveIntegerField(default=0)  # answers to read
    proposed = models.PositiveIntegerField(default=0)  # spans proposed by this run
    created_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life of the slice at work: a run silent for long lost its worker (a new run may start).
    touched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("masking run")
        verbose_name_plural = _("masking runs")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation"],
                condition=models.Q(status__in=["queued", "running"]),
                name="publishing_one_active_masking_run",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}:{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class MaskingProposal(models.Model):
    """The masking of one submitted answer."""

    class Respondent(models.TextChoices):
        PRIVATE = "private", _("a private person")
        ASSOCIATION = "association", _("an association or other organisation")
        PUBLIC_BODY = "public_body", _("a public body")

    submission = models.OneToOneField("consultations.Submission", on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey("consultations.Consultation", on_delete=models.CASCADE, related_name="+")
    # Who wrote the answer, as the detector was told (it decides what counts as personal, see detection.py).
    respondent = models.CharField(max_length=20, choices=Respondent.choices)
    run = models.ForeignKey(MaskingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals")
    detected_at = models.DateTimeField()
    # Every span decided and the answer looked through by a person; any later change withdraws it.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The masked answer as a new PDF document, and the digest of the decisions it was rendered from (a change of
    # any span makes it out of date).
    masked_pdf = models.ForeignKey(
        "documents.StoredFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    masked_pdf_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["consultation", "submission"]
        verbose_name = _("masking proposal")
        verbose_name_plural = _("masking proposals")

    def __str__(self) -> str:
        return f"{self.submission_id}"


class MaskingText(models.Model):
    """One text of an answer that is published. `key` names it within the answer: "respondent",
    "their_reference", "decided_by", "answer:<question id>", "file:<file id>:name", "file:<file id>:<page>"."""

    class Part(models.TextChoices):
        FIELD = "field", _("detail of the answer")
        ANSWER = "answer", _("answer to a question")
        FILE_NAME = "file_name", _("file name of an attachment")
        PAGE = "page", _("page of an attachment")

    proposal = models.ForeignKey(MaskingProposal, on_delete=models.CASCADE, related_name="texts")
    key = models.CharField(max_length=100)
    part = models.CharField(max_length=10, choices=Part.choices)
    order = models.PositiveIntegerField(default=0)
    question = models.ForeignKey("consultations.Question", on_delete=models.SET_NULL, null=True, related_name="+")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.SET_NULL, null=True, related_name="+")
    page = models.PositiveIntegerField(null=True, blank=True)
    # The text the spans point into, by its SHA-256 and length (the text itself stays where it is: the frozen
    # submission, the attachment's extracted pages). A text that no longer matches must be checked again.
    sha256 = models.CharField(max_length=64)
    length = models.PositiveIntegerField()
    # How much of it the detector read (MAX_TEXT_CHARS at most): less than `length` means the rest was not checked.
    checked_chars = models.PositiveIntegerField()

    class Meta:
        ordering = ["proposal", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "key"], name="publishing_text_unique_key")]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.key}"


class MaskingSpan(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", pgettext_lazy("masking", "proposed")
        CONFIRMED = "confirmed", pgettext_lazy("masking", "confirmed")
        REJECTED = "rejected", pgettext_lazy("masking", "rejected")

    class Origin(models.TextChoices):
        DETECTED = "detected", _("found automatically")
        PERSON = "person", _("added by a person")

    class Kind(models.TextChoices):
        PERSONNUMMER = "personnummer", _("personal identity number")
        SAMORDNINGSNUMMER = "samordningsnummer", _("co-ordination number")
        PHONE = "phone", pgettext_lazy("masking", "phone number")
        EMAIL = "email", pgettext_lazy("masking", "e-mail address")
        ADDRESS = "address", pgettext_lazy("masking", "postal address")
        NAME = "name", pgettext_lazy("masking", "name")
        OTHER = "other", _("other personal data")

    text = models.ForeignKey(MaskingText, on_delete=models.CASCADE, related_name="spans")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    content = models.TextField()  # the text covered (personal data: never copied into the audit log)
    confidence = models.FloatField(null=True, blank=True)  # the detector's; None for a person's span
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.DETECTED)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["text", "start", "end"]
        verbose_name = _("masking span")
        verbose_name_plural = _("masking spans")
        constraints = [
            models.UniqueConstraint(fields=["text", "start", "end"], name="publishing_span_unique_place"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="publishing_span_not_empty"),
        ]
        indexes = [models.Index(fields=["text", "status"], name="publishing_span_status")]

    def __str__(self) -> str:
        return f"{self.text_id}[{self.start}:{self.end}] {self.kind} {self.status}"
