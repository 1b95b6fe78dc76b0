"""The answer services: the shared draft, answers, attachments, submitting, corrections, declining, and answers
registered by a coordinator."""

import datetime as dt
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.consultations import responses
from samrad.consultations.models import (
    Answer,
    Question,
    Referral,
    Response,
    ResponseAttachment,
    Stance,
    Submission,
    SubmissionIsImmutable,
)
from samrad.consultations.responses import ConflictError, ResponseError
from samrad.consultations.tests.factories import QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of, pdf_file
from samrad.documents.inspection import FileRejected
from samrad.notifications.models import OutboundEmail
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(open=True, questions=2)


@pytest.fixture
def referral(consultation, municipality):
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


@pytest.fixture
def draft(respondent, consultation, municipality, referral):
    return responses.response_get_or_create_draft(
        actor=respondent, consultation=consultation, organisation=municipality
    )


def _questions(consultation):
    return list(consultation.questions.order_by("order", "id"))


def test_colleagues_share_one_draft(respondent, consultation, municipality, referral):
    colleague = member_of(municipality)
    mine = responses.response_get_or_create_draft(
        actor=respondent, consultation=consultation, organisation=municipality
    )
    theirs = responses.response_get_or_create_draft(
        actor=colleague, consultation=consultation, organisation=municipality
    )
    assert mine.pk == theirs.pk
    assert not mine.is_unsolicited
    assert Response.objects.filter(consultation=consultation).count() == 1


def test_an_organisation_not_on_the_list_answers_unsolicited(consultation):
    outsider = OrganisationFactory.create(name="Föreningen Bättre Trafik")
    person = member_of(outsider)
    response = responses.response_get_or_create_draft(actor=person, consultation=consultation, organisation=outsider)
    assert response.is_unsolicited


def test_only_members_get_a_draft(coordinator, consultation, municipality, referral):
    with pytest.raises(PermissionDenied):
        responses.response_get_or_create_draft(actor=coordinator, consultation=consultation, organisation=municipality)


def test_no_new_draft_once_closed(make_consultation, municipality, respondent):
    closed = make_consultation(closed=True)
    ReferralFactory.create(consultation=closed, organisation=municipality)
    with pytest.raises(ResponseError):
        responses.response_get_or_create_draft(actor=respondent, consultation=closed, organisation=municipality)


def test_opening_the_page_then_saving_moves_the_referral_on(respondent, draft, referral, consultation):
    responses.referral_mark_opened(actor=respondent, referral=referral)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OPENED
    first_opened = referral.opened_at
    responses.referral_mark_opened(actor=respondent, referral=referral)
    referral.refresh_from_db()
    assert referral.opened_at == first_opened, "only the first visit counts as opening"

    question = _questions(consultation)[0]
    answer = responses.answer_save(
        actor=respondent, response=draft, question=question, stance=Stance.SUPPORT, text="Bra förslag.", base_version=0
    )
    assert (answer.version, answer.stance, answer.text, answer.updated_by) == (1, "support", "Bra förslag.", respondent)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING
    assert referral.last_activity_at is not None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"referral.opened", "referral.drafting", "response.answer_saved", "response.created"} <= actions


def test_answer_versions_rise_and_a_stale_save_is_a_conflict(respondent, draft, consultation, municipality):
    question = _questions(consultation)[0]
    colleague = member_of(municipality, first_name="Karin", last_name="Kollega")
    first = responses.answer_save(
        actor=respondent, response=draft, question=question, stance="support", text="Version ett", base_version=0
    )
    second = responses.answer_save(
        actor=colleague, response=draft, question=question, stance="oppose", text="Version två", base_version=1
    )
    assert (first.version, second.version) == (1, 2)

    with pytest.raises(ConflictError) as caught:
        responses.answer_save(
            actor=respondent, response=draft, question=question, stance="support", text="Min ändring", base_version=1
        )
    conflict = caught.value
    assert (conflict.theirs.text, conflict.theirs.stance, conflict.theirs.version) == ("Version två", "oppose", 2)
    assert "Karin Kollega" in conflict.theirs.updated_by
    assert (conflict.yours.text, conflict.yours.stance) == ("Min ändring", "support")
    assert Answer.objects.get(response=draft, question=question).text == "Version två"


