"""manage.py archive_import PACKAGE.zip: rebuild a consultation from its archive package."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samrad.archive.importing import ImportRefused, archive_import


class Command(BaseCommand):
    help = "Rebuild a consultation from its archive package (a ZIP or an unpacked package folder)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("package", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        package: Path = options["package"]
        if not package.exists():
            raise CommandError(f"{package} does not exist.")
        try:
            record = archive_import(actor="archive_import", package=package)
        except ImportRefused as error:
            raise CommandError(f"Nothing was imported: {error}") from error
        rows = sum(record.counts.values())
        self.stdout.write(
            f"Imported {record.reference_number} (consultation {record.consultation_id}) from {record.objid}: "
            f"{rows} rows, {record.events_checked} audit events ({record.events_linked} linked to the one before, "
            f"{record.events_sealed} seals checked)."
        )
