"""Fixtures shared by every app's tests. App-specific fixtures live in each app's tests/conftest.py.

Real services, no mocks: `smtp_server` is an SMTP server on 127.0.0.1, `task_worker` starts real worker
processes, `rq_task_queue` points the task framework at a real Redis server the tests start themselves
(`redis_server`; or the one TEST_REDIS_URL names, which the tests then flush).
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from samrad.testing.redis_server import RedisServer
from samrad.testing.smtp import SmtpServer
from samrad.testing.worker import WorkerProcess


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SmtpServer]:
    """A running SMTP server that Django's mail goes to (settings.MAILERS points at it for the test).

    `smtp_server.stop()` / `.start()` simulate an outage on the same port; `.messages` are the parsed messages
    received; `.environment()` gives the same settings as environment variables for a worker process.
    """
    server = SmtpServer()
    server.start()
    for name, value in server.django_settings().items():
        setattr(settings, name, value)
    yield server
    server.stop()


@pytest.fixture
def task_worker(transactional_db: None) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real `manage.py run_worker` processes against the test database; all are stopped after the test.

        worker = task_worker(backend="database", env={**smtp_server.environment()})
        worker.wait_until(lambda: ..., what="the e-mail is sent")

    `backend` is TASK_BACKEND for the process ("database" or "rq"; with "rq" also use `rq_task_queue` and pass
    its `environment`); `queues` the queues it works on (all by default; e.g. ["mail"]). Needs
    `transactional_db`, which this fixture requests.
    """
    from django.db import connection

    workers: list[WorkerProcess] = []

    def start(
        *, backend: str = "database", env: dict[str, str] | None = None, queues: tuple[str, ...] = ()
    ) -> WorkerProcess:
        worker = WorkerProcess(database=connection.settings_dict, backend=backend, env=env, queues=queues)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()
        worker.discard_log()


class RqTaskQueue:
    def __init__(self, url: str) -> None:
        self.url = url

    def environment(self) -> dict[str, str]:
        """Environment for a worker process (`task_worker(backend="rq", env=...)`) on this queue."""
        return {"TASK_BACKEND": "rq", "TASK_REDIS_URL": self.url}


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """The URL of a Redis server for the tests: one started for this test run on a free port (stopped at the
    end), or the one TEST_REDIS_URL names. Nothing else's Redis data is ever touched."""
    configured = os.environ.get("TEST_REDIS_URL")
    if configured:
        yield configured
        return
    server = RedisServer().start()
    yield server.url
    server.stop()


@pytest.fixture
def rq_task_queue(settings: Any, redis_server: str) -> Iterator[RqTaskQueue]:
    """django.tasks on RQ over a real Redis for this test (`redis_server`), emptied before and after, that
    `TASKS` and `RQ_QUEUES` point at. Tests using it are marked `redis`."""
    import redis

    url = redis_server
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"Redis is not reachable at {url}: {error}")
    client.flushdb()
    settings.RQ_QUEUES = {queue: {"URL": url} for queue in settings.TASK_QUEUES}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": settings.TASK_QUEUES}}
    yield RqTaskQueue(url)
    client.flushdb()
    client.close()
