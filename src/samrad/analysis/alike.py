"""Who answered alike, in a consultation: queueing, running and reading a `SimilarityRun`.

- `similarity_request` queues a run (a coordinator's button, or a new answer through
  `similarity_rerun_after_answer`). At most one run waits per consultation (a constraint): asking again while one
  waits returns that one, so a burst of answers queues one re-run, not one per answer. Audited.
- `similarity_build` computes the result (`samrad.analysis.similarity`): reads every current answer's text and
  cuts it into passages, decides once how to make vectors of them (`vectors.method_for`, recorded on the run),
  groups, and stores the result. With sentence embeddings (while few passages are new to the cache) it embeds
  chunk by chunk, saving its progress after each; given a deadline it stops when it passes and puts the run back
  in the queue: the next task goes on where it stopped with the same method (the embeddings done are kept), so
  no single job runs longer than the task queue allows. With lemma vectors (too many new passages) each answer is
  one document and all are done in one step. Audited when done.
- `similarity_page` is the page's read: a fixed number of queries whatever the number of answers.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.analysis import embeddings, similarity, vectors
from samrad.analysis.models import SimilarityRun
from samrad.analysis.services import READ_MAX_CHARS, _attachment_texts
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Consultation, Question, Submission, SubmissionStance
from samrad.consultations.selectors_reading import current_submissions

logger = logging.getLogger(__name__)

# Answers embedded between two saves of the progress (and two looks at the deadline).
CHUNK = 16
# A new answer queues a re-run this long after it (where the queue can defer), so that a burst shares one run.
RERUN_DELAY = dt.timedelta(minutes=2)
# Each member list on the page shows at most this many answers (the rest are counted).
MEMBERS_SHOWN = 100


def _stale_after() -> dt.timedelta:
    """A run still "running" with no progress saved for this long lost its worker (killed, restarted)."""
    return dt.timedelta(seconds=2 * settings.TASK_TIME_LIMIT)


def _check(actor: Actor, consultation: Consultation) -> None:
    if actor != "system" and not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def _enqueue(run_id: int, *, delay: dt.timedelta | None = None) -> None:
    from samrad.analysis.tasks import similarity_build as build_task

    backend = build_task.get_backend()
    if delay and backend.supports_defer:
        build_task.using(run_after=timezone.now() + delay).enqueue(run_id)
    else:
        build_task.enqueue(run_id)


def similarity_request(
    *, actor: Actor, consultation: Consultation, delay: dt.timedelta | None = None, now: dt.datetime | None = None
) -> SimilarityRun:
    """Queue a run for the consultation, or return the one already waiting. A coordinator of the consultation, or
    the system (a new answer). A run left "running" by a lost worker is marked failed first."""
    _check(actor, consultation)
    now = now or timezone.now()
    with transaction.atomic():
        SimilarityRun.objects.filter(
            consultation=consultation, status=SimilarityRun.Status.RUNNING, heartbeat_at__lt=now - _stale_after()
        ).update(
            status=SimilarityRun.Status.FAILED,
            finished_at=now,
            error="The run stopped without finishing (its worker was lost).",
        )
        waiting = SimilarityRun.objects.filter(consultation=consultation, status=SimilarityRun.Status.QUEUED).first()
        if waiting is not None:
            return waiting
        try:
            with transaction.atomic():
                run = SimilarityRun.objects.create(
                    consultation=consultation,
                    requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                    requested_at=now,
                )
        except IntegrityError:  # queued meanwhile by another request
            return SimilarityRun.objects.get(consultation=consultation, status=SimilarityRun.Status.QUEUED)
        audit_record(
            actor=actor,
            action="consultation.similarity_requested",
            target=consultation,
            changes={"run": run.pk, "by_new_answer": run.requested_by_id is None},
        )
        transaction.on_commit(lambda: _enqueue(run.pk, delay=delay))
    return run


def similarity_rerun_after_answer(consultation_id: int) -> SimilarityRun | None:
    """A new answer arrived: queue a re-run if the consultation's answers were ever compared (nobody asked for it
    otherwise, and embedding is slow), deferred by RERUN_DELAY; at most one run waits (see `similarity_request`).
    Called after the submission's transaction commits."""
    consultation = Consultation.objects.filter(pk=consultation_id, similarity_runs__isnull=False).distinct().first()
    if consultation is None:
        return None
    return similarity_request(actor="system", consultation=consultation, delay=RERUN_DELAY)


