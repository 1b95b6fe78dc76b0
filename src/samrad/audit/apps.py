from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "samrad.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from samrad.audit import checks  # noqa: F401 - registers the deployment checks
