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


def links_to(email: str) -> list[OutboundEmail]:
    return [m for m in OutboundEmail.objects.filter(category="accounts.login_link").order_by("id") if email in m.to]


def log_in_with(message: OutboundEmail) -> Client:
    """Open the mailed link in a fresh browser and confirm: the client that is then logged in."""
    browser = Client()
    browser.post(LINK, {settings.SESAME_TOKEN_NAME: token_of(link_in(message))})
    return browser


@freeze_time(MID_HOUR, tick=True)  # the clock runs: logging in and the links that follow happen one after another
def test_an_attacker_hammering_one_address_does_not_stop_its_owner_getting_a_link(client):
    karin = UserFactory.create(email="karin@nacka.se")
    for n in range(40):  # forty clients, each asking a few times
        for _ in range(3):
            response = client.post(LOGIN, {"email": "karin@nacka.se"}, REMOTE_ADDR=f"10.0.{n}.1")
            assert response.status_code == 302 and response["Location"] == reverse("accounts:login_link_sent")
    bombed = len(links_to("karin@nacka.se"))
    assert bombed == 5  # the mails to one address are bounded

    # Karin, from her own fresh client, gets the same answer as anyone, and a link that logs her in is in her inbox.
    owner = Client()
    response = owner.post(LOGIN, {"email": "karin@nacka.se"}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login_link_sent")
    newest = links_to("karin@nacka.se")[-1]
    assert logged_in_user_id(log_in_with(newest)) == str(karin.pk)

    # Her link is spent now, and the hour's mails are used up: the next request still gets her a new, working link.
    owner.post(LOGIN, {"email": "karin@nacka.se"}, REMOTE_ADDR="192.0.2.10")
    assert len(links_to("karin@nacka.se")) == bombed + 1
    assert logged_in_user_id(log_in_with(links_to("karin@nacka.se")[-1])) == str(karin.pk)
    # ... and the stranger's hammering after that sends nothing more while that link is unused.
    for n in range(10):
        client.post(LOGIN, {"email": "karin@nacka.se"}, REMOTE_ADDR=f"10.9.{n}.1")
    owner.post(LOGIN, {"email": "karin@nacka.se"}, REMOTE_ADDR="192.0.2.10")
    assert len(links_to("karin@nacka.se")) == bombed + 2  # one more for the spent link, then nothing


def test_sixty_different_people_behind_one_ip_each_get_their_link_within_the_hour(client):
    people = [UserFactory.create(email=f"handlaggare-{n}@kommun.example.se") for n in range(60)]
    with freeze_time("2026-03-02 10:00:00") as frozen:
        for n, person in enumerate(people):
            response = client.post(LOGIN, {"email": person.email}, REMOTE_ADDR="198.51.100.20")
            assert response.status_code == 302 and response["Location"] == reverse("accounts:login_link_sent"), n
            frozen.tick(55)  # sixty people through one office address within the hour
        for person in people:
            [message] = links_to(person.email)
            assert logged_in_user_id(log_in_with(message)) == str(person.pk)


@freeze_time(MID_HOUR)
def test_the_answer_is_the_same_for_known_and_unknown_addresses_however_often_they_are_asked_for(client):
    UserFactory.create(email="known@example.se")

    def text(response: HttpResponse) -> str:
        return CSRF.sub("", response.content.decode()).replace("unknown@", "known@")

    answers: dict[str, list[HttpResponse]] = {"known@example.se": [], "unknown@example.se": []}
    for email, responses in answers.items():
        for n in range(12):
            responses.append(client.post(LOGIN, {"email": email}, REMOTE_ADDR=f"10.1.{n % 3}.1", follow=True))
    for known, unknown in zip(*answers.values(), strict=True):
        assert known.status_code == unknown.status_code == 200
        assert known.redirect_chain == unknown.redirect_chain == [(reverse("accounts:login_link_sent"), 302)]
        assert text(known) == text(unknown)
    assert len(links_to("known@example.se")) == 5 and not links_to("unknown@example.se")


@freeze_time(MID_HOUR)
def test_one_client_asking_for_one_address_gets_few_mails(client):
    UserFactory.create(email="flitig@example.se")
    for _ in range(10):
        assert client.post(LOGIN, {"email": "flitig@example.se"}).status_code == 302
    assert len(links_to("flitig@example.se")) == 3  # LOGIN_LINK_CLIENT_ADDRESS_RATE, 3 an hour


@freeze_time(MID_HOUR)
def test_a_client_that_asks_far_too_often_is_asked_to_wait_and_no_one_else_is(client, settings):
    settings.LOGIN_LINK_CLIENT_RATE = "20/h"  # 300 by default: the same rule, fewer requests to make
    for n in range(20):
        UserFactory.create(email=f"person-{n}@example.se")
    for n in range(20):
        assert client.post(LOGIN, {"email": f"person-{n}@example.se"}).status_code == 302
    known = client.post(LOGIN, {"email": "person-0@example.se"})
    unknown = client.post(LOGIN, {"email": "vem@example.se"})
    assert known.status_code == unknown.status_code == 429
    assert "från ditt nätverk" in known.content.decode()
    assert CSRF.sub("", known.content.decode()) == CSRF.sub("", unknown.content.decode()).replace(
        "vem@example.se", "person-0@example.se"
    )
    assert OutboundEmail.objects.count() == 20
    # Another client is not affected.
    assert client.post(LOGIN, {"email": "person-0@example.se"}, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_the_mails_per_address_start_afresh_in_the_next_hour(client):
    UserFactory.create(email="igen@example.se")
    with freeze_time(MID_HOUR) as frozen:
        for n in range(8):
            client.post(LOGIN, {"email": "igen@example.se"}, REMOTE_ADDR=f"10.0.0.{n}")
        assert len(links_to("igen@example.se")) == 5
        frozen.tick(60 * 60)
        assert client.post(LOGIN, {"email": "igen@example.se"}, REMOTE_ADDR="10.0.1.1").status_code == 302
    assert len(links_to("igen@example.se")) == 6


@freeze_time(MID_HOUR)
def test_login_link_request_service_reports_the_outcome(settings):
    settings.LOGIN_LINK_CLIENT_RATE = "6/h"
    UserFactory.create(email="tjanst@example.se")
    outcomes = [login_link_request(email="tjanst@example.se", request_ip="198.51.100.1") for _ in range(7)]
    assert outcomes == [LoginLinkOutcome.ACCEPTED] * 6 + [LoginLinkOutcome.CLIENT_THROTTLED]
    assert len(links_to("tjanst@example.se")) == 3


def test_an_invalid_address_is_a_form_error(client):
    response = client.post(LOGIN, {"email": "inte en adress"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not OutboundEmail.objects.exists()