def test_two_first_saves_of_the_same_answer_conflict(respondent, draft, consultation, municipality):
    question = _questions(consultation)[0]
    colleague = member_of(municipality)
    responses.answer_save(actor=colleague, response=draft, question=question, stance="", text="Först", base_version=0)
    with pytest.raises(ConflictError):
        responses.answer_save(
            actor=respondent, response=draft, question=question, stance="", text="Sen", base_version=0
        )


def test_saving_what_is_stored_is_not_a_conflict(respondent, draft, consultation):
    question = _questions(consultation)[0]
    responses.answer_save(actor=respondent, response=draft, question=question, stance="", text="Samma", base_version=0)
    responses.answer_save(actor=respondent, response=draft, question=question, stance="", text="Nytt", base_version=1)
    again = responses.answer_save(
        actor=respondent, response=draft, question=question, stance="", text="Nytt", base_version=1
    )
    assert again.version == 2


def test_stances_are_checked_and_free_text_questions_have_none(respondent, draft, consultation):
    question = _questions(consultation)[0]
    with pytest.raises(ResponseError):
        responses.answer_save(
            actor=respondent, response=draft, question=question, stance="maybe", text="", base_version=0
        )
    free_text = QuestionFactory.create(consultation=consultation, kind=Question.Kind.TEXT)
    answer = responses.answer_save(
        actor=respondent, response=draft, question=free_text, stance="support", text="Fritext", base_version=0
    )
    assert answer.stance == ""


def test_a_question_of_another_consultation_is_refused(respondent, draft, make_consultation):
    foreign = QuestionFactory.create(consultation=make_consultation(open=True))
    with pytest.raises(PermissionDenied):
        responses.answer_save(actor=respondent, response=draft, question=foreign, stance="", text="x", base_version=0)


def test_details_have_their_own_version(respondent, draft, municipality):
    colleague = member_of(municipality)
    saved = responses.response_update_details(
        actor=respondent, response=draft, their_reference="KS 2026/143", decided_by="Kommunstyrelsen", base_version=1
    )
    assert saved.version == 2
    with pytest.raises(responses.DetailsConflictError) as caught:
        responses.response_update_details(
            actor=colleague, response=draft, their_reference="KS 2026/999", decided_by="", base_version=1
        )
    assert caught.value.theirs.their_reference == "KS 2026/143"
    draft.refresh_from_db()
    assert draft.their_reference == "KS 2026/143"


def test_attachments_are_checked_and_removal_is_soft(respondent, draft):
    attachment = responses.attachment_add(
        actor=respondent, response=draft, stream=pdf_file(), filename="beslut.pdf", kind="decision"
    )
    assert attachment.file.kind == "pdf"
    with pytest.raises(FileRejected):
        responses.attachment_add(
            actor=respondent,
            response=draft,
            stream=io.BytesIO(b"MZ\x90\x00 not a document"),
            filename="x.pdf",
            kind="other",
        )
    assert draft.attachments.count() == 1
    responses.attachment_remove(actor=respondent, attachment=attachment)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert ResponseAttachment.objects.filter(pk=attachment.pk).exists()


def test_an_empty_answer_cannot_be_submitted(respondent, draft):
    with pytest.raises(ResponseError, match="Besvara minst en fråga"):
        responses.response_submit(actor=respondent, response=draft)
    assert not Submission.objects.exists()


