"""`manage.py demo`: set up the database, load the demo content and serve the platform with a worker and the
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

from samrad.core.demo import demo_load


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    """Treat SIGTERM like Ctrl-C so that the worker and the scheduler are stopped with the server."""
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = "Load the demo content and serve Samråd on 127.0.0.1:8000 with a worker and the scheduler."

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
        self.stdout.write(self.style.MIGRATE_HEADING("Login links (each works once, for 24 hours):"))
        for label, url in links:
            self.stdout.write(f"  {label}\n    {url}")
        self.stdout.write("")
        self.stdout.write(f"Demo e-mail is written to {settings.VAR_DIR / 'mail'}/")
        if options["no_serve"]:
            return
        self._serve(options["addrport"])

    def _serve(self, addrport: str) -> None:
        manage = [sys.executable, str(Path(settings.PROJECT_DIR) / "manage.py")]
        env = dict(os.environ)
        helpers = [
            subprocess.Popen([*manage, "run_worker", "--verbosity", "0"], env=env),  # tasks are logged once
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
