"""The error pages: Swedish by default (English when chosen), in the site's layout, saying what to do."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client

LAYOUT_MARKERS = ['class="site-header"', '<main id="main"', "samrad/samrad.css", 'class="site-footer"']


def assert_in_layout(html: str) -> None:
    for marker in LAYOUT_MARKERS:
        assert marker in html, f"{marker} missing: the page is not in the site's layout"


def english(client: Client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = "samrad.ui.tests.urls"


@pytest.mark.django_db
def test_404_is_swedish_in_the_layout_and_says_what_to_do(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_in_layout(html)
    assert '<html lang="sv"' in html
    assert "Sidan finns inte" in html
    assert "Kontrollera att adressen är rätt skriven." in html
    assert "logga in</a> och öppna länken igen" in html
    assert "Not Found" not in html


@pytest.mark.django_db
def test_404_in_english_when_chosen(client):
    html = english(client).get("/finns-inte/").content.decode()
    assert '<html lang="en"' in html
    assert "This page does not exist" in html
    assert "Check the address for typing errors." in html


@pytest.mark.django_db
def test_403_shows_the_reason_of_the_refusal_in_swedish(client):
    user = get_user_model().objects.create_user(username="utan-roll", email="utan-roll@kommun.example.se")
    client.force_login(user)
    response = client.get("/register/")  # the register is for coordinators
    assert response.status_code == 403
    html = response.content.decode()
    assert_in_layout(html)
    assert "Du får inte göra det här" in html
    assert "Bara handläggare får se och ändra organisationsregistret." in html
    assert "be en samordnare i din organisation" in html
    assert "Forbidden" not in html


@pytest.mark.django_db
def test_403_reason_follows_the_chosen_language(client, failing_urls):
    html = english(client).get("/test-errors/refuse/").content.decode()
    assert "Only coordinators may open this page." in html
    assert "You may not do this" in html


@pytest.mark.django_db
def test_400_for_too_many_query_parameters_is_a_swedish_page(client):
    query = "&".join(f"f{number}=x" for number in range(django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = client.get(f"/sok/?q=samverkan&{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert_in_layout(html)
    assert "Begäran kunde inte hanteras" in html
    assert "Bad Request" not in html


@pytest.mark.django_db
def test_csrf_failure_explains_what_happened_and_what_to_do(client):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_in_layout(html)
    assert "Formuläret kunde inte skickas" in html
    assert "sidan hade varit öppen för länge" in html
    assert "Det du skrev kan finnas kvar i formuläret" in html
    assert "CSRF verification failed" not in html


@pytest.mark.django_db
def test_csrf_failure_in_english_when_chosen(client):
    strict = english(Client(enforce_csrf_checks=True))
    html = strict.post("/i18n/setlang/", {"language": "sv", "next": "/"}).content.decode()
    assert "The form could not be sent" in html


def test_500_renders_in_the_layout_without_touching_the_database(failing_urls):
    """No database marker: pytest-django refuses every query, so a 500 page that asked the database (a context
    processor, the user, the session) would fall back to the plain page or fail. The session cookie makes any
    look at the user a query."""
    client = Client(raise_request_exception=False)
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "a" * 32
    response = client.get("/test-errors/fail/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_in_layout(html)
    assert '<html lang="sv"' in html
    assert "Något gick fel hos oss" in html
    assert "Det du sparat tidigare finns kvar." in html
    assert "Server Error" not in html


def test_500_in_english_when_chosen(failing_urls):
    client = english(Client(raise_request_exception=False))
    html = client.get("/test-errors/fail/").content.decode()
    assert '<html lang="en"' in html
    assert "Something went wrong on our side" in html


@pytest.mark.django_db
def test_favicon_is_linked_and_favicon_ico_answers(client):
    html = client.get("/").content.decode()
    assert 'rel="icon" href="/static/samrad/favicon.svg"' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/samrad/favicon.svg"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    body = b"".join(icon.streaming_content) if icon.streaming else icon.content
    assert body.startswith(b"<svg")
