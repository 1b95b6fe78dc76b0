import io

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from samrad.audit.models import AuditEvent
from samrad.documents.inspection import FileRejected
from samrad.documents.models import StoredFile
from samrad.documents.services import file_intake
from samrad.documents.tests import samples

pytestmark = pytest.mark.django_db


def intake(data: bytes, name: str, **kwargs):
    return file_intake(actor=None, stream=io.BytesIO(data), name=name, **kwargs)


def test_made_pdf_is_readable_with_swedish_text():
    data = samples.make_pdf("Yttrande över regionbildningen", "Sida två: åäö ÅÄÖ")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2
    assert "åäö ÅÄÖ" in reader.pages[1].extract_text()


@pytest.mark.parametrize(
    ("maker", "name", "kind"),
    [
        (samples.make_pdf, "beslut.pdf", "pdf"),
        (samples.make_docx, "yttrande.docx", "docx"),
        (samples.make_odt, "yttrande.odt", "odt"),
    ],
)
def test_documents_are_recognised_by_content_and_stored(maker, name, kind):
    data = maker("Kommunstyrelsens yttrande")
    stored = intake(data, name)
    assert stored.kind == kind
    assert stored.size == len(data)
    assert len(stored.sha256) == 64
    assert stored.original_name == name
    with default_storage.open(stored.file.name, "rb") as handle:
        assert handle.read() == data
    assert AuditEvent.objects.filter(action="file.stored", object_id=str(stored.pk)).exists()


def test_a_misnamed_document_is_stored_as_what_it_is():
    stored = intake(samples.make_docx("Text"), "protokoll.pdf")
    assert stored.kind == "docx"
    assert stored.file.name.endswith(".docx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (samples.make_elf_executable(), "beslut.pdf", "inte"),
        (samples.make_encrypted_pdf(), "beslut.pdf", "lösenord"),
        (b"%PDF-1.4\nthis is not really a pdf", "beslut.pdf", "skadad"),
        (b"", "tom.pdf", "tom"),
        (b"MZ\x90\x00" + b"\x00" * 100, "setup.docx", "inte"),
    ],
)
def test_hostile_or_broken_files_are_refused_and_nothing_is_stored(data, name, message):
    with pytest.raises(FileRejected) as caught:
        intake(data, name)
    assert message in caught.value.message.lower()
    assert StoredFile.objects.count() == 0


def test_zip_bomb_disguised_as_docx_is_refused():
    data = samples.make_docx_bomb(expanded_mb=400)
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(FileRejected) as caught:
        intake(data, "bomb.docx")
    assert "arkivbomb" in caught.value.message
    assert StoredFile.objects.count() == 0


def test_oversized_file_is_refused_with_the_limit_in_the_message():
    data = samples.make_pdf("stor")
    with pytest.raises(FileRejected) as caught:
        intake(data, "stor.pdf", max_bytes=len(data) - 1)
    assert "största" in caught.value.message
    assert StoredFile.objects.count() == 0


def test_type_not_allowed_here_is_refused():
    with pytest.raises(FileRejected) as caught:
        intake(b"vanlig text\n", "notes.txt", allowed_kinds=("pdf",))
    assert "PDF" in caught.value.message
