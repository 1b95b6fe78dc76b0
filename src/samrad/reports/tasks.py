"""Background jobs of the reports app. Tasks take ids and call a service; they are safe to run twice."""

from django.tasks import task


@task(queue_name="default")
def render_compilation_document(document_id: int) -> str:
    """Write and store a compilation document requested for download (`documents.compilation_document_render`).
    Returns its status."""
    from samrad.reports.documents import compilation_document_render

    document = compilation_document_render(document_id=document_id)
    return document.status if document is not None else "gone"
