"""The audit chain's arithmetic, without models: each event's plain hash, and its seal.

- The **hash** (SHA-256 over the event's content and the previous event's hash) links the events into a chain:
  changing or removing one breaks the links after it. Anyone can recompute it, so on its own it only shows that
  the chain is consistent: someone who can write the database can rewrite an event and recompute every hash after
  it.
- The **seal** anchors the chain outside the database: an HMAC-SHA256 of the hash with a key that is not in the
  database (`AUDIT_CHAIN_KEY`, or a key derived from `SECRET_KEY` when that is unset). Without the key a rewritten
  event cannot be given a valid seal, and since each hash covers the one before, the seal of an event also
  vouches for every event before it.
- The **anchors** (see `anchors.py`): the head's hash exported on a schedule to an append-only place the operator
  chooses; they also catch the removal of the newest events and a rewrite by someone who has the key.

Keys are identified by a short fingerprint stored with each seal (`seal_key`), so that a key can be replaced
(`AUDIT_CHAIN_OLD_KEYS` keeps the old ones for verifying) and verification can say which key an event needs.
The migration that introduced seals also uses this module: keep the formats stable.
"""

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.crypto import salted_hmac

GENESIS_HASH = "0" * 64
_DERIVATION_SALT = "samrad.audit.chain-key"
_FINGERPRINT_MESSAGE = b"samrad audit chain key id"


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


def _derived_key(secret: str) -> bytes:
    return salted_hmac(_DERIVATION_SALT, "audit chain", secret=secret, algorithm="sha256").digest()


def key_fingerprint(key: bytes) -> str:
    """A short, public name for a key (stored with each seal): says which key sealed an event, reveals nothing."""
    return hmac.new(key, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:16]


def configured_key_is_derived() -> bool:
    """True when AUDIT_CHAIN_KEY is unset and the seals use a key derived from SECRET_KEY."""
    return not getattr(settings, "AUDIT_CHAIN_KEY", "")


def sealing_key() -> bytes:
    """The key new events are sealed with: AUDIT_CHAIN_KEY, else one derived from SECRET_KEY."""
    explicit = getattr(settings, "AUDIT_CHAIN_KEY", "")
    return explicit.encode("utf-8") if explicit else _derived_key(settings.SECRET_KEY)


def verification_keys() -> dict[str, bytes]:
    """Every key an event may have been sealed with, by fingerprint: the current one, AUDIT_CHAIN_OLD_KEYS, and
    the keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS (what was used while AUDIT_CHAIN_KEY was unset)."""
    keys = [sealing_key()]
    keys += [old.encode("utf-8") for old in getattr(settings, "AUDIT_CHAIN_OLD_KEYS", []) if old]
    keys += [_derived_key(secret) for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]]
    return {key_fingerprint(key): key for key in keys}


def seal(event_hash_hex: str, key: bytes) -> str:
    return hmac.new(key, event_hash_hex.encode("ascii"), hashlib.sha256).hexdigest()


def seal_matches(*, event_hash_hex: str, seal_hex: str, key: bytes) -> bool:
    return hmac.compare_digest(seal(event_hash_hex, key), seal_hex)
