"""The chain head exported outside the database: what seals alone cannot catch (the newest events removed, a
rewrite by someone who has the key) is caught against the exported heads."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from samrad.audit.anchors import anchor_export, anchors_read
from samrad.audit.chain import key_fingerprint, seal, sealing_key
from samrad.audit.models import AuditChainHead, AuditEvent
from samrad.audit.services import audit_record, audit_verify
from samrad.audit.tasks import export_chain_anchor
from samrad.audit.tests.test_services import plain_hash
from samrad.notifications.scheduling import periodic_jobs

pytestmark = pytest.mark.django_db

EVENTS = connection.ops.quote_name(AuditEvent._meta.db_table)
HEAD = connection.ops.quote_name(AuditChainHead._meta.db_table)


def record(count: int) -> list[AuditEvent]:
    return [
        audit_record(actor="import", action="test.anchor", object_type="t", object_id=n, changes={"n": n})
        for n in range(count)
    ]


@pytest.fixture
def anchor_file(tmp_path, settings):
    path = tmp_path / "audit-anchors.jsonl"
    settings.AUDIT_ANCHOR_FILE = str(path)
    return path


def test_the_head_is_appended_when_it_has_moved_and_only_then(anchor_file):
    assert anchor_export() is None  # an empty log has no head to export
    events = record(2)
    first = anchor_export()
    assert first is not None and (first.event_id, first.hash) == (events[-1].pk, events[-1].hash)
    assert anchor_export() is None  # unchanged head: nothing written
    events += record(1)
    anchor_export()
    lines = [json.loads(line) for line in anchor_file.read_text().splitlines()]
    assert [(line["event_id"], line["hash"]) for line in lines] == [
        (events[1].pk, events[1].hash),
        (events[2].pk, events[2].hash),
    ]
    assert [anchor.event_id for anchor in anchors_read(anchor_file)] == [events[1].pk, events[2].pk]


def test_the_export_is_a_periodic_job(settings):
    [spec] = [spec for spec in periodic_jobs if spec.name == "audit.anchor_export"]
    assert spec.task is export_chain_anchor
    assert spec.interval == timedelta(seconds=settings.AUDIT_ANCHOR_INTERVAL)


def test_removing_the_newest_events_is_caught_against_the_exported_head(anchor_file):
    events = record(5)
    anchor_export()
    # Delete the two newest rows and move the head back: every remaining link and seal is still valid.
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id >= %s", [events[3].pk])  # noqa: S608
        cursor.execute(
            f"UPDATE {HEAD} SET last_hash = %s, last_event_id = %s WHERE id = 1",  # noqa: S608
            [events[2].hash, events[2].pk],
        )
    assert audit_verify().ok  # the chain on its own cannot know
    report = audit_verify(anchors=anchors_read(anchor_file))
    assert not report.ok
    assert report.first_bad_id == events[4].pk
    assert "missing" in report.reason


def test_a_rewrite_by_someone_holding_the_key_is_caught_against_the_exported_head(anchor_file):
    events = record(3)
    anchor_export()
    record(2)
    anchor_export()
    # The attacker has the database and the key: they rewrite event 2, then re-hash and re-seal everything after.
    key = sealing_key()
    prev = events[0].hash
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.filter(pk__gt=events[0].pk).order_by("id"):
            label = "someone else" if event.pk == events[1].pk else event.actor_label
            event.prev_hash = prev
            digest = plain_hash(event, actor_label=label)
            cursor.execute(
                f"UPDATE {EVENTS} SET actor_label = %s, prev_hash = %s, hash = %s, seal = %s, seal_key = %s "  # noqa: S608
                "WHERE id = %s",
                [label, prev, digest, seal(digest, key), key_fingerprint(key), event.pk],
            )
            prev = digest
        cursor.execute(f"UPDATE {HEAD} SET last_hash = %s WHERE id = 1", [prev])  # noqa: S608
    assert audit_verify().ok  # consistent and validly sealed: only the outside record shows the rewrite
    report = audit_verify(anchors=anchors_read(anchor_file))
    assert not report.ok
    assert report.first_bad_id == events[2].pk  # the first exported head that no longer matches
    assert f"from #{events[0].pk} to #{events[2].pk}" in report.reason


def test_the_command_checks_the_configured_anchor_file(anchor_file, capsys):
    events = record(3)
    anchor_export()
    call_command("audit_verify")
    assert "1 exported heads matched" in capsys.readouterr().out
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id = %s", [events[2].pk])  # noqa: S608
        cursor.execute(
            f"UPDATE {HEAD} SET last_hash = %s, last_event_id = %s WHERE id = 1",  # noqa: S608
            [events[1].hash, events[1].pk],
        )
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert f"event #{events[2].pk}" in str(failure.value) and "missing" in str(failure.value)
    call_command("audit_verify", anchors="")  # explicitly without the file: the chain itself is consistent


def test_a_damaged_anchor_file_is_an_error_not_a_pass(anchor_file):
    record(1)
    anchor_export()
    with anchor_file.open("a") as handle:
        handle.write("not an anchor\n")
    with pytest.raises(CommandError, match="line 2"):
        call_command("audit_verify")
