"""Masking the personal data in a consultation's answers before they are published: every write is here, runs in
a transaction and is audited.

- `masking_run_start`: a coordinator asks for the answers to be checked; a `MaskingRun` is queued and the task
  `tasks.masking_detect` runs `masking_run` (one run at a time per consultation: asking again while one is queued
  or running returns it). A run reads every current answer (the latest submission of each response) and stops
  a slice before the queue's time limit, saving how far it came; the task then queues the next slice.
- `proposal_detect`: one answer. Its published texts (`answer_texts`) are read by the detector
  (`detection.detect`, at most MAX_TEXT_CHARS of each text) and what it finds is added as proposed spans. A
  second run keeps every span and decision there is and adds only what does not overlap one; a text that changed
  (an attachment's text extracted again) has its spans moved to where their text now is, or dropped.
- The review, by the consultation's coordinators only: `span_decide` (confirm or reject), `proposal_confirm_all`,
  `span_add` (a person masks a text the detector missed: every occurrence in the answer), `span_change` (a
  span made longer or shorter), `proposal_mark_reviewed`. A change withdraws the "reviewed" mark.
- The masked copy: `masked_text` puts "[maskerat: namn]" where each confirmed span was; `masked_pdf_build`
  renders the masked answer anew as a PDF/A document (a new file, rendered from the masked text only, so the
  masked text is not in it at all) once every span is decided. The original answer and its files are untouched.

The audit log records where each span is and of which kind, never the personal data it covers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Consultation, Submission
from samrad.consultations.selectors_reading import current_submissions
from samrad.documents.models import DocumentPage, StoredFile
from samrad.organisations.models import Organisation
from samrad.publishing import detection
from samrad.publishing.models import MaskingProposal, MaskingRun, MaskingSpan, MaskingText

# The most of one text the detector reads (characters); what lies beyond is flagged as not checked.
MAX_TEXT_CHARS = 1_000_000
# A slice stops this many seconds before the queue's time limit to save its progress.
SLICE_FINISH_ROOM = 60
# A running run that has said nothing for this long lost its worker; a queued one is queued again.
STALE_AFTER = dt.timedelta(minutes=30)
# What a person may add by hand: at least this many characters (a single letter would mask every occurrence).
ADD_MIN_CHARS = 2
ADD_MAX_CHARS = 500
# The masked PDF lays out at most this many characters of text (the masked text stays whole on the platform).
PDF_MAX_CHARS = 400_000
PDF_TEMPLATE = "publishing/pdf/masked_answer.html"

PUBLIC_BODY_KINDS = frozenset(
    {
        Organisation.Kind.MUNICIPALITY,
        Organisation.Kind.REGION,
        Organisation.Kind.COUNTY_COUNCIL,
        Organisation.Kind.COUNTY_BOARD,
        Organisation.Kind.AGENCY,
    }
)


class TextChanged(Exception):
    """An answer's text no longer matches what was checked (an attachment read again): check it again."""


def _require_coordinator(actor: Actor, consultation: Consultation) -> None:
    if actor != "system" and not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the texts of an answer ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceText:
    key: str
    part: str
    order: int
    text: str
    question_id: int | None = None
    file_id: int | None = None
    page: int | None = None


def respondent_of(submission: Submission) -> str:
    """Who wrote the answer, for the detector: a public body, another organisation, or a private person."""
    organisation = submission.response.organisation
    if organisation is None:
        return MaskingProposal.Respondent.PRIVATE
    if organisation.kind in PUBLIC_BODY_KINDS:
        return MaskingProposal.Respondent.PUBLIC_BODY
    return MaskingProposal.Respondent.ASSOCIATION


def _attachment_entries(submission: Submission) -> list[dict[str, Any]]:
    return [entry for entry in (submission.content or {}).get("attachments", []) if entry.get("file_id")]


