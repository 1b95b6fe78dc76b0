"""Curating the knowledge base: adding, changing and removing documents. Every write is checked, audited and
followed (after commit) by the document's reindexing for search."""

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record, model_changes
from samrad.dates import check_date_in_range
from samrad.documents.services import TEXT_KINDS, file_intake
from samrad.library.indexing import search_index_object, search_remove_object
from samrad.library.models import LibraryDocument, Tag
from samrad.library.selectors import may_curate
from samrad.organisations.models import Organisation

# What a knowledge-base file may be: documents and spreadsheets (their text is searched).
LIBRARY_FILE_KINDS = TEXT_KINDS
FIELDS = ["title", "summary", "kind", "published_on", "organisation", "url", "visibility"]
# The knowledge base holds older material too (reports and inquiries from the last century).
EARLIEST_PUBLICATION = dt.date(1900, 1, 1)


def _require_curator(actor: Actor, organisation: Organisation | None) -> None:
    if isinstance(actor, str):  # the system or a loader ("demo", "import") acting on its own
        return
    if not may_curate(actor, organisation):
        raise PermissionDenied(_("You may not curate the knowledge base for this organisation."))


def _tags(names: Iterable[str]) -> list[Tag]:
    """The tags of these names (an existing tag whatever its case, else a new one), each once."""
    wanted: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())[:100]
        if clean:
            wanted.setdefault(clean.casefold(), clean)
    tags = [Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name) for name in wanted.values()]
    return sorted(tags, key=lambda t: t.name.casefold())


def _check_source(*, has_file: bool, url: str) -> None:
    if has_file == bool(url):
        raise ValidationError(_("Give either a file or a link, not both."))


def _reindex_after_commit(document: LibraryDocument) -> None:
    transaction.on_commit(partial(search_index_object, document))


