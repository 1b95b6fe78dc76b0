"""The full-text part of search, one module per database: PostgreSQL's `swedish` configuration with a GIN index,
or SQLite's FTS5 over Swedish stems. Both take the entries the user may see (a queryset) and return one page of
matching entry ids, best first, and how many match in all."""

from typing import Protocol

from django.db import connection
from django.db.models import QuerySet

from samrad.library.models import SearchEntry
from samrad.library.swedish import ParsedQuery


class SearchBackend(Protocol):
    def entries_added(self, entries: list[SearchEntry]) -> None:
        """Make newly created entries searchable (in the caller's transaction)."""

    def rank(
        self, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery, limit: int, offset: int
    ) -> tuple[list[tuple[int, float]], int]:
        """(entry id, rank) for one page of the entries matching the query, best first; and the total."""


def search_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from samrad.library.search_backends.postgresql import PostgresBackend

        return PostgresBackend()
    from samrad.library.search_backends.sqlite import SqliteBackend

    return SqliteBackend()
