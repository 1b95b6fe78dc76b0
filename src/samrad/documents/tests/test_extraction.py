import io

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.documents.models import DocumentPage, StoredFile
from samrad.documents.services import file_intake, stored_file_extract_text
from samrad.documents.signals import text_extracted
from samrad.documents.tests import samples


def intake(data: bytes, name: str, **kwargs) -> StoredFile:
    return file_intake(actor=None, stream=io.BytesIO(data), name=name, **kwargs)


def pages_of(stored: StoredFile) -> list[tuple[int, str, str]]:
    return [(p.number, p.label, p.text) for p in DocumentPage.objects.filter(file=stored).order_by("number")]


@pytest.mark.django_db
def test_pdf_text_is_extracted_page_by_page_with_swedish_letters():
    stored = intake(samples.make_pdf("Yttrande över regionbildningen", "Sida två: åäö ÅÄÖ"), "yttrande.pdf")
    assert stored.text_state == StoredFile.TextState.PENDING

    stored = stored_file_extract_text(stored_file=stored)

    assert stored.text_state == StoredFile.TextState.EXTRACTED
    assert stored.text_extracted_at is not None
    assert pages_of(stored) == [(1, "", "Yttrande över regionbildningen"), (2, "", "Sida två: åäö ÅÄÖ")]
    event = AuditEvent.objects.get(action="file.text_extracted", object_id=str(stored.pk))
    assert event.changes["text_state"] == ["pending", "extracted"]
    assert event.changes["pages"] == 2


@pytest.mark.django_db
def test_docx_pages_follow_its_page_breaks_and_keep_swedish_letters():
    data = samples.make_docx_pages(
        [["Kommunstyrelsens yttrande", "Förslaget om en större region"], ["Bilaga: Översikt av åtgärderna"]]
    )
    stored = stored_file_extract_text(stored_file=intake(data, "yttrande.docx"))
    assert stored.text_state == StoredFile.TextState.EXTRACTED
    assert pages_of(stored) == [
        (1, "", "Kommunstyrelsens yttrande\nFörslaget om en större region"),
        (2, "", "Bilaga: Översikt av åtgärderna"),
    ]


@pytest.mark.django_db
def test_odt_text_and_layout_pages_are_extracted():
    data = samples.make_odt_pages(
        [["Länsstyrelsens synpunkter på indelningen"], ["Sammanfattning: ja, så får det bli"]]
    )
    stored = stored_file_extract_text(stored_file=intake(data, "synpunkter.odt"))
    assert stored.text_state == StoredFile.TextState.EXTRACTED
    assert pages_of(stored) == [
        (1, "", "Länsstyrelsens synpunkter på indelningen"),
        (2, "", "Sammanfattning: ja, så får det bli"),
    ]


@pytest.mark.django_db
def test_spreadsheet_sheets_are_pages_named_after_the_sheet():
    data = samples.make_xlsx(
        {"Befolkning": [["Kommun", "Invånare"], ["Södertälje", 100500]], "Tomt": [], "Kostnader": [["År", 2026]]}
    )
    stored = stored_file_extract_text(stored_file=intake(data, "statistik.xlsx", allowed_kinds=("xlsx",)))
    assert pages_of(stored) == [
        (1, "Befolkning", "Kommun\tInvånare\nSödertälje\t100500"),
        (3, "Kostnader", "År\t2026"),
    ]


@pytest.mark.django_db
def test_plain_text_pages_are_split_at_form_feeds():
    stored = intake("Första delen\fAndra delen, åäö\n".encode(), "anteckningar.txt", allowed_kinds=("txt",))
    stored = stored_file_extract_text(stored_file=stored)
    assert pages_of(stored) == [(1, "", "Första delen"), (2, "", "Andra delen, åäö")]


@pytest.mark.django_db
def test_a_scanned_pdf_without_text_is_flagged_not_silently_empty():
    stored = stored_file_extract_text(stored_file=intake(samples.make_pdf("", ""), "skannad.pdf"))
    assert stored.text_state == StoredFile.TextState.NO_TEXT
    assert stored.text_flagged
    assert pages_of(stored) == []
    assert AuditEvent.objects.filter(action="file.text_extracted", changes__pages=0).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "data"), [("docx", b"PK\x03\x04 not a zip at all"), ("pdf", b"%PDF-1.4\ngarbage")])
def test_a_file_that_cannot_be_read_is_marked_failed_with_the_reason(kind, data):
    stored = StoredFile(
        original_name=f"trasig.{kind}",
        kind=kind,
        content_type="application/octet-stream",
        extension=f".{kind}",
        size=len(data),
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    stored.file.save(f"trasig.{kind}", ContentFile(data), save=False)
    stored.save()

    stored = stored_file_extract_text(stored_file=stored)

    assert stored.text_state == StoredFile.TextState.FAILED
    assert stored.text_error
    assert stored.text_flagged
    assert pages_of(stored) == []


@pytest.mark.django_db
def test_extraction_runs_once_unless_forced_and_images_have_no_text():
    stored = stored_file_extract_text(stored_file=intake(samples.make_pdf("Remissvar"), "svar.pdf"))
    first_run = stored.text_extracted_at
    assert stored_file_extract_text(stored_file=stored).text_extracted_at == first_run
    assert stored_file_extract_text(stored_file=stored, force=True).text_extracted_at > first_run
    assert DocumentPage.objects.filter(file=stored).count() == 1

    png = intake(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "bild.png", allowed_kinds=("png",))
    assert png.text_state == StoredFile.TextState.NOT_APPLICABLE
    assert stored_file_extract_text(stored_file=png).text_state == StoredFile.TextState.NOT_APPLICABLE


@pytest.mark.django_db
def test_readers_are_told_after_commit(django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, stored_file_id, **kwargs):
        received.append(stored_file_id)

    text_extracted.connect(receiver)
    try:
        stored = intake(samples.make_pdf("Remissvar"), "svar.pdf")
        with django_capture_on_commit_callbacks(execute=True):
            stored_file_extract_text(stored_file=stored)
    finally:
        text_extracted.disconnect(receiver)
    assert received == [stored.pk]


@pytest.mark.worker
def test_the_intake_queues_extraction_and_a_real_worker_runs_it(task_worker):
    with transaction.atomic():
        stored = intake(samples.make_pdf("Regionbildningen i Stockholms län", "Målen för år 2030"), "beslut.pdf")
    worker = task_worker(backend="database")
    worker.wait_until(
        lambda: StoredFile.objects.get(pk=stored.pk).text_state == StoredFile.TextState.EXTRACTED,
        what="the worker extracts the text",
    )
    assert pages_of(stored) == [(1, "", "Regionbildningen i Stockholms län"), (2, "", "Målen för år 2030")]
