import threading

import pytest
from django.db import connection, connections, models

from samrad.accounts.tests.factories import UserFactory
from samrad.audit.models import AuditChainHead, AuditEvent, AuditLogIsAppendOnly
from samrad.audit.services import GENESIS_HASH, audit_record, audit_verify, event_hash, model_changes


def record_chain(count: int) -> list[AuditEvent]:
    return [
        audit_record(
            actor=f"import {n}",
            action="test.step",
            object_type="test.thing",
            object_id=n,
            changes={"n": [n - 1, n], "text": "åäö ÅÄÖ"},
        )
        for n in range(1, count + 1)
    ]


def plain_hash(event: AuditEvent, **fields: object) -> str:
    """The plain SHA-256 chain hash anyone can compute, of `event` with `fields` changed."""
    values = {
        "prev_hash": event.prev_hash,
        "created_at": event.created_at,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_label": event.object_label,
        "changes": event.changes,
    }
    values.update(fields)
    return event_hash(**values)


def plain_chain_is_consistent() -> bool:
    prev = GENESIS_HASH
    for event in AuditEvent.objects.order_by("id"):
        if event.prev_hash != prev or plain_hash(event) != event.hash:
            return False
        prev = event.hash
    return AuditChainHead.objects.get().last_hash == prev


def tamper(event_id: int, **fields: object) -> None:
    """Change a row behind the ORM's back, the way someone with database access would."""
    models.QuerySet(model=AuditEvent).filter(pk=event_id).update(**fields)


@pytest.mark.django_db
class TestChain:
    def test_a_chain_of_events_verifies(self):
        user = UserFactory.create(email="handlaggare@example.se", first_name="Hanna", last_name="Handläggare")
        events = record_chain(4)
        audit_record(actor=user, action="user.test", target=user, changes={"when": "now"})
        report = audit_verify()
        assert report.ok, report
        assert report.checked == 5
        assert report.last_hash == AuditEvent.objects.order_by("-id")[0].hash
        assert events[1].prev_hash == events[0].hash

    def test_event_records_actor_and_target(self):
        user = UserFactory.create(email="hanna@example.se", first_name="Hanna", last_name="Holm")
        event = audit_record(actor=user, action="user.update", target=user, changes={"first_name": ["H", "Hanna"]})
        event.refresh_from_db()
        assert event.actor_id == user.pk
        assert event.actor_label == "Hanna Holm <hanna@example.se>"
        assert event.object_type == "accounts.user"
        assert event.object_id == str(user.pk)
        assert event.change_lines() == [("first_name", "H", "Hanna")]

    def test_long_labels_still_verify(self):
        audit_record(actor="x" * 400, action="test.long", object_type="t", object_id=1)
        event = AuditEvent.objects.get()
        assert len(event.actor_label) == 255
        assert audit_verify().ok

    def test_editing_an_entry_with_an_update_is_detected_at_that_entry(self):
        events = record_chain(5)
        tamper(events[2].pk, action="test.innocent")
        report = audit_verify()
        assert not report.ok
        assert report.first_bad_id == events[2].pk
        assert report.checked == 2
        assert "content" in report.reason

    def test_editing_an_entry_with_raw_sql_is_detected_at_that_entry(self):
        events = record_chain(4)
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET actor_label = %s WHERE id = %s", ["someone else", events[1].pk])  # noqa: S608
        report = audit_verify()
        assert not report.ok
        assert report.first_bad_id == events[1].pk

    def test_rewriting_an_entry_and_its_hash_is_detected_at_that_entry_by_its_seal(self):
        events = record_chain(4)
        forged = events[1]
        tamper(forged.pk, actor_label="someone else", hash=plain_hash(forged, actor_label="someone else"))
        report = audit_verify()
        assert not report.ok
        assert report.first_bad_id == forged.pk
        assert "seal" in report.reason

    def test_rewriting_a_copy_by_sql_and_recomputing_every_hash_is_detected(self):
        """Someone with the database (a restored copy, a dump they edit) rewrites an event and recomputes the
        plain hash of it and of every event after it, and the chain head: the chain is consistent again, but
        they do not have the key, so the first rewritten event's seal gives it away."""
        events = record_chain(5)
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        head_table = connection.ops.quote_name(AuditChainHead._meta.db_table)
        prev = events[1].prev_hash
        with connection.cursor() as cursor:
            for event in events[1:]:
                label = "someone else" if event.pk == events[1].pk else event.actor_label
                event.prev_hash = prev
                digest = plain_hash(event, actor_label=label)
                cursor.execute(
                    f"UPDATE {table} SET actor_label = %s, prev_hash = %s, hash = %s WHERE id = %s",  # noqa: S608
                    [label, prev, digest, event.pk],
                )
                prev = digest
            cursor.execute(f"UPDATE {head_table} SET last_hash = %s WHERE id = 1", [prev])  # noqa: S608
        assert plain_chain_is_consistent()  # what audit_verify alone checked before seals
        report = audit_verify()
        assert not report.ok
        assert report.first_bad_id == events[1].pk
        assert "seal" in report.reason

    def test_an_event_sealed_with_an_unknown_key_is_named(self, settings):
        settings.AUDIT_CHAIN_KEY = "a key that is later lost"
        events = record_chain(2)
        settings.AUDIT_CHAIN_KEY = "the new key"
        report = audit_verify()
        assert not report.ok and report.first_bad_id == events[0].pk
        assert f"key {events[0].seal_key}" in report.reason
        settings.AUDIT_CHAIN_OLD_KEYS = ["a key that is later lost"]  # the replaced key is kept for verifying
        record_chain(1)
        assert audit_verify().ok

    def test_without_an_audit_key_the_seals_follow_secret_key_and_its_fallbacks(self, settings):
        settings.AUDIT_CHAIN_KEY = ""
        record_chain(2)
        assert audit_verify().ok
        settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
        settings.SECRET_KEY = "a-rotated-secret-key-that-is-long-enough-for-django-checks"
        assert audit_verify().ok
        settings.SECRET_KEY_FALLBACKS = []
        assert not audit_verify().ok

    def test_deleting_an_entry_in_the_middle_is_detected(self):
        events = record_chain(5)
        table = connection.ops.quote_name(AuditEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [events[2].pk])  # noqa: S608
        report = audit_verify()
        assert not report.ok
        assert report.first_bad_id == events[3].pk
        assert "link" in report.reason

    def test_deleting_the_newest_entry_is_detected(self):
        events = record_chain(3)
        models.QuerySet(model=AuditEvent).filter(pk=events[-1].pk).delete()
        report = audit_verify()
        assert not report.ok
        assert report.first_bad_id == events[-1].pk
        assert "newest" in report.reason

    def test_deleting_every_entry_is_detected(self):
        record_chain(3)
        models.QuerySet(model=AuditEvent).all().delete()
        assert not audit_verify().ok

    def test_an_empty_log_verifies(self):
        report = audit_verify()
        assert report.ok
        assert report.checked == 0

    def test_verify_walks_in_batches(self):
        record_chain(7)
        report = audit_verify(batch_size=2)
        assert report.ok
        assert report.checked == 7


