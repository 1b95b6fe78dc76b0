"""Writing and verifying the audit log.

Every service that changes data calls `audit_record` inside its own transaction. Each event's hash covers its
content and the previous event's hash, so changing or removing an event breaks the chain from that point on;
`audit_verify` (and `manage.py audit_verify`) walks the chain and names the first event that does not fit.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from samrad.actors import Actor
from samrad.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-safe form of `value` that is the same before and after a round trip through the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False))


def event_hash(
    *,
    prev_hash: str,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    changes: Any,
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": actor_id,
            "actor": actor_label,
            "action": action,
            "type": object_type,
            "id": object_id,
            "label": object_label,
            "changes": changes,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _actor_parts(actor: Actor) -> tuple[int | None, str]:
    """(user id or None, a label that still says who acted after the account is gone)."""
    if isinstance(actor, str):
        return None, actor[:255] or "system"
    if actor is None:
        return None, "system"
    if not getattr(actor, "is_authenticated", False):
        return None, "anonymous"
    email = getattr(actor, "email", "")
    label = f"{actor} <{email}>" if email and str(actor) != email else str(actor)
    return actor.pk, label[:255]


def _plain(value: Any) -> Any:
    """A model instance (a foreign key's value) is recorded by its primary key."""
    return value.pk if isinstance(value, models.Model) else value


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. `actor` is a user, None (the system) or a label such as "import".

    Call it inside the transaction of the change it describes: if that rolls back, so does the event.
    """
    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
        object_label = str(target)[:255]
    else:
        object_label = ""
    object_id = str(object_id)
    actor_id, actor_label = _actor_parts(actor)
    clean_changes = _canonical(changes or {})
    with transaction.atomic():
        head, _created = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        created_at = timezone.now()
        digest = event_hash(
            prev_hash=head.last_hash,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            changes=clean_changes,
        )
        event = AuditEvent.objects.create(
            created_at=created_at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label,
            changes=clean_changes,
            prev_hash=head.last_hash,
            hash=digest,
        )
        AuditChainHead.objects.filter(id=1).update(last_hash=digest, last_event_id=event.pk)
    return event


def model_changes(instance: models.Model, fields: list[str], before: dict[str, Any] | None) -> dict[str, Any]:
    """{"field": [old, new]} for each field that differs; with before=None, {"field": [None, new]} for all."""
    after = {name: _plain(getattr(instance, name)) for name in fields}
    if before is None:
        return {name: [None, value] for name, value in after.items()}
    old = {name: _plain(value) for name, value in before.items()}
    return {name: [old.get(name), value] for name, value in after.items() if old.get(name) != value}


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""
    # The hash of the newest event checked: operators may note it elsewhere to anchor the chain.
    last_hash: str = GENESIS_HASH


def audit_verify(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain in id order and report the first event whose hash or link does not fit.

    The chain head is read first, so events appended while the walk runs are left for the next check instead of
    being mistaken for a broken chain; the walk must end exactly at the head's hash.
    """
    head = AuditChainHead.objects.filter(id=1).first()
    events = AuditEvent.objects.order_by("id")
    if head is not None:
        events = events.filter(id__lte=head.last_event_id or 0)
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(events.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                return ChainReport(False, checked, event.pk, "its link to the previous event does not match")
            recomputed = event_hash(
                prev_hash=event.prev_hash,
                created_at=event.created_at,
                actor_id=event.actor_id,
                actor_label=event.actor_label,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                object_label=event.object_label,
                changes=event.changes,
            )
            if recomputed != event.hash:
                return ChainReport(False, checked, event.pk, "its content does not match its hash")
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
    if head is None:
        if checked:
            return ChainReport(False, checked, None, "the chain head is missing")
    elif head.last_hash != expected_prev:
        return ChainReport(False, checked, head.last_event_id, "the newest events are missing")
    return ChainReport(True, checked, last_hash=expected_prev)