def answer_texts(submission: Submission) -> list[SourceText]:
    """Everything of an answer that a published copy shows as text, in the copy's order: the private
    respondent's name, the respondent's reference, "decided by", each answer's text, then each attachment's file
    name and the extracted text of each of its pages."""
    content = submission.content or {}
    texts: list[SourceText] = []
    order = 0

    def add(key: str, part: str, text: str, **where: Any) -> None:
        nonlocal order
        if text and text.strip():
            texts.append(SourceText(key=key, part=part, order=order, text=text, **where))
            order += 1

    if not content.get("organisation"):
        add("respondent", MaskingText.Part.FIELD, content.get("respondent_name") or "")
    add("their_reference", MaskingText.Part.FIELD, content.get("their_reference") or "")
    add("decided_by", MaskingText.Part.FIELD, content.get("decided_by") or "")
    for answer in content.get("answers", []):
        add(
            f"answer:{answer.get('question_id')}",
            MaskingText.Part.ANSWER,
            answer.get("text") or "",
            question_id=answer.get("question_id"),
        )
    entries = _attachment_entries(submission)
    pages: dict[int, list[tuple[int, str]]] = {}
    for file_id, number, text in (
        DocumentPage.objects.filter(file_id__in=[e["file_id"] for e in entries])
        .order_by("file_id", "number")
        .values_list("file_id", "number", "text")
    ):
        pages.setdefault(file_id, []).append((number, text))
    for entry in entries:
        file_id = entry["file_id"]
        add(f"file:{file_id}:name", MaskingText.Part.FILE_NAME, entry.get("name") or "", file_id=file_id)
        for number, text in pages.get(file_id, []):
            add(f"file:{file_id}:{number}", MaskingText.Part.PAGE, text, file_id=file_id, page=number)
    return texts


def _detect(source: SourceText, respondent: str) -> list[detection.Span]:
    text = source.text[:MAX_TEXT_CHARS]
    if source.key == "respondent":
        # A private person's name, given as such: the whole field is a name.
        stripped = text.strip()
        start = text.index(stripped)
        return [detection.Span(start, start + len(stripped), detection.Kind.NAME, stripped, 0.95)]
    return detection.detect(text, respondent=respondent)


def _reanchor(row: MaskingText, text: str) -> int:
    """Move each span of a changed text to where its text now is (the occurrence nearest its old place); drop
    those whose text is gone. Returns how many were dropped."""
    dropped = 0
    taken: set[tuple[int, int]] = set()
    for span in list(row.spans.order_by("start", "pk")):
        if text[span.start : span.end] == span.content and (span.start, span.end) not in taken:
            taken.add((span.start, span.end))
            continue
        places = [m.start() for m in re.finditer(re.escape(span.content), text)]
        places = [p for p in places if (p, p + len(span.content)) not in taken]
        if not places:
            span.delete()
            dropped += 1
            continue
        start = min(places, key=lambda p: abs(p - span.start))
        span.start, span.end = start, start + len(span.content)
        span.save(update_fields=["start", "end"])
        taken.add((span.start, span.end))
    return dropped


def proposal_detect(
    *, submission: Submission, run: MaskingRun | None = None, actor: Actor = "system", now: dt.datetime | None = None
) -> tuple[MaskingProposal, int]:
    """Check one answer: propose what the detector finds that no span covers yet. Returns the proposal and the
    number of spans proposed now. Audited."""
    now = now or timezone.now()
    respondent = respondent_of(submission)
    sources = answer_texts(submission)
    with transaction.atomic():
        proposal, _created = MaskingProposal.objects.select_for_update().get_or_create(
            submission=submission,
            defaults={
                "consultation_id": submission.response.consultation_id,
                "respondent": respondent,
                "detected_at": now,
            },
        )
        rows = {row.key: row for row in proposal.texts.all()}
        proposed = dropped = 0
        for source in sources:
            digest = _sha256(source.text)
            checked = min(len(source.text), MAX_TEXT_CHARS)
            row = rows.pop(source.key, None)
            fields = {
                "part": source.part,
                "order": source.order,
                "question_id": source.question_id,
                "file_id": source.file_id,
                "page": source.page,
                "sha256": digest,
                "length": len(source.text),
                "checked_chars": checked,
            }
            if row is None:
                row = MaskingText.objects.create(proposal=proposal, key=source.key, **fields)
            else:
                if row.sha256 != digest:
                    dropped += _reanchor(row, source.text)
                for name, value in fields.items():
                    setattr(row, name, value)
                row.save()
            occupied = detection.Intervals()
            for start, end in sorted(row.spans.values_list("start", "end")):
                occupied.add(start, end)
            new = []
            for span in _detect(source, respondent):
                if occupied.overlaps(span.start, span.end):
                    continue
                occupied.add(span.start, span.end)
                new.append(
                    MaskingSpan(
                        text=row,
                        start=span.start,
                        end=span.end,
                        kind=span.kind,
                        content=span.text,
                        confidence=round(span.confidence, 3),
                        created_at=now,
                    )
                )
            MaskingSpan.objects.bulk_create(new)
            proposed += len(new)
        # Texts the answer no longer has (an attachment's page gone): nothing of them is published any more.
        gone = [row.key for row in rows.values()]
        for row in rows.values():
            row.delete()
        proposal.respondent = respondent
        proposal.run = run
        proposal.detected_at = now
        changed = bool(proposed or dropped or gone)
        if changed:
            proposal.reviewed_at = None
            proposal.reviewed_by = None
        proposal.save()
        audit_record(
            actor=actor,
            action="masking.detected",
            target=proposal,
            changes={
                "submission": submission.pk,
                "run": run.pk if run else None,
                "respondent": respondent,
                "texts": len(sources),
                "proposed": proposed,
                "spans_dropped": dropped,
                "texts_gone": gone,
            },
        )
    return proposal, proposed


