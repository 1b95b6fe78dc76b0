"""PostgreSQL full-text search: the generated `search_vector` column (swedish configuration, GIN index) matched
against `websearch_to_tsquery('swedish', ...)` and ranked with ts_rank (title weight A, text weight D)."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db.models import Count, F, QuerySet, Window
from django.db.models.expressions import RawSQL

from samrad.library.models import SearchEntry
from samrad.library.swedish import ParsedQuery

CONFIG = "swedish"
# ts_rank's weights for D, C, B, A: a word in the title counts ten times a word in the text.
WEIGHTS = [0.1, 0.2, 0.4, 1.0]


class PostgresBackend:
    def entries_added(self, entries: list[SearchEntry]) -> None:
        """Nothing to do: the database computes the column as the row is written."""

    def rank(
        self, entries: QuerySet[SearchEntry], *, text: str, query: ParsedQuery, limit: int, offset: int
    ) -> tuple[list[tuple[int, float]], int]:
        # The generated column that migration 0002 adds (the model does not declare it: SQLite has none).
        column = f'"{SearchEntry._meta.db_table}"."search_vector"'
        vector = RawSQL(column, (), output_field=SearchVectorField())  # noqa: S611 - a constant column name
        tsquery = SearchQuery(text, config=CONFIG, search_type="websearch")
        matching = entries.alias(document=vector).filter(document=tsquery)
        # One scan gives the page and (as a window count over all matches) the total; past the last page, a
        # count alone.
        rows = list(
            matching.annotate(rank=SearchRank(vector, tsquery, weights=WEIGHTS), total=Window(Count("id")))
            .order_by(F("rank").desc(), "id")
            .values_list("id", "rank", "total")[offset : offset + limit]
        )
        total = int(rows[0][2]) if rows else matching.count()
        return [(entry_id, float(rank)) for entry_id, rank, _total in rows], total
