"""Writing and verifying the audit log.

Every service that changes data calls `audit_record` inside its own transaction. Each event's hash covers its
content and the previous event's hash, so changing or removing an event breaks the chain from that point on; each
event's seal (an HMAC of its hash with a key that is not in the database, see `chain.py`) means that someone who
can write the database cannot rewrite an event and recompute the hashes after it unnoticed; the chain heads
exported outside the database (`anchors.py`) catch the newest events removed. `audit_verify` (and
`manage.py audit_verify`) walks the chain and names the first event that does not fit.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from samrad.actors import Actor
from samrad.audit.anchors import Anchor
from samrad.audit.chain import GENESIS_HASH, event_hash, key_fingerprint, seal, seal_matches, sealing_key
from samrad.audit.chain import verification_keys as _verification_keys
from samrad.audit.models import AuditChainHead, AuditEvent

__all__ = ["GENESIS_HASH", "ChainReport", "audit_record", "audit_verify", "event_hash", "model_changes"]


def _canonical(value: Any) -> Any:
    """JSON-safe form of `value` that is the same before and after a round trip through the database."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False))


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
        key = sealing_key()
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
            seal=seal(digest, key),
            seal_key=key_fingerprint(key),
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
    # The hash of the newest event checked (what the anchor export writes out).
    last_hash: str = GENESIS_HASH
    # How many exported anchors were compared.
    anchors_checked: int = 0


def _missing(anchor: Anchor) -> str:
    return f"it is missing, though it was exported as the newest event at {anchor.exported_at}"


def audit_verify(*, batch_size: int = 2000, anchors: Sequence[Anchor] | None = None) -> ChainReport:
    """Walk the chain in id order and report the first event that does not fit: a broken link, content that does
    not match its hash, a seal that does not match (a rewrite by someone without the key) or a key this
    installation does not have, or, with `anchors` (the exported heads), an event that is missing or no longer has
    the hash exported for it.

    The anchors are taken before the head and the head before the walk, so events appended (and anchors exported)
    while the walk runs are left for the next check instead of being mistaken for a broken chain; the walk must
    end exactly at the head's hash.
    """
    pending = sorted(anchors or [], key=lambda anchor: (anchor.event_id, anchor.line))
    head = AuditChainHead.objects.filter(id=1).first()
    keys = _verification_keys()
    events = AuditEvent.objects.order_by("id")
    if head is not None:
        events = events.filter(id__lte=head.last_event_id or 0)
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    suspect_from = 0  # where a rewrite found against an anchor may start: after the last anchor that matched

    def bad(event_id: int | None, reason: str) -> ChainReport:
        return ChainReport(False, checked, event_id, reason, anchors_checked=len(anchors or []) - len(pending))

    while True:
        batch = list(events.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        for event in batch:
            suspect_from = suspect_from or event.pk
            if pending and pending[0].event_id < event.pk:
                anchor = pending[0]
                return bad(
                    anchor.event_id,
                    f"it is missing, though it was exported as the newest event at {anchor.exported_at}",
                )
            if event.prev_hash != expected_prev:
                return bad(event.pk, "its link to the previous event does not match")
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
                return bad(event.pk, "its content does not match its hash")
            key = keys.get(event.seal_key)
            if key is None:
                return bad(
                    event.pk,
                    f"it is sealed with a key this installation does not have (key {event.seal_key or 'none'}): "
                    "either it was written without the key or AUDIT_CHAIN_OLD_KEYS lacks a replaced key",
                )
            if not seal_matches(event_hash_hex=event.hash, seal_hex=event.seal, key=key):
                return bad(event.pk, "its seal does not match: it was written or rewritten without the audit key")
            while pending and pending[0].event_id == event.pk:
                anchor = pending.pop(0)
                if anchor.hash != event.hash:
                    return bad(
                        event.pk,
                        f"its hash is not the one exported at {anchor.exported_at}: an event from "
                        f"#{suspect_from} to #{event.pk} was rewritten",
                    )
                suspect_from = event.pk + 1
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
    if pending:
        anchor = pending[0]
        return bad(
            anchor.event_id, f"it is missing, though it was exported as the newest event at {anchor.exported_at}"
        )
    if head is None:
        if checked:
            return bad(None, "the chain head is missing")
    elif head.last_hash != expected_prev:
        return bad(head.last_event_id, "the newest events are missing")
    return ChainReport(True, checked, last_hash=expected_prev, anchors_checked=len(anchors or []))
