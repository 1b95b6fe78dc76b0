from datetime import timedelta

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "samrad.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # The audit app stays a leaf (the scheduler lives in notifications, which writes audit events), so its
        # periodic job is registered here, in the app that wires the others together.
        from samrad.audit.tasks import export_chain_anchor
        from samrad.notifications.scheduling import periodic_job_register

        periodic_job_register(
            name="audit.anchor_export",
            interval=timedelta(seconds=settings.AUDIT_ANCHOR_INTERVAL),
            task=export_chain_anchor,
        )
