"""The child process that reads one file's text under limits. `samrad.documents.limits` starts it; nothing else
should.

It is started as `python -I -c <bootstrap> <options as JSON>` with the path of a local copy of the file, and
writes one JSON object per line to its standard output:

    {"page": 3, "label": "", "text": "..."}     every page read, in order ("text" is empty for a page without)
    {"end": "done" | "pages" | "chars" | "memory"}    the last line when it stops by itself
    {"error": "encrypted" | "damaged" | "unsupported" | "reader", "detail": "..."}

Before it reads anything it limits itself: processor time (RLIMIT_CPU: the kernel stops it), memory (RLIMIT_AS:
allocations beyond the limit fail), no core dumps, and death with its parent (a worker that is killed takes its
reader with it). The parent enforces the wall-clock limit by killing it. This module must
not import Django or touch the database: the child has neither settings nor credentials.
"""

import importlib
import json
import logging
import os
import resource
import signal
import sys
import warnings
from typing import IO, Any

PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the CPU limit still ends an orphan
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _address_space() -> int:
    """Bytes of address space this process has mapped now (0 when the system does not say)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_self(*, cpu_seconds: int, memory_bytes: int) -> None:
    if cpu_seconds > 0:
        # The soft limit sends SIGXCPU (which ends the process), the hard one SIGKILL a moment later.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    if memory_bytes > 0:
        # On top of what the interpreter and the reader library already use, so that the setting means the
        # memory one file may take, whatever the platform's baseline.
        ceiling = _address_space() + memory_bytes
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _send(channel: IO[bytes], message: dict[str, Any]) -> None:
    channel.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
    channel.flush()


def run(options: dict[str, Any], channel: IO[bytes]) -> None:
    from samrad.documents.extraction import READER_MODULES, PageLimit, Unreadable, extract_pages

    kind = str(options["kind"])
    max_pages = int(options["max_pages"])
    max_chars = int(options["max_chars"])
    if kind in READER_MODULES:
        importlib.import_module(READER_MODULES[kind])
    _limit_self(cpu_seconds=int(options["cpu_seconds"]), memory_bytes=int(options["memory_bytes"]))
    chars = 0
    try:
        with open(options["path"], "rb") as stream:
            for page in extract_pages(kind, stream, max_pages=max_pages):
                room = max_chars - chars
                text = page.text[:room] if len(page.text) > room else page.text
                _send(channel, {"page": page.number, "label": page.label, "text": text})
                chars += len(text)
                if len(text) < len(page.text):
                    _send(channel, {"end": "chars"})
                    return
        _send(channel, {"end": "done"})
    except PageLimit:
        _send(channel, {"end": "pages"})
    except Unreadable as exc:
        _send(channel, {"error": exc.code, "detail": ""})
    except MemoryError:
        _send(channel, {"end": "memory"})
    except Exception as exc:  # a reader library's own failure on a damaged or unusual file
        _send(channel, {"error": "reader", "detail": f"{type(exc).__name__}: {exc}"[:2000]})


def main() -> None:
    options = json.loads(sys.argv[1])
    # The protocol gets its own copy of stdout; anything a library prints goes to stderr instead.
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _die_with_parent(int(options["parent"]))
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        run(options, channel)
    finally:
        channel.close()