def similarity_rerun_on_commit(consultation_id: int) -> None:
    """For the consultations app: queue the re-run check once the caller's transaction commits. Robust: a failure
    here is logged and never fails the submission that has already been committed."""
    transaction.on_commit(lambda: similarity_rerun_after_answer(consultation_id), robust=True)


def similarity_page_status(consultation: Consultation) -> SimilarityPage:
    """Only the newest run's state (the polled fragment): one query."""
    latest = SimilarityRun.objects.filter(consultation=consultation).defer("result").first()
    return SimilarityPage(latest, None, False, None, [], 0, 0, 0, None)


# --- Computing ------------------------------------------------------------------------------------------------


@dataclass
class _Answers:
    ids: list[int] = field(default_factory=list)  # submissions with text, by id
    texts: list[str] = field(default_factory=list)
    stances: list[list[tuple[int, str]]] = field(default_factory=list)
    without_text: int = 0
    newest: int | None = None


def _answers(consultation: Consultation) -> _Answers:
    """Every current answer's text to all questions (where it has none, its attachments' text) and its current
    stances, in submission id order. Four queries."""
    rows = sorted(current_submissions(consultation).values_list("pk", "content"))
    out = _Answers(newest=Submission.objects.filter(response__consultation=consultation).aggregate(m=Max("pk"))["m"])
    own: dict[int, str] = {}
    for pk, content in rows:
        parts = [str(item.get("text") or "") for item in (content or {}).get("answers", [])]
        own[pk] = "\n\n".join(part for part in parts if part.strip())
    attachments = _attachment_texts([pk for pk, text in own.items() if not text.strip()])
    stances: dict[int, list[tuple[int, str]]] = {}
    for submission_id, question_id, stance in SubmissionStance.objects.filter(
        submission__in=list(own), is_current=True
    ).values_list("submission_id", "question_id", "stance"):
        stances.setdefault(submission_id, []).append((question_id, stance))
    for pk, _content in rows:
        text = (own[pk] if own[pk].strip() else attachments.get(pk, ""))[:READ_MAX_CHARS]
        if not text.strip():
            out.without_text += 1
            continue
        out.ids.append(pk)
        out.texts.append(text)
        out.stances.append(sorted(stances.get(pk, [])))
    return out


def _save_progress(run: SimilarityRun, **fields: Any) -> None:
    fields["heartbeat_at"] = timezone.now()
    SimilarityRun.objects.filter(pk=run.pk).update(**fields)
    for name, value in fields.items():
        setattr(run, name, value)


def _result(answers: _Answers, matrix: np.ndarray, weight: float, method: str) -> dict[str, Any]:
    keys = sorted({pair for pairs in answers.stances for pair in pairs})
    combined = similarity.with_stances(matrix, similarity.stance_vectors(answers.stances, keys), weight)
    near = similarity.neighbours(combined)
    threshold = similarity.DISTANCE_THRESHOLDS[method]
    groups = [
        similarity.by_centrality(combined, members) for members in similarity.groups_of(combined, near, threshold)
    ]  # most central member first
    grouped = {member for members in groups for member in members}
    singles = [index for index in range(len(answers.ids)) if index not in grouped]
    shown = similarity.picture_of(groups, singles)
    group_of = {member: number for number, members in enumerate(groups) for member in members}
    ids = answers.ids
    return {
        "answers": len(ids),
        "without_text": answers.without_text,
        "method": method,
        "threshold": threshold,
        "stance_weight": weight,
        "groups": [
            {
                "members": [ids[m] for m in members],
                "mean": round(similarity.mean_similarity(combined, members), 3),
                "shared": [list(pair) for pair in similarity.shared_stances(answers.stances, members)],
            }
            for members in groups
        ],
        "nearest": {
            str(ids[i]): [ids[int(near.indices[i, 0])], round(float(near.similarities[i, 0]), 3)]
            for i in range(len(ids))
            if near.indices.shape[1]
        },
        "picture": {
            "members": [ids[m] for m in shown],
            "groups": [group_of.get(m) for m in shown],
            "matrix": similarity.similarity_matrix(combined, shown),
        },
    }


