"""The append-only audit log. Each event carries the hash of the one before it and a seal made with a key outside
the database (see chain.py and services.audit_verify)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit event through the ORM."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    """Refuses the bulk paths that would bypass `AuditEvent.save()` / `delete()`."""

    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # Deleting the account must not rewrite the event (the actor id is part of its hash).
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    # Kept as text so the event still says who acted after the account is gone.
    actor_label = models.CharField(_("actor"), max_length=255)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # HMAC of `hash` with a key kept outside the database (see chain.py), and that key's fingerprint.
    seal = models.CharField(_("seal"), max_length=64, blank=True, default="")
    seal_key = models.CharField(_("seal key"), max_length=16, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]
        constraints = [
            # One successor per event: two writers can never fork the chain, even if the head lock failed.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_event_unique_prev_hash"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AuditLogIsAppendOnly("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit events cannot be deleted.")

    def change_lines(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) per entry of `changes`; entries not in the [old, new] shape have no before."""
        lines = []
        for name, value in sorted((self.changes or {}).items()):
            if isinstance(value, list) and len(value) == 2:
                lines.append((name, value[0], value[1]))
            else:
                lines.append((name, None, value))
        return lines


class AuditChainHead(models.Model):
    """A single row locked while an event is appended, so that concurrent writers form one chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    last_event_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_chain_head_singleton")]

    def __str__(self) -> str:
        return f"audit chain head at event #{self.last_event_id}"
