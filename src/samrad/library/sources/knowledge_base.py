"""Knowledge-base documents and the pages of their files, found according to the document's visibility:
everyone; coordinators only; or coordinators and the members of the organisations named."""

import datetime as dt
from functools import partial

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from samrad.documents.models import DocumentPage
from samrad.library.indexing import EntryData, SearchSource, file_page_entries
from samrad.library.models import LibraryDocument, SearchEntry

SCOPES = {
    LibraryDocument.Visibility.PUBLIC: SearchEntry.Scope.PUBLIC,
    LibraryDocument.Visibility.STAFF: SearchEntry.Scope.STAFF,
    LibraryDocument.Visibility.ORGANISATIONS: SearchEntry.Scope.STAFF,
}


def _documents() -> QuerySet[LibraryDocument]:
    return LibraryDocument.objects.select_related("organisation", "file").prefetch_related(
        "tags",
        "readers",
        "organisation__former_names",
        Prefetch("file__pages", queryset=DocumentPage.objects.order_by("number")),
    )


def _entries(document: LibraryDocument) -> list[EntryData]:
    readers = [organisation.pk for organisation in document.readers.all()]
    make = partial(
        EntryData,
        kind=SearchEntry.Kind.LIBRARY,
        object_id=document.pk,
        title=document.title,
        url=reverse("library:detail", args=[document.pk]),
        organisation_id=document.organisation_id,
        date=document.published_on,
        scope=SCOPES[LibraryDocument.Visibility(document.visibility)],
        organisation_ids=readers if document.visibility == LibraryDocument.Visibility.ORGANISATIONS else (),
    )
    about = [
        document.summary,
        ", ".join(tag.name for tag in document.tags.all()),
        # Former names too: a search for "Stockholms läns landsting" finds Region Stockholm's documents.
        ", ".join(document.organisation.all_names()) if document.organisation else "",
        document.url,
    ]
    entries = [make(body="\n\n".join(part for part in about if part))]
    if document.file is not None:
        entries.extend(file_page_entries(document.file, make))
    return entries


def _changed(since: dt.datetime) -> QuerySet[LibraryDocument]:
    return LibraryDocument.objects.filter(
        Q(updated_at__gte=since) | Q(file__text_extracted_at__gte=since) | Q(organisation__updated_at__gte=since)
    )


def _using(file_ids: list[int]) -> QuerySet[LibraryDocument]:
    return LibraryDocument.objects.filter(file_id__in=file_ids)


LIBRARY_DOCUMENTS = SearchSource(
    name="library_document",
    model=LibraryDocument,
    queryset=_documents,
    entries=_entries,
    changed_since=_changed,
    using_files=_using,
)
