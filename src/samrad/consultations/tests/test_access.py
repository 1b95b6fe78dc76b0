"""Who sees what: a respondent of one municipality can neither read nor change another's draft, attachments or
receipts, however the ids and URLs are guessed (404); nobody submits for an organisation they do not belong to;
the public never sees drafts."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samrad.consultations import responses
from samrad.consultations.models import Answer, Response, ResponseAttachment, Submission
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of, pdf_file
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def consultation(open_consultation):
    return open_consultation


@pytest.fixture
def nacka_answer(consultation, municipality, respondent):
    """Nacka's draft with an answer, an attachment and one submission."""
    ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)
    response = responses.response_get_or_create_draft(
        actor=respondent, consultation=consultation, organisation=municipality
    )
    responses.answer_save(
        actor=respondent,
        response=response,
        question=consultation.questions.get(),
        stance="oppose",
        text="Nackas hemliga utkast",
        base_version=0,
    )
    attachment = responses.attachment_add(
        actor=respondent, response=response, stream=pdf_file(), filename="nacka.pdf", kind="decision"
    )
    submission = responses.response_submit(actor=respondent, response=response)
    responses.answer_save(
        actor=respondent,
        response=response,
        question=consultation.questions.get(),
        stance="oppose",
        text="Nackas nya, ännu inte inlämnade text",
        base_version=1,
    )
    return response, attachment, submission


@pytest.fixture
def solna_person(consultation):
    solna = OrganisationFactory.create(name="Solna stad")
    ReferralFactory.create(consultation=consultation, organisation=solna, invited=True)
    return member_of(solna, email="svar@solna.example.se")


def _nacka_urls(consultation, municipality, response, attachment, submission):
    question = consultation.questions.get()
    c, o = consultation.pk, municipality.pk
    return {
        "get": [
            reverse("consultations:respond", args=[c, o]),
            reverse("consultations:submit", args=[c, o]),
            reverse("consultations:decline", args=[c, o]),
            reverse("consultations:extension", args=[c, o]),
            reverse("consultations:cosigner_search", args=[c, o]),
            reverse("consultations:attachment_download", args=[c, o, attachment.pk]),
            reverse("consultations:receipt", args=[c, submission.receipt_number]),
            reverse("consultations:submission_file", args=[c, submission.receipt_number, attachment.file_id]),
        ],
        "post": [
            reverse("consultations:respond", args=[c, o]),
            reverse("consultations:autosave_answer", args=[c, o, question.pk]),
            reverse("consultations:autosave_details", args=[c, o]),
            reverse("consultations:attachment_add", args=[c, o]),
            reverse("consultations:attachment_remove", args=[c, o, attachment.pk]),
            reverse("consultations:submit", args=[c, o]),
            reverse("consultations:decline", args=[c, o]),
            reverse("consultations:cosigner_invite", args=[c, o]),
        ],
    }


def test_another_municipality_gets_404_everywhere(client, consultation, municipality, nacka_answer, solna_person):
    response, attachment, submission = nacka_answer
    question = consultation.questions.get()
    urls = _nacka_urls(consultation, municipality, response, attachment, submission)
    client.force_login(solna_person)
    for url in urls["get"]:
        page = client.get(url)
        assert page.status_code == 404, url
        assert "Nackas" not in page.text
    for url in urls["post"]:
        page = client.post(url, {f"q{question.pk}-text": "Solna skriver över", f"q{question.pk}-version": "2"}, **HTMX)
        assert page.status_code == 404, url
    assert Answer.objects.get().text == "Nackas nya, ännu inte inlämnade text"
    assert Submission.objects.count() == 1
    assert ResponseAttachment.objects.get().removed_at is None


