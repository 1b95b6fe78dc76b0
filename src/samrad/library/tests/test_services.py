import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samrad.audit.models import AuditEvent
from samrad.documents.inspection import FileRejected
from samrad.documents.models import StoredFile
from samrad.documents.tests import samples
from samrad.errors import InvalidInput
from samrad.library.models import LibraryDocument
from samrad.library.selectors import library_document_list, library_documents_visible_to
from samrad.library.services import library_document_create, library_document_delete, library_document_update

pytestmark = pytest.mark.django_db


def test_a_coordinator_adds_a_document_with_a_file_and_it_is_audited(coordinator, region, make_consultation):
    consultation = make_consultation(open=True)
    document = library_document_create(
        actor=coordinator,
        title="Regional utvecklingsplan",
        summary="Planen i sin helhet.",
        kind=LibraryDocument.Kind.PROPOSAL,
        tags=["planering", " Planering ", "trafik"],
        organisation=region,
        file_stream=io.BytesIO(samples.make_docx("Planens text")),
        file_name="rufs.docx",
        consultations=[consultation],
    )
    assert document.file is not None
    assert document.file.kind == "docx"
    assert document.file.text_state == StoredFile.TextState.PENDING
    assert sorted(t.name for t in document.tags.all()) == ["planering", "trafik"]  # the first spelling wins
    assert list(document.consultations.all()) == [consultation]
    event = AuditEvent.objects.get(action="library.document_created")
    assert event.actor_id == coordinator.pk
    assert event.changes["title"] == [None, "Regional utvecklingsplan"]
    assert event.changes["consultations"] == [None, [consultation.pk]]


def test_a_document_is_a_file_or_a_link(coordinator):
    with pytest.raises(ValidationError):
        library_document_create(actor=coordinator, title="Ingenting")
    with pytest.raises(ValidationError):
        library_document_create(
            actor=coordinator,
            title="Båda",
            url="https://www.example.se/a",
            file_stream=io.BytesIO(samples.make_pdf("x")),
            file_name="a.pdf",
        )
    assert not LibraryDocument.objects.exists()


def test_a_refused_file_stores_nothing(coordinator):
    with pytest.raises(FileRejected):
        library_document_create(
            actor=coordinator, title="Program", file_stream=io.BytesIO(samples.make_elf_executable()), file_name="a.pdf"
        )
    assert not LibraryDocument.objects.exists()
    assert not StoredFile.objects.exists()


def test_only_coordinators_of_the_organisation_curate(coordinator, other_coordinator, nacka_person, region):
    with pytest.raises(PermissionDenied):
        library_document_create(actor=nacka_person, title="X", url="https://www.example.se/x")
    with pytest.raises(PermissionDenied):
        library_document_create(actor=other_coordinator, title="X", url="https://www.example.se/x", organisation=region)
    document = library_document_create(
        actor=coordinator, title="Regionens", url="https://www.example.se/r", organisation=region
    )
    with pytest.raises(PermissionDenied):
        library_document_update(
            actor=other_coordinator, document=document, title="Ändrad", kind="report", url=document.url
        )
    with pytest.raises(PermissionDenied):
        library_document_delete(actor=other_coordinator, document=document)
    # A document of no particular organisation is curated by any coordinator.
    shared = library_document_create(actor=other_coordinator, title="Gemensam", url="https://www.example.se/g")
    library_document_update(actor=coordinator, document=shared, title="Gemensam 2", kind="other", url=shared.url)


def test_update_records_what_changed_and_a_new_file_replaces_the_link(coordinator):
    document = library_document_create(actor=coordinator, title="Statistik", url="https://www.example.se/s")
    updated = library_document_update(
        actor=coordinator,
        document=document,
        title="Statistik 2026",
        kind=LibraryDocument.Kind.STATISTICS,
        tags=["befolkning"],
        file_stream=io.BytesIO(samples.make_xlsx({"Befolkning": [["Nacka", 110000]]})),
        file_name="statistik.xlsx",
    )
    assert updated.file is not None and updated.url == ""
    event = AuditEvent.objects.get(action="library.document_updated")
    assert event.changes["title"] == ["Statistik", "Statistik 2026"]
    assert event.changes["url"] == ["https://www.example.se/s", ""]
    assert event.changes["tags"] == [[], ["befolkning"]]
    assert event.changes["file"] == [None, updated.file_id]


def test_delete_is_audited(coordinator):
    document = library_document_create(actor=coordinator, title="Gammal", url="https://www.example.se/g")
    pk = document.pk
    library_document_delete(actor=coordinator, document=document)
    assert not LibraryDocument.objects.exists()
    assert AuditEvent.objects.filter(action="library.document_deleted", object_id=str(pk)).exists()


def test_who_may_read_what(coordinator, other_coordinator, nacka_person, solna_person, nacka):
    from django.contrib.auth.models import AnonymousUser

    public = library_document_create(actor="test", title="Öppen", url="https://www.example.se/1")
    staff = library_document_create(
        actor="test", title="Intern", url="https://www.example.se/2", visibility=LibraryDocument.Visibility.STAFF
    )
    shared = library_document_create(
        actor="test",
        title="Delad med Nacka",
        url="https://www.example.se/3",
        visibility=LibraryDocument.Visibility.ORGANISATIONS,
        readers=[nacka],
    )
    assert set(library_documents_visible_to(AnonymousUser())) == {public}
    assert set(library_documents_visible_to(nacka_person)) == {public, shared}
    assert set(library_documents_visible_to(solna_person)) == {public}
    assert set(library_documents_visible_to(other_coordinator)) == {public, staff, shared}
    assert list(library_document_list(user=nacka_person, text="nacka")) == [shared]


def test_curating_is_decided_by_the_stored_document_not_the_instance_passed_in(coordinator, other_coordinator, region):
    """Region Stockholm's coordinator may not change or delete KSL's document by handing the service an
    instance that claims to be Region Stockholm's (a changed or stale copy)."""
    ksl = other_coordinator.memberships.get().organisation
    theirs = library_document_create(
        actor=other_coordinator, title="KSL:s rapport", organisation=ksl, url="https://www.ksl.example.se/rapport"
    )
    disguised = LibraryDocument.objects.get(pk=theirs.pk)
    disguised.organisation = region
    with pytest.raises(PermissionDenied):
        library_document_update(
            actor=coordinator, document=disguised, title="Kapad", kind=theirs.kind, organisation=region, url=theirs.url
        )
    with pytest.raises(PermissionDenied):
        library_document_delete(actor=coordinator, document=disguised)
    theirs.refresh_from_db()
    assert (theirs.title, theirs.organisation_id) == ("KSL:s rapport", ksl.pk)


def test_a_publication_date_outside_the_range_is_refused_by_the_service(coordinator):
    with pytest.raises(InvalidInput) as refused:
        library_document_create(
            actor=coordinator, title="Fel år", url="https://example.se/a", published_on=dt.date(9999, 1, 1)
        )
    assert refused.value.field == "published_on"
