"""htmx requests without a session get a 401 the page understands (samrad.ui.htmx), never the login page as a
fragment; everything else keeps the redirect to the login page."""

from urllib.parse import quote

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Any page behind login_required will do: the profile page.
PAGE = "/konto/"


def login_url(next_path: str = "") -> str:
    url = reverse("accounts:login")
    return f"{url}?next={quote(next_path, safe='')}" if next_path else url


def test_an_htmx_request_without_a_session_gets_a_401_with_the_login_address(client):
    assert reverse("accounts:profile") == PAGE
    response = client.get(
        PAGE, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/remisser/1/svar/2/?flik=svar"
    )

    assert response.status_code == 401
    assert response["HX-Reswap"] == "none"
    assert response["X-Login-Url"] == login_url("/remisser/1/svar/2/?flik=svar")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.text == "Du är utloggad. Logga in igen i en ny flik: det du skrev på sidan finns kvar."


def test_the_login_address_only_ever_leads_back_to_this_site(client):
    for current in ("https://elsewhere.example/phish", "//elsewhere.example/x", "javascript:alert(1)", ""):
        response = client.get(PAGE, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=current)
        assert response.status_code == 401
        assert response["X-Login-Url"] == login_url(), current


@pytest.mark.parametrize(
    "headers",
    [
        {},  # an ordinary request
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true"},  # a boosted link loads a whole page
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
    ],
)
def test_whole_pages_still_go_to_the_login_page(client, headers):
    response = client.get(PAGE, **headers)
    assert response.status_code == 302
    assert response["Location"] == f"{login_url()}?next={PAGE}"


def test_other_redirects_of_htmx_requests_are_left_alone(client):
    response = client.get("/remisser", HTTP_HX_REQUEST="true")  # CommonMiddleware adds the slash
    assert response.status_code == 301 and response["Location"] == "/remisser/"
