"""The full-text part of search, one module per database: PostgreSQL's `swedish` configuration with a GIN index,
or SQLite's FTS5 over Swedish stems.

Search lists documents, not index entries: a document is every entry of one found thing and one link — its own
entry (title, summary) and the entries of its pages share source, kind, object and URL. Each backend writes the
SQL of the matching entries the user may see (`matching`: id, score — higher is better —, the columns of the
document, and the page), from which `documents_page` takes one page of documents ranked by their best entry, each
with the ids of its matching entries, so that it can be shown with the pages where the words are.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db import connection
from django.db.models import QuerySet

from samrad.library.models import SearchEntry
from samrad.library.swedish import ParsedQuery

DOCUMENT_COLUMNS = ("source", "source_id", "kind", "object_id", "url")
_DOCUMENT = ", ".join(DOCUMENT_COLUMNS)
# One page of documents, best first (ties by their first entry), with their best score, how many different pages
# of each match (a long page is indexed in several pieces), their matching entries (`{entries}`: the backend's
# aggregate of "page:id" — page -1 for the document's own entry — into a comma-separated text) and, as a window
# over the groups, how many documents match in all. `{matching}` is the backend's SQL of the matching entries
# (its values are parameters).
DOCUMENTS_SQL = (
    f"SELECT {_DOCUMENT}, max(score) AS best, min(id) AS first_id, count(DISTINCT page) AS pages, "  # noqa: S608 - constant
    f"{{entries}} AS entries, count(*) OVER () AS documents FROM ({{matching}}) m GROUP BY {_DOCUMENT} "
    "ORDER BY best DESC, first_id LIMIT %s OFFSET %s"
)
DOCUMENTS_COUNT_SQL = f"SELECT count(*) FROM (SELECT 1 FROM ({{matching}}) m GROUP BY {_DOCUMENT}) documents"  # noqa: S608 - constant


@dataclass(frozen=True)
class RankedDocument:
    """One found document: what identifies it (the values of DOCUMENT_COLUMNS), its best score, how many of its
    pages match, and its matching entries as (page, id), page None for the document's own entry."""

    key: tuple[str, int, str, int, str]
    rank: float
    pages: int
    entries: list[tuple[int | None, int]]


class SearchBackend(Protocol):
    # The aggregate that lists a group's rows as comma-separated "page:id" text (page -1 when it is null).
    entry_list: str

    def entries_added(self, entries: list[SearchEntry]) -> None:
        """Make newly created entries searchable (in the caller's transaction)."""

    def matching(self, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery) -> tuple[str, list[Any]]:
        """SQL and parameters of the entries among `entries` that match: columns id, score (higher is better), the
        DOCUMENT_COLUMNS and page."""


def _page_and_id(item: str) -> tuple[int | None, int]:
    page, _, entry_id = item.partition(":")
    return (None if page == "-1" else int(page)), int(entry_id)


def documents_page(
    backend: SearchBackend, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery, limit: int, offset: int
) -> tuple[list[RankedDocument], int]:
    """One page of the documents whose entries (among `entries`) match, best first; and how many documents match."""
    sql, params = backend.matching(entries, text=text, query=query)
    with connection.cursor() as cursor:
        cursor.execute(DOCUMENTS_SQL.format(matching=sql, entries=backend.entry_list), (*params, limit, offset))
        rows = cursor.fetchall()
        if rows:
            total = int(rows[0][-1])
        else:  # past the last page
            cursor.execute(DOCUMENTS_COUNT_SQL.format(matching=sql), params)
            total = int(cursor.fetchone()[0])
    width = len(DOCUMENT_COLUMNS)
    documents = [
        RankedDocument(
            key=tuple(row[:width]),
            rank=float(row[width]),
            pages=int(row[width + 2]),
            entries=[_page_and_id(item) for item in str(row[width + 3]).split(",")],
        )
        for row in rows
    ]
    return documents, total


def search_backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from samrad.library.search_backends.postgresql import PostgresBackend

        return PostgresBackend()
    from samrad.library.search_backends.sqlite import SqliteBackend

    return SqliteBackend()
