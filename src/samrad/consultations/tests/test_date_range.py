"""Dates far in the past or future (year 0001, year 9999) are refused with a Swedish message, on every form of
the consultation pages and in the services, instead of ending in a server error."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from samrad.consultations import extensions, referrals, responses, services
from samrad.consultations.deadlines import end_of_day
from samrad.consultations.models import Consultation, ExtensionRequest, Referral
from samrad.consultations.tests.factories import ExtensionRequestFactory, ReferralFactory, sender_rows
from samrad.documents.tests.samples import make_pdf
from samrad.errors import InvalidInput
from samrad.notifications.models import OutboundEmail
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

REFUSED = "Välj ett datum mellan 1 januari 2000 och 31 december 2100."
FAR_DAYS = ["9999-12-31", "0001-01-01"]


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def page(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return response.content.decode()


@pytest.fixture
def referral(open_consultation, municipality):
    return ReferralFactory.create(consultation=open_consultation, organisation=municipality, invited=True)


@pytest.mark.parametrize("day", FAR_DAYS)
def test_granting_more_time_until_a_far_day_is_refused_on_the_form(as_coordinator, open_consultation, referral, day):
    url = reverse("coordination:extension_direct", args=[open_consultation.pk, referral.pk])
    html = page(as_coordinator.post(url, {"deadline": day, "note": ""}))
    assert REFUSED in html
    referral.refresh_from_db()
    assert referral.deadline_override is None
    assert not ExtensionRequest.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("day", FAR_DAYS)
def test_granting_a_request_until_a_far_day_is_refused_on_the_form(as_coordinator, open_consultation, referral, day):
    request = ExtensionRequestFactory.create(referral=referral)
    url = reverse("coordination:extension_decide", args=[open_consultation.pk, request.pk])
    html = page(as_coordinator.post(url, {"decision": "grant", "deadline": day, "note": ""}))
    assert REFUSED in html
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING


def test_opening_a_consultation_whose_stored_deadline_is_far_away_is_refused_with_a_message(
    as_coordinator, make_consultation, municipality
):
    far = make_consultation(deadline=end_of_day(dt.date(9999, 12, 31)))  # stored before the rule, or by hand
    ReferralFactory.create(consultation=far, organisation=municipality)

    html = page(as_coordinator.post(reverse("coordination:open", args=[far.pk])))

    assert "Sista svarsdag måste vara mellan 1 januari 2000 och 31 december 2100. Ändra den först." in html
    far.refresh_from_db()
    assert far.status == Consultation.Status.DRAFT


@pytest.mark.parametrize("day", FAR_DAYS)
def test_a_far_deadline_is_refused_when_creating_editing_and_reopening(as_coordinator, region, draft, day):
    form = {"title": "Remiss", **sender_rows(region), "deadline": day, "reminder_days": "14"}
    assert REFUSED in page(as_coordinator.post(reverse("coordination:create"), form))
    assert REFUSED in page(as_coordinator.post(reverse("coordination:edit", args=[draft.pk]), form))
    draft.refresh_from_db()
    assert draft.deadline.year not in (1, 9999)


def test_date_inputs_offer_only_days_in_the_range(as_coordinator, open_consultation, referral):
    html = page(as_coordinator.get(reverse("coordination:extension_direct", args=[open_consultation.pk, referral.pk])))
    assert 'type="date"' in html and 'min="2000-01-01"' in html and 'max="2100-12-31"' in html


def test_a_far_own_deadline_for_a_late_addition_is_refused(as_coordinator, open_consultation):
    late = OrganisationFactory.create(name="Värmdö kommun")
    url = reverse("coordination:referral_add", args=[open_consultation.pk])
    html = page(as_coordinator.post(url, {"organisations": [late.pk], "own_deadline": "9999-12-31"}))
    assert REFUSED in html
    assert not Referral.objects.filter(organisation=late).exists()


def test_an_answer_received_in_year_1_is_refused(as_coordinator, open_consultation, referral):
    upload = SimpleUploadedFile("svar.pdf", make_pdf("Vårt svar"), content_type="application/pdf")
    url = reverse("coordination:register_answer", args=[open_consultation.pk])
    form = {"organisation": referral.organisation_id, "file": upload, "received_on": "0001-01-01", "channel": "paper"}
    assert REFUSED in page(as_coordinator.post(url, form))
    referral.refresh_from_db()
    assert referral.status == Referral.Status.INVITED


@pytest.mark.parametrize("day", FAR_DAYS)
def test_a_body_asking_for_more_time_until_a_far_day_is_refused(client, respondent, referral, day):
    client.force_login(respondent)
    url = reverse("consultations:extension", args=[referral.consultation_id, referral.organisation_id])
    assert REFUSED in page(client.post(url, {"requested_deadline": day, "reason": "Nämnden sammanträder sent."}))
    assert not ExtensionRequest.objects.exists()


# --- The services refuse them too (the API and commands do not pass the forms) ---------------------------


def test_the_services_refuse_far_dates_with_the_field_they_concern(
    coordinator, respondent, region, draft, open_consultation, referral
):
    far = end_of_day(dt.date(9999, 12, 31))
    with pytest.raises(InvalidInput) as create:
        services.consultation_create(actor=coordinator, title="Remiss", deadline=far, senders=[region])
    assert (create.value.field, create.value.message) == ("deadline", REFUSED)
    with pytest.raises(InvalidInput) as update:
        services.consultation_update(actor=coordinator, consultation=draft, deadline=far)
    assert update.value.field == "deadline"
    with pytest.raises(InvalidInput) as late:
        referrals.referral_add(
            actor=coordinator,
            consultation=open_consultation,
            organisations=[OrganisationFactory.create()],
            deadline_override=far,
        )
    assert late.value.field == "own_deadline"
    with pytest.raises(InvalidInput) as grant:
        extensions.extension_grant_direct(actor=coordinator, referral=referral, deadline=dt.date(9999, 12, 31))
    assert grant.value.field == "deadline"
    with pytest.raises(InvalidInput) as ask:
        extensions.extension_request(
            actor=respondent, referral=referral, requested_deadline=dt.date(1, 1, 1), reason="Sent möte."
        )
    assert ask.value.field == "requested_deadline"
    with pytest.raises(InvalidInput) as received:
        responses.response_register_on_behalf(
            actor=coordinator,
            consultation=open_consultation,
            organisation=referral.organisation,
            received_at=end_of_day(dt.date(1, 1, 2)),
            stream=SimpleUploadedFile("svar.pdf", make_pdf("Svar")),
            filename="svar.pdf",
            channel="paper",
        )
    assert received.value.field == "received_on"
    draft.refresh_from_db()
    referral.refresh_from_db()
    assert draft.deadline != far and referral.deadline_override is None
