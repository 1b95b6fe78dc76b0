"""`manage.py demo`: set up the database, load the demo content, read the text of its documents and build the
search index, then serve the platform with two workers (one for mail, one for everything else) and the
scheduler until Ctrl-C. Used by `make demo` (the README's quick start)."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from samrad.core.demo import DEMO_ACTOR, demo_load
from samrad.documents.models import StoredFile
from samrad.documents.services import stored_file_extract_text
from samrad.library.indexing import search_reindex


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    """Treat SIGTERM like Ctrl-C so that the worker and the scheduler are stopped with the server."""
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Load the demo content and serve Samråd on 127.0.0.1:8000 with workers and the scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")
        parser.add_argument("--no-serve", action="store_true", help="Only set up and load the demo content.")

    def handle(self, *args: Any, **options: Any) -> None:
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        self.stdout.write(self.style.MIGRATE_HEADING("Samråd demo"))
        links = demo_load(stdout=self.stdout)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Login links (each works once; a person's for 24 hours):"))
        for label, url in links:
            self.stdout.write(f"  {label}\n    {url}")
        self.stdout.write("")
        self.stdout.write(f"Demo e-mail is written to {settings.VAR_DIR / 'mail'}/")
        self._prepare_search()
        if options["no_serve"]:
            return
        self._serve(options["addrport"])

    def _prepare_search(self) -> None:
        """Read the text of every document still waiting for it and build the search index, here and now, so
        that search finds the demo content from the first page served (the workers would get there, but only
        after the first visitors had searched)."""
        pending = list(StoredFile.objects.filter(text_state=StoredFile.TextState.PENDING).order_by("pk"))
        for stored in pending:
            stored_file_extract_text(actor=DEMO_ACTOR, stored_file=stored)
        entries = search_reindex()
        self.stdout.write(f"Text read from {len(pending)} document(s); search index: {sum(entries.values())} entries")

    def _serve(self, addrport: str) -> None:
        manage = [sys.executable, str(Path(settings.PROJECT_DIR) / "manage.py")]
        env = dict(os.environ)
        helpers = [
            # Mail has a worker of its own, so that a long job never holds up a login link (ADR 0002).
            subprocess.Popen([*manage, "run_worker", "mail", "--verbosity", "0"], env=env),  # tasks are logged once
            subprocess.Popen([*manage, "run_worker", "default", "--verbosity", "0"], env=env),
            subprocess.Popen([*manage, "run_scheduler"], env=env),
        ]
        self.stdout.write(self.style.SUCCESS(f"Serving http://{addrport}/ – press Ctrl-C to stop."))
        signal.signal(signal.SIGTERM, _stop_on_sigterm)
        try:
            call_command("runserver", addrport, use_reloader=False, use_threading=True)
        except KeyboardInterrupt:
            pass
        finally:
            for process in helpers:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in helpers:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
