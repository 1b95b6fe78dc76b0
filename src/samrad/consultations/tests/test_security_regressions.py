"""Holes found in review, kept closed: a coordinator of one organisation must not be able to make themselves a
member of another (and so read its drafts), nor send a consultation in another organisation's name."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations import referrals, services
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import ConsultationSender
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory
from samrad.organisations import services as organisation_services
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )


@pytest.fixture
def coordinator(region):
    user = UserFactory.create(email="hanna@region.example.se")
    MembershipFactory.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def ksl():
    return OrganisationFactory.create(
        kind=Organisation.Kind.ASSOCIATION, name="Kommunförbundet", municipality_code=None, population=None
    )


@pytest.fixture
def mallory(ksl):
    user = UserFactory.create(email="mallory@ksl.example.se")
    MembershipFactory.create(user=user, organisation=ksl, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def nacka():
    return OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")


def test_a_coordinator_cannot_become_a_member_of_a_body_through_its_contacts_and_an_invitation(
    client, ksl, mallory, nacka, send_invitations
):
    with pytest.raises(PermissionDenied):
        organisation_services.contact_add(actor=mallory, organisation=nacka, name="Mallory", email=mallory.email)
    bait = services.consultation_create(
        actor=mallory,
        title="Lockbete",
        deadline=end_of_day(local_date(timezone.now()) + dt.timedelta(days=100)),
        senders=[ksl],
    )
    QuestionFactory.create(consultation=bait)
    referrals.referral_add(actor=mallory, consultation=bait, organisations=[nacka])
    services.consultation_open(actor=mallory, consultation=bait)
    send_invitations(bait)
    assert not Membership.objects.filter(user=mallory, organisation=nacka).exists()


def test_contacts_set_by_the_body_itself_get_a_respondent_account_on_invitation(
    coordinator, region, nacka, send_invitations
):
    nacka_member = MembershipFactory.create(organisation=nacka, role=Membership.Role.COORDINATOR).user
    organisation_services.contact_add(
        actor=nacka_member, organisation=nacka, name="Eva Ek", email="eva.ek@nacka.example.se"
    )
    consultation = ConsultationFactory.create(senders=[region])
    QuestionFactory.create(consultation=consultation)
    referrals.referral_add(actor=coordinator, consultation=consultation, organisations=[nacka])
    services.consultation_open(actor=coordinator, consultation=consultation)
    send_invitations(consultation)
    assert Membership.objects.filter(
        user__email="eva.ek@nacka.example.se", organisation=nacka, role=Membership.Role.RESPONDENT
    ).exists()


def test_editing_cannot_hand_a_consultation_to_senders_the_coordinator_does_not_belong_to(client, region, coordinator):
    consultation = ConsultationFactory.create(senders=[region], open=True)
    QuestionFactory.create(consultation=consultation)
    other = OrganisationFactory.create(name="Regeringskansliet", municipality_code=None)
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:edit", args=[consultation.pk]),
        {
            "title": "Ändrad rubrik",
            "summary": consultation.summary,
            "body": consultation.body,
            "senders": [other.pk],
            "deadline": local_date(consultation.deadline).isoformat(),
            "reminder_days": "14, 3",
        },
    )
    assert response.status_code == 200
    assert list(
        ConsultationSender.objects.filter(consultation=consultation).values_list("organisation", flat=True)
    ) == [region.pk]
    consultation.refresh_from_db()
    assert consultation.title != "Ändrad rubrik"  # the text and the senders are saved together or not at all
    with pytest.raises(PermissionDenied):
        services.consultation_set_senders(actor=coordinator, consultation=consultation, senders=[other])
