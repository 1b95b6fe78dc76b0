"""One search over everything the caller may find: consultations, questions, documents (their text, page by
page), the knowledge base, dialogues, meetings, minutes and, for those allowed to read them, submitted responses.

The same rules as the search page: without a login only what is public; a respondent also what their
organisation submitted or was given; coordinators also what they run. Swedish words match in any inflection.
"""

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from samrad.api.errors import responses
from samrad.api.fields import MAX_ID, NulFree
from samrad.library.models import SearchEntry
from samrad.library.search import MAX_LIMIT, MAX_QUERY_LENGTH, SearchHit, search

router = Router(tags=["search"])

MAX_OFFSET = 10_000


class SearchHitKind(StrEnum):
    """What was found (SearchEntry.Kind); its label in the language of the request is `kind_label`."""

    CONSULTATION = SearchEntry.Kind.CONSULTATION.value
    QUESTION = SearchEntry.Kind.QUESTION.value
    DOCUMENT = SearchEntry.Kind.DOCUMENT.value
    LIBRARY = SearchEntry.Kind.LIBRARY.value
    RESPONSE = SearchEntry.Kind.RESPONSE.value
    DIALOGUE = SearchEntry.Kind.DIALOGUE.value
    MEETING = SearchEntry.Kind.MEETING.value
    MINUTES = SearchEntry.Kind.MINUTES.value


class SearchPageHitOut(Schema):
    page: int = Field(description="The page of the document where the words are.")
    page_label: str = Field(description="The sheet's name, for a spreadsheet.")
    snippet_html: str = Field(description="Text around the matches on that page, HTML-escaped, the words in <mark>.")


class SearchHitOut(Schema):
    kind: SearchHitKind
    kind_label: str
    id: int = Field(description="The id of the thing found (consultation, question, document, submission, ...).")
    title: str
    title_html: str = Field(description="The title, HTML-escaped, with the matching words in <mark>.")
    snippet_html: str = Field(description="Text around the matches, HTML-escaped, the matching words in <mark>.")
    page: int | None = Field(
        description="The page where the text was found when the document itself (its title or summary) does not "
        "match: its best page; null otherwise."
    )
    page_label: str = Field(description="The sheet's name, for a spreadsheet.")
    url: str
    organisation_id: int | None
    organisation_name: str | None
    date: dt.date | None
    rank: float = Field(description="Relevance; higher is better. Comparable within one answer only.")
    pages: list[SearchPageHitOut] = Field(
        description="A document is one item: the pages where the words are (at most five, in page order)."
    )
    more_pages: int = Field(description="How many other pages of the document the words are on.")


class SearchPage(Schema):
    query: str
    items: list[SearchHitOut]
    count: int = Field(
        description="How many results the caller may see (all pages of results together; a document counts once)."
    )
    limit: int
    offset: int


class SearchFilters(Schema):
    q: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_LENGTH), NulFree] = Field(
        description='What to look for: words (any inflection), "a phrase", `or` between words, -word to exclude.'
    )
    kind: list[SearchHitKind] = Field(default_factory=list, description="Only these kinds (repeat to give several).")
    organisation: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="Only what this organisation is behind (its id)."
    )
    date_from: dt.date | None = Field(None, description="Only things dated on or after this day (YYYY-MM-DD).")
    date_to: dt.date | None = Field(
        None, description="Only things dated on or before this day (before date_from: nothing matches)."
    )
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many results to skip.")


def _hit(hit: SearchHit, request: HttpRequest) -> dict[str, Any]:
    entry = hit.entry
    return {
        "kind": entry.kind,
        "kind_label": hit.kind_label,
        "id": entry.object_id,
        "title": entry.title,
        "title_html": str(hit.title_html),
        "snippet_html": str(hit.snippet_html),
        "page": entry.page,
        "page_label": entry.page_label,
        "url": request.build_absolute_uri(entry.url) if entry.url else "",
        "organisation_id": entry.organisation_id,
        "organisation_name": entry.organisation.name if entry.organisation else None,
        "date": entry.date,
        "rank": hit.rank,
        "pages": [
            {"page": page.page, "page_label": page.page_label, "snippet_html": str(page.snippet_html)}
            for page in hit.pages
        ],
        "more_pages": hit.more_pages,
    }


@router.get("", response=responses(SearchPage, 400), summary="Search", url_name="search")
def search_endpoint(request: HttpRequest, filters: Query[SearchFilters]) -> dict[str, Any]:
    """Ranked results (best first) with highlighted snippets, limited to what the caller may see."""
    results = search(
        user=request.user,
        query=filters.q,
        kinds=[str(kind) for kind in filters.kind],
        organisation_id=filters.organisation,
        date_from=filters.date_from,
        date_to=filters.date_to,
        limit=filters.limit,
        offset=filters.offset,
    )
    return {
        "query": results.query,
        "items": [_hit(hit, request) for hit in results.hits],
        "count": results.total,
        "limit": results.limit,
        "offset": results.offset,
    }
