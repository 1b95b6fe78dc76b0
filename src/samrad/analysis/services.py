"""Reading stances into answers that have none (`stances_read`).

For every current submission of a consultation and every stance question it has no effective stance on — an
answer registered from e-mail or paper, a letter or protocol attached instead of answering on the platform —
the reader (`samrad.analysis.stance`) reads the answer's text to that question and the extracted text of the
submission's attachments, and records what it read as the current `SubmissionStance` with source "reader", its
confidence and the sentence it rests on. A coordinator then confirms or corrects it with `stance_set` (source
"senders"), which keeps the reading as history.

- Never overrides: an answer that already has a current stance (the respondent's, the senders', or an earlier
  reading) is left alone, so re-running reads only what is still missing and never duplicates.
- An answer the reader finds unclear gets no row (the stances have no "unclear"): it stays for a person to read.
- At most READ_MAX_CHARS characters are read per answer (the answer's own text first, then the attachments).
- One audit event per run that recorded anything, listing what it recorded.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.analysis import lexicon
from samrad.analysis.stance import read_stance
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Consultation, Question, Stance, SubmissionStance
from samrad.consultations.selectors_reading import current_submissions
from samrad.documents.models import DocumentPage

READ_MAX_CHARS = 200_000


@dataclass
class StancesReadReport:
    recorded: list[SubmissionStance] = field(default_factory=list)
    unclear: list[tuple[str, int]] = field(default_factory=list)  # (receipt number, question id)
    already_set: int = 0
    no_text: int = 0


def _attachment_texts(submission_ids: list[int]) -> dict[int, str]:
    """The extracted text of each submission's attachments, page by page in file and page order."""
    from samrad.consultations.models import Submission

    through = Submission.attachments.through
    files_of: dict[int, list[int]] = {}
    for submission_id, file_id in through.objects.filter(submission_id__in=submission_ids).values_list(
        "submission_id", "storedfile_id"
    ):
        files_of.setdefault(submission_id, []).append(file_id)
    all_files = sorted({f for files in files_of.values() for f in files})
    pages: dict[int, list[str]] = {}
    for file_id, text in (
        DocumentPage.objects.filter(file_id__in=all_files).order_by("file_id", "number").values_list("file_id", "text")
    ):
        pages.setdefault(file_id, []).append(text)
    return {sid: "\n\n".join("\n".join(pages.get(f, [])) for f in sorted(files)) for sid, files in files_of.items()}


def _answer_text(content: dict[str, Any], question_id: int, attachments: str) -> str:
    own = ""
    for item in content.get("answers", []):
        if item.get("question_id") == question_id:
            own = str(item.get("text") or "")
    text = "\n\n".join(part for part in (own, attachments) if part.strip())
    return text[:READ_MAX_CHARS]


def stances_read(*, actor: Actor, consultation: Consultation, now: dt.datetime | None = None) -> StancesReadReport:
    """Read and record the stance of every current answer that has none yet (see the module). Coordinators of the
    consultation, or the system (the background task)."""
    if actor != "system" and not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    now = now or timezone.now()
    report = StancesReadReport()
    questions = list(
        Question.objects.filter(consultation=consultation, kind=Question.Kind.STANCE).order_by("order", "pk")
    )
    if not questions:
        return report
    submissions = list(current_submissions(consultation))
    have = set(
        SubmissionStance.objects.filter(
            submission__in=[s.pk for s in submissions], is_current=True, question__in=questions
        ).values_list("submission_id", "question_id")
    )
    attachments = _attachment_texts([s.pk for s in submissions])
    for submission in submissions:
        for question in questions:
            if (submission.pk, question.pk) in have:
                report.already_set += 1
                continue
            text = _answer_text(submission.content or {}, question.pk, attachments.get(submission.pk, ""))
            if not text.strip():
                report.no_text += 1
                continue
            reading = read_stance(text)
            if reading.stance == lexicon.UNCLEAR or reading.stance not in Stance.values:
                report.unclear.append((submission.receipt_number, question.pk))
                continue
            try:
                with transaction.atomic():
                    row = SubmissionStance.objects.create(
                        submission=submission,
                        question=question,
                        stance=reading.stance,
                        source=SubmissionStance.Source.READER,
                        set_by=None,
                        set_at=now,
                        confidence=reading.confidence,
                        evidence=reading.evidence,
                    )
            except IntegrityError:  # a stance was set meanwhile (one current row per answer and question)
                report.already_set += 1
                continue
            report.recorded.append(row)
    if report.recorded:
        audit_record(
            actor=actor,
            action="consultation.stances_read",
            target=consultation,
            changes={
                "recorded": [
                    [row.submission.receipt_number, row.question_id, row.stance, row.confidence]
                    for row in report.recorded
                ],
                "unclear": [list(item) for item in report.unclear],
            },
        )
    return report
