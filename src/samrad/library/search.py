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
from samrad.library.search_backends import search_backend
from samrad.library.swedish import parse_query

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100


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
class SearchHit:
    entry: SearchEntry
    rank: float
    title_html: SafeString
    snippet_html: SafeString

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
    """Entries matching `query` (Swedish words in any inflection; see library/swedish.py for the syntax) that
    `user` may find, narrowed by kind, organisation and date, best first; `limit` of them from `offset`."""
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
    ranked, results.total = search_backend().rank(entries, text=text, query=parsed, limit=limit, offset=offset)
    found = SearchEntry.objects.select_related("organisation").in_bulk([entry_id for entry_id, _rank in ranked])
    wanted = parsed.highlight_stems()
    for entry_id, rank in ranked:
        entry = found.get(entry_id)
        if entry is None:  # removed between the two queries
            continue
        title_html = highlight(entry.title, wanted if entry.page is None else frozenset())
        results.hits.append(
            SearchHit(entry=entry, rank=rank, title_html=title_html, snippet_html=snippet(entry.body, wanted))
        )
    return results
