"""Every refusal of the API is JSON in its one error format, in Swedish unless English was chosen; malformed
requests (too many parameters, NUL characters, huge numbers, broken UTF-8) are refused with 400, never a 500,
on the API and on the site's pages."""

import pytest
from django.conf import settings
from django.test import Client

from samrad.consultations.tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

TOO_MANY = "&".join(f"p{number}=1" for number in range(1001))


def assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert set(body) == {"code", "detail", "errors"}
    return body


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "path", ["/api/v1/organisations", "/api/v1/counties", "/api/v1/search", "/api/v1/consultations/1", "/api/v1/x"]
)
def test_more_query_parameters_than_django_takes_get_a_json_400(client, settings, path, debug):
    """Before: 500 with DEBUG on (ninja turned the exception into a traceback), Django's English HTML 400 off."""
    settings.DEBUG = debug
    body = assert_error(client.get(f"{path}?{TOO_MANY}"), 400, "too_many_parameters")
    assert body["detail"] == "Begäran har fler än 1000 parametrar; skicka färre."


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/", "/remisser/", "/sok/", "/register/", "/konto/logga-in/"])
def test_more_query_parameters_than_django_takes_get_the_sites_400_page(settings, path, debug):
    """Before: with DEBUG on, Django's debug page read the query again and the 400 became a 500; and any 400
    page in the site's layout (whose search box reads the query) could not have been rendered."""
    settings.DEBUG = debug
    client = Client(raise_request_exception=False)
    response = client.get(f"{path}?{TOO_MANY}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_query_under_the_limit_goes_through(client):
    query = "&".join(f"p{number}=1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS - 1))
    assert client.get(f"/api/v1/organisations?{query}").status_code == 200
    assert client.get(f"/remisser/?{query}").status_code == 200


def test_bad_parameters_are_explained_per_parameter_in_swedish(client):
    body = assert_error(
        client.get("/api/v1/organisations", {"limit": "0", "kind": "kommun", "q": "x" * 201}),
        400,
        "invalid_parameters",
    )
    problems = {problem["parameter"]: problem for problem in body["errors"]}
    assert problems["limit"] == {"parameter": "limit", "code": "greater_than_equal", "message": "måste vara minst 1"}
    assert problems["q"]["message"] == "får vara högst 200 tecken"
    assert problems["kind"]["code"] == "enum"
    assert problems["kind"]["message"].startswith("måste vara ett av 'municipality', 'region'")
    assert " or " not in problems["kind"]["message"]
    assert body["detail"].startswith("Ogiltiga parametrar: ")


def test_messages_are_english_when_english_was_chosen_on_the_site(english):
    body = assert_error(english.get("/api/v1/organisations", {"limit": "0"}), 400, "invalid_parameters")
    assert body["errors"][0]["message"] == "must be at least 1"
    assert assert_error(english.get("/api/v1/organisations/999999"), 404, "not_found")["detail"] == (
        "No organisation has id 999999."
    )


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/v1/organisations/999999", "Det finns ingen organisation med id 999999."),
        ("/api/v1/consultations/999999", "Det finns ingen remiss med id 999999."),
        ("/api/v1/consultations/999999/referrals", "Det finns ingen remiss med id 999999."),
        ("/api/v1/dialogue/series/999999", "Det finns ingen dialogserie med id 999999."),
        ("/api/v1/dialogue/series/999999/meetings", "Det finns ingen dialogserie med id 999999."),
        ("/api/v1/library/999999", "Det finns inget dokument med id 999999."),
    ],
)
def test_unknown_ids_are_404_in_swedish(client, path, detail):
    assert assert_error(client.get(path), 404, "not_found")["detail"] == detail


def test_refusals_are_in_swedish(client):
    consultation = ConsultationFactory.create(open=True)
    body = assert_error(client.get(f"/api/v1/consultations/{consultation.pk}/referrals"), 403, "forbidden")
    assert body["detail"].startswith("Medan remissen är öppen visas remisslistan bara för dess samordnare")


@pytest.mark.parametrize(
    ("url", "parameter", "code"),
    [
        ("/api/v1/organisations?q=a%00b", "q", "nul_character"),
        ("/api/v1/organisations?group=%00", "group", "nul_character"),
        ("/api/v1/consultations?q=%00", "q", "nul_character"),
        ("/api/v1/library?tag=a%00", "tag", "nul_character"),
        ("/api/v1/search?q=%00", "q", "nul_character"),
        ("/api/v1/organisations?division=99999999999999999999", "division", "less_than_equal"),
        ("/api/v1/organisations/99999999999999999999999999", "organisation_id", "less_than_equal"),
        ("/api/v1/search?q=x&organisation=9223372036854775808", "organisation", "less_than_equal"),
        ("/api/v1/search?q=x&date_from=10000-01-01", "date_from", "date_from_datetime_parsing"),
        ("/api/v1/organisations/%FF", "organisation_id", "int_parsing"),
    ],
)
def test_malformed_values_are_refused_with_400_never_a_500(client, url, parameter, code):
    """NUL characters cannot reach PostgreSQL, numbers past 64 bits no database, bytes that are not UTF-8 no
    parser: each is refused with the parameter named."""
    body = assert_error(client.get(url), 400, "invalid_parameters")
    assert [(problem["parameter"], problem["code"]) for problem in body["errors"]] == [(parameter, code)]


def test_a_query_that_is_not_utf8_is_read_with_replacement_characters(client):
    response = client.get("/api/v1/organisations?q=%FF%FE")
    assert response.status_code == 200
    assert response.json()["count"] == 0
