"""Background jobs of the analysis app. Tasks take ids and call a service; they are safe to run twice."""

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


@task(queue_name="default")
def themes_build(run_id: int) -> dict[str, object]:
    """Build the themes of a queued run (`theme_services.themes_build`); a run that is not queued is left alone.
    Returns the run's status and counts."""
    from samrad.analysis.theme_services import themes_build as build

    run = build(run_id=run_id)
    if run is None:
        return {"status": "missing"}
    return {"status": run.status, "passages": run.total, "left_out": run.left_out}
