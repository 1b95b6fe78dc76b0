"""The demo's register: Region Gotland is one body in two roles, and the county council is Region Stockholm
since 1 January 2019 with its former name kept."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from samrad.core.demo import demo_load
from samrad.library.indexing import search_reindex
from samrad.library.models import LibraryDocument
from samrad.library.search import search
from samrad.organisations import selectors
from samrad.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_the_demo_register_has_one_gotland_and_a_renamed_region_stockholm():
    demo_load()
    demo_load()  # loading again adds nothing and renames nothing twice

    gotland = Organisation.objects.get(municipality_code="0980")
    assert (gotland.name, gotland.kinds) == ("Region Gotland", ["municipality", "region"])
    assert Organisation.objects.filter(name__icontains="Gotland").count() == 1
    assert Organisation.objects.filter(registry_email__iexact=gotland.registry_email).count() == 1
    # Picking by kind: the county's 26 municipalities + Gotland; the regions are Region Stockholm and Gotland.
    assert selectors.organisations_for_referral_count(kinds=["municipality"]) == 27
    assert {o.name for o in selectors.organisations_for_referral(kinds=["region"])} == {
        "Region Gotland",
        "Region Stockholm",
    }

    region = Organisation.objects.get(name="Region Stockholm")
    assert region.name_valid_from == dt.date(2019, 1, 1)
    assert [(f.name, f.valid_to) for f in region.former_names.all()] == [
        ("Stockholms läns landsting", dt.date(2018, 12, 31))
    ]
    assert region.name_on(dt.date(2016, 3, 15)) == "Stockholms läns landsting"
    assert LibraryDocument.objects.filter(organisation=region).count() == 2  # the 2016 documents

    search_reindex()
    old = {hit.entry.title for hit in search(user=AnonymousUser(), query="landsting", limit=100).hits}
    assert "Beslut om remiss av förslaget till ny regional indelning" in old
