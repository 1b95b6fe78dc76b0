"""Scheduled work of the audit log, run by the task queue through samrad.notifications.scheduling."""

from django.tasks import task


@task()
def export_chain_anchor() -> int | None:
    """Registered as "audit.anchor_export": append the chain head to AUDIT_ANCHOR_FILE if it moved since the last
    line. Idempotent: a second run with the same head writes nothing. Returns the event id written, or None."""
    from samrad.audit.anchors import anchor_export

    anchor = anchor_export()
    return anchor.event_id if anchor else None
