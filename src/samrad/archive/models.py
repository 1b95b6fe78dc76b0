"""Archive packages brought back into the platform (see importing.py and ADR 0009).

An import rebuilds the consultation's own tables row for row. The case's audit events cannot go back into the
platform's audit chain (their links point at events of other cases that are not in the package, and appending
them anew would give them new times and hashes), so they are kept here verbatim, with their original ids,
hashes and seals, one row each, and the import itself is one new event in the chain ("archive.imported").
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedEventsAreAppendOnly(Exception):
    """Raised on any attempt to change or delete an imported audit event through the ORM."""


class ArchiveImport(models.Model):
    """One archive package imported: which, when, by whom, and what its audit events' check found."""

    objid = models.CharField(_("package id"), max_length=200)
    package_name = models.CharField(_("package file"), max_length=255)
    package_sha256 = models.CharField(_("SHA-256 of the package file"), max_length=64)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        related_name="archive_imports",
        verbose_name=_("consultation"),
    )
    reference_number = models.CharField(_("reference number"), max_length=100)
    imported_at = models.DateTimeField(_("imported"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Rows written per table, e.g. {"consultations.submission": 22}.
    counts = models.JSONField(_("rows"), default=dict)
    # The chain head the exporting platform had when the package was made ({"event_id", "hash"}).
    source_chain_head = models.JSONField(default=dict, blank=True)
    events_checked = models.PositiveIntegerField(default=0)
    events_linked = models.PositiveIntegerField(default=0)
    events_sealed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("archive import")
        verbose_name_plural = _("archive imports")

    def __str__(self) -> str:
        return f"{self.objid} ({self.imported_at:%Y-%m-%d})"


class ImportedAuditEventQuerySet(models.QuerySet["ImportedAuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise ImportedEventsAreAppendOnly("Imported audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImportedEventsAreAppendOnly("Imported audit events cannot be deleted.")


class ImportedAuditEvent(models.Model):
    """An audit event of an imported case, exactly as the exporting platform's log held it. `original_id`,
    `actor_id` and the hashes are the exporting platform's; `audit_events.audit_events_check` re-checks them."""

    archive_import = models.ForeignKey(ArchiveImport, on_delete=models.PROTECT, related_name="audit_events")
    original_id = models.BigIntegerField()
    created_at = models.DateTimeField(_("time"))
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(_("actor"), max_length=255)
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    seal = models.CharField(max_length=64, blank=True, default="")
    seal_key = models.CharField(max_length=16, blank=True, default="")

    objects = ImportedAuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["archive_import", "original_id"]
        verbose_name = _("imported audit event")
        verbose_name_plural = _("imported audit events")
        constraints = [
            models.UniqueConstraint(fields=["archive_import", "original_id"], name="archive_event_once_per_import")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.original_id} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImportedEventsAreAppendOnly("Imported audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImportedEventsAreAppendOnly("Imported audit events cannot be deleted.")

    def as_event(self) -> dict[str, Any]:
        """The event in the package's form, for audit_events_check."""
        return {
            "id": self.original_id,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "changes": self.changes,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
            "seal": self.seal,
            "seal_key": self.seal_key,
        }