def test_submitting_freezes_the_answer_and_sends_a_receipt(respondent, draft, consultation, referral, municipality):
    q1, _q2 = _questions(consultation)
    responses.answer_save(
        actor=respondent, response=draft, question=q1, stance="support_with_changes", text="Ja, men.", base_version=0
    )
    responses.response_update_details(
        actor=respondent,
        response=draft,
        their_reference="KS 2026/143",
        decided_by="Kommunstyrelsen 2026-10-12 § 143",
        base_version=1,
    )
    attachment = responses.attachment_add(
        actor=respondent, response=draft, stream=pdf_file(), filename="protokoll.pdf", kind="decision"
    )
    submission = responses.response_submit(actor=respondent, response=draft)

    assert submission.number == 1
    assert re.fullmatch(rf"TEST-2026-\d{{5}}-{municipality.pk}-1-[A-Z2-9]{{4}}", submission.receipt_number)
    assert submission.content["their_reference"] == "KS 2026/143"
    assert submission.content["answers"][0] == {
        "question_id": q1.pk,
        "order": q1.order,
        "question": q1.text,
        "kind": "stance",
        "stance": "support_with_changes",
        "text": "Ja, men.",
    }
    assert submission.content["answers"][1]["stance"] == "" and submission.content["answers"][1]["text"] == ""
    assert list(submission.attachments.all()) == [attachment.file]
    assert len(submission.content_sha256) == 64
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED and referral.answered_at == submission.submitted_at

    receipt = OutboundEmail.objects.get(category="consultation.receipt")
    assert set(receipt.to) == {respondent.email, municipality.registry_email}
    assert submission.receipt_number in receipt.subject and submission.receipt_number in receipt.body_text
    assert "Ja, men." in receipt.body_text and "tillstyrker med ändringar" in receipt.body_text
    assert AuditEvent.objects.filter(action="response.submitted", object_id=str(draft.pk)).exists()


def test_a_correction_is_a_new_version_and_the_first_is_kept(respondent, draft, consultation, referral):
    question = _questions(consultation)[0]
    responses.answer_save(
        actor=respondent, response=draft, question=question, stance="support", text="Första", base_version=0
    )
    first = responses.response_submit(actor=respondent, response=draft)
    responses.answer_save(
        actor=respondent, response=draft, question=question, stance="oppose", text="Ändrat", base_version=1
    )
    second = responses.response_submit(actor=respondent, response=draft)

    assert (first.number, second.number) == (1, 2)
    assert first.receipt_number != second.receipt_number
    first.refresh_from_db()
    assert first.content["answers"][0]["text"] == "Första"
    assert second.content["answers"][0]["text"] == "Ändrat"
    assert list(draft.submissions.values_list("number", flat=True)) == [1, 2]
    referral.refresh_from_db()
    assert referral.answered_at == first.submitted_at, "the first answer's time stays"


def test_submissions_cannot_be_changed_or_deleted(respondent, draft, consultation):
    question = _questions(consultation)[0]
    responses.answer_save(
        actor=respondent, response=draft, question=question, stance="support", text="", base_version=0
    )
    submission = responses.response_submit(actor=respondent, response=draft)
    submission.content = {"forged": True}
    with pytest.raises(SubmissionIsImmutable):
        submission.save()
    with pytest.raises(SubmissionIsImmutable):
        submission.delete()
    with pytest.raises(SubmissionIsImmutable):
        Submission.objects.filter(pk=submission.pk).update(content={})
    with pytest.raises(SubmissionIsImmutable):
        Submission.objects.all().delete()
    submission.refresh_from_db()
    assert submission.content["answers"][0]["stance"] == "support"


def test_decline_then_answer_after_all(respondent, draft, consultation, referral, municipality):
    responses.response_decline(actor=respondent, referral=referral, reason="Berör inte kommunen.")
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (Referral.Status.DECLINED, "Berör inte kommunen.")
    confirmation = OutboundEmail.objects.get(category="consultation.declined")
    assert municipality.registry_email in confirmation.to and "Berör inte kommunen." in confirmation.body_text
    with pytest.raises(ResponseError):
        responses.response_decline(actor=respondent, referral=referral, reason="")

    question = _questions(consultation)[0]
    responses.answer_save(
        actor=respondent, response=draft, question=question, stance="abstain", text="", base_version=0
    )
    responses.response_submit(actor=respondent, response=draft)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    with pytest.raises(ResponseError):
        responses.response_decline(actor=respondent, referral=referral, reason="")


def test_decline_needs_membership_and_time(coordinator, respondent, referral, consultation):
    with pytest.raises(PermissionDenied):
        responses.response_decline(actor=coordinator, referral=referral, reason="")
    with pytest.raises(ResponseError):
        responses.response_decline(
            actor=respondent, referral=referral, reason="", now=consultation.deadline + dt.timedelta(seconds=1)
        )


# --- Registered by the coordinator -----------------------------------------------------------------------


