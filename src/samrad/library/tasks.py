"""Background work of the search index: the periodic sync, and reindexing what uses a file once its text is in."""

from typing import Any

from django.tasks import task


@task()
def search_sync_run() -> dict[str, dict[str, int]]:
    """Reindex what changed since the last run in every app (scheduled every two minutes)."""
    from samrad.library.indexing import search_sync

    report = search_sync()
    return {"reindexed": report.reindexed, "dropped": report.dropped}


@task()
def search_index_file_run(file_id: int) -> int:
    """Reindex the objects whose entries include this stored file's text."""
    from samrad.library.indexing import search_index_file

    return search_index_file(file_id)


def file_text_extracted(sender: Any, stored_file_id: int, **kwargs: Any) -> None:
    """Receiver of documents' `text_extracted` (sent after commit): queue the reindexing of the file's users."""
    search_index_file_run.enqueue(stored_file_id)
