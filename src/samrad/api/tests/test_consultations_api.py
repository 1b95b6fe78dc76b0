"""Consultations under /api/v1/consultations: what each caller may see, filters, details, the referral list."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import Consultation, Question, Referral
from samrad.consultations.responses import answer_save, response_get_or_create_draft, response_submit
from samrad.consultations.services import document_add
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory, deadline_in
from samrad.documents.tests.samples import make_docx, make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/consultations"
SECRET_DRAFT_TEXT = "Kommunstyrelsens interna utkast, ännu inte beslutat"


@pytest.fixture
def region():
    return OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )


@pytest.fixture
def coordinator(region):
    user = UserFactory.create(email="handlaggare@regionstockholm.example.se")
    MembershipFactory.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def nacka():
    return OrganisationFactory.create(name="Nacka", municipality_code="0182")


@pytest.fixture
def respondent(nacka):
    user = UserFactory.create(email="svarande@nacka.example.se")
    MembershipFactory.create(user=user, organisation=nacka, role=Membership.Role.RESPONDENT)
    return user


@pytest.fixture
def phases(region):
    """One consultation in each phase, all sent by Region Stockholm."""
    made = {}
    for status in Consultation.Status:
        made[status.value] = ConsultationFactory.create(
            senders=[region], status=status, title=f"Remiss i fas {status.value}", opens_at=timezone.now()
        )
    return made


def ids(response):
    return {item["id"] for item in response.json()["items"]}


def test_the_public_sees_every_phase_but_drafts(client, phases):
    response = client.get(URL)
    assert response.status_code == 200
    body = response.json()
    expected = {phases[s].pk for s in ("open", "closed", "compiled", "published")}
    assert ids(response) == expected
    assert body["count"] == 4 and (body["limit"], body["offset"]) == (50, 0)


def test_a_respondent_sees_no_drafts_even_when_on_their_list(client, phases, respondent, nacka):
    ReferralFactory.create(consultation=phases["draft"], organisation=nacka)
    client.force_login(respondent)
    assert phases["draft"].pk not in ids(client.get(URL))
    assert client.get(f"{URL}/{phases['draft'].pk}").status_code == 404


def test_a_coordinator_sees_their_own_drafts_but_not_other_bodies_drafts(client, phases, coordinator):
    other = ConsultationFactory.create(title="Någon annans utkast")
    client.force_login(coordinator)
    listed = ids(client.get(URL))
    assert phases["draft"].pk in listed and other.pk not in listed
    assert client.get(f"{URL}/{phases['draft'].pk}").status_code == 200
    assert client.get(f"{URL}/{other.pk}").status_code == 404


def test_an_item_has_the_documented_fields(client, region):
    ksl = OrganisationFactory.create(kind=Organisation.Kind.ASSOCIATION, name="KSL", municipality_code=None)
    deadline = dt.datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=dt.UTC) - dt.timedelta(hours=1)
    consultation = ConsultationFactory.create(
        open=True,
        senders=[region, ksl],
        title="Regional utvecklingsplan för Stockholmsregionen",
        reference_number="RS 2026/0042",
        deadline=deadline,
        is_public=True,
    )
    consultation.sender_links.filter(organisation=region).update(case_number="RS 2026/0042")
    [item] = client.get(URL).json()["items"]
    assert item == {
        "id": consultation.pk,
        "reference_number": "RS 2026/0042",
        "title": "Regional utvecklingsplan för Stockholmsregionen",
        "summary": consultation.summary,
        "status": "open",
        "status_label": item["status_label"],
        "senders": [
            {"id": region.pk, "name": "Region Stockholm", "case_number": "RS 2026/0042"},
            {"id": ksl.pk, "name": "KSL", "case_number": ""},
        ],
        "opens_at": item["opens_at"],
        "deadline": "2026-10-31T23:59:59.999999+01:00",
    }
    assert item["status_label"] == "öppen"


def test_the_api_promises_no_answers_from_the_public(client, region):
    """`is_public` was published as "members of the public may answer on the platform", which nothing does: the
    flag is a coordinator's setting without effect, so the API does not publish it."""
    consultation = ConsultationFactory.create(open=True, senders=[region], is_public=True)
    [item] = client.get(URL).json()["items"]
    assert "is_public" not in item
    assert "is_public" not in client.get(f"{URL}/{consultation.pk}").json()
    assert "members of the public" not in client.get("/api/v1/openapi.json").content.decode()


