"""Oversized uploads are refused as they arrive: a declared body over the limit is answered 413 unread, and a file
that grows past the limit while it streams in is dropped there, not written to disk first."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.library.models import LibraryDocument
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DJANGO_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


def bytes_written() -> int:
    """Bytes this process has passed to write() so far (Linux), whatever the file: temporary uploads included."""
    io_counters = Path("/proc/self/io")
    if not io_counters.exists():
        pytest.skip("needs /proc/self/io (Linux) to count the bytes written")
    for line in io_counters.read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    raise AssertionError("no wchar in /proc/self/io")


@pytest.fixture
def uploads(settings, tmp_path):
    """Small limits, and every uploaded file (however small) through a temporary file in its own directory."""
    settings.UPLOAD_MAX_BYTES = 200_000
    settings.IMPORT_MAX_BYTES = 100_000
    settings.UPLOAD_FORM_OVERHEAD = 1_000_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    return tmp_path


@pytest.fixture
def coordinator_client(client):
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )
    user = UserFactory.create(email="handlaggare@regionstockholm.example.se")
    MembershipFactory.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    client.force_login(user)
    return client


def post_document(client, size: int, **extra):
    return client.post(
        reverse("library:create"),
        {
            "title": "Regional plan för samverkan",
            "summary": "En sammanfattning som tog tid att skriva.",
            "kind": "proposal",
            "visibility": "public",
            "file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf"),
        },
        **extra,
    )


def test_a_file_that_grows_past_the_limit_is_dropped_as_it_streams_and_the_form_comes_back(
    uploads, coordinator_client, settings
):
    body = 3_000_000  # 15 times the largest file accepted
    settings.UPLOAD_FORM_OVERHEAD = 5_000_000  # a request this large passes the declared-size check and streams in

    # Without our handler, Django writes the whole file to a temporary file before any view can refuse it.
    settings.FILE_UPLOAD_HANDLERS = DJANGO_UPLOAD_HANDLERS
    before = bytes_written()
    post_document(coordinator_client, body)
    assert bytes_written() - before > body

    settings.FILE_UPLOAD_HANDLERS = ["samrad.documents.uploads.UploadLimitHandler", *DJANGO_UPLOAD_HANDLERS]
    before = bytes_written()
    response = post_document(coordinator_client, body)
    written = bytes_written() - before

    assert written < settings.UPLOAD_MAX_BYTES + 500_000, f"{written} bytes written"
    assert list(uploads.iterdir()) == []
    assert response.status_code == 200
    html = response.content.decode()
    assert "Filen är större än 195,3\xa0kB" in html
    assert "Den togs inte emot" in html
    # What the person typed is still in the form.
    assert "Regional plan för samverkan" in html
    assert "En sammanfattning som tog tid att skriva." in html
    assert not LibraryDocument.objects.exists()


def test_a_request_declaring_more_than_any_form_accepts_is_answered_413_unread(uploads, coordinator_client):
    before = bytes_written()
    response = post_document(coordinator_client, 3_000_000, HTTP_REFERER="http://testserver/kunskapsbank/ny/")
    written = bytes_written() - before

    assert response.status_code == 413
    assert written < 500_000, f"{written} bytes written"
    assert list(uploads.iterdir()) == []
    html = response.content.decode()
    assert 'lang="sv"' in html
    assert "Filen är för stor" in html
    assert "den största fil som tas emot är 195,3\xa0kB" in html
    assert 'href="http://testserver/kunskapsbank/ny/"' in html
    assert not LibraryDocument.objects.exists()


def test_a_file_within_the_limit_is_still_received(uploads, coordinator_client):
    from samrad.documents.tests import samples

    upload = SimpleUploadedFile("plan.pdf", samples.make_pdf("Planens text"), content_type="application/pdf")
    response = coordinator_client.post(
        reverse("library:create"), {"title": "Plan", "kind": "proposal", "visibility": "public", "file": upload}
    )
    assert response.status_code == 302
    assert LibraryDocument.objects.get().file is not None


def test_the_api_gets_its_own_error_format_for_a_request_too_large(uploads, client):
    response = client.post("/api/v1/consultations/", b"x" * 3_000_000, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "den största som tas emot är" in response.json()["detail"]
