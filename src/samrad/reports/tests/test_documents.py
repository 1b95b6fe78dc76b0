"""A large compilation's PDF is written in the background and stored: asking for it queues it once, the page says
it is being prepared, a real worker writes it, and then it is served from storage; a draft whose answers or
summary changed gets a new one; signing off queues the final one."""

import datetime as dt
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from samrad.audit.models import AuditEvent
from samrad.reports import documents
from samrad.reports.models import CompilationDocument
from samrad.reports.services import compilation_sign_off, compilation_start, compilation_summary_set
from samrad.reports.tasks import render_compilation_document


def _jobs() -> int:
    return DBTaskResult.objects.filter(task_path=render_compilation_document.module_path).count()


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def large(settings):
    """Every compilation counts as large: its PDF is written in the background."""
    settings.COMPILATION_INLINE_MAX_ACCOUNTS = 0


@pytest.mark.worker
def test_a_large_compilations_pdf_is_prepared_by_a_real_worker_and_then_served(
    large, task_worker, client, closed_world, coordinator, settings
):
    consultation = closed_world["consultation"]
    compilation = compilation_start(actor=coordinator, consultation=consultation)
    client.force_login(coordinator)
    download = reverse("reports:download", args=[consultation.pk, "pdf"])
    page = reverse("reports:compilation", args=[consultation.pk])

    asked = client.get(download, follow=True)
    assert asked.redirect_chain == [(page, 302)]
    shown = asked.content.decode()
    assert "Den håller på att tas fram" in shown and "tas fram sedan" in shown
    assert client.get(download).status_code == 302  # asking again queues nothing more
    assert _jobs() == 1
    [document] = CompilationDocument.objects.filter(compilation=compilation)
    assert document.status == CompilationDocument.Status.PENDING

    worker = task_worker(backend="database", env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    worker.wait_until(
        lambda: CompilationDocument.objects.filter(pk=document.pk, status="ready").exists(),
        timeout=180,
        what="the worker has written the PDF",
    )
    document.refresh_from_db()
    assert "klar" in client.get(page).content.decode()

    response = client.get(download)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
    text = _pdf_text(data)
    assert consultation.title in text and "Nacka kommun" in text
    assert AuditEvent.objects.filter(action="compilation.document_rendered", changes__sha256=document.sha256).exists()
    assert AuditEvent.objects.filter(action="compilation.downloaded", changes__format="pdf").count() == 1


@pytest.mark.django_db
def test_a_changed_draft_gets_a_new_pdf_and_the_old_one_goes(large, client, closed_world, coordinator):
    consultation = closed_world["consultation"]
    compilation = compilation_start(actor=coordinator, consultation=consultation)
    client.force_login(coordinator)
    download = reverse("reports:download", args=[consultation.pk, "pdf"])
    client.get(download)
    [first] = CompilationDocument.objects.filter(compilation=compilation)
    documents.compilation_document_render(document_id=first.pk)  # what the worker runs
    first.refresh_from_db()
    assert first.status == CompilationDocument.Status.READY
    old_name = first.file.name
    assert first.file.storage.exists(old_name)

    compilation_summary_set(actor=coordinator, compilation=compilation, summary="Kommunerna betonade samordning.")
    assert client.get(download).status_code == 302  # the summary changed: the stored PDF is not this content's
    second = CompilationDocument.objects.exclude(pk=first.pk).get(compilation=compilation)
    assert second.content_digest != first.content_digest
    documents.compilation_document_render(document_id=second.pk)
    assert list(CompilationDocument.objects.filter(compilation=compilation)) == [second]
    assert not first.file.storage.exists(old_name)
    response = client.get(download)
    assert response.status_code == 200
    assert "Kommunerna betonade samordning." in _pdf_text(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_a_request_whose_job_was_lost_is_queued_again_when_asked_after_an_hour(
    large, client, closed_world, coordinator, django_capture_on_commit_callbacks
):
    consultation = closed_world["consultation"]
    compilation_start(actor=coordinator, consultation=consultation)
    client.force_login(coordinator)
    download = reverse("reports:download", args=[consultation.pk, "pdf"])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(download)
        client.get(download)
    assert _jobs() == 1
    CompilationDocument.objects.update(requested_at=timezone.now() - documents.STALE_AFTER - dt.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        client.get(download)
    assert _jobs() == 2
    assert AuditEvent.objects.filter(action="compilation.document_requested", changes__again=True).count() == 1


@pytest.mark.django_db
def test_signing_off_a_large_compilation_queues_its_final_pdf_and_a_small_one_is_written_at_once(
    settings, client, closed_world, coordinator, django_capture_on_commit_callbacks
):
    consultation = closed_world["consultation"]
    compilation = compilation_start(actor=coordinator, consultation=consultation)
    compilation_summary_set(actor=coordinator, compilation=compilation, summary="Sammanfattning.")
    client.force_login(coordinator)
    download = reverse("reports:download", args=[consultation.pk, "pdf"])
    assert client.get(download).status_code == 200  # small: written during the request, nothing stored
    assert not CompilationDocument.objects.exists() and _jobs() == 0

    settings.COMPILATION_INLINE_MAX_ACCOUNTS = 0
    with django_capture_on_commit_callbacks(execute=True):
        compilation_sign_off(actor=coordinator, compilation=compilation)
    [final] = CompilationDocument.objects.filter(compilation=compilation)
    assert final.status == CompilationDocument.Status.PENDING and _jobs() == 1
    compilation.refresh_from_db()
    assert final.content_digest == documents.content_digest(documents.selectors.document_content(compilation))


@pytest.mark.django_db
def test_the_same_answers_find_the_same_document_whenever_the_draft_is_built(closed_world, coordinator):
    compilation = compilation_start(actor=coordinator, consultation=closed_world["consultation"])
    first = documents.selectors.document_content(compilation)
    later = documents.selectors.document_content(compilation)
    later.built_at = "31 december 2099 23.59"  # built in another minute
    assert documents.content_digest(first) == documents.content_digest(later)
    later.summary = "Ändrad."
    assert documents.content_digest(first) != documents.content_digest(later)