def test_filters_by_status_and_text(client, phases, region):
    ConsultationFactory.create(open=True, senders=[region], title="Trafikplan", reference_number="RS 2026/0099")
    assert ids(client.get(URL, {"status": "closed"})) == {phases["closed"].pk}
    assert client.get(URL, {"status": "draft"}).json() == {"items": [], "count": 0, "limit": 50, "offset": 0}
    assert [i["title"] for i in client.get(URL, {"q": "TRAFIK"}).json()["items"]] == ["Trafikplan"]
    assert [i["title"] for i in client.get(URL, {"q": "2026/0099"}).json()["items"]] == ["Trafikplan"]
    assert client.get(URL, {"q": "fas open", "status": "closed"}).json()["count"] == 0


def test_limit_and_offset_page_through_the_list(client, region):
    for days in range(30, 37):
        ConsultationFactory.create(open=True, senders=[region], deadline=deadline_in(days))
    first = client.get(URL, {"limit": 3}).json()
    second = client.get(URL, {"limit": 3, "offset": 3}).json()
    last = client.get(URL, {"limit": 3, "offset": 6}).json()
    assert (first["count"], len(first["items"]), len(second["items"]), len(last["items"])) == (7, 3, 3, 1)
    deadlines = [i["deadline"] for i in first["items"] + second["items"] + last["items"]]
    assert deadlines == sorted(deadlines, reverse=True)
    assert len({i["id"] for i in first["items"] + second["items"] + last["items"]}) == 7
    assert client.get(URL, {"offset": 100}).json()["items"] == []