def similarity_build(
    *,
    actor: Actor,
    consultation: Consultation,
    run: SimilarityRun | None = None,
    deadline: float | None = None,
    weight: float = similarity.STANCE_WEIGHT,
) -> SimilarityRun:
    """Compute who answered alike (see the module). Without `run`, a new run is made and computed here. With a
    queued `run` (the task), it is claimed first: a run another worker claimed, or one already done, is returned
    as it is. `deadline` (a `time.monotonic()` value): once passed, the run goes back to the queue after the chunk
    in hand, its status "queued" (the task queues it again), or "failed" when a newer run waits already."""
    _check(actor, consultation)
    now = timezone.now()
    if run is None:
        run = SimilarityRun.objects.create(
            consultation=consultation,
            status=SimilarityRun.Status.RUNNING,
            requested_by=actor if getattr(actor, "is_authenticated", False) else None,
            requested_at=now,
            started_at=now,
            heartbeat_at=now,
        )
    else:
        claimed = SimilarityRun.objects.filter(
            pk=run.pk, consultation=consultation, status=SimilarityRun.Status.QUEUED
        ).update(status=SimilarityRun.Status.RUNNING, started_at=run.started_at or now, heartbeat_at=now)
        run.refresh_from_db()
        if not claimed:
            return run
    try:
        return _build(actor, consultation, run, deadline, weight)
    except Exception as error:
        logger.exception("Similarity run %s failed", run.pk)
        _save_progress(run, status=SimilarityRun.Status.FAILED, finished_at=timezone.now(), error=repr(error)[:2000])
        raise


def _build(
    actor: Actor, consultation: Consultation, run: SimilarityRun, deadline: float | None, weight: float
) -> SimilarityRun:
    answers = _answers(consultation)
    pieces = [similarity.passages(text) for text in answers.texts]
    fields: dict[str, Any] = {"total": len(answers.ids)}
    if not run.method:  # decided once: a run back from the queue goes on the way it started
        fields["method"] = vectors.method_for([passage for passages in pieces for passage in passages])
    _save_progress(run, **fields)
    if run.method == vectors.LEMMAS:
        # One document per answer (its passages, as the embeddings read them): one step, seconds.
        matrix = vectors.lemma_vectors([" ".join(passages) for passages in pieces])
        _save_progress(run, done=len(pieces))
    else:
        matrix = np.zeros((len(answers.ids), embeddings.DIMENSIONS), dtype=np.float32)
        for start in range(0, len(pieces), CHUNK):
            chunk = pieces[start : start + CHUNK]
            texts = [passage for passages in chunk for passage in passages]
            owners = [index for index, passages in enumerate(chunk) for _passage in passages]
            matrix[start : start + len(chunk)] = similarity.answer_vectors(embeddings.embed(texts), owners, len(chunk))
            done = start + len(chunk)
            _save_progress(run, done=done)
            if deadline is not None and time.monotonic() > deadline and done < len(pieces):
                return _requeue(run)
    result = _result(answers, matrix, weight, run.method)
    with transaction.atomic():
        _save_progress(
            run,
            status=SimilarityRun.Status.DONE,
            finished_at=timezone.now(),
            result=result,
            last_submission_id=answers.newest,
            error="",
        )
        audit_record(
            actor=actor,
            action="consultation.similarity_built",
            target=consultation,
            changes={
                "run": run.pk,
                "method": run.method,
                "answers": result["answers"],
                "without_text": result["without_text"],
                "groups": [len(group["members"]) for group in result["groups"]],
            },
        )
    return run


