"""Compilation documents that take too long to write during a request, written in the background and stored.

WeasyPrint lays out the PDF page by page, about 30 ms per short account of an answer on a loaded two-core machine,
so the PDF of 1 000 answers to five questions takes minutes (docs/performance.md). A small compilation's PDF is
still written during the request; a larger one is requested: a `CompilationDocument` row records the request,
the task `render_compilation_document` writes and stores the file, and the page says it is being prepared until
it is ready. Signing off queues the PDF of the final content at once.

Each document is keyed by the SHA-256 of the content it shows, so a signed-off compilation's PDF is written once
and a draft's again only when its answers or summary changed; storing a new one removes the older ones of the
same compilation and format. A request whose job was lost is queued again when someone asks after
`STALE_AFTER`. Every request and every stored document is audited.
"""

import datetime as dt
import hashlib
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.reports import formats, selectors
from samrad.reports.content import Content
from samrad.reports.models import Compilation, CompilationDocument

logger = logging.getLogger(__name__)

# The formats written in the background once the compilation is large; the others take seconds at most.
BACKGROUND_FORMATS = ("pdf",)
CONTENT_TYPES = {"pdf": "application/pdf"}
# Up to this many accounts (answers × questions) the PDF is written during the request (a few seconds).
DEFAULT_INLINE_MAX_ACCOUNTS = 100
# A request still pending after this long lost its job (a worker stopped): asking again queues it again.
STALE_AFTER = dt.timedelta(hours=1)


def content_digest(content: Content) -> str:
    """What the document shows, as a SHA-256: the content without the minute it was built at (a draft is built
    afresh for every request, and the same answers must find the same stored document)."""
    shown = {key: value for key, value in content.as_json().items() if key != "built_at"}
    data = json.dumps(shown, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def accounts_in(content: Content) -> int:
    return sum(len(part.accounts) for part in content.questions)


def written_in_background(content: Content, file_format: str) -> bool:
    limit = int(getattr(settings, "COMPILATION_INLINE_MAX_ACCOUNTS", DEFAULT_INLINE_MAX_ACCOUNTS))
    return file_format in BACKGROUND_FORMATS and accounts_in(content) > limit


def document_for(compilation: Compilation, file_format: str, digest: str) -> CompilationDocument | None:
    return CompilationDocument.objects.filter(
        compilation=compilation, file_format=file_format, content_digest=digest
    ).first()


def _queue(document_id: int) -> None:
    def enqueue() -> None:
        from samrad.reports.tasks import render_compilation_document

        render_compilation_document.enqueue(document_id)

    transaction.on_commit(enqueue)


def compilation_document_request(
    *, actor: Actor, compilation: Compilation, file_format: str, digest: str
) -> CompilationDocument:
    """The stored document of this content, or a request for it queued now (once; again if it failed or its job
    was lost). The caller has checked that the actor may read the compilation."""
    now = timezone.now()
    with transaction.atomic():
        document, created = CompilationDocument.objects.select_for_update().get_or_create(
            compilation=compilation, file_format=file_format, content_digest=digest, defaults={"requested_at": now}
        )
        again = not created and (
            document.status == CompilationDocument.Status.FAILED
            or (document.status == CompilationDocument.Status.PENDING and document.requested_at < now - STALE_AFTER)
        )
        if created or again:
            if again:
                document.status, document.error, document.requested_at = CompilationDocument.Status.PENDING, "", now
                document.save(update_fields=["status", "error", "requested_at"])
            audit_record(
                actor=actor,
                action="compilation.document_requested",
                target=compilation,
                changes={"format": file_format, "content_sha256": digest, "again": again},
            )
            _queue(document.pk)
    return document


def compilation_document_render(*, document_id: int) -> CompilationDocument | None:
    """Write and store a requested document (idempotent: a ready one is left as it is). If the content changed
    since the request (a draft's answers or summary), the document of the new content is requested instead."""
    document = CompilationDocument.objects.select_related("compilation__consultation").filter(pk=document_id).first()
    if document is None or document.status == CompilationDocument.Status.READY:
        return document
    compilation = document.compilation
    content = selectors.document_content(compilation)
    digest = content_digest(content)
    if digest != document.content_digest:
        CompilationDocument.objects.filter(pk=document.pk, status=CompilationDocument.Status.PENDING).delete()
        return compilation_document_request(
            actor="system", compilation=compilation, file_format=document.file_format, digest=digest
        )
    try:
        data, _content_type = formats.compilation_file(content, document.file_format)
    except Exception as error:  # recorded on the row and in the log; asking again retries it
        logger.exception("Could not write the %s of compilation %s", document.file_format, compilation.pk)
        CompilationDocument.objects.filter(pk=document.pk).update(
            status=CompilationDocument.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        document.refresh_from_db()
        return document
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = CompilationDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == CompilationDocument.Status.READY:
            return locked  # another run stored it meanwhile
        locked.file.save(f"{compilation.pk}-{digest[:16]}.{locked.file_format}", ContentFile(data), save=False)
        locked.status, locked.error = CompilationDocument.Status.READY, ""
        locked.rendered_at, locked.size, locked.sha256 = timezone.now(), len(data), sha256
        locked.save()
        older = CompilationDocument.objects.filter(compilation=compilation, file_format=locked.file_format).exclude(
            pk=locked.pk
        )
        for stale in older:
            if stale.file:
                stale.file.delete(save=False)
        older.delete()
        audit_record(
            actor="system",
            action="compilation.document_rendered",
            target=compilation,
            changes={"format": locked.file_format, "sha256": sha256, "size": len(data), "content_sha256": digest},
        )
    logger.info("Wrote the %s of compilation %s (%d bytes)", locked.file_format, compilation.pk, len(data))
    return locked


def compilation_documents_queue_final(*, compilation: Compilation) -> None:
    """On sign-off (inside its transaction): request the background formats of the final content if the
    compilation is large, so they are ready when someone downloads them."""
    content = selectors.document_content(compilation)
    for file_format in BACKGROUND_FORMATS:
        if written_in_background(content, file_format):
            compilation_document_request(
                actor="system", compilation=compilation, file_format=file_format, digest=content_digest(content)
            )