def test_detail_has_questions_in_order_and_downloadable_documents(client, region, coordinator):
    consultation = ConsultationFactory.create(open=True, senders=[region], body="Bakgrund och förslag.")
    second = QuestionFactory.create(consultation=consultation, order=2, text="Har ni övriga synpunkter?")
    second.kind = Question.Kind.TEXT
    second.save()
    first = QuestionFactory.create(consultation=consultation, order=1, text="Tillstyrker ni?", section="avsnitt 5.2")
    pdf = make_pdf("Remisspromemoria")
    document_add(
        actor=coordinator,
        consultation=consultation,
        title="Remisspromemoria",
        stream=io.BytesIO(pdf),
        filename="promemoria.pdf",
    )
    document_add(
        actor=coordinator,
        consultation=consultation,
        title="Konsekvensanalys",
        stream=io.BytesIO(make_docx("Analys")),
        filename="konsekvenser.docx",
    )
    response = client.get(f"{URL}/{consultation.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["body"] == "Bakgrund och förslag."
    assert body["questions"] == [
        {
            "id": first.pk,
            "number": 1,
            "text": "Tillstyrker ni?",
            "help_text": "",
            "kind": "stance",
            "section": "avsnitt 5.2",
        },
        {
            "id": second.pk,
            "number": 2,
            "text": "Har ni övriga synpunkter?",
            "help_text": "",
            "kind": "text",
            "section": "",
        },
    ]
    memo, analysis = body["documents"]
    assert (memo["title"], memo["file_name"], memo["size"], memo["content_type"]) == (
        "Remisspromemoria",
        "promemoria.pdf",
        len(pdf),
        "application/pdf",
    )
    assert analysis["file_name"] == "konsekvenser.docx"
    assert analysis["content_type"].startswith("application/vnd.openxmlformats")
    assert memo["download_url"].startswith("http://testserver/")
    download = client.get(memo["download_url"].removeprefix("http://testserver"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf


def test_a_missing_or_draft_consultation_is_404_with_a_message(client, phases):
    for path in (f"{URL}/{phases['draft'].pk}", f"{URL}/999999"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        assert "id" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "abc"}, "limit"),
        ({"limit": "201"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"status": "archived"}, "status"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_parameters_get_400_with_a_readable_message(client, params, parameter):
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert parameter in body["detail"]
    assert body["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize("path", ["abc", "0", "-3", "99999999999999999999999"])
def test_a_bad_id_is_a_4xx_with_a_message(client, path):
    response = client.get(f"{URL}/{path}")
    assert 400 <= response.status_code < 500
    assert response.json()["detail"]


def test_list_and_detail_take_the_same_number_of_queries_whatever_the_size(client, region):
    def make(n):
        for _ in range(n):
            consultation = ConsultationFactory.create(open=True, senders=[region, OrganisationFactory.create()])
            QuestionFactory.create_batch(3, consultation=consultation)

    make(2)
    target = Consultation.objects.first()
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(URL).json()["items"]) == 2
    with CaptureQueriesContext(connection) as small_detail:
        assert len(client.get(f"{URL}/{target.pk}").json()["questions"]) == 3
    make(20)
    QuestionFactory.create_batch(10, consultation=target)
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(URL).json()["items"]) == 22
    with CaptureQueriesContext(connection) as large_detail:
        assert len(client.get(f"{URL}/{target.pk}").json()["questions"]) == 13
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large_detail.captured_queries) == len(small_detail.captured_queries)


# --- The referral list -------------------------------------------------------------------------------------


@pytest.fixture
def referral_list(region, nacka, respondent):
    """An open consultation with Nacka drafting (an unsubmitted answer), Solna submitted, Täby declined,
    Tyresö invited, and Värmdö with an extension."""
    consultation = ConsultationFactory.create(open=True, senders=[region])
    question = QuestionFactory.create(consultation=consultation)
    solna = OrganisationFactory.create(name="Solna")
    taby = OrganisationFactory.create(name="Täby")
    tyreso = OrganisationFactory.create(name="Tyresö")
    varmdo = OrganisationFactory.create(name="Värmdö")
    for organisation in (nacka, solna, taby, tyreso, varmdo):
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    Referral.objects.filter(organisation=taby).update(status=Referral.Status.DECLINED)
    Referral.objects.filter(organisation=varmdo).update(deadline_override=consultation.deadline + dt.timedelta(days=20))
    draft = response_get_or_create_draft(actor=respondent, consultation=consultation, organisation=nacka)
    answer_save(
        actor=respondent, response=draft, question=question, stance="oppose", text=SECRET_DRAFT_TEXT, base_version=0
    )
    solna_person = UserFactory.create(email="svar@solna.example.se")
    MembershipFactory.create(user=solna_person, organisation=solna)
    solna_draft = response_get_or_create_draft(actor=solna_person, consultation=consultation, organisation=solna)
    answer_save(
        actor=solna_person,
        response=solna_draft,
        question=question,
        stance="support",
        text="Bra förslag.",
        base_version=0,
    )
    response_submit(actor=solna_person, response=solna_draft)
    return consultation


def referrals(client, consultation, **params):
    return client.get(f"{URL}/{consultation.pk}/referrals", params)


def test_the_coordinator_follows_every_status_while_it_is_open(client, coordinator, referral_list):
    client.force_login(coordinator)
    response = referrals(client, referral_list)
    assert response.status_code == 200
    body = response.json()
    statuses = {item["organisation_name"]: item["status"] for item in body["items"]}
    assert statuses == {
        "Nacka": "drafting",
        "Solna": "submitted",
        "Täby": "declined",
        "Tyresö": "invited",
        "Värmdö": "invited",
    }
    assert body["counts"] == {"invited": 2, "opened": 0, "drafting": 1, "submitted": 1, "declined": 1, "overdue": 0}
    by_name = {item["organisation_name"]: item for item in body["items"]}
    assert by_name["Solna"]["answered_at"] is not None and by_name["Nacka"]["answered_at"] is None
    assert by_name["Värmdö"]["has_own_deadline"] is True
    assert by_name["Värmdö"]["deadline"] > by_name["Nacka"]["deadline"]
    assert by_name["Nacka"]["last_activity"] is not None and by_name["Nacka"]["reminders_sent"] == 0
    assert by_name["Nacka"]["municipality_code"] == "0182"
    assert SECRET_DRAFT_TEXT not in response.content.decode()
    assert [i["organisation_name"] for i in referrals(client, referral_list, status="drafting").json()["items"]] == [
        "Nacka"
    ]
    assert referrals(client, referral_list, status="not_answered").json()["count"] == 3
    assert [i["organisation_name"] for i in referrals(client, referral_list, q="tyr").json()["items"]] == ["Tyresö"]


def test_overdue_is_shown_once_a_body_has_passed_its_deadline(client, coordinator, referral_list):
    Consultation.objects.filter(pk=referral_list.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(coordinator)
    statuses = {i["organisation_name"]: i["status"] for i in referrals(client, referral_list).json()["items"]}
    assert statuses == {
        "Nacka": "overdue",
        "Solna": "submitted",
        "Täby": "declined",
        "Tyresö": "overdue",
        "Värmdö": "invited",
    }


def test_while_open_the_list_is_not_shown_to_the_public_or_respondents(client, respondent, referral_list):
    response = referrals(client, referral_list)
    assert response.status_code == 403
    assert "när remissen har stängt" in response.json()["detail"]
    client.force_login(respondent)
    assert referrals(client, referral_list).status_code == 403


def test_once_closed_the_public_sees_who_answered_and_nothing_of_drafts(client, respondent, referral_list):
    Consultation.objects.filter(pk=referral_list.pk).update(status=Consultation.Status.CLOSED)
    response = referrals(client, referral_list)
    assert response.status_code == 200
    body = response.json()
    statuses = {item["organisation_name"]: item["status"] for item in body["items"]}
    assert statuses == {
        "Nacka": "not_answered",
        "Solna": "submitted",
        "Täby": "declined",
        "Tyresö": "not_answered",
        "Värmdö": "not_answered",
    }
    assert body["counts"] == {"submitted": 1, "declined": 1, "not_answered": 3}
    assert all(item["last_activity"] is None and item["reminders_sent"] is None for item in body["items"])
    assert SECRET_DRAFT_TEXT not in response.content.decode()
    assert "drafting" not in response.content.decode()
    assert referrals(client, referral_list, status="not_answered").json()["count"] == 3
    refused = referrals(client, referral_list, status="drafting")
    assert refused.status_code == 403 and "not_answered" in refused.json()["detail"]
    assert refused.json()["code"] == "forbidden"
    client.force_login(respondent)
    assert referrals(client, referral_list).json()["counts"] == body["counts"]


def test_status_labels_are_swedish_and_of_one_kind(client, coordinator, referral_list):
    """ "not answered" stood in English next to "svar inlämnat": every label is Swedish, the statuses (machine
    values) stay English identifiers."""
    client.force_login(coordinator)
    labels = {item["status"]: item["status_label"] for item in referrals(client, referral_list).json()["items"]}
    assert labels == {
        "drafting": "svar påbörjat",
        "submitted": "svar inlämnat",
        "declined": "avstår",
        "invited": "inbjuden",
    }
    Consultation.objects.filter(pk=referral_list.pk).update(status=Consultation.Status.CLOSED)
    client.logout()
    labels = {item["status"]: item["status_label"] for item in referrals(client, referral_list).json()["items"]}
    assert labels == {"not_answered": "inget svar", "submitted": "svar inlämnat", "declined": "avstår"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    labels = {item["status"]: item["status_label"] for item in referrals(client, referral_list).json()["items"]}
    assert labels == {"not_answered": "not answered", "submitted": "submitted", "declined": "declined"}


def test_the_referral_list_of_a_draft_is_404_to_the_public(client, phases, nacka):
    ReferralFactory.create(consultation=phases["draft"], organisation=nacka)
    assert referrals(client, phases["draft"]).status_code == 404


@pytest.mark.parametrize("params", [{"status": "lost"}, {"limit": "1001"}, {"offset": "x"}, {"q": "y" * 201}])
def test_bad_referral_parameters_get_400(client, coordinator, referral_list, params):
    client.force_login(coordinator)
    response = referrals(client, referral_list, **params)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_referral_list_takes_the_same_number_of_queries_for_5_and_60_bodies(client, coordinator, referral_list):
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as small:
        assert len(referrals(client, referral_list).json()["items"]) == 5
    for organisation in OrganisationFactory.create_batch(55):
        ReferralFactory.create(consultation=referral_list, organisation=organisation, invited=True)
    with CaptureQueriesContext(connection) as large:
        assert len(referrals(client, referral_list).json()["items"]) == 60
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_openapi_schema_describes_the_consultation_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in (URL, f"{URL}/{{consultation_id}}", f"{URL}/{{consultation_id}}/referrals"):
        assert "get" in schema["paths"][path], path
    parameters = {p["name"] for p in schema["paths"][URL]["get"]["parameters"]}
    assert {"status", "q", "limit", "offset"} <= parameters
    description = schema["paths"][f"{URL}/{{consultation_id}}/referrals"]["get"]["description"]
    assert "closed" in description and "coordinators" in description
