"""PostgreSQL full-text search: the generated `search_vector` column (swedish configuration, GIN index) matched
against `websearch_to_tsquery('swedish', ...)` and ranked with ts_rank (title weight A, text weight D)."""

from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from samrad.library.models import SearchEntry
from samrad.library.search_backends import DOCUMENT_COLUMNS
from samrad.library.swedish import ParsedQuery

CONFIG = "swedish"
# ts_rank's weights for D, C, B, A: a word in the title counts ten times a word in the text.
WEIGHTS = [0.1, 0.2, 0.4, 1.0]


class PostgresBackend:
    entry_list = "string_agg(coalesce(page, -1) || ':' || id, ',')"

    def entries_added(self, entries: list[SearchEntry]) -> None:
        """Nothing to do: the database computes the column as the row is written."""

    def _matching(self, entries: QuerySet[SearchEntry], text: str) -> QuerySet[SearchEntry]:
        # The generated column that migration 0002 adds (the model does not declare it: SQLite has none).
        column = f'"{SearchEntry._meta.db_table}"."search_vector"'
        vector = RawSQL(column, (), output_field=SearchVectorField())  # noqa: S611 - a constant column name
        tsquery = SearchQuery(text, config=CONFIG, search_type="websearch")
        return (
            entries.alias(document=vector)
            .filter(document=tsquery)
            .annotate(score=SearchRank(vector, tsquery, weights=WEIGHTS))
            .order_by()
        )

    def matching(self, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery) -> tuple[str, list[Any]]:
        found = self._matching(entries, text).values("id", "score", *DOCUMENT_COLUMNS, "page")
        sql, params = found.query.sql_with_params()
        return sql, list(params)