def test_guessing_ids_under_ones_own_organisation_finds_nothing(
    client, consultation, municipality, nacka_answer, solna_person
):
    """Solna's own URLs with Nacka's attachment, receipt and file ids: still 404."""
    _response, attachment, submission = nacka_answer
    solna = solna_person.organisations.get()
    client.force_login(solna_person)
    c = consultation.pk
    assert (
        client.get(reverse("consultations:attachment_download", args=[c, solna.pk, attachment.pk])).status_code == 404
    )
    assert client.post(reverse("consultations:attachment_remove", args=[c, solna.pk, attachment.pk])).status_code == 404
    other_receipt = submission.receipt_number[:-4] + "AAAA"
    assert client.get(reverse("consultations:receipt", args=[c, other_receipt])).status_code == 404
    # Solna's own submission does not open Nacka's files either.
    solna_response = responses.response_get_or_create_draft(
        actor=solna_person, consultation=consultation, organisation=solna
    )
    responses.answer_save(
        actor=solna_person,
        response=solna_response,
        question=consultation.questions.get(),
        stance="support",
        text="Solna",
        base_version=0,
    )
    solna_submission = responses.response_submit(actor=solna_person, response=solna_response)
    url = reverse("consultations:submission_file", args=[c, solna_submission.receipt_number, attachment.file_id])
    assert client.get(url).status_code == 404


def test_services_refuse_other_organisations(consultation, municipality, nacka_answer, solna_person):
    response, attachment, _submission = nacka_answer
    question = consultation.questions.get()
    with pytest.raises(PermissionDenied):
        responses.response_get_or_create_draft(actor=solna_person, consultation=consultation, organisation=municipality)
    with pytest.raises(PermissionDenied):
        responses.answer_save(
            actor=solna_person, response=response, question=question, stance="", text="x", base_version=2
        )
    with pytest.raises(PermissionDenied):
        responses.response_submit(actor=solna_person, response=response)
    with pytest.raises(PermissionDenied):
        responses.attachment_remove(actor=solna_person, attachment=attachment)
    with pytest.raises(PermissionDenied):
        responses.attachment_add(
            actor=solna_person, response=response, stream=pdf_file(), filename="x.pdf", kind="other"
        )
    assert Submission.objects.count() == 1


def test_the_public_never_sees_drafts_or_receipts(client, consultation, municipality, nacka_answer):
    response, attachment, submission = nacka_answer
    detail = client.get(reverse("consultations:detail", args=[consultation.pk]))
    assert detail.status_code == 200 and "Nackas" not in detail.text
    listing = client.get(reverse("consultations:list"))
    assert "Nackas" not in listing.text
    for url in _nacka_urls(consultation, municipality, response, attachment, submission)["get"]:
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith(reverse("accounts:login")), url


def test_managers_see_receipts_and_attachments_but_not_another_bodys_coordinators(
    client, coordinator, other_coordinator, consultation, municipality, nacka_answer
):
    _response, attachment, submission = nacka_answer
    receipt = reverse("consultations:receipt", args=[consultation.pk, submission.receipt_number])
    file_url = reverse(
        "consultations:submission_file", args=[consultation.pk, submission.receipt_number, attachment.file_id]
    )
    draft_file = reverse("consultations:attachment_download", args=[consultation.pk, municipality.pk, attachment.pk])
    client.force_login(coordinator)
    page = client.get(receipt)
    assert page.status_code == 200 and "Nackas hemliga utkast" in page.text
    assert client.get(file_url).status_code == 200
    assert client.get(draft_file).status_code == 200
    assert client.get(reverse("consultations:respond", args=[consultation.pk, municipality.pk])).status_code == 404
    client.force_login(other_coordinator)
    for url in (receipt, file_url, draft_file):
        assert client.get(url).status_code == 404, url


def test_a_body_not_on_the_list_cannot_open_a_closed_consultations_answer_page(client, make_consultation):
    closed = make_consultation(closed=True)
    outsider = OrganisationFactory.create()
    person = member_of(outsider)
    client.force_login(person)
    assert client.get(reverse("consultations:respond", args=[closed.pk, outsider.pk])).status_code == 404
    assert not Response.objects.exists()


def test_the_answer_page_of_a_draft_consultation_is_404(client, make_consultation, municipality, respondent):
    draft = make_consultation()
    ReferralFactory.create(consultation=draft, organisation=municipality)
    client.force_login(respondent)
    assert client.get(reverse("consultations:respond", args=[draft.pk, municipality.pk])).status_code == 404
