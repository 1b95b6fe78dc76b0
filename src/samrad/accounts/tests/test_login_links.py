import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse
from freezegun import freeze_time

from samrad.accounts.login_links import login_link_url, safe_next_url
from samrad.accounts.services import LoginLinkOutcome, login_link_request
from samrad.accounts.tests.factories import UserFactory
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
LINK = reverse("accounts:login_link")
# Mid-way through an hour, so that a test's requests fall in one window of the hourly rate limit.
MID_HOUR = "2026-03-02 10:30:00"
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def link_in(message: OutboundEmail) -> str:
    match = re.search(r"https?://\S+", message.body_text)
    assert match, message.body_text
    return match.group(0)


def path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)[settings.SESAME_TOKEN_NAME][0]


def request_link(client: Client, email: str, **extra) -> OutboundEmail:
    client.post(LOGIN, {"email": email}, **extra)
    return OutboundEmail.objects.filter(category="accounts.login_link").latest("id")


def test_the_login_page_is_swedish(client):
    html = client.get(LOGIN).content.decode()
    assert "Skicka en inloggningslänk till mig" in html
    assert 'type="email"' in html


def test_a_known_address_gets_an_email_with_a_link(client):
    user = UserFactory.create(email="karin@nacka.se", first_name="Karin")
    response = client.post(LOGIN, {"email": "Karin@NACKA.se"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login_link_sent")
    [message] = OutboundEmail.objects.filter(category="accounts.login_link")
    assert message.to == ["karin@nacka.se"]
    assert message.subject == "Din inloggningslänk till Samråd"
    link = link_in(message)
    assert link.startswith(f"{settings.SITE_URL}{LINK}?{settings.SESAME_TOKEN_NAME}=")
    assert "Hej Karin" in message.body_text
    assert "24 timmar" in message.body_text
    assert link.replace("&", "&amp;") in message.body_html
    assert logged_in_user_id(client) is None
    assert user.last_login is None


def test_known_and_unknown_addresses_get_the_same_answer(client):
    UserFactory.create(email="known@example.se")

    known = client.post(LOGIN, {"email": "known@example.se"})
    unknown = client.post(LOGIN, {"email": "nobody@example.se"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known.content == unknown.content
    known_page = client.get(known["Location"])
    unknown_page = client.get(unknown["Location"])
    assert known_page.status_code == unknown_page.status_code == 200
    assert CSRF.sub("", known_page.content.decode()) == CSRF.sub("", unknown_page.content.decode())
    assert "Om adressen finns registrerad hos oss" in known_page.content.decode()
    assert OutboundEmail.objects.filter(category="accounts.login_link").count() == 1
    assert OutboundEmail.objects.get().to == ["known@example.se"]


def test_an_inactive_user_gets_no_link(client):
    UserFactory.create(email="gone@example.se", is_active=False)
    response = client.post(LOGIN, {"email": "gone@example.se"})
    assert response.status_code == 302
    assert not OutboundEmail.objects.exists()


def test_opening_the_link_asks_before_logging_in_and_confirming_logs_in_once(client):
    user = UserFactory.create(email="anna@example.se")
    link = link_in(request_link(client, "anna@example.se"))

    page = client.get(path_and_query(link))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    html = page.content.decode()
    assert "Du loggar in som anna@example.se" in html
    assert '<button class="ds-button" data-variant="primary" type="submit">Logga in</button>' in html
    # A second GET (a mail scanner, then the person) still works: GET uses nothing up.
    assert client.get(path_and_query(link)).status_code == 200
    assert logged_in_user_id(client) is None
    user.refresh_from_db()
    assert user.last_login is None

    response = client.post(LINK, {settings.SESAME_TOKEN_NAME: token_of(link)})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)
    assert logged_in_user_id(client) == str(user.pk)

    other = Client()
    again = other.post(LINK, {settings.SESAME_TOKEN_NAME: token_of(link)})
    assert again.status_code == 410
    assert logged_in_user_id(other) is None
    assert "Inloggningslänken fungerar inte längre" in again.content.decode()
    assert other.get(path_and_query(link)).status_code == 410


def test_a_tampered_token_is_refused(client):
    user = UserFactory.create()
    token = token_of(login_link_url(user))
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")

    assert client.get(LINK, {settings.SESAME_TOKEN_NAME: tampered}).status_code == 410
    response = client.post(LINK, {settings.SESAME_TOKEN_NAME: tampered})
    assert response.status_code == 410
    assert logged_in_user_id(client) is None
    # Garbage and a missing token get the same page, never an error.
    assert client.post(LINK, {settings.SESAME_TOKEN_NAME: "%%%not-base64"}).status_code == 410
    assert client.get(LINK).status_code == 410


def test_the_invalid_link_page_offers_a_new_link(client):
    html = client.get(LINK, {settings.SESAME_TOKEN_NAME: "expiredtoken"}).content.decode()
    assert f'action="{LOGIN}"' in html
    assert 'name="email"' in html


def test_a_link_expires():
    user = UserFactory.create()
    client = Client()
    with freeze_time("2026-03-02 08:00:00") as frozen:
        token = token_of(login_link_url(user))
        frozen.tick(settings.SESAME_MAX_AGE - 5)
        assert client.get(LINK, {settings.SESAME_TOKEN_NAME: token}).status_code == 200
        frozen.tick(10)
        assert client.get(LINK, {settings.SESAME_TOKEN_NAME: token}).status_code == 410
        assert client.post(LINK, {settings.SESAME_TOKEN_NAME: token}).status_code == 410
    assert logged_in_user_id(client) is None


@override_settings(SESAME_MAX_AGE=15 * 60)
def test_a_shorter_validity_is_honoured_and_told(client):
    user = UserFactory.create(email="kort@example.se")
    with freeze_time("2026-03-02 08:00:00") as frozen:
        message = request_link(client, "kort@example.se")
        assert "15 minuter" in message.body_text
        frozen.tick(16 * 60)
        response = client.post(LINK, {settings.SESAME_TOKEN_NAME: token_of(link_in(message))})
    assert response.status_code == 410
    user.refresh_from_db()
    assert user.last_login is None


def test_logging_in_with_a_password_spends_an_outstanding_link(client):
    user = UserFactory.create()
    token = token_of(login_link_url(user))
    client.force_login(user)  # any login updates last_login, which the token is bound to
    assert Client().post(LINK, {settings.SESAME_TOKEN_NAME: token}).status_code == 410


def test_the_link_leads_on_to_a_local_next_page(client):
    user = UserFactory.create()
    link = login_link_url(user, next_url="/konto/?flik=organisationer")
    assert parse_qs(urlsplit(link).query)["next"] == ["/konto/?flik=organisationer"]

    page = client.get(path_and_query(link)).content.decode()
    assert 'name="next" value="/konto/?flik=organisationer"' in page
    response = client.post(LINK, {settings.SESAME_TOKEN_NAME: token_of(link), "next": "/konto/?flik=organisationer"})
    assert response["Location"] == "/konto/?flik=organisationer"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)", "konto/"],
)
def test_next_never_leads_off_site(client, target):
    assert safe_next_url(target) == ""
    user = UserFactory.create()
    link = login_link_url(user, next_url=target)
    assert "next" not in parse_qs(urlsplit(link).query)
    response = client.post(LINK, {settings.SESAME_TOKEN_NAME: token_of(link), "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


def test_the_login_page_carries_next_into_the_link(client):
    UserFactory.create(email="nasta@example.se")
    page = client.get(LOGIN, {"next": "/konto/"}).content.decode()
    assert 'name="next" value="/konto/"' in page
    client.post(LOGIN, {"email": "nasta@example.se", "next": "/konto/"})
    message = OutboundEmail.objects.get()
    assert parse_qs(urlsplit(link_in(message)).query)["next"] == ["/konto/"]


@freeze_time(MID_HOUR)
def test_an_address_gets_at_most_five_links_an_hour(client):
    UserFactory.create(email="flitig@example.se")
    for n in range(5):
        response = client.post(LOGIN, {"email": "flitig@example.se"}, REMOTE_ADDR=f"10.0.0.{n}")
        assert response.status_code == 302
    sixth = client.post(LOGIN, {"email": "FLITIG@example.se"}, REMOTE_ADDR="10.0.0.9")

    assert sixth.status_code == 429
    assert "För många förfrågningar" in sixth.content.decode()
    assert OutboundEmail.objects.count() == 5


@freeze_time(MID_HOUR)
def test_one_client_gets_at_most_five_links_an_hour(client):
    for n in range(6):
        UserFactory.create(email=f"person-{n}@example.se")
    for n in range(5):
        assert client.post(LOGIN, {"email": f"person-{n}@example.se"}).status_code == 302
    sixth = client.post(LOGIN, {"email": "person-5@example.se"})

    assert sixth.status_code == 429
    assert OutboundEmail.objects.count() == 5
    # Another client is not affected.
    assert client.post(LOGIN, {"email": "person-5@example.se"}, REMOTE_ADDR="192.0.2.7").status_code == 302


@freeze_time(MID_HOUR)
def test_the_limit_answers_alike_for_known_and_unknown_addresses(client):
    UserFactory.create(email="known@example.se")
    answers: dict[str, HttpResponse] = {}
    for email in ("known@example.se", "unknown@example.se"):
        for n in range(5):
            client.post(LOGIN, {"email": email}, REMOTE_ADDR=f"10.1.{len(answers)}.{n}")
        answers[email] = client.post(LOGIN, {"email": email}, REMOTE_ADDR=f"10.2.{len(answers)}.1")

    known, unknown = answers["known@example.se"], answers["unknown@example.se"]
    assert known.status_code == unknown.status_code == 429
    assert "För många förfrågningar" in known.content.decode()

    def text(response: HttpResponse) -> str:
        return CSRF.sub("", response.content.decode()).replace("unknown@", "known@")

    assert text(known) == text(unknown)
    assert OutboundEmail.objects.count() == 5  # the known address got five links, the unknown none


def test_the_limit_starts_afresh_in_the_next_hour(client):
    UserFactory.create(email="igen@example.se")
    with freeze_time(MID_HOUR) as frozen:
        for n in range(6):
            client.post(LOGIN, {"email": "igen@example.se"}, REMOTE_ADDR=f"10.0.0.{n}")
        frozen.tick(60 * 60)
        assert client.post(LOGIN, {"email": "igen@example.se"}, REMOTE_ADDR="10.0.1.1").status_code == 302
    assert OutboundEmail.objects.count() == 6


@freeze_time(MID_HOUR)
def test_login_link_request_service_reports_the_outcome():
    UserFactory.create(email="tjanst@example.se")
    outcomes = [login_link_request(email="tjanst@example.se", request_ip="198.51.100.1") for _ in range(6)]
    assert outcomes == [LoginLinkOutcome.ACCEPTED] * 5 + [LoginLinkOutcome.THROTTLED]
    assert OutboundEmail.objects.count() == 5


def test_an_invalid_address_is_a_form_error(client):
    response = client.post(LOGIN, {"email": "inte en adress"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not OutboundEmail.objects.exists()
