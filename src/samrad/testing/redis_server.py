"""A Redis server of the tests' own: `redis-server` (Debian's package) started on a free port of 127.0.0.1,
keeping nothing on disk, stopped when the tests end. The tests flush and fill only this server, never a Redis
database someone else uses."""

import subprocess
import tempfile
import time
from pathlib import Path

from samrad.testing.smtp import free_port


class RedisServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port(host)
        self._directory = tempfile.TemporaryDirectory(prefix="samrad-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self, timeout: float = 10.0) -> "RedisServer":
        import redis

        log = Path(self._directory.name) / "redis.log"
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--bind", self.host,
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
                "--dir", self._directory.name,
                "--logfile", str(log),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        client = redis.Redis(host=self.host, port=self.port)
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    output = log.read_text(errors="replace") if log.exists() else ""
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}: {output}") from None
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        self._directory.cleanup()
