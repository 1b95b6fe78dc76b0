from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "samrad.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from samrad.documents.tasks import extraction_sweep
        from samrad.notifications.scheduling import periodic_job_register

        periodic_job_register(name="documents.extraction_sweep", interval=timedelta(minutes=2), task=extraction_sweep)
