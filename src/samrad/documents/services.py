"""The one intake for every file that enters the platform: checked, checksummed, stored, audited; and the
extraction of its text, which the intake queues as a background task once the file is committed."""

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.documents.extraction import PageText, Unreadable
from samrad.documents.inspection import ALL_TYPES, FileRejected, inspect_file
from samrad.documents.limits import CutOff, Limits, Reading, read_with_limits
from samrad.documents.models import DocumentPage, StoredFile
from samrad.documents.naming import name_with_extension
from samrad.documents.signals import text_extracted

logger = logging.getLogger(__name__)

DOCUMENT_KINDS = ("pdf", "docx", "odt")
TEXT_KINDS = ("pdf", "docx", "odt", "xlsx", "txt")


def _kind_names(kinds: tuple[str, ...] | list[str]) -> str:
    labels = dict(StoredFile.Kind.choices)
    return ", ".join(str(labels[k]) for k in kinds)


def file_intake(
    *,
    actor: Actor,
    stream: BinaryIO,
    name: str,
    allowed_kinds: tuple[str, ...] | list[str] = DOCUMENT_KINDS,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check `stream` (type by content, size, archive bombs, encryption) and store it. Raises FileRejected with a
    message for the user; nothing is stored then. For a text document, the extraction of its text is queued
    once the caller's transaction commits."""
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    if getattr(stream, "refused", False):  # a documents.uploads.RefusedUpload: dropped while it streamed in
        raise FileRejected(
            _("The file is larger than %(limit)s, the largest file accepted here. It was not received.")
            % {"limit": filesizeformat(limit)}
        )
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > limit:
        raise FileRejected(
            _("The file is %(size)s; the largest file accepted is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    file_type = inspect_file(stream)
    if file_type.kind not in allowed_kinds:
        raise FileRejected(
            _("Files of type %(kind)s are not accepted here. Accepted: %(allowed)s.")
            % {"kind": ALL_TYPES[file_type.kind].extension.lstrip(".").upper(), "allowed": _kind_names(allowed_kinds)}
        )
    digest = hashlib.sha256()
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    # The client's name, with the extension of the type found here (never the one the client claimed).
    original = name_with_extension(name, file_type.extension)
    has_text = file_type.kind in TEXT_KINDS
    with transaction.atomic():
        stored = StoredFile(
            original_name=original,
            kind=file_type.kind,
            content_type=file_type.content_type,
            extension=file_type.extension,
            size=size,
            sha256=digest.hexdigest(),
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            uploaded_at=timezone.now(),
            text_state=StoredFile.TextState.PENDING if has_text else StoredFile.TextState.NOT_APPLICABLE,
        )
        stored.file.save(original, File(stream), save=False)
        try:
            stored.save()
            audit_record(
                actor=actor,
                action="file.stored",
                target=stored,
                changes={"name": original, "kind": file_type.kind, "size": size, "sha256": stored.sha256},
            )
        except Exception:
            stored.file.delete(save=False)
            raise
        if has_text:
            transaction.on_commit(partial(_queue_extraction, stored.pk))
    return stored


def _queue_extraction(file_id: int) -> None:
    from samrad.documents.tasks import extract_text

    extract_text.enqueue(file_id)


def _unreadable_message(code: str) -> str:
    messages = {
        Unreadable.ENCRYPTED: _("The PDF is encrypted."),
        Unreadable.DAMAGED: _("The file is damaged and cannot be read."),
        Unreadable.UNSUPPORTED: _("Files of this type have no text to extract."),
    }
    return str(messages.get(code, _("The file could not be read.")))


@dataclass(frozen=True)
class _Outcome:
    state: str
    pages: list[PageText]
    error: str = ""
    cut_off: str = ""
    pages_read: int = 0


def _cut_off_explanation(reading: Reading, limits: Limits) -> str:
    """A sentence for staff: which limit stopped the reading, and how far it got."""
    explanations = {
        CutOff.TIME: _("Reading stopped at the time limit of %(limit)s seconds.") % {"limit": f"{limits.seconds:g}"},
        CutOff.CPU: _("Reading stopped at the processor time limit of %(limit)s seconds.")
        % {"limit": limits.cpu_seconds},
        CutOff.MEMORY: _("Reading stopped at the memory limit of %(limit)s.")
        % {"limit": filesizeformat(limits.memory_bytes)},
        CutOff.PAGES: _("Only the first %(limit)s pages are read.") % {"limit": limits.max_pages},
        CutOff.CHARS: _("Only the first %(limit)s characters are kept.") % {"limit": limits.max_chars},
    }
    read = ngettext("%(count)s page was read.", "%(count)s pages were read.", reading.pages_read) % {
        "count": reading.pages_read
    }
    return f"{explanations.get(reading.cut_off, '')} {read}".strip()


@contextmanager
def _local_path(stored: StoredFile) -> Iterator[str]:
    """A path on this machine to the file's content: the stored file itself on local disk, else a copy."""
    try:
        path = stored.file.path
    except NotImplementedError:  # object storage
        path = ""
    if path and os.path.exists(path):
        yield path
        return
    with tempfile.NamedTemporaryFile(prefix="samrad-extract-", suffix=stored.extension) as copy:
        with stored.file.open("rb") as source:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield copy.name


def _read(stored: StoredFile, *, heartbeat: Callable[[], object] | None) -> _Outcome:
    """Read the file's text in a child process under the configured limits (see documents.limits)."""
    limits = Limits.from_settings()
    try:
        with _local_path(stored) as path:
            reading = read_with_limits(
                stored.kind, path, limits, heartbeat=heartbeat, heartbeat_every=_heartbeat_every()
            )
    except OSError as exc:  # the stored file is missing or unreadable
        logger.warning("Text extraction of file %s could not start", stored.pk, exc_info=True)
        return _Outcome(StoredFile.TextState.FAILED, [], error=f"{type(exc).__name__}: {exc}"[:2000])
    if reading.error:
        if reading.error in (Unreadable.ENCRYPTED, Unreadable.DAMAGED, Unreadable.UNSUPPORTED):
            error = _unreadable_message(reading.error)
        else:  # a reader library's own failure on a damaged or unusual file, or a crash
            logger.warning("Text extraction of file %s failed: %s", stored.pk, reading.detail)
            error = reading.detail or _unreadable_message(reading.error)
        return _Outcome(StoredFile.TextState.FAILED, [], error=error[:2000], pages_read=reading.pages_read)
    if reading.cut_off:
        logger.warning(
            "Text extraction of file %s cut off (%s) after %d page(s), %.1f s",
            stored.pk,
            reading.cut_off,
            reading.pages_read,
            reading.seconds,
        )
        return _Outcome(
            StoredFile.TextState.PARTIAL,
            reading.pages,
            error=_cut_off_explanation(reading, limits),
            cut_off=reading.cut_off,
            pages_read=reading.pages_read,
        )
    state = StoredFile.TextState.EXTRACTED if reading.pages else StoredFile.TextState.NO_TEXT
    return _Outcome(state, reading.pages, pages_read=reading.pages_read)


def _lease() -> timedelta:
    return timedelta(seconds=settings.EXTRACTION_LEASE)


def _heartbeat_every() -> float:
    return max(settings.EXTRACTION_LEASE / 4, 0.2)


def _extraction_claim(file_id: int, *, force: bool, now: datetime) -> bool:
    """Take the file for an extraction run: True for one caller while nobody else's run is alive (its heartbeat
    younger than EXTRACTION_LEASE). Counts the attempt."""
    free = Q(text_claimed_at__isnull=True) | Q(text_claimed_at__lt=now - _lease())
    candidates = StoredFile.objects.filter(free, pk=file_id).exclude(text_state=StoredFile.TextState.NOT_APPLICABLE)
    if not force:
        candidates = candidates.filter(text_state=StoredFile.TextState.PENDING)
    return candidates.update(text_claimed_at=now, text_attempts=F("text_attempts") + 1) == 1


class _Heartbeat:
    """Moves the run's claim on while the child reads, so that the sweep can tell it from a dead one."""

    def __init__(self, file_id: int, claimed_at: datetime) -> None:
        self.file_id = file_id
        self.beat_at = claimed_at

    def __call__(self) -> bool:
        now = timezone.now()
        try:
            moved = StoredFile.objects.filter(pk=self.file_id, text_claimed_at=self.beat_at).update(text_claimed_at=now)
        except DatabaseError:  # a busy database: the next beat tries again, well within the lease
            logger.warning("Heartbeat of the extraction of file %s failed", self.file_id, exc_info=True)
            return False
        if moved:
            self.beat_at = now
        return bool(moved)


def _record(
    *, actor: Actor, file_id: int, outcome: _Outcome, attempts_note: bool = False, force: bool = False
) -> StoredFile | None:
    """Store the outcome of a run in one transaction; None when another run has recorded the text meanwhile."""
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=file_id)
        if not force and locked.text_state != StoredFile.TextState.PENDING:
            return None
        before = locked.text_state
        DocumentPage.objects.filter(file=locked).delete()
        DocumentPage.objects.bulk_create(
            [DocumentPage(file=locked, number=p.number, label=p.label, text=p.text) for p in outcome.pages],
            batch_size=200,
        )
        locked.text_state = outcome.state
        locked.text_error = outcome.error
        locked.text_cut_off = outcome.cut_off
        locked.text_extracted_at = timezone.now()
        locked.text_claimed_at = None
        locked.save(update_fields=["text_state", "text_error", "text_cut_off", "text_extracted_at", "text_claimed_at"])
        changes: dict[str, Any] = {"text_state": [before, outcome.state], "pages": len(outcome.pages)}
        if outcome.error:
            changes["error"] = outcome.error
        if outcome.cut_off:
            changes["cut_off"] = outcome.cut_off
            changes["pages_read"] = outcome.pages_read
        if attempts_note:
            changes["attempts"] = locked.text_attempts
        audit_record(actor=actor, action="file.text_extracted", target=locked, changes=changes)
        transaction.on_commit(partial(text_extracted.send, sender=StoredFile, stored_file_id=locked.pk))
    return locked


def stored_file_extract_text(*, actor: Actor = "system", stored_file: StoredFile, force: bool = False) -> StoredFile:
    """Extract the text of a stored document into its pages and record the outcome: `extracted`, `no_text` (a
    scanned document: flagged, never silently empty), `partial` (a limit of time, processor time, memory, pages
    or characters was reached: what was read before is kept, and the limit is named) or `failed` with the
    reason. Does nothing for a file that is not a text document, (unless `force`) whose text was already
    extracted, or that another worker is extracting right now. Readers of the text (search) are told after
    commit through the `text_extracted` signal."""
    if stored_file.text_state == StoredFile.TextState.NOT_APPLICABLE:
        return stored_file
    if stored_file.text_state != StoredFile.TextState.PENDING and not force:
        return stored_file
    now = timezone.now()
    if not _extraction_claim(stored_file.pk, force=force, now=now):
        return StoredFile.objects.get(pk=stored_file.pk)
    # Reading takes time: do it outside any transaction (in a child process), then record the result in one.
    outcome = _read(stored_file, heartbeat=_Heartbeat(stored_file.pk, now))
    recorded = _record(actor=actor, file_id=stored_file.pk, outcome=outcome, force=force)
    return recorded or StoredFile.objects.get(pk=stored_file.pk)


# How many stuck files one sweep handles; the next run takes the rest.
SWEEP_BATCH = 200


@dataclass(frozen=True)
class SweepReport:
    requeued: list[int]
    failed: list[int]


def extraction_sweep(*, now: datetime | None = None) -> SweepReport:
    """Find text documents stuck "pending" and get them unstuck (the periodic job `documents.extraction_sweep`).

    - A run whose heartbeat is older than EXTRACTION_LEASE has lost its worker (killed, out of memory, machine
      gone; on the database queue its task row stays "running" for ever). The file is queued again, unless it
      has had EXTRACTION_MAX_ATTEMPTS runs already: then it is marked failed with the reason, for people to see.
    - A file never claimed although queued longer than EXTRACTION_QUEUE_GRACE ago lost its task (a flushed
      broker, a crash between commit and queueing): it is queued again.

    Queueing twice is harmless: a run claims the file first, and the loser of the claim does nothing.
    """
    now = now or timezone.now()
    pending = StoredFile.objects.filter(text_state=StoredFile.TextState.PENDING)
    abandoned = pending.filter(text_claimed_at__lt=now - _lease())
    requeue_before = now - _lease()
    queue_grace = now - timedelta(seconds=settings.EXTRACTION_QUEUE_GRACE)
    never_started = pending.filter(text_claimed_at__isnull=True).filter(
        Q(text_queued_at__lt=queue_grace) | Q(text_queued_at__isnull=True, uploaded_at__lt=queue_grace)
    )
    failed: list[int] = []
    requeued: list[int] = []
    for stored in abandoned.order_by("text_claimed_at")[:SWEEP_BATCH]:
        if stored.text_attempts >= settings.EXTRACTION_MAX_ATTEMPTS:
            outcome = _Outcome(
                StoredFile.TextState.FAILED,
                [],
                error=ngettext(
                    "Reading the text was interrupted %(count)s time (its worker stopped); it is not tried again.",
                    "Reading the text was interrupted %(count)s times (its worker stopped); it is not tried again.",
                    stored.text_attempts,
                )
                % {"count": stored.text_attempts},
                cut_off=StoredFile.TextCutOff.INTERRUPTED,
            )
            if _record(actor="system", file_id=stored.pk, outcome=outcome, attempts_note=True) is not None:
                failed.append(stored.pk)
        elif stored.text_queued_at is None or stored.text_queued_at < requeue_before:
            requeued.append(stored.pk)
    requeued += list(never_started.order_by("uploaded_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    if requeued:
        StoredFile.objects.filter(pk__in=requeued).update(text_queued_at=now)
        for file_id in requeued:
            _queue_extraction(file_id)
        logger.info("Extraction sweep queued %d file(s) again: %s", len(requeued), requeued)
    if failed:
        logger.warning("Extraction sweep gave up on %d file(s) after repeated interruptions: %s", len(failed), failed)
    return SweepReport(requeued=requeued, failed=failed)


__all__ = [
    "DOCUMENT_KINDS",
    "TEXT_KINDS",
    "FileRejected",
    "extraction_sweep",
    "file_intake",
    "stored_file_extract_text",
]
