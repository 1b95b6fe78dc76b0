"""`manage.py audit_verify`: prove that the audit log was not edited since it was written."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samrad.audit.anchors import AnchorFileError, anchor_path, anchors_read
from samrad.audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit log: the hash chain, every event's seal (a keyed hash with AUDIT_CHAIN_KEY), and the chain "
        "heads exported to AUDIT_ANCHOR_FILE (or --anchors). Exits 0 when it is intact, 1 naming the first bad event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            default=None,
            help="A file of exported chain heads to check against (default: AUDIT_ANCHOR_FILE; '' for none).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = anchor_path() if options["anchors"] is None else options["anchors"]
        try:
            anchors = anchors_read(path) if path else None
        except AnchorFileError as error:
            raise CommandError(f"Audit anchors unusable: {error}", returncode=1) from error
        report = audit_verify(anchors=anchors)
        if not report.ok:
            where = f"event #{report.first_bad_id}" if report.first_bad_id is not None else "the chain"
            raise CommandError(
                f"Audit log broken at {where}: {report.reason} ({report.checked} events before it are intact).",
                returncode=1,
            )
        against = f", {report.anchors_checked} exported heads matched ({path})" if path else ", no exported heads"
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {report.checked} events checked, every seal valid{against}. "
                f"Last hash: {report.last_hash}"
            )
        )
