"""`manage.py audit_verify`: prove that the audit log was not edited since it was written."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from samrad.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the hash chain of the audit log. Exits 0 when it is intact, 1 naming the first bad event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.ok:
            where = f"event #{report.first_bad_id}" if report.first_bad_id is not None else "the chain"
            raise CommandError(
                f"Audit log broken at {where}: {report.reason} ({report.checked} events before it are intact).",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit log intact: {report.checked} events checked. Last hash: {report.last_hash}")
        )
