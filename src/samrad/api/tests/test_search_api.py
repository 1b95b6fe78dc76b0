"""GET /api/v1/search: the same results and visibility as the search page."""

import io

import pytest

from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations import responses
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.documents.services import stored_file_extract_text
from samrad.documents.tests import samples
from samrad.library.indexing import search_reindex
from samrad.library.models import LibraryDocument
from samrad.library.services import library_document_create
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/search"


@pytest.fixture
def corpus():
    consultation = ConsultationFactory.create(open=True, title="Remiss om regionbildning")
    question = QuestionFactory.create(consultation=consultation, text="Hur påverkas kommunerna?")
    report = library_document_create(
        actor="test",
        title="Utredning om länet",
        file_stream=io.BytesIO(samples.make_pdf("Inledning", "Regionbildningen <i>och</i> länet")),
        file_name="utredning.pdf",
    )
    stored_file_extract_text(stored_file=report.file)
    library_document_create(
        actor="test",
        title="Intern regionbildning",
        url="https://www.example.se/i",
        visibility=LibraryDocument.Visibility.STAFF,
    )
    nacka = OrganisationFactory.create(name="Nacka kommun")
    person = UserFactory.create(email="svar@nacka.example.se")
    MembershipFactory.create(user=person, organisation=nacka, role="respondent")
    ReferralFactory.create(consultation=consultation, organisation=nacka, invited=True)
    response = responses.response_get_or_create_draft(actor=person, consultation=consultation, organisation=nacka)
    responses.answer_save(
        actor=person,
        response=response,
        question=question,
        stance="support",
        text="Regionbildningen är bra.",
        base_version=0,
    )
    responses.response_submit(actor=person, response=response)
    search_reindex()
    return {"consultation": consultation, "report": report, "person": person}


def test_search_finds_inflected_forms_with_snippets_and_pages(client, corpus):
    response = client.get(URL, {"q": "regionbildningen"})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "regionbildningen"
    assert body["count"] == 2
    first, second = body["items"]
    assert (first["kind"], first["title"], first["page"]) == ("consultation", "Remiss om regionbildning", None)
    assert first["title_html"] == "Remiss om <mark>regionbildning</mark>"
    assert first["url"] == f"http://testserver/remisser/{corpus['consultation'].pk}/"
    assert (second["kind"], second["title"], second["page"]) == ("library", "Utredning om länet", 2)
    assert second["snippet_html"] == "<mark>Regionbildningen</mark> &lt;i&gt;och&lt;/i&gt; länet"


def test_search_respects_who_may_see_what(client, corpus):
    assert [i["kind"] for i in client.get(URL, {"q": "regionbildning", "kind": "response"}).json()["items"]] == []
    client.force_login(corpus["person"])
    items = client.get(URL, {"q": "regionbildning", "kind": "response"}).json()["items"]
    assert [(i["kind"], i["title"]) for i in items] == [("response", "Nacka kommun – Remiss om regionbildning")]
    assert "Intern regionbildning" not in {i["title"] for i in client.get(URL, {"q": "regionbildning"}).json()["items"]}


def test_search_filters_and_paging(client, corpus):
    body = client.get(URL, {"q": "regionbildning", "kind": ["library", "question"], "limit": 1}).json()
    assert body["count"] == 1 and body["limit"] == 1
    assert body["items"][0]["kind"] == "library"
    assert client.get(URL, {"q": "regionbildning", "date_from": "2030-01-01"}).json()["count"] == 0


def test_bad_parameters_are_refused_with_a_message(client, corpus):
    missing = client.get(URL)
    assert missing.status_code == 400
    assert missing.json()["errors"] == [{"parameter": "q", "code": "missing", "message": "krävs"}]
    assert client.get(URL, {"q": "x", "kind": "nonsense"}).status_code == 400
    assert client.get(URL, {"q": "a\x00b"}).status_code == 400


def test_a_date_range_that_ends_before_it_starts_finds_nothing(client, corpus):
    """The published schema cannot say that date_to must not precede date_from, and the fuzzer holds the API to
    its schema: such a range is a question with an empty answer, not a refusal."""
    response = client.get(URL, {"q": "regionbildning", "date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_document_is_one_item_with_its_matching_pages(client):
    report = library_document_create(
        actor="test",
        title="Rapport om samverkan",
        summary="Om samverkan i länet.",
        file_stream=io.BytesIO(samples.make_pdf("Samverkan först.", "Inget.", "Samverkan sist.")),
        file_name="rapport.pdf",
    )
    stored_file_extract_text(stored_file=report.file)
    search_reindex()
    body = client.get(URL, {"q": "samverkan"}).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert (item["kind"], item["id"], item["page"]) == ("library", report.pk, None)
    assert [(page["page"], page["snippet_html"]) for page in item["pages"]] == [
        (1, "<mark>Samverkan</mark> först."),
        (3, "<mark>Samverkan</mark> sist."),
    ]
    assert item["more_pages"] == 0
