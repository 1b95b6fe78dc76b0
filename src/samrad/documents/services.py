"""The one intake for every file that enters the platform: checked, checksummed, stored, audited."""

import hashlib
from pathlib import PurePath
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.audit.services import audit_record
from samrad.documents.inspection import ALL_TYPES, FileRejected, inspect_file
from samrad.documents.models import StoredFile

DOCUMENT_KINDS = ("pdf", "docx", "odt")
TEXT_KINDS = ("pdf", "docx", "odt", "xlsx", "txt")


def _kind_names(kinds: tuple[str, ...] | list[str]) -> str:
    labels = dict(StoredFile.Kind.choices)
    return ", ".join(str(labels[k]) for k in kinds)


def file_intake(
    *,
    actor: Any,
    stream: BinaryIO,
    name: str,
    allowed_kinds: tuple[str, ...] | list[str] = DOCUMENT_KINDS,
    max_bytes: int | None = None,
) -> StoredFile:
    """Check `stream` (type by content, size, archive bombs, encryption) and store it. Raises FileRejected with a
    message for the user; nothing is stored then."""
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
    original = PurePath(name.replace("\\", "/")).name.strip()[:255] or f"file{file_type.extension}"
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
    return stored


__all__ = ["DOCUMENT_KINDS", "TEXT_KINDS", "FileRejected", "file_intake"]
