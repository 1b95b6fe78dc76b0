import pytest
from django.contrib.auth.models import AnonymousUser

from samrad.audit.models import AuditEvent
from samrad.documents.models import StoredFile
from samrad.library.demo import DOCUMENTS, library_demo_load
from samrad.library.models import LibraryDocument
from samrad.library.search import search

pytestmark = pytest.mark.django_db


def test_the_demo_knowledge_base_is_found_by_regionbildning_with_snippets(make_consultation):
    consultation = make_consultation(open=True, title="Remiss: ny regional indelning")
    documents = library_demo_load()
    assert len(documents) == len(DOCUMENTS) == 5
    assert {d.file.kind for d in documents} == {"pdf", "docx"}
    files = StoredFile.objects.filter(pk__in=[d.file_id for d in documents])
    assert {f.text_state for f in files} == {StoredFile.TextState.EXTRACTED}
    assert all(list(d.consultations.all()) == [consultation] for d in documents)

    results = search(user=AnonymousUser(), query="regionbildning", kinds=["library"], limit=100)
    found_titles = {hit.entry.title for hit in results.hits}
    assert found_titles == {spec.title for spec in DOCUMENTS}
    pages = [hit for hit in results.hits if hit.entry.page is not None]
    assert pages, "the text of the files is found, page by page"
    assert all("<mark>" in hit.snippet_html for hit in pages)
    assert any(hit.entry.page and hit.entry.page > 1 for hit in pages)


def test_loading_twice_adds_nothing(make_consultation):
    library_demo_load()
    events = AuditEvent.objects.count()
    library_demo_load()
    assert LibraryDocument.objects.count() == len(DOCUMENTS)
    assert AuditEvent.objects.count() == events
    # A consultation opened later is linked on the next load.
    consultation = make_consultation(open=True)
    library_demo_load()
    assert all(consultation in d.consultations.all() for d in LibraryDocument.objects.all())
