"""Extraction whose worker died is retried by the periodic sweep (bounded), or failed with the reason; never left
"pending" for ever."""

import io
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from samrad.audit.models import AuditEvent
from samrad.documents.models import DocumentPage, StoredFile
from samrad.documents.services import extraction_sweep, file_intake
from samrad.documents.tasks import extract_text
from samrad.documents.tests import samples
from samrad.notifications.task_queue import ABANDONED_EXCEPTION, abandoned_tasks_fail
from samrad.testing.waiting import wait_until


def intake(data: bytes, name: str) -> StoredFile:
    return file_intake(actor=None, stream=io.BytesIO(data), name=name)


def extraction_tasks(stored: StoredFile):
    return DBTaskResult.objects.filter(task_path=extract_text.module_path, args_kwargs__args=[stored.pk])


@pytest.mark.worker
def test_an_extraction_whose_worker_is_killed_is_queued_again_and_a_second_worker_finishes_it(task_worker, settings):
    settings.EXTRACTION_LEASE = 2
    with transaction.atomic():
        stored = intake(samples.make_extraction_bomb(pages=200, first_pages=("Inledning om samverkan",)), "remiss.pdf")
    first = task_worker(queues=("default",), env={"EXTRACTION_LEASE": "2", "EXTRACTION_TIME_LIMIT": "300"})
    first.wait_until(
        lambda: StoredFile.objects.get(pk=stored.pk).text_claimed_at is not None,
        what="the first worker starts reading the file",
    )
    time.sleep(1)  # mid-extraction: the file has 200 pages of about 2 s each
    first.kill()
    [killed_run] = extraction_tasks(stored)
    assert killed_run.status == "RUNNING"
    assert StoredFile.objects.get(pk=stored.pk).text_state == StoredFile.TextState.PENDING

    # Once the dead run's heartbeat is older than the lease, the sweep queues the file again (once).
    requeued = wait_until(lambda: extraction_sweep().requeued, timeout=15, message="the sweep finds the dead run")
    assert requeued == [stored.pk]
    assert extraction_sweep().requeued == []
    assert extraction_tasks(stored).count() == 2

    second = task_worker(queues=("default",), env={"EXTRACTION_LEASE": "2", "EXTRACTION_TIME_LIMIT": "3"})
    second.wait_until(
        lambda: StoredFile.objects.get(pk=stored.pk).text_state != StoredFile.TextState.PENDING,
        what="the second worker records the text",
    )
    stored.refresh_from_db()
    assert stored.text_state == StoredFile.TextState.PARTIAL
    assert stored.text_cut_off == StoredFile.TextCutOff.TIME
    assert stored.text_attempts == 2
    assert DocumentPage.objects.get(file=stored, number=1).text == "Inledning om samverkan"

    # The queue's own record of the killed run is failed, with the reason, once it outlived any task's limit.
    second.stop()  # lets its current task (the search index's) finish: only the killed run is left "running"
    later = timezone.now() + timedelta(seconds=2 * settings.TASK_TIME_LIMIT + 1)
    assert abandoned_tasks_fail(now=timezone.now()) == 0
    assert abandoned_tasks_fail(now=later) == 1
    killed_run.refresh_from_db()
    assert killed_run.status == "FAILED"
    assert killed_run.exception_class_path == ABANDONED_EXCEPTION
    assert "stopped" in killed_run.traceback


@pytest.mark.django_db
def test_after_the_last_allowed_attempt_the_file_is_failed_with_the_reason(settings):
    settings.EXTRACTION_MAX_ATTEMPTS = 3
    stored = intake(samples.make_pdf("Remissvar"), "svar.pdf")
    StoredFile.objects.filter(pk=stored.pk).update(
        text_attempts=3, text_claimed_at=timezone.now() - timedelta(seconds=settings.EXTRACTION_LEASE + 1)
    )

    report = extraction_sweep()

    assert report.failed == [stored.pk]
    assert report.requeued == []
    stored.refresh_from_db()
    assert stored.text_state == StoredFile.TextState.FAILED
    assert stored.text_cut_off == StoredFile.TextCutOff.INTERRUPTED
    assert stored.text_flagged
    assert "3 gånger" in stored.text_error
    event = AuditEvent.objects.get(action="file.text_extracted", object_id=str(stored.pk))
    assert event.changes["attempts"] == 3
    assert extraction_sweep().failed == []


@pytest.mark.django_db
def test_a_file_whose_extraction_task_was_lost_is_queued_again_once(settings):
    stored = intake(samples.make_pdf("Remissvar"), "svar.pdf")  # the test's transaction never commits: no task
    assert not extraction_tasks(stored).exists()
    assert extraction_sweep().requeued == []  # just uploaded: its task may simply be waiting

    StoredFile.objects.filter(pk=stored.pk).update(
        uploaded_at=timezone.now() - timedelta(seconds=settings.EXTRACTION_QUEUE_GRACE + 1)
    )
    assert extraction_sweep().requeued == [stored.pk]
    assert extraction_tasks(stored).count() == 1
    assert extraction_sweep().requeued == []


@pytest.mark.django_db
def test_a_live_run_is_left_alone(settings):
    stored = intake(samples.make_pdf("Remissvar"), "svar.pdf")
    StoredFile.objects.filter(pk=stored.pk).update(text_attempts=1, text_claimed_at=timezone.now())
    report = extraction_sweep()
    assert report.requeued == report.failed == []
