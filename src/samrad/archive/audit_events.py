"""The audit events of a case: found in the platform's one global chain, exported verbatim, checked on import.

The audit log is one hash chain for the whole platform, so the case's events are scattered through it: between
two of them are events of other cases. What can be checked of them without the rest of the chain:

- each event's content still gives its hash (SHA-256 over the content and the previous event's hash, the
  platform's own formula in samrad.audit.chain), so no event was changed after it was written;
- where two of the case's events were neighbours in the chain (ids n and n + 1), the later one's `prev_hash` is
  the earlier one's hash;
- each seal, where this installation has the key it was made with (the platform that wrote the events, or one
  given its key in AUDIT_CHAIN_OLD_KEYS).

The package also carries the chain head at export (the newest event's id and hash), to be compared with the
anchors the platform exported outside its database.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from samrad.archive.case import AUDITED_OBJECTS
from samrad.audit.chain import event_hash, seal_matches, verification_keys
from samrad.audit.models import AuditChainHead, AuditEvent

EVENT_FIELDS = (
    "id",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "changes",
    "prev_hash",
    "hash",
    "seal",
    "seal_key",
)
BATCH = 500


def event_row(event: AuditEvent) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in EVENT_FIELDS}
    row["created_at"] = event.created_at.isoformat(timespec="microseconds")
    return row


def case_audit_events(rows: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Every audit event about an object of the case, oldest first."""
    wanted: dict[str, list[str]] = {}
    for object_type, label in AUDITED_OBJECTS.items():
        ids = [str(row["id"]) for row in rows.get(label, [])]
        if ids:
            wanted[object_type] = ids
    found: dict[int, AuditEvent] = {}
    for object_type, ids in wanted.items():
        for start in range(0, len(ids), BATCH):
            condition = Q(object_type=object_type, object_id__in=ids[start : start + BATCH])
            for event in AuditEvent.objects.filter(condition).order_by("id"):
                found[event.pk] = event
    return [event_row(found[key]) for key in sorted(found)]


def chain_head() -> dict[str, Any] | None:
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or head.last_event_id is None:
        return None
    return {"event_id": head.last_event_id, "hash": head.last_hash}


@dataclass
class EventsCheck:
    checked: int = 0
    linked: int = 0  # events whose chain predecessor is in the package too, and that link to it
    sealed: int = 0  # seals checked with a key this installation has
    unsealed_keys: set[str] = field(default_factory=set)  # keys this installation does not have
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def recomputed_hash(event: dict[str, Any]) -> str:
    from django.utils.dateparse import parse_datetime

    created_at = parse_datetime(event["created_at"])
    if created_at is None:
        raise ValueError(f"event {event['id']}: {event['created_at']!r} is not a time")
    return event_hash(
        prev_hash=event["prev_hash"],
        created_at=created_at,
        actor_id=event["actor_id"],
        actor_label=event["actor_label"],
        action=event["action"],
        object_type=event["object_type"],
        object_id=event["object_id"],
        object_label=event["object_label"],
        changes=event["changes"],
    )


def audit_events_check(events: Iterable[dict[str, Any]]) -> EventsCheck:
    keys = verification_keys()
    result = EventsCheck()
    previous: dict[str, Any] | None = None
    for event in sorted(events, key=lambda e: e["id"]):
        result.checked += 1
        if recomputed_hash(event) != event["hash"]:
            result.problems.append(
                f"audit event {event['id']} ({event['action']}): its content does not match its hash"
            )
        if previous is not None and previous["id"] + 1 == event["id"]:
            if event["prev_hash"] != previous["hash"]:
                result.problems.append(f"audit event {event['id']}: its link to event {previous['id']} does not match")
            else:
                result.linked += 1
        key = keys.get(event["seal_key"])
        if key is None:
            result.unsealed_keys.add(event["seal_key"] or "none")
        elif not seal_matches(event_hash_hex=event["hash"], seal_hex=event["seal"], key=key):
            result.problems.append(f"audit event {event['id']}: its seal does not match")
        else:
            result.sealed += 1
        previous = event
    return result
