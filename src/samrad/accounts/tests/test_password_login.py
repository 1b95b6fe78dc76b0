import pytest
from django.test import override_settings
from django.urls import reverse
from freezegun import freeze_time

from samrad.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password_login")
REFUSED = "E-postadressen eller lösenordet är fel"


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


@pytest.mark.parametrize("identifier", ["Staff@Example.se", "staff@example.se", "handlaggare"])
def test_staff_log_in_with_e_mail_address_or_username(client, identifier):
    staff = UserFactory.create(email="staff@example.se", username="handlaggare", is_staff=True)
    response = client.post(URL, {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert logged_in_user_id(client) == str(staff.pk)


def test_the_page_is_swedish_and_labelled(client):
    html = client.get(URL).content.decode()
    assert "Inloggning för personal" in html
    assert 'for="id_username"' in html and 'for="id_password"' in html
    assert 'autocomplete="current-password"' in html


def test_non_staff_are_refused_with_the_same_message_as_a_wrong_password(client):
    UserFactory.create(email="staff@example.se", is_staff=True)
    UserFactory.create(email="respondent@example.se", is_staff=False)

    wrong_password = client.post(URL, {"username": "staff@example.se", "password": "fel-lösenord"})
    not_staff = client.post(URL, {"username": "respondent@example.se", "password": PASSWORD})
    unknown = client.post(URL, {"username": "nobody@example.se", "password": PASSWORD})

    for response in (wrong_password, not_staff, unknown):
        assert response.status_code == 200
        assert REFUSED in response.content.decode()
        assert response.context["form"].non_field_errors() == wrong_password.context["form"].non_field_errors()
    assert logged_in_user_id(client) is None


def test_an_inactive_staff_member_is_refused_alike(client):
    UserFactory.create(email="former@example.se", is_staff=True, is_active=False)
    response = client.post(URL, {"username": "former@example.se", "password": PASSWORD})
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert logged_in_user_id(client) is None


def test_next_is_followed_only_within_the_site(client):
    UserFactory.create(email="staff@example.se", is_staff=True)
    response = client.post(f"{URL}?next=/konto/", {"username": "staff@example.se", "password": PASSWORD})
    assert response["Location"] == "/konto/"
    client.logout()
    response = client.post(URL, {"username": "staff@example.se", "password": PASSWORD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


@override_settings(PASSWORD_LOGIN_RATE="3/h")
@freeze_time("2026-03-02 10:30:00")
def test_failed_attempts_are_limited_per_client(client):
    staff = UserFactory.create(email="staff@example.se", is_staff=True)
    for _ in range(3):
        assert client.post(URL, {"username": "staff@example.se", "password": "gissning"}).status_code == 200

    blocked = client.post(URL, {"username": "staff@example.se", "password": PASSWORD})

    assert blocked.status_code == 429
    assert "För många misslyckade inloggningsförsök" in blocked.content.decode()
    assert logged_in_user_id(client) is None
    # Another client can still log in.
    other = client.__class__()
    assert (
        other.post(URL, {"username": "staff@example.se", "password": PASSWORD}, REMOTE_ADDR="192.0.2.1").status_code
        == 302
    )
    assert other.session["_auth_user_id"] == str(staff.pk)


@override_settings(PASSWORD_LOGIN_RATE="3/h")
@freeze_time("2026-03-02 10:30:00")
def test_successful_logins_do_not_count_against_the_limit(client):
    UserFactory.create(email="staff@example.se", is_staff=True)
    for _ in range(5):
        assert client.post(URL, {"username": "staff@example.se", "password": PASSWORD}).status_code == 302
        client.logout()
