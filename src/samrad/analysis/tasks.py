"""Background jobs of the analysis app. Tasks take ids and call a service; they are safe to run twice."""

import time
from typing import Any

from django.tasks import task


@task(queue_name="default")
def stances_read(consultation_id: int) -> dict[str, int]:
    """Read the stance of every current answer of a consultation that has none yet (`services.stances_read`).
    Returns the counts."""
    from samrad.analysis.services import stances_read as read
    from samrad.consultations.models import Consultation

    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return {"recorded": 0, "unclear": 0, "already_set": 0, "no_text": 0}
    report = read(actor="system", consultation=consultation)
    return {
        "recorded": len(report.recorded),
        "unclear": len(report.unclear),
        "already_set": report.already_set,
        "no_text": report.no_text,
    }


# Room left after the embedding stops for grouping and storing the result (seconds; ~15 s at 10 000 answers).
SIMILARITY_FINISH_ROOM = 120


@task(queue_name="default")
def similarity_build(run_id: int) -> dict[str, Any]:
    """Compute a queued `SimilarityRun` (`alike.similarity_build`). It stops embedding before the queue's time
    limit and queues itself again to go on from there. A run that is not queued (taken, done) is left alone."""
    from django.conf import settings

    from samrad.analysis.alike import similarity_build as build
    from samrad.analysis.models import SimilarityRun

    run = SimilarityRun.objects.select_related("consultation").filter(pk=run_id).first()
    if run is None or run.status != SimilarityRun.Status.QUEUED:
        return {"status": run.status if run else "missing"}
    budget = max(settings.TASK_TIME_LIMIT - SIMILARITY_FINISH_ROOM, settings.TASK_TIME_LIMIT // 2)
    run = build(actor="system", consultation=run.consultation, run=run, deadline=time.monotonic() + budget)
    if run.status == SimilarityRun.Status.QUEUED:
        similarity_build.enqueue(run.pk)
    return {"status": run.status, "done": run.done, "total": run.total}


@task(queue_name="default")
def themes_build(run_id: int) -> dict[str, object]:
    """Build the themes of a queued run (`theme_services.themes_build`); a run that is not queued is left alone.
    Returns the run's status and counts."""
    from samrad.analysis.models import ThemeRun
    from samrad.analysis.theme_followups import RERUN_DELAY, enqueue_build
    from samrad.analysis.theme_services import themes_build as build

    run = build(run_id=run_id)
    if run is None:
        return {"status": "missing"}
    if run.status == ThemeRun.Status.QUEUED and themes_build.get_backend().supports_defer:
        enqueue_build(run.pk, delay=RERUN_DELAY)  # another run of the consultation was being built: try later
    return {"status": run.status, "passages": run.total, "left_out": run.left_out}
