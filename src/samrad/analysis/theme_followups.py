"""Keeping a consultation's themes up to date when its answers change (the consultations app calls these):

- A new answer (or a new version of one) arrives after the themes were built: a new run is queued, deferred by
  RERUN_DELAY so that a batch of registered paper answers makes one run, and at most one run waits. The run keeps
  what a person decided (theme_services), and until a coordinator signs the new run off the compilation cannot be
  signed off (reports.services.themes_ready_or_refuse). Consultations whose themes were never built are left
  alone: nobody asked for themes, and building them takes a while.
- A coordinator corrects an answer's stance: the quotes of that answer to that question take the new stance at
  once (no new run: the passages and their themes are unchanged), so the themes' answers per stance agree with
  the stance distribution.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from samrad.analysis.models import ThemeQuote, ThemeRun
from samrad.audit.services import audit_record
from samrad.consultations.models import Consultation, Question, Submission

RERUN_DELAY = dt.timedelta(minutes=2)


def enqueue_build(run_id: int, *, delay: dt.timedelta | None = None) -> None:
    """Queue the build of a run, deferred by `delay` where the task backend can defer."""
    from samrad.analysis.tasks import themes_build as build_task

    if delay and build_task.get_backend().supports_defer:
        build_task.using(run_after=timezone.now() + delay).enqueue(run_id)
    else:
        build_task.enqueue(run_id)


def themes_rerun_after_answer(consultation_id: int, *, now: dt.datetime | None = None) -> ThemeRun | None:
    """Queue a deferred re-run if the consultation's themes were ever built and no run is waiting yet. Returns
    the waiting run, or None."""
    from samrad.analysis.theme_services import STALE_AFTER

    now = now or timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().filter(pk=consultation_id).first()
        if consultation is None:
            return None
        if not ThemeRun.objects.filter(consultation=consultation, status=ThemeRun.Status.DONE).exists():
            return None
        waiting = ThemeRun.objects.filter(
            consultation=consultation, status=ThemeRun.Status.QUEUED, created_at__gte=now - STALE_AFTER
        ).first()
        if waiting is not None:
            return waiting
        run = ThemeRun.objects.create(consultation=consultation, started_by=None)
        audit_record(
            actor="system",
            action="consultation.themes_started",
            target=consultation,
            changes={"run": run.pk, "by_new_answer": True},
        )
        transaction.on_commit(lambda: enqueue_build(run.pk, delay=RERUN_DELAY))
    return run


def themes_rerun_on_commit(consultation_id: int) -> None:
    """For the consultations app: check for a re-run once the caller's transaction commits. A failure here is
    logged and never fails the answer that has already been committed."""
    transaction.on_commit(lambda: themes_rerun_after_answer(consultation_id), robust=True)


def quotes_follow_stance(*, submission: Submission, question: Question, stance: str) -> int:
    """The quotes of `submission`'s answer to `question` take `stance` (in every kept run). Called inside the
    stance correction's transaction, which audits the correction. Returns the number of quotes changed."""
    return (
        ThemeQuote.objects.filter(submission=submission, theme__question=question)
        .exclude(stance=stance)
        .update(stance=stance)
    )
