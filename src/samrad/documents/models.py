"""Every file that enters the platform, after it has passed the intake checks (see services.file_intake)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def stored_file_path(instance: "StoredFile", filename: str) -> str:
    # The original name is kept in the row; the storage name is random so that names never collide or leak.
    return f"files/{instance.uploaded_at:%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class StoredFile(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        ODT = "odt", "OpenDocument (ODT)"
        XLSX = "xlsx", "Excel (XLSX)"
        TXT = "txt", _("plain text")
        PNG = "png", "PNG"
        JPEG = "jpeg", "JPEG"

    class TextState(models.TextChoices):
        PENDING = "pending", _("waiting for text extraction")
        EXTRACTED = "extracted", _("text extracted")
        NO_TEXT = "no_text", _("no text found (e.g. a scanned document)")
        FAILED = "failed", _("text extraction failed")
        PARTIAL = "partial", _("text cut off at a limit")
        NOT_APPLICABLE = "n/a", _("not a text document")

    class TextCutOff(models.TextChoices):
        """Why extraction stopped before the end of the file (or, for INTERRUPTED, gave up)."""

        TIME = "time", _("reading took longer than the time limit")
        CPU = "cpu", _("reading used more processor time than allowed")
        MEMORY = "memory", _("reading needed more memory than allowed")
        PAGES = "pages", _("the file has more pages than are read")
        CHARS = "chars", _("the file has more text than is kept")
        INTERRUPTED = "interrupted", _("reading was interrupted too many times")

    file = models.FileField(_("file"), upload_to=stored_file_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))
    text_state = models.CharField(
        _("text"), max_length=20, choices=TextState.choices, default=TextState.PENDING, db_index=True
    )
    # Why extraction failed, as the reader library said it (shown to staff next to the "failed" flag).
    text_error = models.TextField(_("text extraction error"), blank=True)
    # When the text was last extracted (or found missing, or failed): search indexing follows this.
    text_extracted_at = models.DateTimeField(_("text extracted"), null=True, blank=True, db_index=True)
    # Why the text is cut off (state "partial") or extraction was given up ("failed" after interruptions).
    text_cut_off = models.CharField(_("text cut off because"), max_length=20, choices=TextCutOff.choices, blank=True)
    # Extraction runs started; a run whose worker died is retried by extraction_sweep up to a bound.
    text_attempts = models.PositiveSmallIntegerField(_("text extraction attempts"), default=0)
    # The heartbeat of the extraction run in progress (none when no run is): older than EXTRACTION_LEASE means
    # its worker died.
    text_claimed_at = models.DateTimeField(null=True, blank=True)
    # When extraction was last queued by the sweep (the intake's own queueing is at uploaded_at).
    text_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def text_flagged(self) -> bool:
        """True when a text document yielded no text, could not be read, or was read only in part: readers and
        search should know."""
        return self.text_state in (self.TextState.NO_TEXT, self.TextState.FAILED, self.TextState.PARTIAL)


class DocumentPage(models.Model):
    """The extracted text of one page of a stored file: a PDF page, a page of a Word or OpenDocument file
    (between explicit or last rendered page breaks), a spreadsheet's sheet (its name in `label`), a part of a
    text file between form feeds. Pages without text are not stored; the numbers of the others are kept."""

    file = models.ForeignKey(StoredFile, on_delete=models.CASCADE, related_name="pages", verbose_name=_("file"))
    number = models.PositiveIntegerField(_("page"))
    label = models.CharField(_("page name"), max_length=200, blank=True)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["file", "number"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="document_page_unique_number")]

    def __str__(self) -> str:
        return f"{self.file} p. {self.number}"
