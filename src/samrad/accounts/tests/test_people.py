"""An organisation's people, managed by its own coordinators and registry (and platform staff)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samrad.accounts.models import Delegation, Membership, User
from samrad.accounts.people import person_invite, person_remove, person_role_set
from samrad.accounts.registry import registry_access_ensure
from samrad.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.consultations.tests.factories import ConsultationFactory
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def nacka():
    return OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")


@pytest.fixture
def registry(nacka):
    return registry_access_ensure(nacka)


@pytest.fixture
def stranger():
    """A coordinator at another organisation."""
    return MembershipFactory.create(role=Membership.Role.COORDINATOR).user


def test_the_registry_invites_a_colleague_who_gets_an_account_a_role_and_a_link(nacka, registry):
    membership = person_invite(actor=registry, organisation=nacka, email="sara@nacka.example.se", role="respondent")

    assert membership.user.email == "sara@nacka.example.se"
    assert membership.role == Membership.Role.RESPONDENT and not membership.via_pass_on
    mail = OutboundEmail.objects.get(category="accounts.person_invited")
    assert mail.to == ["sara@nacka.example.se"]
    assert "sesame=" in mail.body_text and "Nacka kommun" in mail.subject
    assert AuditEvent.objects.filter(action="accounts.membership_added", actor_id=registry.pk).exists()


def test_inviting_someone_already_there_is_refused(nacka, registry):
    person_invite(actor=registry, organisation=nacka, email="sara@nacka.example.se", role="respondent")
    with pytest.raises(InvalidInput):
        person_invite(actor=registry, organisation=nacka, email="SARA@nacka.example.se", role="coordinator")


def test_roles_change_but_not_to_or_from_registry(nacka, registry):
    colleague = MembershipFactory.create(organisation=nacka, role=Membership.Role.RESPONDENT)
    person_role_set(actor=registry, organisation=nacka, membership=colleague, role="coordinator")
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.COORDINATOR

    with pytest.raises(InvalidInput):
        person_role_set(actor=registry, organisation=nacka, membership=colleague, role="registry")
    registry_membership = Membership.objects.get(user=registry, organisation=nacka)
    with pytest.raises(NotAllowedNow):
        person_role_set(actor=registry, organisation=nacka, membership=registry_membership, role="respondent")
    with pytest.raises(NotAllowedNow):
        person_remove(actor=registry, organisation=nacka, membership=registry_membership)


def test_a_person_who_leaves_loses_membership_and_pass_ons(nacka, registry):
    open_consultation = ConsultationFactory.create()
    colleague = MembershipFactory.create(organisation=nacka, role=Membership.Role.RESPONDENT)
    delegation = Delegation.objects.create(
        consultation=open_consultation, organisation=nacka, user=colleague.user, given_by=registry
    )

    person_remove(actor=registry, organisation=nacka, membership=colleague)

    assert not Membership.objects.filter(pk=colleague.pk).exists()
    delegation.refresh_from_db()
    assert delegation.withdrawn_at is not None


def test_another_organisations_coordinator_and_a_respondent_may_not_manage(nacka, stranger):
    respondent = MembershipFactory.create(organisation=nacka, role=Membership.Role.RESPONDENT)
    for actor in (stranger, respondent.user):
        with pytest.raises(PermissionDenied):
            person_invite(actor=actor, organisation=nacka, email="x@nacka.example.se", role="coordinator")
        with pytest.raises(PermissionDenied):
            person_role_set(actor=actor, organisation=nacka, membership=respondent, role="coordinator")
        with pytest.raises(PermissionDenied):
            person_remove(actor=actor, organisation=nacka, membership=respondent)
    assert not User.objects.filter(email="x@nacka.example.se").exists()


def test_a_membership_of_another_organisation_cannot_be_reached_through_this_one(nacka, registry):
    elsewhere = MembershipFactory.create(role=Membership.Role.RESPONDENT)
    with pytest.raises(PermissionDenied):
        person_remove(actor=registry, organisation=nacka, membership=elsewhere)
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


# --- Pages -------------------------------------------------------------------------------------------------


def test_the_people_page_lists_invites_changes_and_removes(client, nacka, registry):
    client.force_login(registry)
    url = reverse("accounts:organisation_people", args=[nacka.pk])
    assert "registrator@nacka.example.se" in client.get(url).content.decode()

    assert client.post(url, {"email": "sara@nacka.example.se", "role": "respondent"}).status_code == 302
    sara = Membership.objects.get(user__email="sara@nacka.example.se")
    assert "sara@nacka.example.se" in client.get(url).content.decode()

    role_url = reverse("accounts:organisation_person_role", args=[nacka.pk, sara.pk])
    assert client.post(role_url, {"role": "coordinator"}).status_code == 302
    sara.refresh_from_db()
    assert sara.role == Membership.Role.COORDINATOR

    remove_url = reverse("accounts:organisation_person_remove", args=[nacka.pk, sara.pk])
    assert client.post(remove_url).status_code == 302
    assert not Membership.objects.filter(pk=sara.pk).exists()


def test_a_bad_address_is_explained(client, nacka, registry):
    client.force_login(registry)
    response = client.post(
        reverse("accounts:organisation_people", args=[nacka.pk]), {"email": "inte en adress", "role": "respondent"}
    )
    assert response.status_code == 400
    assert "inte en adress" in response.content.decode()


def test_the_people_pages_refuse_others_with_a_reason(client, nacka, stranger):
    colleague = MembershipFactory.create(organisation=nacka, role=Membership.Role.RESPONDENT)
    client.force_login(stranger)
    page = client.get(reverse("accounts:organisation_people", args=[nacka.pk]))
    assert page.status_code == 403
    assert "Nacka kommun" in page.content.decode()
    assert client.post(reverse("accounts:organisation_person_remove", args=[nacka.pk, colleague.pk])).status_code == 403
    assert Membership.objects.filter(pk=colleague.pk).exists()


def test_a_membership_id_of_another_organisation_is_not_found(client, nacka, registry):
    elsewhere = MembershipFactory.create(role=Membership.Role.RESPONDENT)
    client.force_login(registry)
    assert client.post(reverse("accounts:organisation_person_remove", args=[nacka.pk, elsewhere.pk])).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_platform_staff_may_manage_any_organisations_people(client, nacka):
    staff = UserFactory.create(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("accounts:organisation_people", args=[nacka.pk])).status_code == 200


def test_the_profile_links_gatekeepers_to_their_people_page(client, nacka, registry):
    client.force_login(registry)
    assert (
        reverse("accounts:organisation_people", args=[nacka.pk])
        in client.get(reverse("accounts:profile")).content.decode()
    )


@pytest.mark.parametrize("count", [1, 8])
def test_the_people_page_takes_the_same_queries_however_many_people(client, nacka, registry, count):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(count):
        membership = MembershipFactory.create(organisation=nacka)
        Delegation.objects.create(consultation=ConsultationFactory.create(), organisation=nacka, user=membership.user)
    client.force_login(registry)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:organisation_people", args=[nacka.pk])).status_code == 200
    assert len(queries) == 9, [q["sql"] for q in queries]  # session, user, permission, page, messages: fixed
