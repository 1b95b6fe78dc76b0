"""The one search of the platform: what a user may find, ranked, with highlighted snippets.

Who may find what is decided in the query itself (`entries_visible_to`), never by filtering results afterwards,
so counts and pages only ever contain what the user may see.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString

from samrad.accounts.selectors import user_is_coordinator
from samrad.consultations.access import consultations_managed_by, is_platform_staff, respondent_organisation_ids
from samrad.dialogue.access import series_managed_by
from samrad.library.highlighting import highlight, snippet
from samrad.library.models import SearchEntry
from samrad.library.search_backends import RankedDocument, documents_page, search_backend
from samrad.library.swedish import parse_query

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
# The matching pages shown under one found document (the first ones, in page order); the rest are counted.
PAGES_PER_HIT = 5


def entries_visible_to(user: Any) -> QuerySet[SearchEntry]:
    """The search entries `user` may find (see SearchEntry for the scopes). Each alternative is a condition on
    an indexed column, so that the database can combine indexes rather than read every entry."""
    entries = SearchEntry.objects.all()
    if is_platform_staff(user):
        return entries
    visible = Q(scope=SearchEntry.Scope.PUBLIC)
    if getattr(user, "is_authenticated", False):
        organisation_ids = respondent_organisation_ids(user)
        if organisation_ids:
            links = SearchEntry.organisations.through.objects.filter(organisation_id__in=organisation_ids)
            visible |= Q(pk__in=links.values("searchentry_id"))
        if user_is_coordinator(user):
            visible |= Q(scope=SearchEntry.Scope.STAFF)
            visible |= Q(consultation__in=consultations_managed_by(user).values("pk"))
            visible |= Q(dialogue_series__in=series_managed_by(user).values("pk"))
    return entries.filter(visible)


@dataclass(frozen=True)
class PageHit:
    """A page of a found document where the words are (for a spreadsheet, a sheet), with its snippet."""

    entry: SearchEntry
    snippet_html: SafeString

    @property
    def page(self) -> int:
        return self.entry.page or 0

    @property
    def page_label(self) -> str:
        return self.entry.page_label


@dataclass(frozen=True)
class SearchHit:
    """One found thing, once: a consultation, a question, a document with the pages where the words are, ...

    `entry` is the thing's own entry when it matches (its title or summary), else its first matching page, and
    `snippet_html` that entry's snippet; `pages` are the first matching pages in page order (at most
    PAGES_PER_HIT), `more_pages` how many other pages match."""

    entry: SearchEntry
    rank: float
    title_html: SafeString
    snippet_html: SafeString
    pages: tuple[PageHit, ...] = ()
    more_pages: int = 0

    @property
    def kind_label(self) -> str:
        return str(SearchEntry.Kind(self.entry.kind).label)


@dataclass
class SearchResults:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    limit: int = 20
    offset: int = 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.hits) < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


def search(
    *,
    user: Any,
    query: str,
    kinds: list[str] | tuple[str, ...] = (),
    organisation_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """What matches `query` (Swedish words in any inflection; see library/swedish.py for the syntax) among what
    `user` may find, narrowed by kind, organisation and date, best first; `limit` of them from `offset`. A
    document is one hit, with the pages where the words are; `total` counts hits, not pages."""
    text = " ".join(query.split())[:MAX_QUERY_LENGTH]
    limit = max(1, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    results = SearchResults(query=text, limit=limit, offset=offset)
    parsed = parse_query(text)
    if parsed.is_empty:
        return results
    entries = entries_visible_to(user)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    if organisation_id is not None:
        entries = entries.filter(organisation_id=organisation_id)
    if date_from is not None:
        entries = entries.filter(date__gte=date_from)
    if date_to is not None:
        entries = entries.filter(date__lte=date_to)
    documents, results.total = documents_page(
        search_backend(), entries, text=text, query=parsed, limit=limit, offset=offset
    )
    # Of each document: its own entry if it matches, and its first PAGES_PER_HIT matching pages (a page indexed
    # in pieces once, by its first piece); the rest of its matching pages are counted.
    chosen: list[tuple[RankedDocument, int | None, list[int]]] = []
    for document in documents:
        own: int | None = None
        pages: dict[int, int] = {}
        for page, entry_id in sorted(document.entries, key=lambda item: (item[0] or 0, item[1])):
            if page is None:
                own = own or entry_id
            elif page not in pages and len(pages) < PAGES_PER_HIT:
                pages[page] = entry_id
        chosen.append((document, own, list(pages.values())))
    found = SearchEntry.objects.select_related("organisation").in_bulk(
        [i for _document, own_id, page_ids in chosen for i in ([own_id] if own_id else []) + page_ids]
    )
    wanted = parsed.highlight_stems()
    for document, own_id, page_ids in chosen:
        own_entry = found.get(own_id) if own_id else None
        page_entries = [found[i] for i in page_ids if i in found]
        if own_entry is None and not page_entries:  # removed between the queries
            continue
        shown = own_entry or page_entries[0]
        results.hits.append(
            SearchHit(
                entry=shown,
                rank=document.rank,
                title_html=highlight(shown.title, wanted if own_entry is not None else frozenset()),
                snippet_html=snippet(shown.body, wanted),
                pages=tuple(PageHit(entry, snippet(entry.body, wanted)) for entry in page_entries),
                more_pages=max(0, document.pages - len(page_entries)),
            )
        )
    return results
