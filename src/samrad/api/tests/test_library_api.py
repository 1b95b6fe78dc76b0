"""GET /api/v1/library: the knowledge base, as the caller may read it."""

import datetime as dt
import io

import pytest

from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.tests.factories import ConsultationFactory
from samrad.documents.tests import samples
from samrad.library.models import LibraryDocument
from samrad.library.services import library_document_create
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/library"


@pytest.fixture
def documents():
    region = OrganisationFactory.create(name="Region Stockholm", kind="region", municipality_code=None)
    nacka = OrganisationFactory.create(name="Nacka kommun")
    consultation = ConsultationFactory.create(open=True)
    report = library_document_create(
        actor="test",
        title="Regional utvecklingsplan",
        kind=LibraryDocument.Kind.REPORT,
        tags=["planering"],
        organisation=region,
        published_on=dt.date(2026, 5, 1),
        file_stream=io.BytesIO(samples.make_pdf("Planen")),
        file_name="rufs.pdf",
        consultations=[consultation],
    )
    statistics = library_document_create(
        actor="test",
        title="Befolkning 2026",
        kind=LibraryDocument.Kind.STATISTICS,
        url="https://www.example.se/befolkning",
        published_on=dt.date(2026, 1, 1),
    )
    shared = library_document_create(
        actor="test",
        title="Delat med Nacka",
        url="https://www.example.se/delat",
        visibility=LibraryDocument.Visibility.ORGANISATIONS,
        readers=[nacka],
    )
    person = UserFactory.create()
    MembershipFactory.create(user=person, organisation=nacka, role="respondent")
    return {
        "report": report,
        "statistics": statistics,
        "shared": shared,
        "consultation": consultation,
        "person": person,
    }


def test_the_public_lists_public_documents(client, documents, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["title"] for item in body["items"]] == ["Regional utvecklingsplan", "Befolkning 2026"]
    report = body["items"][0]
    assert report["kind"] == "report" and report["kind_label"]
    assert report["tags"] == ["planering"]
    assert report["organisation_name"] == "Region Stockholm"
    assert report["consultation_ids"] == [documents["consultation"].pk]
    assert report["file"]["name"] == "rufs.pdf"
    assert report["file"]["text_state"] == "pending"
    assert report["file"]["download_url"].endswith(f"/kunskapsbank/{documents['report'].pk}/fil/")
    assert body["items"][1]["file"] is None
    assert body["items"][1]["url"] == "https://www.example.se/befolkning"


def test_filters(client, documents):
    assert [i["title"] for i in client.get(URL, {"kind": "statistics"}).json()["items"]] == ["Befolkning 2026"]
    assert [i["title"] for i in client.get(URL, {"tag": "Planering"}).json()["items"]] == ["Regional utvecklingsplan"]
    consultation = documents["consultation"].pk
    assert client.get(URL, {"consultation": consultation}).json()["count"] == 1
    assert client.get(URL, {"q": "befolk"}).json()["count"] == 1
    assert client.get(URL, {"kind": "nonsense"}).status_code == 400


def test_shared_documents_only_for_their_organisations(client, documents):
    shared = documents["shared"].pk
    assert client.get(f"{URL}/{shared}").status_code == 404
    client.force_login(documents["person"])
    assert client.get(f"{URL}/{shared}").json()["title"] == "Delat med Nacka"
    assert client.get(URL).json()["count"] == 3
