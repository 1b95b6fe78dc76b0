"""Each submitted answer as a document: an archival, tagged PDF (PDF/A-2a, `samrad.documents.pdf.render_pdf`)
rendered once, in the background, right after the submission commits, and stored with it (`Submission.pdf`,
set once, never changed).

What it holds: the organisation (or the person), the consultation's and the respondent's case numbers, the
receipt number, when it was submitted (and received, for answers registered from e-mail or paper), who decided,
the joint signatories, every question with its stance and text, and the attached files with their SHA-256.

Limits: a rendering job runs on the "default" queue (never on "mail", so it never holds up an invitation or a
login link), and the text it lays out is capped (`SUBMISSION_PDF_MAX_CHARS`, the whole answer in characters):
what is beyond the cap is left out with a note saying so (the full text stays on the platform and in the
exports). A lost job is made good by `submission_pdfs_sweep`, which queues the rendering of every submission
still without a PDF.

Once the PDF is stored, the senders are told of the answer, with the PDF attached (consultations/notices.py):
a notice never goes out without the document the registry files.
"""

import datetime as dt
import io
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.audit.services import audit_record
from samrad.consultations.models import Response, Stance, Submission
from samrad.documents.models import StoredFile
from samrad.documents.pdf import render_pdf
from samrad.documents.services import file_intake

logger = logging.getLogger(__name__)

DEFAULT_MAX_CHARS = 200_000
SWEEP_BATCH = 100
# A submission younger than this is left to the job its commit queued.
SWEEP_GRACE = dt.timedelta(minutes=2)
# The sweep tries again for a week, newest first, so that answers whose rendering keeps failing neither take the
# batch from newer ones nor run for ever; the queue's failed results (and the log) show them to the operator.
SWEEP_MAX_AGE = dt.timedelta(days=7)
TEMPLATE = "consultations/pdf/submission.html"


def _max_chars() -> int:
    return int(getattr(settings, "SUBMISSION_PDF_MAX_CHARS", DEFAULT_MAX_CHARS))


def sender_case_numbers(submission: Submission) -> list[dict[str, str]]:
    """The sending organisations' own case numbers (diarienummer) for the consultation: [{"sender",
    "case_number"}]; a sender without one has an empty case number, which the document leaves out."""
    links = submission.response.consultation.sender_links.select_related("organisation").order_by("order", "pk")
    return [{"sender": link.organisation.name, "case_number": link.case_number} for link in links]


def _capped_answers(content: dict[str, Any], budget: int) -> tuple[list[dict[str, Any]], bool]:
    answers = []
    cut = False
    for answer in content.get("answers", []):
        text = answer.get("text") or ""
        question = answer.get("question") or ""
        if len(text) > budget:
            text, cut = text[: max(budget, 0)], True
        budget -= len(text) + len(question)
        answers.append(
            {
                "question": question,
                "stance": str(Stance(answer["stance"]).label) if answer.get("stance") else "",
                "text": text,
            }
        )
    return answers, cut


def submission_pdf_context(submission: Submission) -> dict[str, Any]:
    content = submission.content
    answers, cut = _capped_answers(content, _max_chars())
    organisation = content.get("organisation") or {}
    channel = content.get("channel") or Response.Channel.PLATFORM
    return {
        "submission": submission,
        "content": content,
        "consultation": content.get("consultation") or {},
        "respondent": organisation.get("name") or content.get("respondent_name", ""),
        "sender_case_numbers": [row for row in sender_case_numbers(submission) if row["case_number"]],
        "channel": channel,
        "channel_label": Response.Channel(channel).label,
        "registered": channel != Response.Channel.PLATFORM,
        "submitted_at": timezone.localtime(submission.submitted_at),
        "received_at": timezone.localtime(submission.received_at) if submission.received_at else None,
        "submitted_by": str(submission.submitted_by) if submission.submitted_by else "",
        "answers": answers,
        "text_cut": cut,
        "signatories": [s for s in content.get("signatories", []) if s.get("confirmed_at")],
        "attachments": content.get("attachments", []),
    }


def submission_pdf_render(submission: Submission) -> bytes:
    """The submission as a tagged PDF/A-2a document (not stored)."""
    title = _("Consultation answer %(receipt)s") % {"receipt": submission.receipt_number}
    return render_pdf(TEMPLATE, submission_pdf_context(submission), title=title, language=settings.LANGUAGE_CODE)


def submission_pdf_file_name(submission: Submission) -> str:
    return f"remissvar-{submission.receipt_number}.pdf"


def submission_pdf_ensure(*, submission_id: int) -> Submission | None:
    """Render and store the PDF of a submission that has none (idempotent: a second run, or two at once, store
    one). Returns the submission with its PDF; None if it does not exist."""
    with transaction.atomic():
        # The row lock makes two runs at once render once (the second waits, then finds the PDF set).
        submission = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("response__consultation", "response__organisation", "submitted_by")
            .filter(pk=submission_id)
            .first()
        )
        if submission is None:
            return None
        if submission.pdf_id is not None:
            return submission
        pdf = submission_pdf_render(submission)
        stored = file_intake(
            actor="system",
            stream=io.BytesIO(pdf),
            name=submission_pdf_file_name(submission),
            allowed_kinds=("pdf",),
            max_bytes=max(len(pdf), settings.UPLOAD_MAX_BYTES),
        )
        if not submission.pdf_set(stored.pk):
            # Another run stored one meanwhile (SQLite has no row locks): keep that one, drop this one.
            transaction.set_rollback(True)
            stored.file.delete(save=False)
            lost = True
        else:
            lost = False
            audit_record(
                actor="system",
                action="response.pdf_rendered",
                target=submission.response,
                changes={"submission": submission.pk, "file": stored.pk, "sha256": stored.sha256},
            )
            from samrad.consultations.notices import notices_answer_received

            notices_answer_received(submission=submission)
    if lost:
        return Submission.objects.filter(pk=submission_id).first()
    logger.info("Rendered the PDF of submission %s (%d bytes)", submission.pk, len(pdf))
    return submission


def submission_pdf_queue(submission_id: int) -> None:
    """Queue the rendering once the caller's transaction commits (call inside it)."""

    def enqueue() -> None:
        from samrad.consultations.tasks import render_submission_pdf

        render_submission_pdf.enqueue(submission_id)

    transaction.on_commit(enqueue)


def submission_pdfs_missing(*, now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Submission.objects.filter(
            pdf__isnull=True, submitted_at__lt=now - SWEEP_GRACE, submitted_at__gte=now - SWEEP_MAX_AGE
        )
        .order_by("-submitted_at", "-pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def submission_pdfs_sweep(*, now: dt.datetime | None = None) -> list[int]:
    """Queue the rendering of the submissions that still have no PDF (their job was lost or failed)."""
    from samrad.consultations.tasks import render_submission_pdf

    missing = submission_pdfs_missing(now=now)
    for submission_id in missing:
        render_submission_pdf.enqueue(submission_id)
    return missing


def submission_pdf_stored(submission: Submission) -> StoredFile | None:
    return StoredFile.objects.filter(pk=submission.pdf_id).first() if submission.pdf_id else None
