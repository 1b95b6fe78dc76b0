"""Every periodic job the platform registers is listed, with its interval, in ADR 0002 and in the operations guide."""

import re
from pathlib import Path

import pytest

from samrad.notifications.scheduling import periodic_jobs

DOCS = Path(__file__).resolve().parents[4] / "docs"


def interval_words(seconds: float) -> set[str]:
    """How the documents may write an interval: "minute" or "1 minute", "5 minutes", "hour" or "1 hour"."""
    unit, count = ("hour", int(seconds // 3600)) if seconds % 3600 == 0 else ("minute", int(seconds // 60))
    return {unit, f"1 {unit}"} if count == 1 else {f"{count} {unit}s"}


@pytest.mark.parametrize("document", ["decisions/0002-task-queue.md", "operations.md"])
def test_every_periodic_job_is_listed_with_its_interval(document):
    text = (DOCS / document).read_text()
    rows = {match[0]: match[1] for match in re.findall(r"^\s*\| `([a-z_.]+)` \| ([^|]+) \|", text, re.MULTILINE)}
    assert len(periodic_jobs) >= 8
    for spec in periodic_jobs:
        assert spec.name in rows, f"{spec.name} is not listed in docs/{document}"
        assert rows[spec.name].strip() in interval_words(spec.interval.total_seconds()), (
            f"docs/{document} says {spec.name} runs every {rows[spec.name].strip()!r}, but it is registered "
            f"every {spec.interval}"
        )