def _requeue(run: SimilarityRun) -> SimilarityRun:
    try:
        with transaction.atomic():
            _save_progress(run, status=SimilarityRun.Status.QUEUED)
    except IntegrityError:  # a newer run waits already: it goes on from the embeddings this one kept
        _save_progress(
            run,
            status=SimilarityRun.Status.FAILED,
            finished_at=timezone.now(),
            error="Handed over to a newer run, which goes on from here.",
        )
    return run


# --- Reading (the page) ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRef:
    submission_id: int
    receipt_number: str
    name: str


@dataclass(frozen=True)
class Member:
    answer: AnswerRef
    nearest: AnswerRef | None
    nearest_similarity: float | None


@dataclass(frozen=True)
class SharedStance:
    number: int  # the question's position among all questions, from 1
    stance: str
    label: str


@dataclass(frozen=True)
class Group:
    number: int  # from 1
    size: int
    mean: float
    shared: list[SharedStance]
    members: list[Member]  # at most MEMBERS_SHOWN, most central first

    @property
    def hidden(self) -> int:
        return self.size - len(self.members)


@dataclass(frozen=True)
class PictureCell:
    x: int
    y: int
    similarity: float
    step: int  # 0 (least alike) … 4 (most alike)
    row: AnswerRef
    column: AnswerRef


@dataclass(frozen=True)
class PictureRow:
    index: int
    answer: AnswerRef
    group: int | None  # group number from 1, None: in no group
    cells: list[PictureCell]


@dataclass(frozen=True)
class PictureBlock:
    group: int
    start: int
    size: int


@dataclass(frozen=True)
class Picture:
    rows: list[PictureRow]
    blocks: list[PictureBlock]
    grouped: int  # answers of groups in the picture
    total_grouped: int  # answers in groups overall
    size: int
    steps: tuple[float, ...]  # the lower bounds of the similarity steps (the run's method's)


@dataclass(frozen=True)
class SimilarityPage:
    latest: SimilarityRun | None  # the newest run, whatever its state (without its result)
    result_run: SimilarityRun | None  # the newest finished run
    stale: bool  # a newer answer than the result has read exists
    newest_submission_id: int | None
    groups: list[Group]
    answers: int
    without_text: int
    in_groups: int
    picture: Picture | None

    @property
    def in_progress(self) -> bool:
        return self.latest is not None and self.latest.status in (
            SimilarityRun.Status.QUEUED,
            SimilarityRun.Status.RUNNING,
        )


# Similarity steps of the picture: the lower bound of each step, per method. Step 3 and up are marked with a dot:
# as alike as a group (see similarity.DISTANCE_THRESHOLDS). e5's similarities sit in a narrow band; lemma vectors'
# spread from 0 to 1.
STEPS = {
    vectors.EMBEDDINGS: (0.0, 0.85, 0.88, 0.92, 0.96),
    vectors.LEMMAS: (0.0, 0.4, 0.6, 0.75, 0.9),
}


def steps_of(method: str) -> tuple[float, ...]:
    return STEPS.get(method, STEPS[vectors.EMBEDDINGS])


def step_of(value: float, steps: tuple[float, ...] = STEPS[vectors.EMBEDDINGS]) -> int:
    return max(i for i, bound in enumerate(steps) if value >= bound) if value >= steps[0] else 0


