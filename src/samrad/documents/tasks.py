"""Background jobs of the documents app. Tasks take ids and call a service; they are safe to run twice."""

from django.tasks import task


@task()
def extract_text(file_id: int) -> str:
    """Extract the text of one stored file (queued by the intake after commit). Returns the text state."""
    from samrad.documents.models import StoredFile
    from samrad.documents.services import stored_file_extract_text

    stored = StoredFile.objects.filter(pk=file_id).first()
    if stored is None:
        return "missing"
    return str(stored_file_extract_text(actor="system", stored_file=stored).text_state)