# --- runs ----------------------------------------------------------------------------------------------------


def latest_run(consultation: Consultation) -> MaskingRun | None:
    return MaskingRun.objects.filter(consultation=consultation).order_by("-created_at", "-id").first()


def masking_run_start(*, actor: Actor, consultation: Consultation, now: dt.datetime | None = None) -> MaskingRun:
    """Queue a check of every current answer (or return the run queued or running). Audited."""
    from samrad.publishing.tasks import masking_detect

    _require_coordinator(actor, consultation)
    now = now or timezone.now()
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        active = MaskingRun.objects.filter(
            consultation=consultation, status__in=[MaskingRun.Status.QUEUED, MaskingRun.Status.RUNNING]
        ).first()
        if active is not None:
            last_sign = active.touched_at or active.created_at
            if last_sign >= now - STALE_AFTER:
                return active
            if active.status == MaskingRun.Status.QUEUED:
                # Its job was lost (or no worker has taken it for long): queue it again; running it twice is safe.
                MaskingRun.objects.filter(pk=active.pk).update(touched_at=now)
                transaction.on_commit(lambda: masking_detect.enqueue(active.pk))
                return active
            _fail(active, _("The run stopped answering (its worker was lost)."))
        run = MaskingRun.objects.create(consultation=consultation, started_by=_user(actor))
        audit_record(actor=actor, action="masking.run_started", target=consultation, changes={"run": run.pk})
        transaction.on_commit(lambda: masking_detect.enqueue(run.pk))
    return run


def _fail(run: MaskingRun, message: str) -> None:
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        MaskingRun.objects.filter(pk=run.pk).update(
            status=MaskingRun.Status.FAILED, finished_at=timezone.now(), error=str(message)
        )
        audit_record(actor="system", action="masking.run_failed", target=run.consultation, changes={"run": run.pk})


def masking_run(*, run_id: int, time_limit: float) -> MaskingRun | None:
    """One slice of a queued run (the background task). Reads the answers this run has not read yet until the
    time limit; then puts the run back in the queue (the caller queues the next slice) or, when every answer is
    read, marks it done. A run that is not queued is left alone, so running it twice is harmless."""
    now = timezone.now()
    claimed = MaskingRun.objects.filter(pk=run_id, status=MaskingRun.Status.QUEUED).update(
        status=MaskingRun.Status.RUNNING, started_at=now, touched_at=now
    )
    run = MaskingRun.objects.select_related("consultation").filter(pk=run_id).first()
    if not claimed or run is None:
        return run
    deadline = time.monotonic() + time_limit
    try:
        ids = list(current_submissions(run.consultation).order_by("pk").values_list("pk", flat=True))
        read = set(MaskingProposal.objects.filter(run=run).values_list("submission_id", flat=True))
        MaskingRun.objects.filter(pk=run.pk).update(total=len(ids), done=len(read & set(ids)))
        for submission_id in ids:
            if submission_id in read:
                continue
            if time.monotonic() > deadline:
                MaskingRun.objects.filter(pk=run.pk).update(status=MaskingRun.Status.QUEUED, touched_at=timezone.now())
                return MaskingRun.objects.get(pk=run.pk)
            submission = Submission.objects.select_related("response__organisation", "response__consultation").get(
                pk=submission_id
            )
            _proposal, proposed = proposal_detect(submission=submission, run=run)
            MaskingRun.objects.filter(pk=run.pk).update(
                done=F("done") + 1, proposed=F("proposed") + proposed, touched_at=timezone.now()
            )
    except Exception as error:  # the run must say it failed, whatever went wrong
        _fail(run, f"{type(error).__name__}: {error}")
        raise
    with transaction.atomic():
        MaskingRun.objects.filter(pk=run.pk).update(status=MaskingRun.Status.DONE, finished_at=timezone.now())
        run.refresh_from_db()
        audit_record(
            actor="system",
            action="masking.run_done",
            target=run.consultation,
            changes={"run": run.pk, "answers": run.total, "proposed": run.proposed},
        )
    return run


