"""`manage.py search_reindex`: rebuild the search index of every source (or the ones named), e.g. after an
upgrade that changes what is indexed, or to repair it. The periodic job keeps it current in between."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from samrad.library.indexing import search_reindex, search_sources


class Command(BaseCommand):
    help = "Rebuild the search index (all sources, or those named)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "sources", nargs="*", help="Sources to rebuild, e.g. consultation library_document (default: all)."
        )

    def handle(self, *args: Any, sources: list[str], **options: Any) -> None:
        known = [source.name for source in search_sources()]
        unknown = sorted(set(sources) - set(known))
        if unknown:
            raise CommandError(f"Unknown source(s): {', '.join(unknown)}. Known: {', '.join(known)}.")
        counts = search_reindex(sources=sources or None)
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} entries")
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt: {sum(counts.values())} entries."))
