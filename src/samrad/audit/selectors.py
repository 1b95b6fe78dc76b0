"""Reads of the audit log for the staff pages."""

from django.db.models import QuerySet

from samrad.audit.models import AuditEvent


def audit_event_list(*, action: str = "", object_type: str = "", actor: str = "") -> QuerySet[AuditEvent]:
    """Events newest first, narrowed by exact action / object type and by part of the actor's name or address."""
    events = AuditEvent.objects.order_by("-id")
    if action:
        events = events.filter(action=action)
    if object_type:
        events = events.filter(object_type=object_type)
    if actor:
        events = events.filter(actor_label__icontains=actor)
    return events


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_object_types() -> list[str]:
    return list(AuditEvent.objects.order_by("object_type").values_list("object_type", flat=True).distinct())
