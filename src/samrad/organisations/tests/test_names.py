"""Name history: Stockholms läns landsting became Region Stockholm on 1 January 2019."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.consultations.tests.factories import ConsultationFactory, ReferralFactory
from samrad.errors import InvalidInput
from samrad.organisations import selectors, services
from samrad.organisations.models import Organisation, OrganisationName
from samrad.organisations.templatetags.organisation_names import name_on
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_YEAR_2019 = dt.date(2019, 1, 1)


@pytest.fixture
def region(coordinator) -> Organisation:
    """The coordinator's own body, registered under its old name and renamed from 2019."""
    region = Organisation.objects.get(name="Region Stockholm")
    Organisation.objects.filter(pk=region.pk).update(name="Stockholms läns landsting")
    return services.organisation_rename(
        actor=coordinator, organisation=region, new_name="Region Stockholm", valid_from=NEW_YEAR_2019
    )


def test_renaming_keeps_the_old_name_until_the_day_before(region):
    former = OrganisationName.objects.get(organisation=region)
    assert (former.name, former.valid_from, former.valid_to) == (
        "Stockholms läns landsting",
        None,
        dt.date(2018, 12, 31),
    )
    assert (region.name, region.name_valid_from) == ("Region Stockholm", NEW_YEAR_2019)
    assert region.name_on(dt.date(2018, 12, 31)) == "Stockholms läns landsting"
    assert region.name_on(NEW_YEAR_2019) == "Region Stockholm"
    assert region.name_on(None) == "Region Stockholm"
    event = AuditEvent.objects.get(action="organisation.rename")
    assert event.changes["name"] == ["Stockholms läns landsting", "Region Stockholm"]


def test_the_filter_takes_a_consultations_opening_or_creation(region):
    old = ConsultationFactory.create(open=True, senders=[region])
    old.opened_at = timezone.make_aware(dt.datetime(2017, 3, 1, 9))
    assert name_on(region, old) == "Stockholms läns landsting"
    assert name_on(region, ConsultationFactory.create(senders=[region])) == "Region Stockholm"  # created today
    assert name_on(region, dt.date(2016, 5, 1)) == "Stockholms läns landsting"
    assert name_on(None, old) == ""


def test_bad_renames_are_refused(region, coordinator, respondent):
    with pytest.raises(InvalidInput):  # not after the current name began
        services.organisation_rename(
            actor=coordinator, organisation=region, new_name="Region Storstockholm", valid_from=NEW_YEAR_2019
        )
    with pytest.raises(InvalidInput):  # not ahead of time
        services.organisation_rename(
            actor=coordinator,
            organisation=region,
            new_name="Region Storstockholm",
            valid_from=timezone.localdate() + dt.timedelta(days=1),
        )
    with pytest.raises(InvalidInput):
        services.organisation_rename(
            actor=coordinator, organisation=region, new_name=" Region  Stockholm ", valid_from=dt.date(2020, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.organisation_rename(
            actor=respondent, organisation=region, new_name="Kapad", valid_from=dt.date(2020, 1, 1)
        )
    assert OrganisationName.objects.count() == 1


def test_register_search_and_referral_picking_find_old_and_new_names(region):
    assert [o.name for o in selectors.organisation_list(q="läns landsting")] == ["Region Stockholm"]
    assert [o.name for o in selectors.organisation_list(q="Region Stock")] == ["Region Stockholm"]
    from samrad.consultations.referrals import referral_candidates

    assert [o.name for o in referral_candidates(q="landsting")] == ["Region Stockholm"]


def test_an_old_consultation_shows_the_senders_and_bodies_names_of_its_time(client, coordinator, region):
    old = ConsultationFactory.create(open=True, senders=[region], title="Remiss från 2017")
    ConsultationFactory._meta.model.objects.filter(pk=old.pk).update(
        opened_at=timezone.make_aware(dt.datetime(2017, 3, 1, 9))
    )
    ReferralFactory.create(consultation=old, organisation=region)
    new = ConsultationFactory.create(senders=[region], title="Remiss från i år")
    client.force_login(coordinator)

    old_page = client.get(reverse("coordination:detail", args=[old.pk])).content.decode()
    assert "Stockholms läns landsting" in old_page
    referrals = client.get(reverse("coordination:referrals", args=[old.pk])).content.decode()
    assert "Stockholms läns landsting" in referrals
    new_page = client.get(reverse("coordination:detail", args=[new.pk])).content.decode()
    assert "Stockholms läns landsting" not in new_page and "Region Stockholm" in new_page


def test_the_rename_page_records_a_new_name_and_the_history_is_shown(client, coordinator, respondent):
    body = OrganisationFactory.create(agency=True, name="Trafikförvaltningen")
    page = reverse("organisations:rename", args=[body.pk])
    client.force_login(respondent)
    assert client.get(page).status_code == 403
    assert client.post(page, {"new_name": "Kapad", "valid_from": "2020-01-01"}).status_code == 403
    client.force_login(coordinator)
    assert client.get(page).status_code == 200
    bad = client.post(page, {"new_name": "", "valid_from": "1200-01-01"})
    assert bad.status_code == 200 and 'id="error-summary"' in bad.content.decode()
    done = client.post(page, {"new_name": "Trafikverket Region Stockholm", "valid_from": "2020-01-01"})
    assert done.status_code == 302
    detail = client.get(reverse("organisations:detail", args=[body.pk])).content.decode()
    assert 'id="name-history"' in detail and "Trafikförvaltningen" in detail and "31 december 2019" in detail
    assert client.get(reverse("organisations:rename", args=[999_999])).status_code == 404


def test_the_coordinators_overview_finds_a_body_by_its_former_name(region):
    from samrad.consultations.selectors import referral_dashboard

    consultation = ConsultationFactory.create(open=True)
    ReferralFactory.create(consultation=consultation, organisation=region)
    ReferralFactory.create(consultation=consultation)
    found = referral_dashboard(consultation, q="landsting")
    assert [row.organisation.name for row in found.rows] == ["Region Stockholm"]


def test_the_register_list_finds_and_shows_a_former_name(client, coordinator, region):
    client.force_login(coordinator)
    html = client.get(reverse("organisations:list"), {"q": "läns landsting"}).content.decode()
    assert "Region Stockholm</a>" in html and "(tidigare Stockholms läns landsting)" in html
