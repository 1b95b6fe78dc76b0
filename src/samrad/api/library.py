"""The knowledge base as open data: its documents (what the caller may read), filtered and paginated.

Without a login, the public documents; members of an organisation also see what is shared with it; coordinators
see everything. Authentication is the site's session, as for the rest of the API.
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from samrad.api.errors import not_found, responses
from samrad.api.fields import ID, SearchText, Tag
from samrad.documents.models import StoredFile
from samrad.library import selectors
from samrad.library.models import LibraryDocument

router = Router(tags=["knowledge base"])

MAX_LIMIT = 200
MAX_OFFSET = 100_000


class LibraryDocumentKind(StrEnum):
    """The kind of document (LibraryDocument.Kind); its label in the language of the request is `kind_label`."""

    REPORT = LibraryDocument.Kind.REPORT.value
    DECISION = LibraryDocument.Kind.DECISION.value
    STATISTICS = LibraryDocument.Kind.STATISTICS.value
    PROPOSAL = LibraryDocument.Kind.PROPOSAL.value
    OTHER = LibraryDocument.Kind.OTHER.value


class LibraryDocumentVisibility(StrEnum):
    """Who may read the document: public, everyone; staff, the coordinators; organisations, the coordinators and
    the members of the organisations it is shared with (LibraryDocument.Visibility)."""

    PUBLIC = LibraryDocument.Visibility.PUBLIC.value
    STAFF = LibraryDocument.Visibility.STAFF.value
    ORGANISATIONS = LibraryDocument.Visibility.ORGANISATIONS.value


class TextState(StrEnum):
    """Whether the file's text could be read for search (StoredFile.TextState): pending, extracted, no_text (e.g. a
    scanned document: not searchable), partial (cut off at a limit of time, memory, pages or characters: only what
    was read is searchable), failed, or n/a (not a text document, e.g. an image)."""

    PENDING = StoredFile.TextState.PENDING.value
    EXTRACTED = StoredFile.TextState.EXTRACTED.value
    NO_TEXT = StoredFile.TextState.NO_TEXT.value
    FAILED = StoredFile.TextState.FAILED.value
    PARTIAL = StoredFile.TextState.PARTIAL.value
    NOT_APPLICABLE = StoredFile.TextState.NOT_APPLICABLE.value


class FileOut(Schema):
    name: str
    size: int = Field(description="Size in bytes.")
    content_type: str
    text_state: TextState
    download_url: str


class LibraryDocumentOut(Schema):
    id: int
    title: str
    summary: str
    kind: LibraryDocumentKind
    kind_label: str
    tags: list[str]
    published_on: dt.date | None
    organisation_id: int | None
    organisation_name: str | None
    visibility: LibraryDocumentVisibility
    url: str = Field(description="The link, for a document published elsewhere; empty for a stored file.")
    file: FileOut | None
    consultation_ids: list[int]
    dialogue_series_ids: list[int]
    page_url: str

    @staticmethod
    def resolve_kind_label(obj: LibraryDocument) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_tags(obj: LibraryDocument) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_organisation_name(obj: LibraryDocument) -> str | None:
        return obj.organisation.name if obj.organisation else None

    @staticmethod
    def resolve_file(obj: LibraryDocument, context: dict[str, Any]) -> dict[str, Any] | None:
        if obj.file is None:
            return None
        return {
            "name": obj.file.original_name,
            "size": obj.file.size,
            "content_type": obj.file.content_type,
            "text_state": obj.file.text_state,
            "download_url": context["request"].build_absolute_uri(reverse("library:file", args=[obj.pk])),
        }

    @staticmethod
    def resolve_consultation_ids(obj: LibraryDocument) -> list[int]:
        return sorted(c.pk for c in obj.consultations.all())

    @staticmethod
    def resolve_dialogue_series_ids(obj: LibraryDocument) -> list[int]:
        return sorted(s.pk for s in obj.dialogue_series.all())

    @staticmethod
    def resolve_page_url(obj: LibraryDocument, context: dict[str, Any]) -> str:
        return context["request"].build_absolute_uri(reverse("library:detail", args=[obj.pk]))


class LibraryPage(Schema):
    items: list[LibraryDocumentOut]
    count: int = Field(description="How many documents match the filters (all pages together).")
    limit: int
    offset: int


class LibraryFilters(Schema):
    kind: LibraryDocumentKind | None = Field(None, description="Only documents of this kind.")
    tag: Tag | None = Field(None, description="Only documents with this tag.")
    organisation: ID | None = Field(None, description="Only documents of this organisation (its id).")
    consultation: ID | None = Field(None, description="Only documents linked to this consultation (its id).")
    dialogue_series: ID | None = Field(None, description="Only documents linked to this dialogue series (its id).")
    q: SearchText | None = Field(
        None, description="Part of the title or summary, any case. For the documents' text, use /search."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many matching documents to skip.")


@router.get("", response=responses(LibraryPage, 400), summary="List knowledge-base documents", url_name="library_list")
def library_list(request: HttpRequest, filters: Query[LibraryFilters]) -> dict[str, Any]:
    """The documents the caller may read, newest publication first, paginated by limit/offset."""
    queryset = selectors.library_document_list(
        user=request.user,
        kind=filters.kind,
        tag=filters.tag.strip() if filters.tag else None,
        organisation_id=filters.organisation,
        consultation_id=filters.consultation,
        dialogue_series_id=filters.dialogue_series,
        text=filters.q.strip() if filters.q else None,
    )
    items = list(queryset[filters.offset : filters.offset + filters.limit])
    return {"items": items, "count": queryset.count(), "limit": filters.limit, "offset": filters.offset}


@router.get(
    "/{document_id}",
    response=responses(LibraryDocumentOut, 400, 404),
    summary="One knowledge-base document",
    url_name="library_detail",
)
def library_detail(request: HttpRequest, document_id: ID) -> LibraryDocument:
    document = selectors.library_document_list(user=request.user).filter(pk=document_id).first()
    if document is None:
        raise not_found(_("No document has id %(id)s.") % {"id": document_id})
    return document
