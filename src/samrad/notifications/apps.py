from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "samrad.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from samrad.notifications.scheduling import periodic_job_register
        from samrad.notifications.tasks import outbox_sweep, send_notice_digests, task_sweep

        periodic_job_register(name="notifications.outbox_sweep", interval=timedelta(minutes=1), task=outbox_sweep)
        periodic_job_register(name="notifications.task_sweep", interval=timedelta(minutes=10), task=task_sweep)
        periodic_job_register(
            name="notifications.notice_digests", interval=timedelta(minutes=15), task=send_notice_digests
        )
