"""manage.py import_register PATH [--dry-run] [--confirm-warnings]: load organisations from a CSV or XLSX register
file. Rows that look like organisations already in the register (same name, organisation number or registry
address) are listed as warnings with their line numbers, and nothing is imported unless --confirm-warnings is
given."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from samrad.organisations.importing import ImportResult, import_register_file


class Command(BaseCommand):
    help = "Import organisations from a CSV or XLSX file (see samrad.organisations.importing for the columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The CSV or XLSX file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report what would change; save nothing."
        )
        parser.add_argument(
            "--confirm-warnings",
            action="store_true",
            help="Import even though some rows look like organisations already in the register (see the warnings).",
        )

    def handle(self, *args: Any, path: str, dry_run: bool, confirm_warnings: bool, **options: Any) -> None:
        result = import_register_file(path, actor="import", dry_run=dry_run, confirm_warnings=confirm_warnings)
        if not result.ok:
            for problem in result.problems or result.warnings:
                self.stderr.write(self._problem_line(problem.line, problem.column, problem.message))
            if result.needs_confirmation:
                self.stderr.write(_("Give --confirm-warnings to import anyway."))
            raise CommandError(result.summary())
        for warning in result.warnings:
            self.stderr.write(
                _("Warning: %(line)s") % {"line": self._problem_line(warning.line, warning.column, warning.message)}
            )
        if options["verbosity"] > 1:
            self._write_outcomes(result)
        self.stdout.write(self.style.SUCCESS(result.summary()))

    @staticmethod
    def _problem_line(line: int | None, column: str, message: str) -> str:
        if line is None:
            return message
        if column:
            return _("Line %(line)d, %(column)s: %(message)s") % {"line": line, "column": column, "message": message}
        return _("Line %(line)d: %(message)s") % {"line": line, "message": message}

    def _write_outcomes(self, result: ImportResult) -> None:
        for outcome in result.outcomes:
            changed = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
            self.stdout.write(f"{outcome.line}: {outcome.action} {outcome.name}{changed}")
