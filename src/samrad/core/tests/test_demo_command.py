"""`manage.py demo` reads the text of the demo's documents and builds the search index before it serves, so that a
search right after it starts finds the demo content."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from samrad.documents.models import StoredFile
from samrad.library.search import search

pytestmark = pytest.mark.django_db


def test_the_demo_has_read_its_documents_and_built_the_search_index_before_it_serves():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)

    assert not StoredFile.objects.filter(text_state=StoredFile.TextState.PENDING).exists()
    assert StoredFile.objects.filter(text_state=StoredFile.TextState.EXTRACTED).count() > 5
    results = search(user=AnonymousUser(), query="samverkan", limit=100)
    assert results.hits, "a search for 'samverkan' finds the demo content"
    kinds = {hit.entry.kind for hit in results.hits}
    assert len(kinds) >= 2, kinds
    assert "search index:" in out.getvalue()
