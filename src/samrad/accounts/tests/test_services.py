import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samrad.accounts.models import Membership, User
from samrad.accounts.services import membership_add, membership_remove, user_create, user_deactivate
from samrad.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.audit.services import audit_verify

pytestmark = pytest.mark.django_db


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_user_create_normalises_the_address_and_audits():
    admin = UserFactory.create(is_superuser=True, is_staff=True)
    user = user_create(actor=admin, email="  Karin.Berg@Nacka.SE ", first_name=" Karin ", last_name="Berg")

    assert user.email == "Karin.Berg@nacka.se"
    assert user.username == "karin.berg@nacka.se"
    assert user.first_name == "Karin"
    assert not user.has_usable_password()
    assert user.is_active and not user.is_staff
    [event] = events("accounts.user_created")
    assert event.actor_id == admin.pk
    assert event.object_id == str(user.pk)
    assert event.changes["email"] == [None, "Karin.Berg@nacka.se"]
    assert audit_verify().ok


def test_user_create_refuses_an_address_that_differs_only_in_case():
    user_create(actor=None, email="anna@example.se")
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, email="ANNA@Example.se")
    assert "email" in caught.value.message_dict
    assert User.objects.count() == 1


def test_user_create_refuses_an_invalid_address():
    with pytest.raises(ValidationError):
        user_create(actor=None, email="not-an-address")
    assert not User.objects.exists()


def test_user_create_with_a_password_validates_it():
    with pytest.raises(ValidationError):
        user_create(actor=None, email="staff@example.se", is_staff=True, password="short")
    staff = user_create(actor=None, email="staff@example.se", is_staff=True, password="a-long-enough-passphrase")
    assert staff.is_staff
    assert staff.check_password("a-long-enough-passphrase")


def test_only_coordinators_create_accounts_and_only_superusers_create_staff():
    respondent = MembershipFactory.create(role=Membership.Role.RESPONDENT).user
    coordinator = MembershipFactory.create(role=Membership.Role.COORDINATOR).user

    with pytest.raises(PermissionDenied):
        user_create(actor=respondent, email="new@example.se")
    with pytest.raises(PermissionDenied):
        user_create(actor=coordinator, email="new@example.se", is_staff=True)
    created = user_create(actor=coordinator, email="new@example.se")
    assert created.pk is not None
    assert len(events("accounts.user_created")) == 1


def test_membership_add_changes_the_role_of_an_existing_member_and_audits_both():
    staff = UserFactory.create(is_staff=True)
    user = UserFactory.create()
    organisation = OrganisationFactory.create()

    membership = membership_add(actor=staff, user=user, organisation=organisation, role=Membership.Role.RESPONDENT)
    again = membership_add(actor=staff, user=user, organisation=organisation, role=Membership.Role.RESPONDENT)
    changed = membership_add(actor=staff, user=user, organisation=organisation, role=Membership.Role.COORDINATOR)

    assert again.pk == membership.pk == changed.pk
    assert Membership.objects.get().role == Membership.Role.COORDINATOR
    [added] = events("accounts.membership_added")
    assert added.changes["role"] == [None, "respondent"]
    [role_changed] = events("accounts.membership_role_changed")
    assert role_changed.changes == {"role": ["respondent", "coordinator"]}


def test_membership_add_refuses_unknown_roles():
    with pytest.raises(ValidationError):
        membership_add(actor=None, user=UserFactory.create(), organisation=OrganisationFactory.create(), role="owner")


def test_who_may_grant_which_role():
    sending_body = OrganisationFactory.create()
    municipality = OrganisationFactory.create()
    coordinator = MembershipFactory.create(organisation=sending_body, role=Membership.Role.COORDINATOR).user
    respondent = MembershipFactory.create(organisation=municipality, role=Membership.Role.RESPONDENT).user
    newcomer = UserFactory.create()

    with pytest.raises(PermissionDenied):
        membership_add(actor=respondent, user=newcomer, organisation=municipality, role=Membership.Role.RESPONDENT)
    # A role gives access to the organisation's drafts: a coordinator gives roles only at their own organisation,
    # never a respondent role at a body they consult.
    for role in (Membership.Role.COORDINATOR, Membership.Role.RESPONDENT):
        with pytest.raises(PermissionDenied):
            membership_add(actor=coordinator, user=newcomer, organisation=municipality, role=role)
    membership_add(actor=coordinator, user=newcomer, organisation=sending_body, role=Membership.Role.COORDINATOR)
    membership_add(actor="invitation", user=newcomer, organisation=municipality, role=Membership.Role.RESPONDENT)
    assert newcomer.memberships.count() == 2


def test_membership_remove_deletes_and_audits():
    membership = MembershipFactory.create()
    outsider = UserFactory.create()
    with pytest.raises(PermissionDenied):
        membership_remove(actor=outsider, membership=membership)

    membership_remove(actor=membership.user, membership=membership)

    assert not Membership.objects.exists()
    [event] = events("accounts.membership_removed")
    assert event.actor_id == membership.user_id
    assert event.changes["role"] == ["respondent", None]


def test_membership_remove_decides_by_the_stored_membership_not_the_instance_passed_in():
    """A coordinator of one organisation may not end someone's membership elsewhere by handing the service an
    instance that says it is at their own organisation (or that it is their own)."""
    coordinator = MembershipFactory.create(role=Membership.Role.COORDINATOR)
    victim = MembershipFactory.create()
    for claim in ({"organisation": coordinator.organisation}, {"user": coordinator.user}):
        disguised = Membership.objects.get(pk=victim.pk)
        for name, value in claim.items():
            setattr(disguised, name, value)
        with pytest.raises(PermissionDenied):
            membership_remove(actor=coordinator.user, membership=disguised)
    assert Membership.objects.filter(pk=victim.pk).exists()
    assert not events("accounts.membership_removed")


def test_user_deactivate_is_for_staff_and_audited():
    staff = UserFactory.create(is_staff=True)
    user = UserFactory.create()
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=UserFactory.create(), user=user)
    with pytest.raises(ValidationError):
        user_deactivate(actor=staff, user=staff)

    user_deactivate(actor=staff, user=user)
    user_deactivate(actor=staff, user=user)  # already inactive: nothing more happens

    user.refresh_from_db()
    assert not user.is_active
    [event] = events("accounts.user_deactivated")
    assert event.changes == {"is_active": [True, False]}
    assert audit_verify().ok


def test_a_deactivated_user_is_logged_out_at_the_next_request(client):
    user = UserFactory.create()
    client.force_login(user)
    assert client.get("/konto/").status_code == 200

    user_deactivate(actor=None, user=user)

    response = client.get("/konto/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/logga-in/")
