"""manage.py archive_export <consultation id> OUT.zip: write a closed consultation's archive package."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samrad.archive.services import archive_export
from samrad.consultations.models import Consultation
from samrad.errors import ServiceError


class Command(BaseCommand):
    help = "Write a closed consultation's archive package (E-ARK SIP) as a ZIP file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("consultation_id", type=int)
        parser.add_argument("out", type=Path, help="The ZIP file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        consultation = Consultation.objects.filter(pk=options["consultation_id"]).first()
        if consultation is None:
            raise CommandError(f"There is no consultation {options['consultation_id']}.")
        out: Path = options["out"]
        if out.exists():
            raise CommandError(f"{out} exists already; name a new file.")
        try:
            result = archive_export(actor="archive_export", consultation=consultation, target=out)
        except ServiceError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Wrote {result.path} ({result.objid}): {result.files} files, {result.audit_events} audit events, "
            f"SHA-256 {result.sha256}."
        )
