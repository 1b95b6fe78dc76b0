"""The remiss compilation (remissammanställning) of a closed consultation.

One per consultation. While it is a draft, its documents are built from the answers as they are now; when a
coordinator signs it off, the content is frozen into `content` (plain JSON, see content.py) and the consultation
moves to `compiled`. The four formats (HTML, DOCX, PDF, XLSX) are generated on request from that content rather
than stored as files: the same frozen content always gives the same document, a later correction of a stance
cannot change a signed-off compilation, and there are no files to keep in step or to clean up.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Compilation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED_OFF = "signed_off", _("signed off")

    consultation = models.OneToOneField(
        "consultations.Consultation", on_delete=models.CASCADE, related_name="compilation"
    )
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The content as signed off (content.compilation_content's JSON form); empty while a draft.
    content = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("compilation")
        verbose_name_plural = _("compilations")

    def __str__(self) -> str:
        return f"{self.consultation} ({self.get_status_display()})"

    @property
    def is_signed_off(self) -> bool:
        return self.status == self.Status.SIGNED_OFF


class CompilationDocument(models.Model):
    """A compilation's document written in the background and stored, for the formats that take too long to write
    during a request (the PDF of a large consultation: minutes of layout). Keyed by the SHA-256 of the content it
    was written from, so a signed-off compilation's document is written once, and a draft's is written again only
    when its answers or summary have changed (`services.compilation_document_*`)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("being prepared")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    compilation = models.ForeignKey(Compilation, on_delete=models.CASCADE, related_name="documents")
    file_format = models.CharField(max_length=8)
    content_digest = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField()
    rendered_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="compilations/%Y/", blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("compilation document")
        verbose_name_plural = _("compilation documents")
        constraints = [
            models.UniqueConstraint(
                fields=["compilation", "file_format", "content_digest"], name="reports_document_once_per_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.compilation} {self.file_format} ({self.status})"
