"""Background jobs of the documents app. Tasks take ids and call a service; they are safe to run twice.

Both run on the "default" queue, never on "mail": extraction can take up to EXTRACTION_TIME_LIMIT.
"""

from django.tasks import task


@task(queue_name="default")
def extract_text(file_id: int) -> str:
    """Extract the text of one stored file (queued by the intake after commit, and again by the sweep if its run
    was lost). Returns the text state."""
    from samrad.documents.models import StoredFile
    from samrad.documents.services import stored_file_extract_text

    stored = StoredFile.objects.filter(pk=file_id).first()
    if stored is None:
        return "missing"
    return str(stored_file_extract_text(actor="system", stored_file=stored).text_state)


@task(queue_name="default")
def extraction_sweep() -> dict[str, list[int]]:
    """Re-queue text extraction whose worker died, or give up on it after EXTRACTION_MAX_ATTEMPTS runs
    (registered as "documents.extraction_sweep", every two minutes)."""
    from samrad.documents.services import extraction_sweep as sweep

    report = sweep()
    return {"requeued": report.requeued, "failed": report.failed}
