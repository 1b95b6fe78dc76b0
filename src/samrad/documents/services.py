"""The one intake for every file that enters the platform: checked, checksummed, stored, audited; and the
extraction of its text, which the intake queues as a background task once the file is committed."""

import hashlib
import logging
from functools import partial
from typing import Any, BinaryIO, cast

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.documents.extraction import Extraction, ExtractionError, extract_pages
from samrad.documents.inspection import ALL_TYPES, FileRejected, inspect_file
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


def _read(stored: StoredFile) -> tuple[str, Extraction | None, str]:
    """(text state, extraction, error) for the file as it is in storage."""
    try:
        with stored.file.open("rb") as handle:
            extraction = extract_pages(stored.kind, cast(BinaryIO, handle))
    except ExtractionError as exc:
        return StoredFile.TextState.FAILED, None, exc.message
    except Exception as exc:  # a reader library's own failure on a damaged or unusual file
        logger.warning("Text extraction of file %s failed", stored.pk, exc_info=True)
        return StoredFile.TextState.FAILED, None, f"{type(exc).__name__}: {exc}"[:2000]
    if not extraction.has_text:
        return StoredFile.TextState.NO_TEXT, extraction, ""
    return StoredFile.TextState.EXTRACTED, extraction, ""


def stored_file_extract_text(*, actor: Actor = "system", stored_file: StoredFile, force: bool = False) -> StoredFile:
    """Extract the text of a stored document into its pages and record the outcome: `extracted`, `no_text` (a
    scanned document: flagged, never silently empty) or `failed` with the reason. Does nothing for a file that
    is not a text document, or (unless `force`) whose text was already extracted. Readers of the text (search)
    are told after commit through the `text_extracted` signal."""
    if stored_file.text_state == StoredFile.TextState.NOT_APPLICABLE:
        return stored_file
    if stored_file.text_state != StoredFile.TextState.PENDING and not force:
        return stored_file
    # Reading a large file takes time: do it outside the transaction, then record the result in one.
    state, extraction, error = _read(stored_file)
    pages = extraction.pages if extraction else []
    with transaction.atomic():
        locked = StoredFile.objects.select_for_update().get(pk=stored_file.pk)
        before = locked.text_state
        DocumentPage.objects.filter(file=locked).delete()
        DocumentPage.objects.bulk_create(
            [DocumentPage(file=locked, number=p.number, label=p.label, text=p.text) for p in pages], batch_size=200
        )
        locked.text_state = state
        locked.text_error = error
        locked.text_extracted_at = timezone.now()
        locked.save(update_fields=["text_state", "text_error", "text_extracted_at"])
        changes: dict[str, Any] = {"text_state": [before, state], "pages": len(pages)}
        if error:
            changes["error"] = error
        if extraction is not None and extraction.truncated:
            changes["truncated"] = True
        audit_record(actor=actor, action="file.text_extracted", target=locked, changes=changes)
        transaction.on_commit(partial(text_extracted.send, sender=StoredFile, stored_file_id=locked.pk))
    return locked


__all__ = ["DOCUMENT_KINDS", "TEXT_KINDS", "FileRejected", "file_intake", "stored_file_extract_text"]
