"""Themes of a consultation's answers: building them in the background, and a coordinator's review.

- `themes_run_start`: a coordinator asks for themes; a `ThemeRun` is queued and the task `tasks.themes_build`
  runs `themes_build` (one run at a time per consultation: asking again while one is queued or running returns it).
- `themes_build`: per stance question, every current answer's text to the question (where it has none, its
  attachments' extracted text, page by page) is cut into passages and each distinct passage made a vector, by the
  method decided once for the run over all its distinct passages and recorded on it (`vectors.method_for`):
  sentence embeddings while few are new to the cache (the progress saved after every batch), else lemma vectors
  in one step; then clustered (`themes.themes_of`). At most MAX_PASSAGES per question
  (the rest are counted in `left_out`), and at most TIME_LIMIT seconds (then the run fails, saying so).
- A re-run keeps what a person decided in the previous finished run: every theme a coordinator shaped (renamed,
  merged into, split off, moved a quote into: `kept_by_person`) comes back with its label and every passage it
  held that still exists; a new cluster whose older passages mostly lay in such a theme gives its new passages
  to it; passages a person placed stay placed.
- The review (`theme_rename`, `themes_merge`, `theme_split`, `quote_move`, `themes_sign_off`): only on the latest
  finished run, only by the consultation's coordinators, each audited. A change after sign-off withdraws it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.analysis import embeddings, themes, vectors
from samrad.analysis.models import Theme, ThemeQuote, ThemeRun
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Consultation, Question, Submission, SubmissionStance
from samrad.consultations.selectors_reading import current_submissions
from samrad.documents.models import DocumentPage

MAX_PASSAGES = 5000  # per question
TIME_LIMIT = 3600  # seconds per run
EMBED_BATCH = embeddings.BATCH
# A run that has said nothing for this long is taken as dead (its worker stopped): a new one may start.
STALE_AFTER = dt.timedelta(hours=2)
LABEL_MAX = 200


class RunTooLong(Exception):
    pass


def _require_coordinator(actor: Actor, consultation: Consultation) -> None:
    if actor != "system" and not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def latest_run(consultation: Consultation) -> ThemeRun | None:
    return ThemeRun.objects.filter(consultation=consultation).order_by("-created_at", "-id").first()


def latest_done_run(consultation: Consultation, *, before: ThemeRun | None = None) -> ThemeRun | None:
    runs = ThemeRun.objects.filter(consultation=consultation, status=ThemeRun.Status.DONE)
    if before is not None:
        runs = runs.exclude(pk=before.pk)
    return runs.order_by("-finished_at", "-id").first()


# --- building ------------------------------------------------------------------------------------------------


def themes_run_start(*, actor: Actor, consultation: Consultation, now: dt.datetime | None = None) -> ThemeRun:
    """Queue a run of the theme pipeline (or return the one queued or running). Audited."""
    from samrad.analysis.tasks import themes_build as themes_build_task

    _require_coordinator(actor, consultation)
    now = now or timezone.now()
    with transaction.atomic():
        Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
        active = (
            ThemeRun.objects.filter(
                consultation=consultation,
                status__in=[ThemeRun.Status.QUEUED, ThemeRun.Status.RUNNING],
                created_at__gte=now - STALE_AFTER,
            )
            .order_by("-created_at")
            .first()
        )
        if active is not None:
            return active
        run = ThemeRun.objects.create(
            consultation=consultation, started_by=actor if getattr(actor, "pk", None) else None
        )
        audit_record(actor=actor, action="consultation.themes_started", target=consultation, changes={"run": run.pk})
        transaction.on_commit(lambda: themes_build_task.enqueue(run.pk))
    return run


def _attachment_pages(submission_ids: Sequence[int]) -> dict[int, list[tuple[int, str]]]:
    """Each submission's attachments' extracted text as (page number, text), in file and page order."""
    through = Submission.attachments.through
    files_of: dict[int, list[int]] = defaultdict(list)
    for submission_id, file_id in (
        through.objects.filter(submission_id__in=submission_ids)
        .order_by("submission_id", "storedfile_id")
        .values_list("submission_id", "storedfile_id")
    ):
        files_of[submission_id].append(file_id)
    pages: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for file_id, number, text in (
        DocumentPage.objects.filter(file_id__in={f for files in files_of.values() for f in files})
        .order_by("file_id", "number")
        .values_list("file_id", "number", "text")
    ):
        pages[file_id].append((number, text))
    return {sid: [page for f in files for page in pages.get(f, [])] for sid, files in files_of.items()}


def answer_texts(consultation: Consultation, questions: Sequence[Question]) -> dict[int, list[themes.AnswerText]]:
    """Per stance question, what every current answer said to it (its own text, else its attachments' pages),
    with its effective stance."""
    submissions = list(current_submissions(consultation).select_related("response"))
    ids = [s.pk for s in submissions]
    stance_of = {
        (sid, qid): stance
        for sid, qid, stance in SubmissionStance.objects.filter(
            submission_id__in=ids, question__in=questions, is_current=True
        ).values_list("submission_id", "question_id", "stance")
    }
    attachments = _attachment_pages(ids)
    out: dict[int, list[themes.AnswerText]] = {q.pk: [] for q in questions}
    for submission in submissions:
        response = submission.response
        organisation = response.organisation
        name = organisation.name if organisation is not None else (response.respondent_name or "")
        own = {
            item.get("question_id"): str(item.get("text") or "")
            for item in (submission.content or {}).get("answers", [])
        }
        for question in questions:
            text = own.get(question.pk, "")
            pages: tuple[tuple[int | None, str], ...]
            if text.strip():
                pages = ((None, text),)
            else:
                pages = tuple((number, page) for number, page in attachments.get(submission.pk, []) if page.strip())
            if not pages:
                continue
            out[question.pk].append(
                themes.AnswerText(
                    submission_id=submission.pk,
                    receipt_number=submission.receipt_number,
                    respondent=name,
                    organisation_id=response.organisation_id,
                    stance=stance_of.get((submission.pk, question.pk), themes.NO_STANCE),
                    pages=pages,
                )
            )
    return out


def _vectors_with_progress(run: ThemeRun, texts: list[str], deadline: float) -> tuple[str, dict[str, np.ndarray]]:
    """Each distinct text's vector, by the method decided here once for the run (`vectors.method_for`, recorded on
    the run): embeddings batch by batch with the progress saved after each, or lemma vectors in one step."""
    distinct = sorted(set(texts))
    method = vectors.method_for(distinct)
    ThemeRun.objects.filter(pk=run.pk).update(total=len(distinct), done=0, method=method)
    if method == vectors.LEMMAS:
        if time.monotonic() > deadline:
            raise RunTooLong
        matrix = vectors.lemma_vectors(distinct)
        ThemeRun.objects.filter(pk=run.pk).update(done=len(distinct))
        return method, dict(zip(distinct, matrix, strict=True))
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(distinct), EMBED_BATCH):
        if time.monotonic() > deadline:
            raise RunTooLong
        batch = distinct[start : start + EMBED_BATCH]
        for text, vector in zip(batch, embeddings.embed(batch), strict=True):
            out[text] = vector
        ThemeRun.objects.filter(pk=run.pk).update(done=start + len(batch))
    return method, out


def themes_build(*, run_id: int, time_limit: float = TIME_LIMIT, max_passages: int = MAX_PASSAGES) -> ThemeRun | None:
    """Build the themes of a queued run (the background task). Does nothing to a run that is not queued, so
    running it twice is harmless."""
    now = timezone.now()
    waiting = ThemeRun.objects.filter(pk=run_id, status=ThemeRun.Status.QUEUED).values("consultation_id").first()
    if waiting is not None and (
        ThemeRun.objects.filter(
            consultation_id=waiting["consultation_id"],
            status=ThemeRun.Status.RUNNING,
            started_at__gte=now - STALE_AFTER,
        )
        .exclude(pk=run_id)
        .exists()
    ):
        # Another run of the consultation is being built: this one waits (still queued; the task tries again
        # later), so that it starts from the other's result and what a person decided meanwhile.
        return ThemeRun.objects.select_related("consultation").get(pk=run_id)
    claimed = ThemeRun.objects.filter(pk=run_id, status=ThemeRun.Status.QUEUED).update(
        status=ThemeRun.Status.RUNNING, started_at=now
    )
    run = ThemeRun.objects.select_related("consultation").filter(pk=run_id).first()
    if not claimed or run is None:
        return run
    deadline = time.monotonic() + time_limit
    try:
        result = _build(run, deadline, max_passages)
    except RunTooLong:
        with translation.override(settings.LANGUAGE_CODE):  # stored: in the site's language, whoever reads it
            message = _("The run took longer than %(seconds)d seconds and was stopped.") % {"seconds": time_limit}
        _fail(run, message)
        return ThemeRun.objects.get(pk=run.pk)
    except Exception as error:  # the run must say it failed, whatever went wrong
        _fail(run, f"{type(error).__name__}: {error}")
        raise
    return result


def _fail(run: ThemeRun, message: str) -> None:
    with transaction.atomic():
        ThemeRun.objects.filter(pk=run.pk).update(
            status=ThemeRun.Status.FAILED, finished_at=timezone.now(), error=message
        )
        audit_record(
            actor="system", action="consultation.themes_failed", target=run.consultation, changes={"run": run.pk}
        )


def _build(run: ThemeRun, deadline: float, max_passages: int) -> ThemeRun:
    consultation = run.consultation
    questions = list(
        Question.objects.filter(consultation=consultation, kind=Question.Kind.STANCE).order_by("order", "id")
    )
    texts = answer_texts(consultation, questions)
    passages: dict[int, list[themes.Passage]] = {}
    left_out = 0
    for question in questions:
        found = [p for answer in texts[question.pk] for p in themes.passages_of(answer)]
        left_out += max(0, len(found) - max_passages)
        passages[question.pk] = themes.spread(found, max_passages)
    ThemeRun.objects.filter(pk=run.pk).update(left_out=left_out)
    method, vector_of = _vectors_with_progress(run, [p.text for found in passages.values() for p in found], deadline)
    previous = latest_done_run(consultation, before=run)
    kept = _kept_from(previous)
    made: list[tuple[Theme, list[themes.Member]]] = []
    for question in questions:
        found = passages[question.pk]
        if not found:
            continue
        matrix = np.vstack([vector_of[p.text] for p in found])
        drafts = themes.themes_of(found, matrix)
        centred = themes.centred_by_digest(found, matrix)
        made.extend(_with_decisions(run, question, found, drafts, centred, kept.get(question.pk, []), previous))
    with transaction.atomic():
        _store(made)
        ThemeRun.objects.filter(pk=run.pk).update(status=ThemeRun.Status.DONE, finished_at=timezone.now())
        # Older runs are dropped (the audit log keeps what happened): this run and the one it took decisions from.
        ThemeRun.objects.filter(
            consultation=consultation, status__in=[ThemeRun.Status.DONE, ThemeRun.Status.FAILED]
        ).exclude(pk__in=[run.pk] + ([previous.pk] if previous else [])).delete()
        audit_record(
            actor="system",
            action="consultation.themes_built",
            target=consultation,
            changes={
                "run": run.pk,
                "themes": len(made),
                "passages": sum(len(p) for p in passages.values()),
                "left_out": left_out,
                "method": method,
                "kept_from_run": previous.pk if previous else None,
            },
        )
    return ThemeRun.objects.get(pk=run.pk)


class _Kept:
    """A theme a person shaped in the previous run: its label and the keys of its passages."""

    def __init__(self, theme: Theme, keys: set[tuple[int, str]], placed: set[tuple[int, str]]) -> None:
        self.theme = theme
        self.keys = keys
        self.placed = placed


def _kept_from(previous: ThemeRun | None) -> dict[int, list[_Kept]]:
    if previous is None:
        return {}
    themes_kept = {t.pk: t for t in Theme.objects.filter(run=previous, kept_by_person=True).order_by("order", "id")}
    keys: dict[int, set[tuple[int, str]]] = defaultdict(set)
    placed: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for theme_id, submission_id, digest, by_person in ThemeQuote.objects.filter(theme_id__in=themes_kept).values_list(
        "theme_id", "submission_id", "digest", "placed_by_person"
    ):
        keys[theme_id].add((submission_id, digest))
        if by_person:
            placed[theme_id].add((submission_id, digest))
    out: dict[int, list[_Kept]] = defaultdict(list)
    for pk, theme in themes_kept.items():
        out[theme.question_id].append(_Kept(theme, keys[pk], placed[pk]))
    return out


def _with_decisions(
    run: ThemeRun,
    question: Question,
    passages: list[themes.Passage],
    drafts: list[themes.ThemeDraft],
    centred: dict[str, np.ndarray],
    kept: list[_Kept],
    previous: ThemeRun | None,
) -> list[tuple[Theme, list[themes.Member]]]:
    """The run's themes for one question: the kept themes with their passages, then the new clusters with what
    remains (see the module)."""
    owner: dict[tuple[int, str], int] = {}
    for index, item in enumerate(kept):
        for key in item.keys:
            owner.setdefault(key, index)
    seen_before: set[tuple[int, str]] = set()
    if previous is not None and kept:
        seen_before = set(
            ThemeQuote.objects.filter(theme__run=previous, theme__question=question).values_list(
                "submission_id", "digest"
            )
        )
    kept_members: list[list[themes.Passage]] = [[] for _ in kept]
    draft_members: list[list[themes.Passage]] = []
    for draft in drafts:
        remaining: list[themes.Passage] = []
        votes: Counter[int] = Counter()
        old = 0
        for member in draft.members:
            key = member.passage.key
            if key in owner:
                kept_members[owner[key]].append(member.passage)
                votes[owner[key]] += 1
                old += 1
            else:
                if key in seen_before:
                    old += 1
                remaining.append(member.passage)
        winner = votes.most_common(1)[0] if votes else None
        if winner is not None and winner[1] * 2 > old:
            # The cluster is mostly a theme a person shaped: its new passages go there too.
            for passage in remaining:
                if passage.key not in seen_before:
                    kept_members[winner[0]].append(passage)
            remaining = [p for p in remaining if p.key in seen_before]
        draft_members.append(remaining)
    out: list[tuple[Theme, list[themes.Member], set[tuple[int, str]]]] = []
    for item, held in zip(kept, kept_members, strict=True):
        if held:
            theme = Theme(
                run=run,
                question=question,
                label=item.theme.label,
                terms=item.theme.terms,
                label_set_by_person=item.theme.label_set_by_person,
                kept_by_person=True,
            )
            out.append((theme, themes.members_of(held, centred), item.placed))
    for draft, remaining in zip(drafts, draft_members, strict=True):
        if not remaining:
            continue
        unchanged = len(remaining) == len(draft.members)
        theme = Theme(run=run, question=question, label=draft.label, terms=draft.terms)
        out.append((theme, draft.members if unchanged else themes.members_of(remaining, centred), set()))
    out.sort(key=lambda item: -len({m.passage.submission_id for m in item[1]}))
    result = []
    for order, (theme, scored, placed) in enumerate(out):
        theme.order = order
        theme._placed = placed  # type: ignore[attr-defined]
        result.append((theme, scored))
    return result


def _store(made: list[tuple[Theme, list[themes.Member]]]) -> None:
    Theme.objects.bulk_create([theme for theme, _ in made])
    quotes = []
    for theme, members in made:
        placed: set[tuple[int, str]] = getattr(theme, "_placed", set())
        for member in members:
            p = member.passage
            quotes.append(
                ThemeQuote(
                    theme=theme,
                    submission_id=p.submission_id,
                    organisation_id=p.organisation_id,
                    respondent=p.respondent[:300],
                    text=p.text,
                    digest=p.digest,
                    page=p.page,
                    stance=p.stance,
                    score=member.score,
                    is_representative=member.representative,
                    placed_by_person=p.key in placed,
                )
            )
    ThemeQuote.objects.bulk_create(quotes, batch_size=1000)


# --- review --------------------------------------------------------------------------------------------------


def _editable(actor: Actor, theme: Theme) -> ThemeRun:
    run = theme.run
    _require_coordinator(actor, run.consultation)
    if latest_done_run(run.consultation) != run:
        raise ValidationError(_("These themes have been replaced by a newer run."))
    return run


def _changed(actor: Actor, run: ThemeRun, action: str, target: Any, changes: dict[str, Any]) -> None:
    if run.signed_off_at is not None:
        ThemeRun.objects.filter(pk=run.pk).update(signed_off_at=None, signed_off_by=None)
        run.signed_off_at = None
        run.signed_off_by = None
        changes = {**changes, "sign_off_withdrawn": True}
    audit_record(actor=actor, action=action, target=target, changes=changes)


def _clean_label(label: str) -> str:
    label = " ".join(label.split())
    if not label:
        raise ValidationError(_("A theme needs a name."))
    if len(label) > LABEL_MAX:
        raise ValidationError(_("A theme's name can be at most %(count)d characters long.") % {"count": LABEL_MAX})
    return label


def theme_rename(*, actor: Actor, theme: Theme, label: str) -> Theme:
    with transaction.atomic():
        run = _editable(actor, theme)
        label = _clean_label(label)
        before = theme.label
        theme.label = label
        theme.label_set_by_person = True
        theme.kept_by_person = True
        theme.save(update_fields=["label", "label_set_by_person", "kept_by_person"])
        _changed(actor, run, "theme.renamed", theme, {"label": [before, label]})
    return theme


def themes_merge(*, actor: Actor, theme: Theme, into: Theme) -> Theme:
    """Move every passage of `theme` into `into` (same question, same run) and remove `theme`."""
    with transaction.atomic():
        run = _editable(actor, theme)
        if into.run_id != theme.run_id or into.question_id != theme.question_id or into.pk == theme.pk:
            raise ValidationError(_("Only two themes of the same question can be merged."))
        moved = ThemeQuote.objects.filter(theme=theme).update(theme=into)
        into.kept_by_person = True
        into.save(update_fields=["kept_by_person"])
        label = theme.label
        theme.delete()
        _changed(actor, run, "theme.merged", into, {"merged": label, "into": into.label, "quotes": moved})
    return into


def theme_split(*, actor: Actor, theme: Theme, quotes: Iterable[ThemeQuote], label: str) -> Theme:
    """Move the given quotes of `theme` into a new theme of the same question named `label`."""
    chosen = list(quotes)
    with transaction.atomic():
        run = _editable(actor, theme)
        label = _clean_label(label)
        if not chosen or any(q.theme_id != theme.pk for q in chosen):
            raise ValidationError(_("Choose quotes of this theme to split off."))
        if len(chosen) == ThemeQuote.objects.filter(theme=theme).count():
            raise ValidationError(_("Leave at least one quote in the theme, or rename it instead."))
        last = Theme.objects.filter(run=run, question_id=theme.question_id).order_by("-order").first()
        new = Theme.objects.create(
            run=run,
            question_id=theme.question_id,
            label=label,
            order=(last.order + 1) if last else 0,
            label_set_by_person=True,
            kept_by_person=True,
        )
        ThemeQuote.objects.filter(pk__in=[q.pk for q in chosen]).update(
            theme=new, placed_by_person=True, is_representative=True
        )
        _changed(
            actor,
            run,
            "theme.split",
            new,
            {"from": theme.label, "label": label, "quotes": [[q.submission.receipt_number, q.page] for q in chosen]},
        )
    return new


def quote_move(*, actor: Actor, quote: ThemeQuote, to: Theme) -> ThemeQuote:
    with transaction.atomic():
        source = quote.theme
        run = _editable(actor, source)
        if to.run_id != source.run_id or to.question_id != source.question_id or to.pk == source.pk:
            raise ValidationError(_("A quote can only move to another theme of the same question."))
        quote.theme = to
        quote.placed_by_person = True
        quote.is_representative = True
        quote.save(update_fields=["theme", "placed_by_person", "is_representative"])
        to.kept_by_person = True
        to.save(update_fields=["kept_by_person"])
        _changed(
            actor,
            run,
            "theme.quote_moved",
            quote,
            {"from": source.label, "to": to.label, "answer": quote.submission.receipt_number, "page": quote.page},
        )
    return quote


def themes_sign_off(*, actor: Actor, run: ThemeRun, now: dt.datetime | None = None) -> ThemeRun:
    """A coordinator signs the themes off as reviewed (until the next change)."""
    with transaction.atomic():
        _require_coordinator(actor, run.consultation)
        if latest_done_run(run.consultation) != run:
            raise ValidationError(_("These themes have been replaced by a newer run."))
        run.signed_off_at = now or timezone.now()
        run.signed_off_by = actor
        run.save(update_fields=["signed_off_at", "signed_off_by"])
        audit_record(
            actor=actor,
            action="consultation.themes_signed_off",
            target=run.consultation,
            changes={"run": run.pk, "themes": Theme.objects.filter(run=run).count()},
        )
    return run


# --- the review page -------------------------------------------------------------------------------------------


@dataclass
class ThemeView:
    theme: Theme
    counts: list[tuple[str, Any, int]]  # (stance, label, answers) in the stances' order
    answers: int
    passages: int
    quotes: list[ThemeQuote] = field(default_factory=list)

    @property
    def present(self) -> list[tuple[Any, int]]:
        """(stance label, answers) of the stances the theme holds."""
        return [(label, count) for _value, label, count in self.counts if count]


@dataclass
class QuestionThemes:
    question: Question
    number: int
    themes: list[ThemeView]


@dataclass
class ThemeReview:
    run: ThemeRun | None  # the latest finished run, shown
    latest: ThemeRun | None  # the latest run of any status (running, failed)
    questions: list[QuestionThemes]
    stances: list[tuple[str, Any]]


def theme_review(consultation: Consultation) -> ThemeReview:
    """What the review page shows: per stance question its themes with the answers per stance and the quotes
    shown (the representative ones and those a person placed). A fixed number of queries."""
    from samrad.analysis.distribution import STANCE_CHOICES

    latest = latest_run(consultation)
    run = latest if latest is not None and latest.status == ThemeRun.Status.DONE else latest_done_run(consultation)
    questions = list(consultation.questions.order_by("order", "id"))
    numbers = {q.pk: n for n, q in enumerate(questions, start=1)}
    stance_questions = [q for q in questions if q.kind == Question.Kind.STANCE]
    out = []
    if run is not None:
        found = list(Theme.objects.filter(run=run).order_by("question_id", "order", "id"))
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        passages: Counter[int] = Counter()
        answers: dict[int, set[int]] = defaultdict(set)
        for theme_id, stance, submission_id in (
            ThemeQuote.objects.filter(theme__run=run).order_by().values_list("theme_id", "stance", "submission_id")
        ):
            passages[theme_id] += 1
            if submission_id not in answers[theme_id]:
                answers[theme_id].add(submission_id)
                counts[theme_id][stance] = counts[theme_id].get(stance, 0) + 1
        views = {
            t.pk: ThemeView(
                theme=t,
                counts=[(value, label, counts[t.pk].get(value, 0)) for value, label in STANCE_CHOICES],
                answers=len(answers[t.pk]),
                passages=passages[t.pk],
            )
            for t in found
        }
        shown = (
            ThemeQuote.objects.filter(theme__run=run)
            .filter(models.Q(is_representative=True) | models.Q(placed_by_person=True))
            .select_related("submission")
            .order_by("theme_id", "-placed_by_person", "-score", "id")
        )
        for quote in shown:
            views[quote.theme_id].quotes.append(quote)
        for question in stance_questions:
            out.append(
                QuestionThemes(
                    question=question,
                    number=numbers[question.pk],
                    themes=[views[t.pk] for t in found if t.question_id == question.pk],
                )
            )
    return ThemeReview(run=run, latest=latest, questions=out, stances=list(STANCE_CHOICES))
