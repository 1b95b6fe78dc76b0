"""The chain head exported outside the database: lines appended to a file the operator chooses (AUDIT_ANCHOR_FILE).

Each line is a JSON object `{"exported_at": ..., "event_id": N, "hash": "..."}`: at that time event N was the
newest and had that hash. Put the file where the platform can append but not rewrite it: a WORM bucket mounted
as a file system, a file with `chattr +a`, a log host that keeps what it receives. `audit_verify` then checks that
every exported event still exists with the exported hash, which catches what seals alone cannot: the newest
events removed (and the head moved back), and a rewrite by someone who had the seal key. A periodic job
("audit.anchor_export") appends a line whenever the head has moved since the last one.
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from samrad.audit.models import AuditChainHead


class AnchorFileError(Exception):
    """The anchor file cannot be read or holds a line that is not an anchor (it may have been tampered with)."""


@dataclass(frozen=True)
class Anchor:
    exported_at: str
    event_id: int
    hash: str
    line: int = 0


def anchor_path() -> str:
    return str(getattr(settings, "AUDIT_ANCHOR_FILE", "") or "")


def anchors_read(path: str | Path) -> list[Anchor]:
    """Every anchor in the file, in order. Raises AnchorFileError for an unreadable file or a malformed line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise AnchorFileError(f"cannot read {path}: {error}") from error
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchor = Anchor(
                exported_at=str(data["exported_at"]),
                event_id=int(data["event_id"]),
                hash=str(data["hash"]),
                line=number,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise AnchorFileError(f"line {number} of {path} is not an anchor: {line[:200]!r}") from error
        anchors.append(anchor)
    return anchors


def anchor_export(*, path: str | Path | None = None) -> Anchor | None:
    """Append the chain head to the anchor file, unless the last line already names it (or no file is set, or
    the log is empty). Returns the anchor written, or None."""
    target = Path(path) if path else (Path(anchor_path()) if anchor_path() else None)
    if target is None:
        return None
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None or head.last_event_id is None:
        return None
    if target.exists():
        existing = anchors_read(target)
        if existing and (existing[-1].event_id, existing[-1].hash) == (head.last_event_id, head.last_hash):
            return None
    anchor = Anchor(exported_at=timezone.now().isoformat(), event_id=head.last_event_id, hash=head.last_hash)
    line = json.dumps({"exported_at": anchor.exported_at, "event_id": anchor.event_id, "hash": anchor.hash}) + "\n"
    # O_APPEND: the line goes at the end even if the file was opened elsewhere; the file is never rewritten.
    descriptor = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, line.encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return anchor
