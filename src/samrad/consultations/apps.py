from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "samrad.consultations"
    verbose_name = _("Consultations")

    def ready(self) -> None:
        from datetime import timedelta

        from samrad.consultations.tasks import (
            close_due_consultations,
            resume_stalled_invitations,
            send_due_reminders,
            sweep_submission_pdfs,
        )
        from samrad.notifications.scheduling import periodic_job_register

        periodic_job_register(name="consultations.reminders", interval=timedelta(minutes=15), task=send_due_reminders)
        periodic_job_register(
            name="consultations.close_due", interval=timedelta(minutes=5), task=close_due_consultations
        )
        periodic_job_register(
            name="consultations.invitations", interval=timedelta(minutes=2), task=resume_stalled_invitations
        )
        periodic_job_register(
            name="consultations.submission_pdfs", interval=timedelta(minutes=5), task=sweep_submission_pdfs
        )
