from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueConfig(AppConfig):
    name = "samrad.dialogue"
    verbose_name = _("Dialogue")

    def ready(self) -> None:
        from samrad.dialogue.tasks import erase_past_needs, send_meeting_reminders
        from samrad.notifications.scheduling import periodic_job_register

        periodic_job_register(name="dialogue.reminders", interval=timedelta(minutes=15), task=send_meeting_reminders)
        periodic_job_register(name="dialogue.erase_needs", interval=timedelta(hours=1), task=erase_past_needs)