def library_document_create(
    *,
    actor: Actor,
    title: str,
    kind: str = LibraryDocument.Kind.REPORT,
    summary: str = "",
    tags: Iterable[str] = (),
    published_on: dt.date | None = None,
    organisation: Organisation | None = None,
    file_stream: BinaryIO | None = None,
    file_name: str = "",
    url: str = "",
    consultations: Iterable[Any] = (),
    dialogue_series: Iterable[Any] = (),
    visibility: str = LibraryDocument.Visibility.PUBLIC,
    readers: Iterable[Organisation] = (),
) -> LibraryDocument:
    """Add a document to the knowledge base: an uploaded file (checked by the file intake, its text extracted in
    the background) or a link. Raises PermissionDenied, ValidationError, InvalidInput or FileRejected."""
    _require_curator(actor, organisation)
    check_date_in_range(published_on, field="published_on", earliest=EARLIEST_PUBLICATION)
    _check_source(has_file=file_stream is not None, url=url)
    with transaction.atomic():
        stored = None
        if file_stream is not None:
            stored = file_intake(actor=actor, stream=file_stream, name=file_name, allowed_kinds=LIBRARY_FILE_KINDS)
        document = LibraryDocument(
            title=title.strip(),
            summary=summary.strip(),
            kind=kind,
            published_on=published_on,
            organisation=organisation,
            file=stored,
            url=url.strip(),
            visibility=visibility,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        document.full_clean()
        document.save()
        tag_objects = _tags(tags)
        document.tags.set(tag_objects)
        document.consultations.set(list(consultations))
        document.dialogue_series.set(list(dialogue_series))
        reader_list = list(readers) if visibility == LibraryDocument.Visibility.ORGANISATIONS else []
        document.readers.set(reader_list)
        changes = model_changes(document, FIELDS, None)
        changes["file"] = [None, stored.pk if stored else None]
        changes["tags"] = [None, [t.name for t in tag_objects]]
        changes["consultations"] = [None, sorted(c.pk for c in document.consultations.all())]
        changes["dialogue_series"] = [None, sorted(s.pk for s in document.dialogue_series.all())]
        changes["readers"] = [None, sorted(o.pk for o in reader_list)]
        audit_record(actor=actor, action="library.document_created", target=document, changes=changes)
        _reindex_after_commit(document)
    return document


def _ids(items: Iterable[Any]) -> list[int]:
    return sorted(item.pk for item in items)


def library_document_update(
    *,
    actor: Actor,
    document: LibraryDocument,
    title: str,
    kind: str,
    summary: str = "",
    tags: Iterable[str] = (),
    published_on: dt.date | None = None,
    organisation: Organisation | None = None,
    file_stream: BinaryIO | None = None,
    file_name: str = "",
    url: str = "",
    consultations: Iterable[Any] = (),
    dialogue_series: Iterable[Any] = (),
    visibility: str = LibraryDocument.Visibility.PUBLIC,
    readers: Iterable[Organisation] = (),
) -> LibraryDocument:
    """Change a document. A new file replaces the old one; without one, a document that has a file keeps it
    (unless a link is given instead)."""
    _require_curator(actor, organisation)
    check_date_in_range(published_on, field="published_on", earliest=EARLIEST_PUBLICATION)
    with transaction.atomic():
        locked = LibraryDocument.objects.select_for_update().get(pk=document.pk)
        # Whose document it is now, as stored: the caller's instance counts for its primary key only.
        _require_curator(actor, locked.organisation)
        before = {name: getattr(locked, name) for name in FIELDS}
        before_file = locked.file_id
        before_related = {
            "tags": sorted(t.name for t in locked.tags.all()),
            "consultations": _ids(locked.consultations.all()),
            "dialogue_series": _ids(locked.dialogue_series.all()),
            "readers": _ids(locked.readers.all()),
        }
        if file_stream is not None:
            locked.file = file_intake(actor=actor, stream=file_stream, name=file_name, allowed_kinds=LIBRARY_FILE_KINDS)
            url = ""
        elif url.strip():
            locked.file = None
        _check_source(has_file=locked.file is not None, url=url.strip())
        locked.title = title.strip()
        locked.summary = summary.strip()
        locked.kind = kind
        locked.published_on = published_on
        locked.organisation = organisation
        locked.url = url.strip()
        locked.visibility = visibility
        locked.full_clean()
        locked.save()
        locked.tags.set(_tags(tags))
        locked.consultations.set(list(consultations))
        locked.dialogue_series.set(list(dialogue_series))
        locked.readers.set(list(readers) if visibility == LibraryDocument.Visibility.ORGANISATIONS else [])
        changes = model_changes(locked, FIELDS, before)
        if locked.file_id != before_file:
            changes["file"] = [before_file, locked.file_id]
        after_related = {
            "tags": sorted(t.name for t in locked.tags.all()),
            "consultations": _ids(locked.consultations.all()),
            "dialogue_series": _ids(locked.dialogue_series.all()),
            "readers": _ids(locked.readers.all()),
        }
        for name, value in after_related.items():
            if value != before_related[name]:
                changes[name] = [before_related[name], value]
        audit_record(actor=actor, action="library.document_updated", target=locked, changes=changes)
        _reindex_after_commit(locked)
    return locked


def library_document_delete(*, actor: Actor, document: LibraryDocument) -> None:
    """Remove a document from the knowledge base (and from search). Its stored file is kept, as every file is,
    for the audit trail."""
    with transaction.atomic():
        locked = LibraryDocument.objects.select_for_update().get(pk=document.pk)
        _require_curator(actor, locked.organisation)
        audit_record(
            actor=actor,
            action="library.document_deleted",
            target=locked,
            changes={"title": [locked.title, None], "file": [locked.file_id, None], "url": [locked.url, None]},
        )
        search_remove_object(locked)
        locked.delete()


__all__ = [
    "LIBRARY_FILE_KINDS",
    "library_document_create",
    "library_document_delete",
    "library_document_update",
]
