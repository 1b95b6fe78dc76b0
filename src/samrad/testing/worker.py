"""A real task-queue worker in a subprocess (`manage.py run_worker`), pointed at the current test database.

The subprocess runs with the project's real settings (`samrad.settings`), configured through the environment
the way an operator configures a worker, so that what it does is what production does: `DATABASE_URL` names the
test database (the SQLite test file or PostgreSQL's test_<name> database), `TASK_BACKEND` picks the queue, and
the caller adds what else it needs (the SMTP server's settings, retry timings, ...).

The test process and the worker only see each other's rows once committed, so tests that use a worker need
`transactional_db` (the `task_worker` fixture asks for it).
"""

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from samrad.testing.waiting import DEFAULT_TIMEOUT, wait_until

MANAGE_PY = Path(__file__).resolve().parents[3] / "manage.py"


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A DATABASE_URL for another process to reach the database described by a connection's settings_dict."""
    engine = settings_dict["ENGINE"]
    name = str(settings_dict["NAME"])
    if engine == "django.db.backends.sqlite3":
        if name == ":memory:" or name.startswith("file:"):
            raise ValueError("An in-memory SQLite database cannot be shared with another process.")
        return f"sqlite:///{Path(name).resolve()}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{credentials}{host}:{port}/{quote(name, safe='')}"
    raise ValueError(f"No DATABASE_URL form for {engine}.")


class WorkerProcess:
    """One `manage.py run_worker` subprocess. Start it, wait for effects, stop it; its output is kept."""

    def __init__(
        self,
        *,
        database: Mapping[str, Any],
        backend: str = "database",
        env: Mapping[str, str] | None = None,
        queues: Sequence[str] = (),
    ):
        self.backend = backend
        self.queues = list(queues)
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "samrad.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "test-worker-secret-key-not-for-use-anywhere-else",
            "DEBUG": "0",
            "DATABASE_URL": database_url(database),
            "TASK_BACKEND": backend,
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **dict(env or {}),
        }
        self._log = tempfile.NamedTemporaryFile(prefix=f"samrad-worker-{backend}-", suffix=".log", delete=False)  # noqa: SIM115
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> "WorkerProcess":
        command = [sys.executable, str(MANAGE_PY), "run_worker", *self.queues, "--interval", "0.2", "--verbosity", "2"]
        self._process = subprocess.Popen(
            command,
            env=self.environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() also reaches RQ's forked work horses
        )
        return self

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def output(self) -> str:
        return Path(self._log.name).read_text(errors="replace")

    def wait_until[T](self, condition: Callable[[], T], *, timeout: float = DEFAULT_TIMEOUT, what: str = "") -> T:
        """Like samrad.testing.waiting.wait_until, but fails at once (with the worker's log) if the worker died."""

        def check() -> T:
            result = condition()
            if not result and not self.running:
                raise AssertionError(f"The {self.backend} worker exited early:\n{self.output()}")
            return result

        return wait_until(
            check, timeout=timeout, message=lambda: f"{what or 'condition'}; worker log:\n{self.output()}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=timeout)
        self._process = None
        self._log.close()

    def kill(self) -> None:
        """Kill the worker and everything it started at once (SIGKILL to its process group), as when its machine
        dies: no task gets to finish or record anything."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def discard_log(self) -> None:
        Path(self._log.name).unlink(missing_ok=True)
