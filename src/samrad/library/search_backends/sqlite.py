"""SQLite full-text search: an FTS5 table (library_searchentry_fts, rowid = entry id) holding the Swedish stems
of each entry's title and text, matched with an FTS5 expression built from the same parsed query and ranked
with bm25 (title ten times the text). Stemming happens here in Python with the Snowball Swedish stemmer, since
SQLite has none of its own."""

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
COUNT_SQL = "SELECT count(*) FROM (" + MATCHES_SQL + ") m WHERE +m.id IN ({visible})"  # noqa: S608 - constants
PAGE_SQL = (
    "SELECT m.id, m.score, count(*) OVER () FROM (" + MATCHES_SQL + ") m WHERE +m.id IN ({visible}) "  # noqa: S608 - constants
    "ORDER BY m.score, m.id LIMIT %s OFFSET %s"
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
    def entries_added(self, entries: list[SearchEntry]) -> None:
        rows = [
            (entry.pk, "" if entry.page is not None else stemmed_text(entry.title), stemmed_text(entry.body))
            for entry in entries
        ]
        with connection.cursor() as cursor:
            cursor.executemany(INSERT_SQL, rows)

    def rank(
        self, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery, limit: int, offset: int
    ) -> tuple[list[tuple[int, float]], int]:
        expression = fts_expression(query)
        visible_sql, visible_params = entries.values("id").query.sql_with_params()
        params = (expression, *visible_params)
        with connection.cursor() as cursor:
            # One scan gives the page and (as a window count) the total; past the last page, a count alone.
            cursor.execute(PAGE_SQL.format(visible=visible_sql), (*params, limit, offset))
            rows = cursor.fetchall()
            if rows:
                total = int(rows[0][2])
            else:
                cursor.execute(COUNT_SQL.format(visible=visible_sql), params)
                total = int(cursor.fetchone()[0])
        # bm25 is lower for better matches; the rank reported is its negation, higher is better.
        page = [(int(entry_id), -float(score)) for entry_id, score, _total in rows]
        return page, total