@pytest.mark.django_db
class TestAppendOnly:
    def test_saving_an_existing_event_raises(self):
        event = record_chain(1)[0]
        event.action = "test.changed"
        with pytest.raises(AuditLogIsAppendOnly):
            event.save()

    def test_deleting_an_event_raises(self):
        event = record_chain(1)[0]
        with pytest.raises(AuditLogIsAppendOnly):
            event.delete()
        assert AuditEvent.objects.filter(pk=event.pk).exists()

    def test_bulk_update_and_delete_through_the_manager_raise(self):
        record_chain(2)
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEvent.objects.filter(action="test.step").update(action="x")
        with pytest.raises(AuditLogIsAppendOnly):
            AuditEvent.objects.all().delete()
        assert AuditEvent.objects.count() == 2

    def test_deleting_the_actor_keeps_the_event_and_the_chain(self):
        user = UserFactory.create()
        audit_record(actor=user, action="user.test", target=user)
        user_id = user.pk
        user.delete()
        event = AuditEvent.objects.get()
        assert event.actor_id == user_id
        assert user.email in event.actor_label
        assert audit_verify().ok

    def test_a_rolled_back_change_leaves_no_event_and_the_chain_intact(self):
        from django.db import transaction

        record_chain(2)
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=None, action="test.rolled_back", object_type="t", object_id=1)
            raise RuntimeError("the change failed")
        record_chain(1)
        assert not AuditEvent.objects.filter(action="test.rolled_back").exists()
        assert audit_verify().ok


@pytest.mark.django_db
def test_model_changes_lists_only_what_differs_and_records_related_objects_by_id():
    user = UserFactory.create(first_name="Anna")
    before = {"first_name": "Anna", "last_name": user.last_name}
    user.first_name = "Annika"
    assert model_changes(user, ["first_name", "last_name"], before) == {"first_name": ["Anna", "Annika"]}
    assert model_changes(user, ["first_name"], None) == {"first_name": [None, "Annika"]}


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_valid_chain():
    """Writers in several threads (each its own database connection) append at the same time. On PostgreSQL
    the chain head's row lock orders them; on SQLite the write lock taken at BEGIN IMMEDIATE does."""
    writers, per_writer = 4, 15
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(per_writer):
                audit_record(actor=f"writer {n}", action="test.concurrent", object_type="t", object_id=i)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert AuditEvent.objects.count() == writers * per_writer
    report = audit_verify()
    assert report.ok, report
    assert report.checked == writers * per_writer
    assert AuditChainHead.objects.get().last_event_id == AuditEvent.objects.order_by("-id")[0].pk
