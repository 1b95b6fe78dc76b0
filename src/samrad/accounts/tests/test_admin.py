import pytest
from django.urls import reverse

from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import OrganisationFactory, UserFactory
from samrad.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True, email="admin@example.se"))
    return client


def add_form(**overrides):
    data = {
        "username": "ny.person",
        "email": "Ny.Person@Example.SE",
        "first_name": "Ny",
        "last_name": "Person",
        "usable_password": "false",
        "password1": "",
        "password2": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_adding_a_user_requires_an_email_address(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), add_form(email=""))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert not User.objects.filter(username="ny.person").exists()


def test_adding_a_user_normalises_the_address_and_audits(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), add_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="ny.person")
    assert user.email == "Ny.Person@example.se"
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert event.object_id == str(user.pk)


def test_an_address_that_differs_only_in_case_is_refused(admin_client):
    UserFactory.create(email="ny.person@example.se")
    response = admin_client.post(reverse("admin:accounts_user_add"), add_form())
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [
        "Det finns redan en användare med den här e-postadressen."
    ]


def test_memberships_are_edited_inline_and_audited(admin_client):
    user = UserFactory.create(email="karin@nacka.se", username="karin")
    organisation = OrganisationFactory.create(name="Nacka kommun")
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(
        {
            "groups": [],
            "user_permissions": [],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-organisation": str(organisation.pk),
            "memberships-0-role": Membership.Role.COORDINATOR,
            "memberships-0-user": str(user.pk),
        }
    )
    data.pop("password", None)
    data = {key: value for key, value in data.items() if value is not False}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert user.memberships.get().role == Membership.Role.COORDINATOR
    event = AuditEvent.objects.get(action="accounts.user_changed")
    assert "membership" in str(event.changes["admin"])


def test_the_user_list_loads(admin_client):
    UserFactory.create_batch(3)
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
