"""Holes found in review, kept closed: a coordinator of one organisation must not be able to make themselves a
member of another (and so read its drafts), nor send a consultation in another organisation's name."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.consultations import referrals, responses, services
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.extensions import extension_grant, extension_grant_direct, extension_refuse
from samrad.consultations.lifecycle import TransitionError
from samrad.consultations.models import (
    Consultation,
    ConsultationDocument,
    ConsultationSender,
    ExtensionRequest,
    Question,
    Referral,
    ResponseAttachment,
    ResponseSignatory,
)
from samrad.consultations.tests.factories import (
    ConsultationFactory,
    ExtensionRequestFactory,
    QuestionFactory,
    ReferralFactory,
    sender_rows,
)
from samrad.consultations.tests.factories_responses import member_of, pdf_file
from samrad.documents.generation import make_pdf
from samrad.documents.models import StoredFile
from samrad.documents.services import file_intake
from samrad.organisations import services as organisation_services
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )


@pytest.fixture
def coordinator(region):
    user = UserFactory.create(email="hanna@region.example.se")
    MembershipFactory.create(user=user, organisation=region, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def ksl():
    return OrganisationFactory.create(
        kind=Organisation.Kind.ASSOCIATION, name="Kommunförbundet", municipality_code=None, population=None
    )


@pytest.fixture
def mallory(ksl):
    user = UserFactory.create(email="mallory@ksl.example.se")
    MembershipFactory.create(user=user, organisation=ksl, role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def nacka():
    return OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")


def test_a_coordinator_cannot_become_a_member_of_a_body_through_its_contacts_and_an_invitation(
    client, ksl, mallory, nacka, send_invitations
):
    with pytest.raises(PermissionDenied):
        organisation_services.contact_add(actor=mallory, organisation=nacka, name="Mallory", email=mallory.email)
    bait = services.consultation_create(
        actor=mallory,
        title="Lockbete",
        deadline=end_of_day(local_date(timezone.now()) + dt.timedelta(days=100)),
        senders=[ksl],
    )
    QuestionFactory.create(consultation=bait)
    referrals.referral_add(actor=mallory, consultation=bait, organisations=[nacka])
    services.consultation_open(actor=mallory, consultation=bait)
    send_invitations(bait)
    assert not Membership.objects.filter(user=mallory, organisation=nacka).exists()


def test_contacts_set_by_the_body_itself_get_a_respondent_account_on_invitation(
    coordinator, region, nacka, send_invitations
):
    nacka_member = MembershipFactory.create(organisation=nacka, role=Membership.Role.COORDINATOR).user
    organisation_services.contact_add(
        actor=nacka_member, organisation=nacka, name="Eva Ek", email="eva.ek@nacka.example.se"
    )
    consultation = ConsultationFactory.create(senders=[region])
    QuestionFactory.create(consultation=consultation)
    referrals.referral_add(actor=coordinator, consultation=consultation, organisations=[nacka])
    services.consultation_open(actor=coordinator, consultation=consultation)
    send_invitations(consultation)
    assert Membership.objects.filter(
        user__email="eva.ek@nacka.example.se", organisation=nacka, role=Membership.Role.RESPONDENT
    ).exists()


def test_editing_cannot_hand_a_consultation_to_senders_the_coordinator_does_not_belong_to(client, region, coordinator):
    consultation = ConsultationFactory.create(senders=[region], open=True)
    QuestionFactory.create(consultation=consultation)
    other = OrganisationFactory.create(name="Regeringskansliet", municipality_code=None)
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:edit", args=[consultation.pk]),
        {
            "title": "Ändrad rubrik",
            "summary": consultation.summary,
            "body": consultation.body,
            **sender_rows(other, initial=1),
            "deadline": local_date(consultation.deadline).isoformat(),
            "reminder_days": "14, 3",
        },
    )
    assert response.status_code == 200
    assert list(
        ConsultationSender.objects.filter(consultation=consultation).values_list("organisation", flat=True)
    ) == [region.pk]
    consultation.refresh_from_db()
    assert consultation.title != "Ändrad rubrik"  # the text and the senders are saved together or not at all
    with pytest.raises(PermissionDenied):
        services.consultation_set_senders(actor=coordinator, consultation=consultation, senders=[other])


# --- Services decide by the stored rows, not by the instance a caller passes in ----------------------------


def test_a_question_is_changed_and_logged_against_its_stored_text_even_if_the_instance_was_changed(coordinator, region):
    consultation = ConsultationFactory.create(senders=[region])
    question = QuestionFactory.create(consultation=consultation, text="Vad tycker ni om planen?")
    question.text = "Vad tycker ni om förslaget?"  # already changed in memory, as a form would leave it
    services.question_update(actor=coordinator, question=question, text="Vad tycker ni om förslaget?")
    question.refresh_from_db()
    assert question.text == "Vad tycker ni om förslaget?"
    event = AuditEvent.objects.get(action="question.updated")
    assert event.changes == {"text": ["Vad tycker ni om planen?", "Vad tycker ni om förslaget?"]}


def test_a_question_or_document_of_someone_elses_consultation_is_refused_whatever_the_instance_says(
    coordinator, region, ksl, mallory
):
    theirs = ConsultationFactory.create(senders=[ksl])
    mine = ConsultationFactory.create(senders=[region])
    question = QuestionFactory.create(consultation=theirs, text="KSL:s fråga")
    stored = file_intake(actor=mallory, stream=io.BytesIO(make_pdf("KSL")), name="ksl.pdf")
    document = ConsultationDocument.objects.create(consultation=theirs, title="KSL:s underlag", file=stored)

    question.consultation = mine  # the instance claims to belong to the coordinator's own consultation
    document.consultation = mine
    with pytest.raises(PermissionDenied):
        services.question_update(actor=coordinator, question=question, text="Kapad")
    with pytest.raises(PermissionDenied):
        services.question_remove(actor=coordinator, question=question)
    with pytest.raises(PermissionDenied):
        services.document_remove(actor=coordinator, document=document)
    assert Question.objects.get(pk=question.pk).text == "KSL:s fråga"
    assert ConsultationDocument.objects.filter(pk=document.pk).exists()


def test_a_consultation_closed_meanwhile_is_not_edited_through_a_stale_copy(coordinator, region):
    consultation = ConsultationFactory.create(senders=[region], open=True)
    QuestionFactory.create(consultation=consultation)
    stale = Consultation.objects.get(pk=consultation.pk)  # read while it was open
    services.consultation_close(actor=coordinator, consultation=consultation)
    with pytest.raises(TransitionError):
        services.consultation_update(actor=coordinator, consultation=stale, title="Ändrad efter stängning")
    consultation.refresh_from_db()
    assert consultation.title != "Ändrad efter stängning"


def test_a_referral_or_extension_of_someone_elses_consultation_is_refused_whatever_the_instance_says(
    coordinator, region, ksl, mallory, nacka
):
    theirs = ConsultationFactory.create(senders=[ksl], open=True)
    QuestionFactory.create(consultation=theirs)
    mine = ConsultationFactory.create(senders=[region], open=True)
    referral = ReferralFactory.create(consultation=theirs, organisation=nacka, invited=True)
    request = ExtensionRequestFactory.create(referral=referral)

    referral.consultation = mine  # the instances claim to be of the coordinator's own consultation
    request.referral = ReferralFactory.create(consultation=mine, organisation=OrganisationFactory.create())
    deadline = local_date(theirs.deadline) + dt.timedelta(days=10)
    with pytest.raises(PermissionDenied):
        referrals.referral_remove(actor=coordinator, referral=referral)
    with pytest.raises(PermissionDenied):
        extension_grant(actor=coordinator, request=request, deadline=deadline)
    with pytest.raises(PermissionDenied):
        extension_refuse(actor=coordinator, request=request, note="Nej")
    with pytest.raises(PermissionDenied):
        extension_grant_direct(actor=coordinator, referral=referral, deadline=deadline)

    assert Referral.objects.filter(pk=referral.pk, consultation=theirs).exists()
    assert ExtensionRequest.objects.get(pk=request.pk).status == ExtensionRequest.Status.PENDING
    assert not ExtensionRequest.objects.filter(referral_id=referral.pk).exclude(pk=request.pk).exists()


def test_an_attachment_or_co_signer_of_another_bodys_draft_is_refused_whatever_the_instance_says(region, nacka):
    consultation = ConsultationFactory.create(senders=[region], open=True)
    QuestionFactory.create(consultation=consultation)
    solna = OrganisationFactory.create(name="Solna stad")
    sundbyberg = OrganisationFactory.create(name="Sundbybergs stad")
    for body in (nacka, solna, sundbyberg):
        ReferralFactory.create(consultation=consultation, organisation=body, invited=True)
    nacka_person, solna_person = member_of(nacka), member_of(solna)
    nackas = responses.response_get_or_create_draft(actor=nacka_person, consultation=consultation, organisation=nacka)
    solnas = responses.response_get_or_create_draft(actor=solna_person, consultation=consultation, organisation=solna)
    attachment = responses.attachment_add(
        actor=solna_person, response=solnas, stream=pdf_file(), filename="beslut.pdf", kind="decision"
    )
    signatory = responses.signatory_invite(actor=solna_person, response=solnas, organisation=sundbyberg)

    attachment.response = nackas  # the instances claim to belong to Nacka's own draft
    signatory.response = nackas
    with pytest.raises(PermissionDenied):
        responses.attachment_remove(actor=nacka_person, attachment=attachment)
    with pytest.raises(PermissionDenied):
        responses.signatory_remove(actor=nacka_person, signatory=signatory)
    assert ResponseAttachment.objects.get(pk=attachment.pk).removed_at is None
    assert ResponseSignatory.objects.filter(pk=signatory.pk).exists()


# --- Stored files are named by the type the intake found, never by the uploader's extension ----------------


def _answer_page(consultation, organisation, name="consultations:respond", *extra):
    return reverse(name, args=[consultation.pk, organisation.pk, *extra])


def test_a_pdf_uploaded_as_exe_is_stored_and_downloaded_as_pdf_and_a_pdf_html_polyglot_never_as_html(
    client, region, nacka
):
    consultation = ConsultationFactory.create(senders=[region], open=True)
    QuestionFactory.create(consultation=consultation)
    ReferralFactory.create(consultation=consultation, organisation=nacka, invited=True)
    client.force_login(member_of(nacka))
    polyglot = make_pdf("Beslut") + b"\n<html><body><script>alert(document.cookie)</script></body></html>\n"
    for upload_name, content, expected in (
        ("x.exe", make_pdf("Protokollsutdrag"), "x.pdf"),
        ("beslut.html", polyglot, "beslut.pdf"),
    ):
        added = client.post(
            _answer_page(consultation, nacka, "consultations:attachment_add"),
            {"attachment-kind": "decision", "attachment-file": SimpleUploadedFile(upload_name, content, "text/html")},
        )
        assert added.status_code == 302, added.content
        attachment = ResponseAttachment.objects.filter(removed_at__isnull=True).latest("id")
        assert attachment.file.original_name == expected
        download = client.get(_answer_page(consultation, nacka, "consultations:attachment_download", attachment.pk))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"] == f'attachment; filename="{expected}"'
        assert download["X-Content-Type-Options"] == "nosniff"
        assert b"".join(download.streaming_content) == content
        assert expected in client.get(_answer_page(consultation, nacka)).text


def test_files_stored_before_the_names_were_corrected_download_under_their_detected_type(client, region):
    consultation = ConsultationFactory.create(senders=[region], open=True)
    stored = file_intake(actor="import", stream=io.BytesIO(make_pdf("Underlag")), name="underlag.pdf")
    StoredFile.objects.filter(pk=stored.pk).update(original_name="underlag.exe")  # as an older intake kept it
    document = ConsultationDocument.objects.create(consultation=consultation, title="Underlag", file=stored)
    download = client.get(reverse("consultations:document", args=[consultation.pk, document.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="underlag.pdf"'
    assert download["Content-Type"] == "application/pdf"
