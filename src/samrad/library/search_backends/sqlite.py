"""SQLite full-text search: an FTS5 table (library_searchentry_fts, rowid = entry id) holding the Swedish stems
of each entry's title and text, matched with an FTS5 expression built from the same parsed query and ranked
with bm25 (title ten times the text). Stemming happens here in Python with the Snowball Swedish stemmer, since
SQLite has none of its own."""

from typing import Any

from django.db import connection
from django.db.models import QuerySet

from samrad.library.models import SearchEntry
from samrad.library.swedish import ParsedQuery, Term, stemmed_text

FTS_TABLE = "library_searchentry_fts"
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
# Constant SQL around the FTS table; the only values that vary are parameters. `{visible}` is the SQL that Django
# compiles for the queryset of entries the user may see (its values are parameters too). The unary `+` in
# `+m.id IN (...)` keeps SQLite from pushing the list into the FTS scan as one rowid lookup per visible entry
# (which runs the full-text query thousands of times); the matches are scanned once and then filtered.
INSERT_SQL = f"INSERT INTO {FTS_TABLE} (rowid, title, body) VALUES (%s, %s, %s)"  # noqa: S608 - constant names
MATCHES_SQL = (
    f"SELECT rowid AS id, bm25({FTS_TABLE}, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS score "  # noqa: S608 - constants
    f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
)
# The matching entries the user may see, with the columns of their documents (see search_backends); bm25 is lower
# for better matches, the score its negation. `LIMIT -1` (no limit) keeps SQLite from flattening the matches into
# the grouping query, where bm25 cannot be used; CROSS JOIN keeps the join order: the matches first, then each
# one's entry by primary key.
MATCHING_SQL = (
    "SELECT m.id, -m.score AS score, e.source, e.source_id, e.kind, e.object_id, e.url, e.page FROM ("  # noqa: S608
    + MATCHES_SQL
    + f" LIMIT -1) m CROSS JOIN {SearchEntry._meta.db_table} e ON e.id = m.id WHERE +m.id IN ({{visible}})"
)


def _phrase(term: Term) -> str:
    # Stems are letters and digits only, so quoting them as an FTS5 string is all the escaping needed.
    return '"' + " ".join(term.stems) + '"'


def fts_expression(query: ParsedQuery) -> str:
    """The FTS5 MATCH expression for a parsed query: AND of the groups, OR within one, NOT for exclusions."""
    groups = []
    for group in query.groups:
        terms = [_phrase(term) for term in group]
        groups.append(terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")")
    expression = " AND ".join(groups)
    for term in query.excluded:
        expression = f"({expression}) NOT {_phrase(term)}"
    return expression


class SqliteBackend:
    entry_list = "group_concat(coalesce(page, -1) || ':' || id)"

    def entries_added(self, entries: list[SearchEntry]) -> None:
        rows = [
            (entry.pk, "" if entry.page is not None else stemmed_text(entry.title), stemmed_text(entry.body))
            for entry in entries
        ]
        with connection.cursor() as cursor:
            cursor.executemany(INSERT_SQL, rows)

    def matching(self, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery) -> tuple[str, list[Any]]:
        visible_sql, visible_params = entries.values("id").query.sql_with_params()
        return MATCHING_SQL.format(visible=visible_sql), [fts_expression(query), *visible_params]
