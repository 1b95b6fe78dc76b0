"""Reads of the register: filters, the referral-list picker, and constant query counts."""

import pytest

from samrad.organisations import selectors
from samrad.organisations.models import Group, Organisation
from samrad.organisations.tests.factories import DivisionFactory, GroupFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisation_list_filters(register):
    assert selectors.organisation_list(kind="municipality").count() == 27
    assert selectors.organisation_list(county_code="09").get().name == "Region Gotland"
    assert selectors.organisation_list(group="södertörn").count() == 8
    nordost = Group.objects.get(name="Stockholm Nordost")
    assert selectors.organisation_list(group=nordost.pk).count() == 6
    assert selectors.organisation_list(group=str(nordost.pk)).count() == 6
    assert [o.name for o in selectors.organisation_list(q="sund")] == ["Sundbyberg"]
    assert selectors.organisation_list(q="SOL").count() == 2  # Sollentuna, Solna
    assert not selectors.organisation_list(group="Finns inte").exists()


def test_division_filter_picks_the_organisations_of_its_counties(register):
    from samrad.organisations.models import County

    division = DivisionFactory.create(name="Stockholm + Gotland", counties=list(County.objects.all()))
    assert selectors.organisation_list(division=division).count() == 27
    only_gotland = DivisionFactory.create(name="Bara Gotland", counties=[County.objects.get(code="09")])
    assert selectors.organisation_list(division=only_gotland.pk).get().municipality_code == "0980"


def test_organisations_for_referral_is_the_union_of_its_criteria(register):
    region = OrganisationFactory.create(agency=True, kind=Organisation.Kind.REGION, name="Region Stockholm")
    OrganisationFactory.create(agency=True, name="Inaktiv myndighet", is_active=False)
    sodertorn = Group.objects.get(name="Södertörn")

    picked = selectors.organisations_for_referral(group_ids=[sodertorn.pk], ids=[region.pk], county_codes=["09"])
    assert picked.count() == 10
    assert (
        selectors.organisations_for_referral_count(group_ids=[sodertorn.pk], ids=[region.pk], county_codes=["09"]) == 10
    )
    # Overlapping criteria count each organisation once.
    assert selectors.organisations_for_referral_count(kinds=["municipality"], county_codes=["01", "09"]) == 27
    assert selectors.organisations_for_referral_count(kinds=["agency"]) == 0  # the only agency is inactive
    assert not selectors.organisations_for_referral().exists()
    assert selectors.organisations_for_referral_count() == 0


def test_organisation_get_has_contacts_groups_and_membership_count(coordinator):
    region = Organisation.objects.get(name="Region Stockholm")
    found = selectors.organisation_get(organisation_id=region.pk)
    assert found is not None and found.membership_count == 1
    assert selectors.organisation_get(organisation_id=999_999) is None


def test_the_list_takes_the_same_number_of_queries_for_5_and_50_organisations(django_assert_num_queries):
    groups = [GroupFactory.create(), GroupFactory.create(kind=Group.Kind.NETWORK)]
    OrganisationFactory.create_batch(5, groups=groups)
    with django_assert_num_queries(3):  # organisations, groups, former names
        small = [(str(o.county), [g.name for g in o.groups.all()]) for o in selectors.organisation_list()]
    OrganisationFactory.create_batch(45, groups=groups)
    with django_assert_num_queries(3):  # organisations, groups, former names
        large = [(str(o.county), [g.name for g in o.groups.all()]) for o in selectors.organisation_list()]
    assert (len(small), len(large)) == (5, 50)


def test_kind_filters_match_either_role(register):
    """The county data: 26 municipalities of Stockholm County + Region Gotland (municipality and region)."""
    region = OrganisationFactory.create(
        agency=True, kind=Organisation.Kind.REGION, name="Region Stockholm", county=None
    )
    assert selectors.organisations_for_referral_count(kinds=["municipality"]) == 26 + 1
    assert {o.name for o in selectors.organisations_for_referral(kinds=["region"])} == {
        "Region Gotland",
        region.name,
    }
    assert selectors.organisations_for_referral_count(kinds=["municipality", "region"]) == 28  # Gotland once
    assert selectors.organisation_list(kind="region").count() == 2
    assert Organisation.objects.filter(selectors.kind_filter("region")).count() == 2
    assert Organisation.objects.filter(selectors.kind_filter(["county_board", ""])).count() == 0


def test_a_dialogue_invitation_by_kind_includes_gotland(register, client, coordinator):
    from django.urls import reverse

    from samrad.dialogue import services as dialogue_services

    series = dialogue_services.series_create(
        actor=coordinator,
        title="Regional samverkan",
        purpose="Samtal",
        organisers=[Organisation.objects.get(name="Region Stockholm")],
    )
    client.force_login(coordinator)
    page = client.get(reverse("dialogue:manage_invite_add", args=[series.pk]), {"kinds": ["region"]})
    assert page.status_code == 200
    assert "Region Gotland" in page.content.decode()


def test_the_kind_filter_across_a_relation_counts_referrals_of_either_role(register):
    from samrad.consultations.models import Referral
    from samrad.consultations.tests.factories import ReferralFactory

    gotland = Organisation.objects.get(municipality_code="0980")
    nacka = Organisation.objects.get(municipality_code="0182")
    first = ReferralFactory.create(organisation=gotland)
    ReferralFactory.create(consultation=first.consultation, organisation=nacka)
    on_list = Referral.objects.filter(consultation=first.consultation)
    assert on_list.filter(selectors.prefixed_kind_filter("organisation", "region")).count() == 1
    assert on_list.filter(selectors.prefixed_kind_filter("organisation", "municipality")).count() == 2
