"""Downloads of an answer as a PDF document (submission_pdfs.py): for the answering organisation and its
co-signers from the receipt (`consultations:receipt_pdf`), and for the consultation's coordinators
(`coordination:submission_pdf`). Anyone else gets 404. A PDF whose background rendering has not run yet is
rendered now."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from samrad.consultations import access, selectors_responses
from samrad.consultations.models import Submission
from samrad.consultations.submission_pdfs import submission_pdf_ensure, submission_pdf_file_name
from samrad.documents.models import StoredFile


def _pdf_response(submission: Submission) -> FileResponse:
    pdf_id = submission.pdf_id
    if pdf_id is None:
        rendered = submission_pdf_ensure(submission_id=submission.pk)
        pdf_id = rendered.pdf_id if rendered is not None else None
        if pdf_id is None:
            raise Http404
    stored = StoredFile.objects.get(pk=pdf_id)
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=submission_pdf_file_name(submission), content_type="application/pdf"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def receipt_pdf(request: HttpRequest, pk: int, receipt_number: str) -> FileResponse:
    """The answer as PDF for whoever may read its receipt (the organisation, co-signers, coordinators)."""
    submission = selectors_responses.submission_get_for_user(
        user=request.user, consultation_pk=pk, receipt_number=receipt_number
    )
    return _pdf_response(submission)


@login_required
@require_GET
def submission_pdf(request: HttpRequest, pk: int, receipt_number: str) -> FileResponse:
    """The answer as PDF for the coordinators who run the consultation."""
    consultation = access.consultation_get_managed(user=request.user, pk=pk)
    submission = Submission.objects.filter(response__consultation=consultation, receipt_number=receipt_number).first()
    if submission is None:
        raise Http404
    return _pdf_response(submission)
