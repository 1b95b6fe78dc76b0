"""Merging two records of one body: Region Gotland as a municipality and as a region."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.audit.models import AuditEvent
from samrad.audit.services import audit_verify
from samrad.consultations.models import ConsultationSender, Referral, ReferralStatusChange
from samrad.consultations.tests.factories import ConsultationFactory, ReferralFactory
from samrad.organisations import merging
from samrad.organisations.models import ContactPerson, Organisation
from samrad.organisations.tests.factories import ContactPersonFactory, CountyFactory, GroupFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

REGISTRY = "registrator@gotland.example"


@pytest.fixture
def gotland_twice():
    county = CountyFactory.create(code="09", name="Gotlands län")
    network = GroupFactory.create(name="Öarna")
    municipality = OrganisationFactory.create(
        name="Gotland", municipality_code="0980", county=county, registry_email=REGISTRY, groups=[network]
    )
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION,
        name="Region Gotland",
        municipality_code=None,
        organisation_number="",
        county=county,
        registry_email=REGISTRY,
        population=None,
        website="https://gotland.example",
        groups=[network, GroupFactory.create(name="Regionerna")],
    )
    return municipality, region


def _fill(region: Organisation, municipality: Organisation) -> dict:
    """Rows pointing at the region record: a member, a referral, a sender role, contacts (one twin)."""
    user = User.objects.create_user(username="r", email="r@gotland.example")
    Membership.objects.create(user=user, organisation=region, role=Membership.Role.RESPONDENT)
    referral = ReferralFactory.create(organisation=region)
    sent = ConsultationFactory.create(senders=[region])
    ContactPersonFactory.create(organisation=region, email="anna@gotland.example")
    ContactPersonFactory.create(organisation=region, email="same@gotland.example", name="Twin in region")
    ContactPersonFactory.create(organisation=municipality, email="same@gotland.example", name="Twin in municipality")
    return {"user": user, "referral": referral, "sent": sent}


def test_the_service_moves_every_row_and_deletes_the_second_record(gotland_twice, coordinator):
    municipality, region = gotland_twice
    rows = _fill(region, municipality)

    report = merging.organisation_merge(actor=coordinator, keep=municipality, gone=region, name="Region Gotland")

    assert not Organisation.objects.filter(pk=region.pk).exists()
    gotland = Organisation.objects.get(pk=municipality.pk)
    assert (gotland.name, gotland.kind, gotland.second_kind) == ("Region Gotland", "municipality", "region")
    assert gotland.municipality_code == "0980" and gotland.website == "https://gotland.example"
    assert Membership.objects.get(user=rows["user"]).organisation_id == gotland.pk
    assert Referral.objects.get(pk=rows["referral"].pk).organisation_id == gotland.pk
    assert ConsultationSender.objects.get(consultation=rows["sent"]).organisation_id == gotland.pk
    assert sorted(gotland.groups.values_list("name", flat=True)) == ["Regionerna", "Öarna"]
    # The twin contact (same e-mail) is dropped; the other moved: nothing else is lost.
    assert sorted(ContactPerson.objects.filter(organisation=gotland).values_list("email", flat=True)) == [
        "anna@gotland.example",
        "same@gotland.example",
    ]
    assert report.moved["accounts.membership.organisation"] == 1
    assert report.moved["consultations.referral.organisation"] == 1
    assert report.moved["organisations.contactperson.organisation"] == 1
    assert len(report.dropped) == 2  # the twin contact and the twin group membership (Öarna)
    event = AuditEvent.objects.get(action="organisation.merge")
    assert event.object_id == str(gotland.pk) and event.changes["merged_id"] == region.pk
    assert audit_verify().ok


def test_a_twin_with_dependants_stops_the_merge_and_changes_nothing(gotland_twice, coordinator):
    municipality, region = gotland_twice
    consultation = ConsultationFactory.create()
    ReferralFactory.create(consultation=consultation, organisation=municipality)
    twin = ReferralFactory.create(consultation=consultation, organisation=region, status=Referral.Status.OPENED)
    # Its status history points at it, so it is never dropped silently.
    ReferralStatusChange.objects.create(referral=twin, from_status="invited", to_status="opened", at=timezone.now())

    with pytest.raises(merging.MergeConflict):
        merging.organisation_merge(actor=coordinator, keep=municipality, gone=region)
    assert Organisation.objects.filter(pk=region.pk).exists()
    assert Referral.objects.filter(organisation=region).count() == 1


def test_only_coordinators_merge(gotland_twice, respondent):
    municipality, region = gotland_twice
    with pytest.raises(PermissionDenied):
        merging.organisation_merge(actor=respondent, keep=municipality, gone=region)


def test_the_data_migration_merges_gotland_pairs_only(gotland_twice):
    municipality, region = gotland_twice
    other_region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Uppsala", municipality_code=None, population=None
    )
    _fill(region, municipality)
    migration = importlib.import_module("samrad.organisations.migrations.0004_merge_gotland")

    migration.merge_gotland(global_apps, None)

    gotland = Organisation.objects.get(pk=municipality.pk)
    assert (gotland.name, gotland.second_kind) == ("Region Gotland", "region")
    assert not Organisation.objects.filter(pk=region.pk).exists()
    assert Organisation.objects.filter(pk=other_region.pk).exists()
    assert AuditEvent.objects.get(action="organisation.merge").actor_label == "migration"
    migration.merge_gotland(global_apps, None)  # run again: nothing left to merge
    assert AuditEvent.objects.filter(action="organisation.merge").count() == 1
