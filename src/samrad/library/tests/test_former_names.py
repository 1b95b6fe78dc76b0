"""Global search finds an organisation's documents by its former name too (Stockholms läns landsting)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from samrad.library.indexing import search_sync
from samrad.library.search import search
from samrad.organisations.services import organisation_rename

pytestmark = pytest.mark.django_db


def test_a_document_is_found_by_its_organisations_old_and_new_name(add_library_document, region):
    from samrad.organisations.models import Organisation

    Organisation.objects.filter(pk=region.pk).update(name="Stockholms läns landsting")
    region.refresh_from_db()
    add_library_document("Trafikplan 2017", organisation=region, visibility="public", summary="Om bussar.")
    search_sync()
    found = {hit.entry.title for hit in search(user=AnonymousUser(), query="landsting").hits}
    assert found == {"Trafikplan 2017"}

    organisation_rename(actor="test", organisation=region, new_name="Region Stockholm", valid_from=dt.date(2019, 1, 1))
    search_sync(now=timezone.now() + dt.timedelta(minutes=2))  # the rename changed the organisation

    for query in ("landsting", "Region Stockholm"):
        assert {hit.entry.title for hit in search(user=AnonymousUser(), query=query).hits} == {"Trafikplan 2017"}