def _refs(ids: set[int]) -> dict[int, AnswerRef]:
    rows = (
        Submission.objects.filter(pk__in=ids)
        .select_related("response__organisation")
        .only("pk", "receipt_number", "response__respondent_name", "response__organisation__name")
    )
    return {
        row.pk: AnswerRef(
            row.pk,
            row.receipt_number,
            (row.response.organisation.name if row.response.organisation else row.response.respondent_name) or "",
        )
        for row in rows
    }


def similarity_page(consultation: Consultation) -> SimilarityPage:
    """What the page shows: the newest run's state, the newest result (groups, members with their nearest other
    answer, shared stances, the picture) and whether newer answers exist. Five queries whatever the number of
    answers."""
    latest = SimilarityRun.objects.filter(consultation=consultation).defer("result").first()
    result_run = SimilarityRun.objects.filter(consultation=consultation, status=SimilarityRun.Status.DONE).first()
    newest = Submission.objects.filter(response__consultation=consultation).aggregate(m=Max("pk"))["m"]
    if result_run is None or not result_run.result:
        return SimilarityPage(latest, None, False, newest, [], 0, 0, 0, None)
    result = result_run.result
    numbers = {
        pk: n
        for n, pk in enumerate(
            Question.objects.filter(consultation=consultation).order_by("order", "id").values_list("pk", flat=True),
            start=1,
        )
    }
    nearest: dict[str, list[Any]] = result.get("nearest", {})
    shown_ids: set[int] = set()
    for group in result["groups"]:
        for member in group["members"][:MEMBERS_SHOWN]:
            shown_ids.add(member)
            if str(member) in nearest:
                shown_ids.add(nearest[str(member)][0])
    picture_ids = result["picture"]["members"]
    shown_ids.update(picture_ids)
    refs = _refs(shown_ids)
    missing = AnswerRef(0, "", "")
    labels = dict(SubmissionStance._meta.get_field("stance").flatchoices)

    groups = []
    for number, group in enumerate(result["groups"], start=1):
        members = []
        for member in group["members"][:MEMBERS_SHOWN]:
            near = nearest.get(str(member))
            members.append(
                Member(
                    refs.get(member, missing),
                    refs.get(near[0], missing) if near else None,
                    near[1] if near else None,
                )
            )
        shared = [
            SharedStance(numbers.get(question, 0), stance, str(labels.get(stance, stance)))
            for question, stance in group["shared"]
            if question in numbers
        ]
        groups.append(Group(number, len(group["members"]), group["mean"], shared, members))

    picture = None
    if picture_ids:
        steps = steps_of(result_run.method)
        matrix = result["picture"]["matrix"]
        group_numbers = [None if g is None else g + 1 for g in result["picture"]["groups"]]
        answers_shown = [refs.get(pk, missing) for pk in picture_ids]
        rows = [
            PictureRow(
                i,
                answers_shown[i],
                group_numbers[i],
                [
                    PictureCell(j, i, value, step_of(value, steps), answers_shown[i], answers_shown[j])
                    for j, value in enumerate(matrix[i])
                ],
            )
            for i in range(len(picture_ids))
        ]
        blocks: list[PictureBlock] = []
        for i, group_number in enumerate(group_numbers):
            if group_number is None:
                continue
            if blocks and blocks[-1].group == group_number:
                last = blocks[-1]
                blocks[-1] = PictureBlock(group_number, last.start, last.size + 1)
            else:
                blocks.append(PictureBlock(group_number, i, 1))
        picture = Picture(
            rows=rows,
            blocks=blocks,
            grouped=sum(1 for g in group_numbers if g is not None),
            total_grouped=sum(len(g["members"]) for g in result["groups"]),
            size=len(picture_ids),
            steps=steps,
        )
    in_groups = sum(len(g["members"]) for g in result["groups"])
    stale = newest is not None and (result_run.last_submission_id or 0) < newest
    return SimilarityPage(
        latest, result_run, stale, newest, groups, result["answers"], result["without_text"], in_groups, picture
    )