# --- the review ----------------------------------------------------------------------------------------------


def _proposal_locked(proposal: MaskingProposal) -> MaskingProposal:
    return MaskingProposal.objects.select_for_update().select_related("consultation").get(pk=proposal.pk)


def _withdraw_review(proposal: MaskingProposal) -> dict[str, Any]:
    if proposal.reviewed_at is None:
        return {}
    MaskingProposal.objects.filter(pk=proposal.pk).update(reviewed_at=None, reviewed_by=None)
    proposal.reviewed_at = None
    proposal.reviewed_by = None
    return {"review_withdrawn": True}


def _where(span: MaskingSpan) -> dict[str, Any]:
    return {"span": span.pk, "text": span.text.key, "start": span.start, "end": span.end, "kind": span.kind}


def span_decide(*, actor: Actor, span: MaskingSpan, status: str, now: dt.datetime | None = None) -> MaskingSpan:
    """Confirm or reject a span (a decision may be changed later). Audited."""
    if status not in (MaskingSpan.Status.CONFIRMED, MaskingSpan.Status.REJECTED):
        raise ValueError(f"A span is confirmed or rejected, not {status!r}.")
    proposal = span.text.proposal
    _require_coordinator(actor, proposal.consultation)
    with transaction.atomic():
        proposal = _proposal_locked(proposal)
        span = MaskingSpan.objects.select_related("text").get(pk=span.pk, text__proposal=proposal)
        if span.status == status:
            return span
        before = span.status
        span.status = status
        span.decided_at = now or timezone.now()
        span.decided_by = _user(actor)
        span.save(update_fields=["status", "decided_at", "decided_by"])
        extra = _withdraw_review(proposal)
        audit_record(
            actor=actor,
            action=f"masking.span_{status}",
            target=proposal,
            changes={**_where(span), "status": [before, status], **extra},
        )
    return span


def proposal_confirm_all(*, actor: Actor, proposal: MaskingProposal, now: dt.datetime | None = None) -> int:
    """Confirm every span of the answer still proposed. Returns how many. Audited."""
    _require_coordinator(actor, proposal.consultation)
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _proposal_locked(proposal)
        pending = MaskingSpan.objects.filter(text__proposal=proposal, status=MaskingSpan.Status.PROPOSED)
        ids = list(pending.values_list("pk", flat=True))
        if not ids:
            return 0
        MaskingSpan.objects.filter(pk__in=ids).update(
            status=MaskingSpan.Status.CONFIRMED, decided_at=now, decided_by=_user(actor)
        )
        extra = _withdraw_review(proposal)
        audit_record(
            actor=actor,
            action="masking.spans_confirmed",
            target=proposal,
            changes={"spans": ids, **extra},
        )
    return len(ids)


def _pattern(value: str) -> re.Pattern[str]:
    """The words of `value` with any white space between them (a name wrapped over two lines still matches),
    in any letter case, not inside a longer word."""
    words = value.split()
    body = r"\s+".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def _current_texts(proposal: MaskingProposal) -> dict[str, str]:
    """The proposal's texts as they are now, checked against what was checked ({key: text})."""
    sources = {source.key: source.text for source in answer_texts(proposal.submission)}
    for row in proposal.texts.all():
        text = sources.get(row.key)
        if text is None or _sha256(text) != row.sha256:
            raise TextChanged(row.key)
    return sources


