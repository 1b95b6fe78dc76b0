"""Reading a file's text in a child process that has limits and can be killed.

A crafted file can make a reader library work for hours (a PDF whose pages all share one huge content stream),
eat all memory, or produce gigabytes of text. So the text is never read in the worker itself:
`read_with_limits` starts `samrad.documents.sandbox` as a child process, which limits its own processor time and
memory and stops after `max_pages` pages or `max_chars` characters; the parent kills it when the wall-clock
limit passes. Pages arrive as they are read, so what was read before a limit hit is kept.

The parent calls `heartbeat` now and then while it waits, so that the database can tell a reading in progress
from one whose worker died (see services.extraction_sweep).
"""

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from samrad.documents.extraction import PageText

SOURCE_DIR = Path(__file__).resolve().parents[2]  # the directory that holds the `samrad` package
BOOTSTRAP = f"import sys; sys.path.insert(0, {str(SOURCE_DIR)!r}); from samrad.documents.sandbox import main; main()"
READ_SIZE = 1024 * 1024


class CutOff:
    """Why a reading stopped before the end of the file (StoredFile.TextCutOff has the same values)."""

    TIME = "time"
    CPU = "cpu"
    MEMORY = "memory"
    PAGES = "pages"
    CHARS = "chars"


@dataclass(frozen=True)
class Limits:
    seconds: float
    cpu_seconds: int
    memory_bytes: int
    max_pages: int
    max_chars: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            seconds=float(settings.EXTRACTION_TIME_LIMIT),
            cpu_seconds=int(settings.EXTRACTION_CPU_LIMIT),
            memory_bytes=int(settings.EXTRACTION_MEMORY_LIMIT),
            max_pages=int(settings.EXTRACTION_MAX_PAGES),
            max_chars=int(settings.EXTRACTION_MAX_CHARS),
        )


@dataclass
class Reading:
    """What the child read: the pages with text, how many pages it got through, and why it stopped early (a
    CutOff value), or the error that made the file unreadable (an `Unreadable` code, "reader" for a library's
    own failure, "crashed" when the child died without saying why)."""

    pages: list[PageText] = field(default_factory=list)
    pages_read: int = 0
    cut_off: str = ""
    error: str = ""
    detail: str = ""
    seconds: float = 0.0

    @property
    def chars(self) -> int:
        return sum(len(page.text) for page in self.pages)


class _Protocol:
    """Collects the child's lines into a Reading."""

    def __init__(self, reading: Reading, max_chars: int) -> None:
        self.reading = reading
        self.max_chars = max_chars
        self.chars = 0
        self.finished = False
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data
        while not self.finished and (end := self._buffer.find(b"\n")) >= 0:
            line = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            self._handle(json.loads(line))

    def _handle(self, message: dict[str, Any]) -> None:
        reading = self.reading
        if "page" in message:
            reading.pages_read += 1
            text = str(message["text"])
            if text:
                room = self.max_chars - self.chars
                if len(text) > room:  # the child keeps to the limit; the parent does not rely on it
                    text = text[: max(room, 0)]
                    reading.cut_off = CutOff.CHARS
                    self.finished = True
                if text:
                    reading.pages.append(PageText(number=int(message["page"]), text=text, label=str(message["label"])))
                    self.chars += len(text)
        elif "end" in message:
            reading.cut_off = "" if message["end"] == "done" else str(message["end"])
            self.finished = True
        elif "error" in message:
            reading.error = str(message["error"])
            reading.detail = str(message.get("detail", ""))
            self.finished = True


def read_with_limits(
    kind: str,
    path: str | os.PathLike[str],
    limits: Limits,
    *,
    heartbeat: Callable[[], object] | None = None,
    heartbeat_every: float = 30.0,
) -> Reading:
    """Read the file at `path` (of intake type `kind`) in a child process under `limits`."""
    options = {
        "kind": kind,
        "path": str(path),
        "max_pages": limits.max_pages,
        "max_chars": limits.max_chars,
        "cpu_seconds": limits.cpu_seconds,
        "memory_bytes": limits.memory_bytes,
        "parent": os.getpid(),
    }
    reading = Reading()
    protocol = _Protocol(reading, limits.max_chars)
    started = time.monotonic()
    deadline = started + limits.seconds
    next_beat = started + heartbeat_every
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [sys.executable, "-I", "-c", BOOTSTRAP, json.dumps(options)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            # No secrets for a process that parses hostile files: not the database's, not the mail server's.
            env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"},
            close_fds=True,
        )
        assert process.stdout is not None
        descriptor = process.stdout.fileno()
        try:
            while not protocol.finished:
                now = time.monotonic()
                if now >= deadline:
                    reading.cut_off = CutOff.TIME
                    break
                if heartbeat is not None and now >= next_beat:
                    heartbeat()
                    next_beat = now + heartbeat_every
                wait = min(deadline, next_beat if heartbeat is not None else deadline) - now
                ready, _, _ = select.select([descriptor], [], [], max(wait, 0.0))
                if not ready:
                    continue
                data = os.read(descriptor, READ_SIZE)
                if not data:
                    break
                protocol.feed(data)
        finally:
            if process.poll() is None:
                process.kill()
            process.wait()
            process.stdout.close()
        reading.seconds = time.monotonic() - started
        if not protocol.finished and not reading.cut_off:
            _explain_death(reading, process.returncode, errors)
    return reading


def _explain_death(reading: Reading, returncode: int, errors: Any) -> None:
    """The child ended without a last line: the kernel stopped it at a limit, or it crashed."""
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        reading.cut_off = CutOff.CPU
        return
    errors.seek(0, os.SEEK_END)
    errors.seek(max(errors.tell() - 2000, 0))
    tail = errors.read().decode(errors="replace").strip()
    if "MemoryError" in tail or "Cannot allocate memory" in tail:
        reading.cut_off = CutOff.MEMORY
        return
    reading.error = "crashed"
    reading.detail = f"exit status {returncode}: {tail}"[-2000:]
