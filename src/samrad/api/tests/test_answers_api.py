"""/api/v1/consultations/{id}/answers: the submitted answers, for the consultation's coordinators only."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samrad.consultations import stances
from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_unsolicited,
    response_submit,
)
from samrad.consultations.tests import conftest as consultation_fixtures
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# The consultation tests' fixtures: a region with its coordinator, Nacka with its respondent, consultations.
region = consultation_fixtures.region
coordinator = consultation_fixtures.coordinator
other_coordinator = consultation_fixtures.other_coordinator
municipality = consultation_fixtures.municipality
respondent = consultation_fixtures.respondent
make_consultation = consultation_fixtures.make_consultation
open_consultation = consultation_fixtures.open_consultation


def url(consultation, receipt=""):
    base = f"/api/v1/consultations/{consultation.pk}/answers"
    return f"{base}/{receipt}" if receipt else base


def submit(consultation, organisation, stance, text):
    person = member_of(organisation)
    ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
    answer_save(
        actor=person, response=draft, question=consultation.questions.get(), stance=stance, text=text, base_version=0
    )
    return response_submit(actor=person, response=draft)


@pytest.fixture
def answered(open_consultation, municipality, coordinator):
    nacka = submit(open_consultation, municipality, "support", "Vi tillstyrker.")
    unsolicited = response_register_unsolicited(
        actor=coordinator,
        consultation=open_consultation,
        respondent_name="Naturskyddsföreningen",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Synpunkter")),
        filename="synpunkter.pdf",
        channel="paper",
    )
    return {"consultation": open_consultation, "nacka": nacka, "unsolicited": unsolicited}


def test_coordinators_get_every_answer(client, coordinator, answered):
    stances.stance_set(
        actor=coordinator,
        submission=answered["unsolicited"],
        question=answered["consultation"].questions.get(),
        stance="oppose",
    )
    client.force_login(coordinator)
    body = client.get(url(answered["consultation"])).json()
    assert body["count"] == 2
    nacka, other = body["items"]
    assert (nacka["respondent_name"], nacka["channel"], nacka["unsolicited"]) == ("Nacka kommun", "platform", False)
    assert nacka["answers"][0] | {"question_id": 0} == {
        "question_id": 0,
        "number": 1,
        "stance": "support",
        "stance_label": "tillstyrker",
        "stance_source": "respondent",
        "text": "Vi tillstyrker.",
    }
    assert (other["respondent_name"], other["channel"], other["unsolicited"]) == (
        "Naturskyddsföreningen",
        "paper",
        True,
    )
    assert (other["answers"][0]["stance"], other["answers"][0]["stance_source"]) == ("oppose", "senders")
    attachment = other["attachments"][0]
    assert attachment["name"] == "synpunkter.pdf" and len(attachment["sha256"]) == 64
    assert client.get(attachment["download_url"]).status_code == 200

    detail = client.get(url(answered["consultation"], answered["nacka"].receipt_number)).json()
    assert detail["receipt_number"] == answered["nacka"].receipt_number
    assert [v["number"] for v in detail["versions"]] == [1]


def test_pages_and_a_fixed_number_of_queries(client, coordinator, answered, make_consultation):
    client.force_login(coordinator)
    body = client.get(url(answered["consultation"]), {"limit": 1, "offset": 1}).json()
    assert [item["respondent_name"] for item in body["items"]] == ["Naturskyddsföreningen"]
    consultation = make_consultation(open=True)
    counts = []
    for n in (3, 30):
        while consultation.responses.count() < n:
            organisation = OrganisationFactory.create()
            submit(consultation, organisation, "oppose", "Nej.")
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(url(consultation), {"limit": 100}).json()["items"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_unauthenticated_callers_get_401_in_the_error_format(client, answered):
    for address in (url(answered["consultation"]), url(answered["consultation"], answered["nacka"].receipt_number)):
        response = client.get(address)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated" and response.json()["errors"] == []


def test_others_are_refused(client, answered, other_coordinator, respondent, make_consultation):
    for person in (other_coordinator, respondent):
        client.force_login(person)
        response = client.get(url(answered["consultation"]))
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
        assert client.get(url(answered["consultation"], answered["nacka"].receipt_number)).status_code == 403
    draft = make_consultation()
    assert client.get(url(draft)).status_code == 404  # a draft they may not see


def test_unknown_and_malformed_receipts(client, coordinator, answered, make_consultation):
    client.force_login(coordinator)
    other = make_consultation(open=True)
    assert client.get(url(other, answered["nacka"].receipt_number)).status_code == 404
    assert client.get(url(answered["consultation"], "NOPE-1")).status_code == 404
    response = client.get(url(answered["consultation"], "lowercase"))
    assert response.status_code == 400 and response.json()["code"] == "invalid_parameters"
