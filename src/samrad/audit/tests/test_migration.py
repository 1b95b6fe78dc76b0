"""The migration that introduced seals seals the events written before, up to the first one that does not fit the
plain chain: a chain already broken stays broken at the same event, and nothing hashed is changed."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from samrad.audit.chain import GENESIS_HASH, event_hash, key_fingerprint, seal, sealing_key
from samrad.audit.services import audit_verify

BEFORE = [("audit", "0002_append_only_safeguards")]
AFTER = [("audit", "0003_seals")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_events_are_sealed_up_to_the_first_that_does_not_fit():
    apps = _migrate(BEFORE)
    try:
        event_model = apps.get_model("audit", "AuditEvent")
        head_model = apps.get_model("audit", "AuditChainHead")
        prev, rows = GENESIS_HASH, []
        start = timezone.now() - dt.timedelta(days=30)
        for n in range(4):
            fields = {
                "created_at": start + dt.timedelta(minutes=n),
                "actor_id": None,
                "actor_label": "import",
                "action": "test.legacy",
                "object_type": "t",
                "object_id": str(n),
                "object_label": "",
                "changes": {"n": n},
            }
            digest = event_hash(prev_hash=prev, **fields)
            rows.append(event_model.objects.create(prev_hash=prev, hash=digest, **fields))
            prev = digest
        head_model.objects.create(id=1, last_hash=prev, last_event_id=rows[-1].pk)
        # Event 3 was edited before the upgrade (without recomputing its hash): the chain is broken there.
        event_model.objects.filter(pk=rows[2].pk).update(object_label="ändrad")

        _migrate(AFTER)
    finally:
        # Leave the test database as every other test expects it: every app at its latest migration (going back
        # also unapplied the migrations of other apps that depend on this one).
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    from samrad.audit.models import AuditEvent

    key = sealing_key()
    stored = {event.pk: event for event in AuditEvent.objects.all()}
    for row in rows[:2]:
        assert stored[row.pk].hash == row.hash  # nothing hashed was touched
        assert (stored[row.pk].seal, stored[row.pk].seal_key) == (seal(row.hash, key), key_fingerprint(key))
    for row in rows[2:]:
        assert (stored[row.pk].seal, stored[row.pk].seal_key) == ("", "")
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_id == rows[2].pk and "content does not match" in report.reason