def _clean_addition(value: str, kind: str) -> str:
    value = " ".join((value or "").split())
    if kind not in MaskingSpan.Kind.values:
        raise ValidationError(_("Choose what kind of personal data it is."))
    if len(value) < ADD_MIN_CHARS:
        raise ValidationError(_("Give at least %(count)d characters to mask.") % {"count": ADD_MIN_CHARS})
    if len(value) > ADD_MAX_CHARS:
        raise ValidationError(_("Give at most %(count)d characters to mask at a time.") % {"count": ADD_MAX_CHARS})
    return value


def span_add(
    *, actor: Actor, proposal: MaskingProposal, value: str, kind: str, now: dt.datetime | None = None
) -> list[MaskingSpan]:
    """A person masks `value` wherever it is in the answer (every text, any letter case, any white space between
    its words): each occurrence becomes a confirmed span. An occurrence already a span is confirmed. Audited."""
    _require_coordinator(actor, proposal.consultation)
    value = _clean_addition(value, kind)
    now = now or timezone.now()
    pattern = _pattern(value)
    with transaction.atomic():
        proposal = _proposal_locked(proposal)
        try:
            sources = _current_texts(proposal)
        except TextChanged:
            raise ValidationError(
                _("The answer's text has changed since it was checked. Check the answers again first.")
            ) from None
        spans: list[MaskingSpan] = []
        for row in proposal.texts.all():
            for match in pattern.finditer(sources[row.key]):
                span, created = MaskingSpan.objects.get_or_create(
                    text=row,
                    start=match.start(),
                    end=match.end(),
                    defaults={
                        "kind": kind,
                        "content": match.group(0),
                        "status": MaskingSpan.Status.CONFIRMED,
                        "origin": MaskingSpan.Origin.PERSON,
                        "created_at": now,
                        "created_by": _user(actor),
                        "decided_at": now,
                        "decided_by": _user(actor),
                    },
                )
                if not created and span.status != MaskingSpan.Status.CONFIRMED:
                    span.status = MaskingSpan.Status.CONFIRMED
                    span.decided_at, span.decided_by = now, _user(actor)
                    span.save(update_fields=["status", "decided_at", "decided_by"])
                spans.append(span)
        if not spans:
            raise ValidationError(_("That text is not in this answer (nothing was masked)."))
        extra = _withdraw_review(proposal)
        audit_record(
            actor=actor,
            action="masking.spans_added",
            target=proposal,
            changes={"kind": kind, "spans": [_where(span) for span in spans], **extra},
        )
    return spans


def span_change(*, actor: Actor, span: MaskingSpan, value: str, now: dt.datetime | None = None) -> MaskingSpan:
    """Make a span cover `value` instead, where `value` overlaps the span's place (e.g. "Anna" made "Anna
    Svensson"); the span is then confirmed. Audited with both places."""
    proposal = span.text.proposal
    _require_coordinator(actor, proposal.consultation)
    value = _clean_addition(value, span.kind)
    now = now or timezone.now()
    with transaction.atomic():
        proposal = _proposal_locked(proposal)
        span = MaskingSpan.objects.select_related("text").get(pk=span.pk, text__proposal=proposal)
        try:
            text = _current_texts(proposal)[span.text.key]
        except TextChanged:
            raise ValidationError(
                _("The answer's text has changed since it was checked. Check the answers again first.")
            ) from None
        matches = [m for m in _pattern(value).finditer(text) if m.start() < span.end and span.start < m.end()]
        if not matches:
            raise ValidationError(_("The new text must overlap the text the span covers now."))
        match = min(matches, key=lambda m: abs(m.start() - span.start))
        before = _where(span)
        other = MaskingSpan.objects.filter(text=span.text, start=match.start(), end=match.end()).exclude(pk=span.pk)
        other.delete()
        span.start, span.end, span.content = match.start(), match.end(), match.group(0)
        span.status = MaskingSpan.Status.CONFIRMED
        span.decided_at, span.decided_by = now, _user(actor)
        span.save()
        extra = _withdraw_review(proposal)
        audit_record(
            actor=actor,
            action="masking.span_changed",
            target=proposal,
            changes={"before": before, "after": _where(span), **extra},
        )
    return span


