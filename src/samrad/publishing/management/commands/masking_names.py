"""`manage.py masking_names [--force]`: extract the Swedish names from names-dataset into the file the masking
detector reads (publishing/names.py), so that the first detection after a deploy need not. Does nothing when
the file for the installed names-dataset is there already, unless --force."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from samrad.publishing.names import index_build, index_path, index_read


class Command(BaseCommand):
    help = "Build the Swedish names index for finding person names to mask (from names-dataset)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Build it again even if it is there.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = index_path()
        if path.is_file() and not options["force"]:
            self.stdout.write(f"{path} is there already (--force builds it again).")
        else:
            started = time.monotonic()
            index_build(path)
            self.stdout.write(f"Built {path} in {time.monotonic() - started:.1f} s.")
        index = index_read(path)
        self.stdout.write(
            f"{len(index.first)} first names and {len(index.last)} last names from {index.source}, "
            f"{path.stat().st_size // 1024} kB."
        )
