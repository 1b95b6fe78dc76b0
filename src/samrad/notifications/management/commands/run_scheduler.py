"""`manage.py run_scheduler`: queue periodic jobs when they are due (see samrad.notifications.scheduling)."""

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from samrad.notifications.scheduling import periodic_jobs, scheduler_tick

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Queue the registered periodic jobs when they are due, every SCHEDULER_TICK seconds. Any number of "
        "schedulers may run at once; each run of a job is queued once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        if once:
            self._tick()
            return
        self.running = True
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        names = ", ".join(spec.name for spec in periodic_jobs) or "none"
        self.stdout.write(f"Scheduler started: every {settings.SCHEDULER_TICK} s; jobs: {names}")
        while self.running:
            close_old_connections()  # as Django does per request: drop connections that went stale while asleep
            try:
                self._tick()
            except Exception:
                # A database that is briefly away must not end the scheduler; the next tick tries again.
                logger.exception("Scheduler tick failed")
            deadline = time.monotonic() + settings.SCHEDULER_TICK
            while self.running and time.monotonic() < deadline:
                time.sleep(min(0.5, settings.SCHEDULER_TICK))
        self.stdout.write("Scheduler stopped.")

    def _tick(self) -> None:
        queued = scheduler_tick()
        if queued and self.verbosity >= 1:
            self.stdout.write(f"Queued: {', '.join(queued)}")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False