def proposal_mark_reviewed(*, actor: Actor, proposal: MaskingProposal, now: dt.datetime | None = None) -> None:
    """Record that a person has looked the answer through and decided every span. Audited."""
    _require_coordinator(actor, proposal.consultation)
    with transaction.atomic():
        proposal = _proposal_locked(proposal)
        pending = MaskingSpan.objects.filter(text__proposal=proposal, status=MaskingSpan.Status.PROPOSED).count()
        if pending:
            raise ValidationError(
                _("%(count)d proposals are not decided yet: confirm or reject each first.") % {"count": pending}
            )
        proposal.reviewed_at = now or timezone.now()
        proposal.reviewed_by = _user(actor)
        proposal.save(update_fields=["reviewed_at", "reviewed_by"])
        audit_record(actor=actor, action="masking.reviewed", target=proposal, changes={})


# --- the masked copy -----------------------------------------------------------------------------------------


def kind_label(kind: str) -> str:
    return str(MaskingSpan.Kind(kind).label) if kind in MaskingSpan.Kind.values else kind


def marker(kind: str) -> str:
    """What stands in a masked text where a span was: "[maskerat: personnummer]" (in the active language)."""
    return _("[masked: %(kind)s]") % {"kind": kind_label(kind)}


def masked_text(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """`text` with each span replaced by its marker; overlapping or touching spans become one marker (of the
    first span's kind)."""
    merged: list[list[Any]] = []
    for start, end, kind in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            continue
        merged.append([start, end, kind])
    out: list[str] = []
    position = 0
    for start, end, kind in merged:
        out.append(text[position:start])
        out.append(marker(kind))
        position = end
    out.append(text[position:])
    return "".join(out)


@dataclass(frozen=True)
class MaskedPart:
    key: str
    part: str
    text: str
    question_id: int | None
    file_id: int | None
    page: int | None
    cut: bool  # the detector read only the first MAX_TEXT_CHARS characters


def masked_parts(proposal: MaskingProposal) -> dict[str, MaskedPart]:
    """Every text of the answer with its confirmed spans masked ({key: part}). Raises TextChanged if a text no
    longer matches what was checked."""
    sources = _current_texts(proposal)
    confirmed: dict[int, list[tuple[int, int, str]]] = {}
    for text_id, start, end, kind in MaskingSpan.objects.filter(
        text__proposal=proposal, status=MaskingSpan.Status.CONFIRMED
    ).values_list("text_id", "start", "end", "kind"):
        confirmed.setdefault(text_id, []).append((start, end, kind))
    return {
        row.key: MaskedPart(
            key=row.key,
            part=row.part,
            text=masked_text(sources[row.key], confirmed.get(row.pk, [])),
            question_id=row.question_id,
            file_id=row.file_id,
            page=row.page,
            cut=row.checked_chars < row.length,
        )
        for row in proposal.texts.all()
    }


def decisions_digest(proposal: MaskingProposal) -> str:
    """A digest of every text and every confirmed span: the masked copy is out of date when it changes."""
    rows = [f"{key}:{sha}" for key, sha in proposal.texts.order_by("key").values_list("key", "sha256")]
    rows += [
        f"{key}[{start}:{end}]{kind}"
        for key, start, end, kind in MaskingSpan.objects.filter(
            text__proposal=proposal, status=MaskingSpan.Status.CONFIRMED
        )
        .order_by("text__key", "start", "end")
        .values_list("text__key", "start", "end", "kind")
    ]
    return _sha256("\n".join(rows))


def pending_count(proposal: MaskingProposal) -> int:
    return MaskingSpan.objects.filter(text__proposal=proposal, status=MaskingSpan.Status.PROPOSED).count()


def _budget(parts: Sequence[MaskedPart]) -> tuple[dict[str, str], bool]:
    budget = PDF_MAX_CHARS
    out: dict[str, str] = {}
    cut = False
    for part in parts:
        text = part.text
        if len(text) > budget:
            text, cut = text[: max(budget, 0)], True
        budget -= len(text)
        out[part.key] = text
    return out, cut


def masked_pdf_context(proposal: MaskingProposal) -> dict[str, Any]:
    submission = proposal.submission
    content = submission.content or {}
    parts = masked_parts(proposal)
    texts, text_cut = _budget(list(parts.values()))
    organisation = content.get("organisation") or {}
    answers = []
    for answer in content.get("answers", []):
        key = f"answer:{answer.get('question_id')}"
        answers.append(
            {
                "question": answer.get("question") or "",
                "stance": answer.get("stance") or "",
                "text": texts.get(key, ""),
            }
        )
    files = []
    file_states = dict(
        StoredFile.objects.filter(pk__in=[e["file_id"] for e in _attachment_entries(submission)]).values_list(
            "pk", "text_state"
        )
    )
    for entry in _attachment_entries(submission):
        file_id = entry["file_id"]
        pages = [
            {"number": part.page, "text": texts.get(part.key, "")}
            for part in parts.values()
            if part.file_id == file_id and part.part == MaskingText.Part.PAGE
        ]
        files.append(
            {
                "name": texts.get(f"file:{file_id}:name", ""),
                "pages": pages,
                "unreadable": file_states.get(file_id)
                in (StoredFile.TextState.NO_TEXT, StoredFile.TextState.FAILED, StoredFile.TextState.PENDING),
                "partial": file_states.get(file_id) == StoredFile.TextState.PARTIAL,
            }
        )
    from samrad.consultations.models import Stance

    for answer in answers:
        answer["stance"] = str(Stance(answer["stance"]).label) if answer["stance"] in Stance.values else ""
    return {
        "submission": submission,
        "consultation": content.get("consultation") or {},
        "respondent": organisation.get("name") or texts.get("respondent", ""),
        "their_reference": texts.get("their_reference", ""),
        "decided_by": texts.get("decided_by", ""),
        "submitted_at": timezone.localtime(submission.received_at or submission.submitted_at),
        "answers": answers,
        "files": files,
        "text_cut": text_cut,
        "signatories": [s for s in content.get("signatories", []) if s.get("confirmed_at")],
    }


def masked_pdf_render(proposal: MaskingProposal) -> bytes:
    from samrad.documents.pdf import render_pdf

    with translation.override(settings.LANGUAGE_CODE):
        title = _("Consultation answer %(receipt)s (masked)") % {"receipt": proposal.submission.receipt_number}
        context = masked_pdf_context(proposal)
    return render_pdf(PDF_TEMPLATE, context, title=title, language=settings.LANGUAGE_CODE)


def masked_pdf_file_name(proposal: MaskingProposal) -> str:
    return f"remissvar-{proposal.submission.receipt_number}-maskerat.pdf"


def masked_pdf_build(*, actor: Actor, proposal: MaskingProposal) -> StoredFile:
    """The masked answer as a new PDF/A document, stored as a file of its own (the one rendered before is kept
    while the decisions are unchanged, and replaced when they change). Every span must be decided. Audited."""
    from samrad.documents.services import file_intake

    _require_coordinator(actor, proposal.consultation)
    with transaction.atomic():
        proposal = _proposal_locked(proposal)
        pending = pending_count(proposal)
        if pending:
            raise ValidationError(
                _("%(count)d proposals are not decided yet: confirm or reject each first.") % {"count": pending}
            )
        try:
            digest = decisions_digest(proposal)
            if proposal.masked_pdf_id and proposal.masked_pdf_digest == digest:
                return StoredFile.objects.get(pk=proposal.masked_pdf_id)
            pdf = masked_pdf_render(proposal)
        except TextChanged:
            raise ValidationError(
                _("The answer's text has changed since it was checked. Check the answers again first.")
            ) from None
        stored = file_intake(
            actor=actor,
            stream=io.BytesIO(pdf),
            name=masked_pdf_file_name(proposal),
            allowed_kinds=("pdf",),
            max_bytes=max(len(pdf), settings.UPLOAD_MAX_BYTES),
        )
        old = proposal.masked_pdf
        proposal.masked_pdf = stored
        proposal.masked_pdf_digest = digest
        proposal.save(update_fields=["masked_pdf", "masked_pdf_digest"])
        audit_record(
            actor=actor,
            action="masking.pdf_rendered",
            target=proposal,
            changes={"file": stored.pk, "sha256": stored.sha256, "replaces": old.pk if old else None},
        )
        if old is not None:
            # An earlier masked copy with fewer masks is no copy to keep: its file goes once this commits.
            storage, old_name = old.file.storage, old.file.name
            old.delete()
            if old_name:
                transaction.on_commit(lambda: storage.delete(old_name))
    return stored
