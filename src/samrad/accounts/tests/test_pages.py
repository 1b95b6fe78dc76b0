import pytest
from django.urls import reverse

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_my_account_needs_a_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('accounts:profile')}"


def test_my_account_shows_name_address_and_memberships(client, django_assert_max_num_queries):
    user = UserFactory.create(first_name="Karin", last_name="Berg", email="karin@nacka.se")
    MembershipFactory.create(user=user, organisation=OrganisationFactory.create(name="Nacka kommun"))
    MembershipFactory.create(
        user=user, organisation=OrganisationFactory.create(name="Region Stockholm"), role=Membership.Role.COORDINATOR
    )
    MembershipFactory.create(organisation=OrganisationFactory.create(name="Someone else's"))
    client.force_login(user)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("accounts:profile"))

    html = response.content.decode()
    assert "Mitt konto" in html
    assert "Karin Berg" in html and "karin@nacka.se" in html
    assert html.index("Nacka kommun") < html.index("Region Stockholm")
    assert "Handläggare" in html and "Svarande" in html
    assert "Someone else" not in html


def test_my_account_without_memberships(client):
    client.force_login(UserFactory.create())
    assert "Du hör inte till någon organisation" in client.get(reverse("accounts:profile")).content.decode()


def test_my_account_escapes_names(client):
    client.force_login(UserFactory.create(first_name="<script>alert(1)</script>"))
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_logout_is_post_only(client):
    user = UserFactory.create()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session.get("_auth_user_id") == str(user.pk)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert client.session.get("_auth_user_id") is None
