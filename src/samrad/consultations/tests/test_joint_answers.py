"""Joint answers: neighbouring municipalities sign one response. It counts as the answer of each co-signer that
has confirmed it, from the moment both the submission and the confirmation exist."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samrad.consultations import responses
from samrad.consultations.models import Referral, ResponseSignatory
from samrad.consultations.responses import ResponseError
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.notifications.models import OutboundEmail
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(open_consultation):
    return open_consultation


@pytest.fixture
def nacka(consultation, municipality):
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


@pytest.fixture
def neighbours(consultation):
    """Värmdö and Tyresö, on the same list, each with one person who answers for it."""
    result = {}
    for name in ("Värmdö kommun", "Tyresö kommun"):
        organisation = OrganisationFactory.create(name=name)
        referral = ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        result[name] = (referral, member_of(organisation, email=f"svar@{name.split()[0].lower()}.example.se"))
    return result


@pytest.fixture
def joint(respondent, consultation, municipality, nacka):
    response = responses.response_get_or_create_draft(
        actor=respondent, consultation=consultation, organisation=municipality
    )
    responses.answer_save(
        actor=respondent,
        response=response,
        question=consultation.questions.get(),
        stance="support_with_changes",
        text="Gemensamt svar från kommunerna i Södertörn.",
        base_version=0,
    )
    return response


def _status(referral):
    referral.refresh_from_db()
    return referral.status


def test_the_answer_counts_for_confirmed_signatories_only(respondent, joint, nacka, neighbours):
    (varmdo, varmdo_person), (tyreso, _tyreso_person) = neighbours.values()
    invite_varmdo = responses.signatory_invite(actor=respondent, response=joint, organisation=varmdo.organisation)
    responses.signatory_invite(actor=respondent, response=joint, organisation=tyreso.organisation)

    responses.signatory_confirm(actor=varmdo_person, signatory=invite_varmdo)
    assert _status(varmdo) == Referral.Status.INVITED, "confirming alone is not answering"

    submission = responses.response_submit(actor=respondent, response=joint)
    assert _status(nacka) == Referral.Status.SUBMITTED
    assert _status(varmdo) == Referral.Status.SUBMITTED
    assert _status(tyreso) == Referral.Status.INVITED, "an unconfirmed signatory has not answered"
    names = {(s["name"], s["confirmed_at"] is not None) for s in submission.content["signatories"]}
    assert names == {("Värmdö kommun", True), ("Tyresö kommun", False)}


def test_confirming_after_the_submission_counts_from_then(respondent, joint, neighbours):
    tyreso, tyreso_person = neighbours["Tyresö kommun"]
    invitation = responses.signatory_invite(actor=respondent, response=joint, organisation=tyreso.organisation)
    responses.response_submit(actor=respondent, response=joint)
    assert _status(tyreso) == Referral.Status.INVITED
    confirmed = responses.signatory_confirm(actor=tyreso_person, signatory=invitation)
    assert confirmed.confirmed_by == tyreso_person
    assert _status(tyreso) == Referral.Status.SUBMITTED
    tyreso.refresh_from_db()
    assert tyreso.answered_at == confirmed.confirmed_at


def test_the_signatory_is_asked_by_email(respondent, joint, neighbours):
    varmdo, varmdo_person = neighbours["Värmdö kommun"]
    invitation = responses.signatory_invite(actor=respondent, response=joint, organisation=varmdo.organisation)
    message = OutboundEmail.objects.get(category="consultation.signatory_request")
    assert set(message.to) == {varmdo.organisation.registry_email, varmdo_person.email}
    assert "Nacka kommun" in message.subject
    assert reverse("consultations:cosign", args=[joint.consultation_id, invitation.pk]) in message.body_text


def test_who_may_be_asked_and_who_may_confirm(respondent, joint, municipality, neighbours):
    varmdo, varmdo_person = neighbours["Värmdö kommun"]
    with pytest.raises(ResponseError):
        responses.signatory_invite(actor=respondent, response=joint, organisation=municipality)
    with pytest.raises(ResponseError):
        responses.signatory_invite(actor=respondent, response=joint, organisation=OrganisationFactory.create())
    with pytest.raises(PermissionDenied):
        responses.signatory_invite(actor=varmdo_person, response=joint, organisation=varmdo.organisation)
    invitation = responses.signatory_invite(actor=respondent, response=joint, organisation=varmdo.organisation)
    with pytest.raises(ResponseError):
        responses.signatory_invite(actor=respondent, response=joint, organisation=varmdo.organisation)
    with pytest.raises(PermissionDenied):
        responses.signatory_confirm(actor=respondent, signatory=invitation)
    assert ResponseSignatory.objects.get(pk=invitation.pk).confirmed_at is None


def test_signatories_read_but_do_not_edit(client, respondent, joint, neighbours):
    varmdo, varmdo_person = neighbours["Värmdö kommun"]
    _tyreso, tyreso_person = neighbours["Tyresö kommun"]
    invitation = responses.signatory_invite(actor=respondent, response=joint, organisation=varmdo.organisation)
    with pytest.raises(PermissionDenied):
        responses.answer_save(
            actor=varmdo_person,
            response=joint,
            question=joint.consultation.questions.get(),
            stance="oppose",
            text="Ändrat av Värmdö",
            base_version=1,
        )
    url = reverse("consultations:cosign", args=[joint.consultation_id, invitation.pk])
    client.force_login(varmdo_person)
    page = client.get(url)
    assert page.status_code == 200
    assert "Gemensamt svar från kommunerna i Södertörn." in page.text
    assert "Bekräfta det gemensamma svaret för Värmdö kommun" in page.text
    assert client.post(url).status_code == 302
    assert _status(varmdo) == Referral.Status.INVITED
    submission = responses.response_submit(actor=respondent, response=joint)
    assert _status(varmdo) == Referral.Status.SUBMITTED
    assert (
        client.get(
            reverse("consultations:receipt", args=[joint.consultation_id, submission.receipt_number])
        ).status_code
        == 200
    )

    client.force_login(tyreso_person)
    assert client.get(url).status_code == 404, "an organisation that was not asked sees nothing"
    assert (
        client.get(
            reverse("consultations:receipt", args=[joint.consultation_id, submission.receipt_number])
        ).status_code
        == 404
    )


def test_an_unconfirmed_request_can_be_withdrawn(respondent, joint, neighbours):
    varmdo, _varmdo_person = neighbours["Värmdö kommun"]
    tyreso, tyreso_person = neighbours["Tyresö kommun"]
    pending = responses.signatory_invite(actor=respondent, response=joint, organisation=varmdo.organisation)
    confirmed = responses.signatory_invite(actor=respondent, response=joint, organisation=tyreso.organisation)
    responses.signatory_confirm(actor=tyreso_person, signatory=confirmed)
    responses.signatory_remove(actor=respondent, signatory=pending)
    with pytest.raises(ResponseError):
        responses.signatory_remove(actor=respondent, signatory=confirmed)
    assert list(joint.signatories.values_list("organisation__name", flat=True)) == ["Tyresö kommun"]
