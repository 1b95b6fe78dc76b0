"""Background jobs of the publishing app. Tasks take ids and call a service; they are safe to run twice."""

from django.tasks import task


@task(queue_name="default")
def masking_detect(run_id: int) -> dict[str, object]:
    """One slice of a masking run (`services.masking_run`): it stops before the queue's time limit and queues
    the next slice until every answer is read."""
    from django.conf import settings

    from samrad.publishing.models import MaskingRun
    from samrad.publishing.services import SLICE_FINISH_ROOM, masking_run

    budget = max(settings.TASK_TIME_LIMIT - SLICE_FINISH_ROOM, settings.TASK_TIME_LIMIT // 2)
    run = masking_run(run_id=run_id, time_limit=budget)
    if run is None:
        return {"status": "missing"}
    if run.status == MaskingRun.Status.QUEUED:
        masking_detect.enqueue(run.pk)
    return {"status": run.status, "done": run.done, "total": run.total, "proposed": run.proposed}