def test_register_an_answer_on_behalf_of_a_body(coordinator, consultation, referral, municipality):
    received = timezone.now() - dt.timedelta(days=2)
    submission = responses.response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=municipality,
        received_at=received,
        stream=pdf_file("Yttrande från Nacka kommun"),
        filename="yttrande.pdf",
        their_reference="KS 2026/77",
        decided_by="Kommunstyrelsen",
        channel="paper",
    )
    assert submission.received_at == received and submission.submitted_by == coordinator
    assert submission.content["channel"] == "paper" and submission.content["their_reference"] == "KS 2026/77"
    assert [f.original_name for f in submission.attachments.all()] == ["yttrande.pdf"]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED and referral.answered_at == received
    response = submission.response
    assert response.organisation == municipality and not response.is_unsolicited
    assert AuditEvent.objects.filter(action="response.registered").exists()
    assert OutboundEmail.objects.filter(category="consultation.receipt", to=[municipality.registry_email]).exists()


def test_register_after_the_deadline_with_an_earlier_arrival(coordinator, make_consultation, municipality):
    """Received on time, registered after the deadline, once the consultation is closed."""
    closed = make_consultation(closed=True)
    referral = ReferralFactory.create(consultation=closed, organisation=municipality)
    received = closed.deadline - dt.timedelta(hours=3)
    submission = responses.response_register_on_behalf(
        actor=coordinator,
        consultation=closed,
        organisation=municipality,
        received_at=received,
        stream=pdf_file(),
        filename="svar.pdf",
    )
    assert submission.submitted_at > closed.deadline > submission.received_at
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_register_on_behalf_is_for_managers_and_listed_bodies(
    respondent, coordinator, other_coordinator, consultation, referral, municipality
):
    kwargs = {"consultation": consultation, "received_at": timezone.now(), "stream": pdf_file(), "filename": "s.pdf"}
    with pytest.raises(PermissionDenied):
        responses.response_register_on_behalf(actor=other_coordinator, organisation=municipality, **kwargs)
    with pytest.raises(PermissionDenied):
        responses.response_register_on_behalf(actor=respondent, organisation=municipality, **kwargs)
    with pytest.raises(ResponseError):
        responses.response_register_on_behalf(actor=coordinator, organisation=OrganisationFactory.create(), **kwargs)
    with pytest.raises(ResponseError):
        responses.response_register_on_behalf(
            actor=coordinator,
            organisation=municipality,
            **{**kwargs, "received_at": timezone.now() + dt.timedelta(days=1)},
        )
    assert not Submission.objects.exists()


def test_register_unsolicited_answers(coordinator, consultation, referral, municipality):
    person = responses.response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Sveriges Trafikföreningar",
        received_at=timezone.now(),
        stream=pdf_file(),
        filename="trafik.pdf",
    )
    assert person.response.is_unsolicited and person.response.organisation is None
    assert person.response.respondent_name == "Sveriges Trafikföreningar"

    outsider = OrganisationFactory.create(name="Länsstyrelsen", registry_email="")
    body = responses.response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        organisation=outsider,
        received_at=timezone.now(),
        stream=pdf_file(),
        filename="lst.pdf",
        channel="email",
    )
    assert body.response.is_unsolicited and body.response.organisation == outsider
    assert not Referral.objects.filter(consultation=consultation, organisation=outsider).exists()

    with pytest.raises(ResponseError):
        responses.response_register_unsolicited(
            actor=coordinator,
            consultation=consultation,
            received_at=timezone.now(),
            stream=pdf_file(),
            filename="x.pdf",
        )
    with pytest.raises(ResponseError):
        responses.response_register_unsolicited(
            actor=coordinator,
            consultation=consultation,
            organisation=municipality,
            received_at=timezone.now(),
            stream=pdf_file(),
            filename="x.pdf",
        )


def test_registering_is_refused_for_a_draft_consultation(coordinator, make_consultation):
    draft_consultation = make_consultation()
    with pytest.raises(ResponseError):
        responses.response_register_unsolicited(
            actor=coordinator,
            consultation=draft_consultation,
            respondent_name="Någon",
            received_at=timezone.now(),
            stream=pdf_file(),
            filename="x.pdf",
        )
