"""What the masking pages show: an answer's texts with their spans, each span with the text around it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from samrad.consultations.models import Consultation, Submission
from samrad.consultations.selectors_reading import current_submissions
from samrad.publishing import services
from samrad.publishing.models import MaskingProposal, MaskingSpan, MaskingText

CONTEXT_CHARS = 70


@dataclass(frozen=True)
class Segment:
    """A piece of a text as the page shows it: plain, or a span (highlighted with its status)."""

    text: str
    span: MaskingSpan | None = None


@dataclass
class SpanView:
    span: MaskingSpan
    before: str
    after: str
    kind_label: str


@dataclass
class TextView:
    row: MaskingText
    label: str
    spans: list[SpanView] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    cut: bool = False


@dataclass
class AnswerReview:
    proposal: MaskingProposal
    texts: list[TextView]
    changed: bool  # a text no longer matches what was checked
    counts: dict[str, int]


def text_label(row: MaskingText, file_names: dict[int, str], question_numbers: dict[int, int]) -> str:
    if row.key == "respondent":
        return _("The respondent's name")
    if row.key == "their_reference":
        return _("The respondent's reference number")
    if row.key == "decided_by":
        return _("Decided by")
    if row.part == MaskingText.Part.ANSWER:
        number = question_numbers.get(row.question_id or 0)
        return _("Answer to question %(number)s") % {"number": number or "?"}
    name = file_names.get(row.file_id or 0, "")
    if row.part == MaskingText.Part.FILE_NAME:
        return _("File name of the attachment “%(name)s”") % {"name": name}
    return _("Attachment “%(name)s”, page %(page)s") % {"name": name, "page": row.page}


def _trimmed_before(text: str) -> str:
    if len(text) <= CONTEXT_CHARS:
        return text
    cut = text[-CONTEXT_CHARS:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < 20 else cut)


def _trimmed_after(text: str) -> str:
    if len(text) <= CONTEXT_CHARS:
        return text
    cut = text[:CONTEXT_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > CONTEXT_CHARS - 20 else cut) + "…"


def _segments(text: str, spans: list[MaskingSpan]) -> list[Segment]:
    segments: list[Segment] = []
    position = 0
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < position:  # overlapping spans: the page highlights the first
            continue
        segments.append(Segment(text[position : span.start]))
        segments.append(Segment(text[span.start : span.end], span))
        position = span.end
    segments.append(Segment(text[position:]))
    return [segment for segment in segments if segment.text]


def answer_review(proposal: MaskingProposal) -> AnswerReview:
    submission = proposal.submission
    content = submission.content or {}
    file_names = {e["file_id"]: e.get("name", "") for e in content.get("attachments", []) if e.get("file_id")}
    question_numbers = {a.get("question_id"): index for index, a in enumerate(content.get("answers", []), start=1) if a}
    sources = {source.key: source.text for source in services.answer_texts(submission)}
    spans_of: dict[int, list[MaskingSpan]] = {}
    for span in MaskingSpan.objects.filter(text__proposal=proposal).select_related("decided_by", "created_by"):
        spans_of.setdefault(span.text_id, []).append(span)
    texts: list[TextView] = []
    changed = False
    counts = {status: 0 for status in MaskingSpan.Status.values}
    for row in proposal.texts.all():
        text = sources.get(row.key)
        if text is None or services._sha256(text) != row.sha256:
            changed = True
            text = None
        spans = sorted(spans_of.get(row.pk, []), key=lambda s: (s.start, s.end))
        view = TextView(
            row=row, label=text_label(row, file_names, question_numbers), cut=row.checked_chars < row.length
        )
        for span in spans:
            counts[span.status] += 1
            before = _trimmed_before(text[: span.start]) if text is not None else ""
            after = _trimmed_after(text[span.end :]) if text is not None else ""
            view.spans.append(
                SpanView(span=span, before=before, after=after, kind_label=services.kind_label(span.kind))
            )
        if text is not None:
            view.segments = _segments(text, spans)
        texts.append(view)
    return AnswerReview(proposal=proposal, texts=texts, changed=changed, counts=counts)


def respondent_label(submission: Submission) -> str:
    response = submission.response
    if response.organisation is not None:
        return response.organisation.name
    return response.respondent_name or f"#{response.pk}"


def overview(consultation: Consultation) -> list[dict[str, Any]]:
    """Every current answer with its proposal's counts, in the answers' order."""
    submissions = list(current_submissions(consultation))
    proposals = {
        p.submission_id: p
        for p in MaskingProposal.objects.filter(submission__in=submissions).annotate(
            proposed=Count("texts__spans", filter=Q(texts__spans__status=MaskingSpan.Status.PROPOSED)),
            confirmed=Count("texts__spans", filter=Q(texts__spans__status=MaskingSpan.Status.CONFIRMED)),
            rejected=Count("texts__spans", filter=Q(texts__spans__status=MaskingSpan.Status.REJECTED)),
        )
    }
    return [{"submission": s, "respondent": respondent_label(s), "proposal": proposals.get(s.pk)} for s in submissions]


def proposal_for(consultation: Consultation, receipt_number: str) -> MaskingProposal | None:
    return (
        MaskingProposal.objects.select_related("submission__response__organisation", "consultation", "reviewed_by")
        .filter(consultation=consultation, submission__receipt_number=receipt_number)
        .first()
    )
