from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "samrad.library"
    verbose_name = _("Knowledge base and search")

    def ready(self) -> None:
        from samrad.documents.signals import text_extracted
        from samrad.library import tasks
        from samrad.library.sources import register_all
        from samrad.notifications.scheduling import periodic_job_register

        register_all()
        text_extracted.connect(tasks.file_text_extracted, dispatch_uid="library.search_index_file")
        periodic_job_register(name="library.search_sync", interval=timedelta(minutes=2), task=tasks.search_sync_run)
