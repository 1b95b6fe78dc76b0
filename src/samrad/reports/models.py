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
