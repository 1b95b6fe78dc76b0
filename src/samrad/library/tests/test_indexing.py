"""Keeping the index current: services index after commit, the periodic job catches other apps' changes and
deletions, `manage.py search_reindex` rebuilds, extracted text reaches the index, long pages are split."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from samrad.consultations.models import Consultation, ConsultationDocument
from samrad.documents.models import StoredFile
from samrad.documents.services import file_intake, stored_file_extract_text
from samrad.documents.tests import samples
from samrad.library.indexing import search_index_file, search_reindex, search_sync, text_chunks
from samrad.library.models import SearchEntry, SearchSyncState
from samrad.library.search import search
from samrad.library.services import library_document_create, library_document_delete, library_document_update
from samrad.notifications.scheduling import periodic_jobs
from samrad.testing.queue import run_queued_tasks

ANONYMOUS = AnonymousUser()


def found(query, user=ANONYMOUS):
    return [(h.entry.kind, h.entry.title) for h in search(user=user, query=query).hits]


@pytest.mark.django_db
def test_library_services_keep_the_index_current_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = library_document_create(
            actor="test", title="Befolkningsutveckling i länet", url="https://www.example.se/prognos"
        )
    assert found("befolkningsutvecklingen") == [("library", "Befolkningsutveckling i länet")]

    with django_capture_on_commit_callbacks(execute=True):
        library_document_update(
            actor="test", document=document, title="Bostadsbristen i länet", kind="report", url=document.url
        )
    assert found("befolkningsutveckling") == []
    assert found("bostadsbrist") == [("library", "Bostadsbristen i länet")]

    library_document_delete(actor="test", document=document)
    assert found("bostadsbrist") == []
    assert not SearchEntry.objects.exists()


@pytest.mark.django_db
def test_the_periodic_job_indexes_what_changed_and_drops_what_is_gone(make_consultation):
    consultation = make_consultation(open=True, title="Remiss om cykelvägar")
    first = search_sync()
    assert first.reindexed["consultation"] == 2  # the consultation and its question
    assert found("cykelvägarna") == [("consultation", "Remiss om cykelvägar")]

    # A change by another app, written without calling the index: the next run picks it up by updated_at.
    consultation.title = "Remiss om gångvägar"
    consultation.save()
    second = search_sync(now=timezone.now() + dt.timedelta(minutes=2))
    assert second.reindexed["consultation"] == 2
    assert found("gångvägarna") == [("consultation", "Remiss om gångvägar")]
    assert found("cykelvägar") == []

    # Nothing changed: nothing is reindexed (the overlap window aside).
    later = timezone.now() + dt.timedelta(hours=1)
    SearchSyncState.objects.update(synced_until=later)
    assert search_sync(now=later).reindexed["consultation"] == 0

    Consultation.objects.filter(pk=consultation.pk).delete()
    assert search_sync(now=later).dropped["consultation"] == 0  # the entries went with the consultation
    assert not SearchEntry.objects.filter(source="consultation").exists()
    assert found("gångvägar") == []


@pytest.mark.django_db
def test_the_periodic_job_is_registered_with_the_scheduler():
    assert "library.search_sync" in {job.name for job in periodic_jobs}


@pytest.mark.django_db
def test_extracted_text_of_a_consultation_document_becomes_searchable_with_pages(make_consultation, coordinator):
    consultation = make_consultation(open=True, title="Remiss om vattenplan")
    stored = file_intake(
        actor=coordinator,
        stream=io.BytesIO(samples.make_pdf("Sammanfattning", "Grundvattnets kvalitet i Mälardalen")),
        name="vattenplan.pdf",
    )
    ConsultationDocument.objects.create(consultation=consultation, title="Vattenplan 2027", file=stored)
    search_reindex()
    assert found("Mälardalen") == []  # not extracted yet

    stored_file_extract_text(stored_file=stored)
    search_index_file(stored.pk)
    hits = search(user=ANONYMOUS, query="Mälardalen").hits
    assert [(h.entry.kind, h.entry.title, h.entry.page) for h in hits] == [("document", "Vattenplan 2027", 2)]
    assert hits[0].entry.url == f"/remisser/{consultation.pk}/dokument/{ConsultationDocument.objects.get().pk}/"


@pytest.mark.django_db(transaction=True)
def test_extraction_queues_the_reindexing_of_the_files_users(add_library_document):
    with transaction.atomic():
        document = library_document_create(
            actor="test",
            title="Trafikanalys",
            file_stream=io.BytesIO(samples.make_pdf("Pendlingen över länsgränsen ökar.")),
            file_name="trafik.pdf",
        )
    # The intake queued the extraction, the service the indexing; the queue runs both, then the reindexing
    # that the extraction asked for.
    run_queued_tasks()
    assert StoredFile.objects.get(pk=document.file_id).text_state == StoredFile.TextState.EXTRACTED
    run_queued_tasks()
    assert [(h.entry.title, h.entry.page) for h in search(user=ANONYMOUS, query="länsgränserna").hits] == [
        ("Trafikanalys", 1)
    ]


@pytest.mark.django_db
def test_search_reindex_command_rebuilds_everything(make_consultation, add_library_document):
    make_consultation(open=True, title="Remiss om skolskjutsar")
    add_library_document("Skolskjutsar i glesbygd")
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    assert "Search index rebuilt" in out.getvalue()
    assert {title for _kind, title in found("skolskjutsarna")} == {"Remiss om skolskjutsar", "Skolskjutsar i glesbygd"}
    call_command("search_reindex", "library_document", stdout=io.StringIO())
    assert SearchEntry.objects.filter(source="library_document").count() == 1
    with pytest.raises(CommandError):
        call_command("search_reindex", "nonsense")


def test_long_text_is_split_at_white_space():
    text = " ".join(["ord"] * 10_000)
    chunks = list(text_chunks(text, size=1000))
    assert all(len(chunk) <= 1000 for chunk in chunks)
    assert " ".join(chunks) == text
