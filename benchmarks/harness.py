"""What every benchmark here shares: Django set up on the test settings, a throwaway database, and timing.

    import harness  # first: sets up Django (benchmarks are run as scripts from the repository root)

    with harness.throwaway_database() as name:       # created next to the one DATABASE_URL names, then dropped
        figures = harness.measure_get(client, url, runs=20, HX_Request="true")
        print(figures.median_ms, figures.p95_ms, figures.queries, figures.db_ms, figures.kb)

Without DATABASE_URL the embedded SQLite is measured (its file under var/bench).
"""

import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samrad.settings_test")
os.environ.setdefault("SAMRAD_VAR_DIR", str(ROOT / "var" / "bench"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402

WARM_UP = 2


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@contextmanager
def throwaway_database() -> Iterator[str]:
    """A fresh, migrated test database for the benchmark (Django's own test-database machinery), dropped after."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield f"{connection.vendor} ({test_name})"
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


@dataclass(frozen=True)
class Figures:
    median_ms: float
    p95_ms: float
    queries: int  # in one request
    db_ms: float  # the time those queries took
    content: bytes  # the body of that request

    @property
    def kb(self) -> float:
        return len(self.content) / 1024


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    """Seconds each of `runs` calls took."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return times


def measure_get(client: Client, url: str, runs: int, **headers: str) -> Figures:
    """GET `url` WARM_UP times, once counting its queries, then `runs` times for the clock; every answer must be
    200. Headers are given the way Django's test client takes them (`HX_Request="true"` → `HX-Request`)."""
    headers = {name.replace("_", "-"): value for name, value in headers.items()}

    def get() -> Any:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        return response

    for _ in range(WARM_UP):
        get()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    # Read them now: the next request empties the connection's query log.
    query_count = len(queries.captured_queries)
    query_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    times = timed(get, runs)
    return Figures(
        median_ms=statistics.median(times) * 1000,
        p95_ms=percentile(times, 0.95) * 1000,
        queries=query_count,
        db_ms=query_ms,
        content=response.content,
    )
