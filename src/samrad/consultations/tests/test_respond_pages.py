"""The public pages and the respondent's journey through the pages: list, consultation, documents, the answer
page (with and without JavaScript), attachments, submitting, the receipt, declining, more time, "Mina remisser"."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from samrad.consultations import responses
from samrad.consultations.deadlines import end_of_day
from samrad.consultations.models import (
    Answer,
    ConsultationDocument,
    ExtensionRequest,
    Referral,
    Response,
    Submission,
)
from samrad.consultations.tests.factories import ConsultationFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of, pdf_file, pdf_upload
from samrad.documents.services import file_intake
from samrad.notifications.models import OutboundEmail
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(
        open=True,
        deadline=end_of_day(timezone.localdate() + dt.timedelta(days=40)),
        body="Första stycket.\n\nAndra stycket med <script>alert(1)</script>.",
    )


@pytest.fixture
def referral(consultation, municipality):
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


@pytest.fixture
def signed_in(client, respondent, referral):
    client.force_login(respondent)
    return client


def _respond_url(referral, name="consultations:respond", *extra):
    return reverse(name, args=[referral.consultation_id, referral.organisation_id, *extra])


def _question(referral):
    return referral.consultation.questions.get()


# --- Public pages ----------------------------------------------------------------------------------------


def test_the_list_shows_open_consultations_first_and_never_drafts(client, make_consultation, region):
    closed = make_consultation(closed=True, title="Stängd remiss")
    later = make_consultation(
        open=True, title="Öppen senare", deadline=end_of_day(timezone.localdate() + dt.timedelta(days=90))
    )
    sooner = make_consultation(
        open=True, title="Öppen snart", deadline=end_of_day(timezone.localdate() + dt.timedelta(days=10))
    )
    make_consultation(title="Hemligt utkast")
    page = client.get(reverse("consultations:list"))
    assert page.status_code == 200
    text = page.text
    assert "Hemligt utkast" not in text
    assert text.index(sooner.title) < text.index(later.title) < text.index(closed.title)
    assert "Svara senast" in text and "Region Stockholm" in text


def test_members_of_referral_bodies_get_a_call_to_action(client, respondent, referral, municipality):
    other = OrganisationFactory.create(name="Föreningen Trygg Trafik")
    member_of(other, email=respondent.email.replace("@", "+x@"))  # someone else in the other body
    from samrad.accounts.tests.factories import MembershipFactory

    MembershipFactory.create(user=respondent, organisation=other)
    client.force_login(respondent)
    page = client.get(reverse("consultations:list"))
    assert "Svara för Nacka kommun" in page.text
    assert "Svara för Föreningen Trygg Trafik (finns inte på remisslistan)" in page.text
    assert _respond_url(referral) in page.text


def test_the_consultation_page(client, consultation, coordinator, region):
    consultation.deadline = end_of_day(dt.date(2026, 10, 31))
    consultation.save()
    stored = file_intake(actor=coordinator, stream=pdf_file("Förslaget"), name="forslag.pdf")
    document = ConsultationDocument.objects.create(consultation=consultation, title="Förslag till plan", file=stored)
    page = client.get(reverse("consultations:detail", args=[consultation.pk]))
    assert page.status_code == 200
    assert "31 oktober 2026 kl. 23.59" in page.text
    assert "<p>Första stycket.</p>" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text and "<script>alert(1)" not in page.text
    assert consultation.reference_number in page.text and "Region Stockholm" in page.text
    assert consultation.questions.get().text in page.text

    download = client.get(reverse("consultations:document", args=[consultation.pk, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="forslag.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_drafts_and_their_documents_are_not_public(client, make_consultation, coordinator, respondent):
    draft = make_consultation(title="Hemligt utkast")
    stored = file_intake(actor=coordinator, stream=pdf_file(), name="utkast.pdf")
    document = ConsultationDocument.objects.create(consultation=draft, title="Utkast", file=stored)
    for user in (None, respondent):
        if user:
            client.force_login(user)
        assert client.get(reverse("consultations:detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("consultations:document", args=[draft.pk, document.pk])).status_code == 404
    other = ConsultationFactory.create(open=True)
    assert client.get(reverse("consultations:document", args=[other.pk, document.pk])).status_code == 404


# --- The answer page -------------------------------------------------------------------------------------


def test_the_answer_page_needs_a_login(client, referral):
    page = client.get(_respond_url(referral))
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def test_opening_the_page_marks_the_referral_opened(signed_in, referral):
    page = signed_in.get(_respond_url(referral))
    assert page.status_code == 200
    assert "Svara för Nacka kommun" in page.text
    assert 'hx-trigger="input changed delay:1s, change, autosave-retry"' in page.text
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OPENED
    assert not Response.objects.exists(), "looking is not drafting"


def test_autosave_returns_a_status_line_and_the_new_version(signed_in, referral):
    question = _question(referral)
    prefix = f"q{question.pk}"
    url = _respond_url(referral, "consultations:autosave_answer", question.pk)
    saved = signed_in.post(
        url, {f"{prefix}-stance": "oppose", f"{prefix}-text": "Vi avstyrker.", f"{prefix}-version": "0"}, **HTMX
    )
    assert saved.status_code == 200
    assert re.search(r"Sparat \d\d\.\d\d", saved.text)
    assert f'name="{prefix}-version" value="1"' in saved.text and 'hx-swap-oob="true"' in saved.text
    answer = Answer.objects.get()
    assert (answer.stance, answer.text, answer.version) == ("oppose", "Vi avstyrker.", 1)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING

    again = signed_in.post(
        url, {f"{prefix}-stance": "oppose", f"{prefix}-text": "Vi avstyrker bestämt.", f"{prefix}-version": "1"}, **HTMX
    )
    assert 'value="2"' in again.text
    assert Answer.objects.get().version == 2


def test_the_page_works_without_javascript(signed_in, referral):
    question = _question(referral)
    prefix = f"q{question.pk}"
    saved = signed_in.post(
        _respond_url(referral),
        {
            f"{prefix}-stance": "support",
            f"{prefix}-text": "Vi tillstyrker förslaget.",
            f"{prefix}-version": "0",
            "details-their_reference": "KS 2026/143",
            "details-decided_by": "Kommunstyrelsen 2026-10-12 § 143",
            "details-version": "1",
            "next": "page",
        },
    )
    assert saved.status_code == 302 and saved["Location"] == _respond_url(referral)
    response = Response.objects.get()
    assert (response.their_reference, response.decided_by) == ("KS 2026/143", "Kommunstyrelsen 2026-10-12 § 143")
    page = signed_in.get(_respond_url(referral))
    assert "Utkastet är sparat" in page.text
    assert "Vi tillstyrker förslaget." in page.text and 'value="KS 2026/143"' in page.text


def test_a_refused_attachment_is_explained_and_the_draft_kept(signed_in, referral):
    question = _question(referral)
    signed_in.post(
        _respond_url(referral, "consultations:autosave_answer", question.pk),
        {f"q{question.pk}-text": "Utkast", f"q{question.pk}-version": "0"},
        **HTMX,
    )

    refused = signed_in.post(
        _respond_url(referral, "consultations:attachment_add"),
        {"attachment-kind": "decision", "attachment-file": SimpleUploadedFile("beslut.pdf", b"MZ\x90\x00 program")},
    )
    assert refused.status_code == 400
    assert 'id="error-summary"' in refused.text and 'href="#id_attachment-file"' in refused.text
    assert "tas inte emot" in refused.text, "the intake's reason, in Swedish"
    assert Answer.objects.get().text == "Utkast"
    assert not Response.objects.get().attachments.exists()


def test_attach_download_and_remove(signed_in, referral):
    added = signed_in.post(
        _respond_url(referral, "consultations:attachment_add"),
        {"attachment-kind": "decision", "attachment-file": pdf_upload("protokollsutdrag.pdf")},
    )
    assert added.status_code == 302
    attachment = Response.objects.get().attachments.get()
    download = signed_in.get(_respond_url(referral, "consultations:attachment_download", attachment.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    page = signed_in.get(_respond_url(referral))
    assert "protokollsutdrag.pdf" in page.text
    removed = signed_in.post(_respond_url(referral, "consultations:attachment_remove", attachment.pk))
    assert removed.status_code == 302
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert signed_in.get(_respond_url(referral, "consultations:attachment_download", attachment.pk)).status_code == 404


def test_submit_and_see_the_receipt(signed_in, referral, respondent, municipality):
    question = _question(referral)
    signed_in.post(
        _respond_url(referral, "consultations:autosave_answer", question.pk),
        {f"q{question.pk}-stance": "support", f"q{question.pk}-text": "Ja.", f"q{question.pk}-version": "0"},
        **HTMX,
    )
    review = signed_in.get(_respond_url(referral, "consultations:submit"))
    assert review.status_code == 200 and "Lämna in svaret" in review.text and "Ja." in review.text
    submitted = signed_in.post(_respond_url(referral, "consultations:submit"))
    submission = Submission.objects.get()
    assert submitted.status_code == 302
    assert submitted["Location"] == reverse(
        "consultations:receipt", args=[referral.consultation_id, submission.receipt_number]
    )
    receipt = signed_in.get(submitted["Location"])
    assert receipt.status_code == 200
    assert submission.receipt_number in receipt.text and "Tillstyrker" in receipt.text
    assert "Ert svar är inlämnat" in receipt.text
    assert OutboundEmail.objects.filter(category="consultation.receipt").count() == 1

    page = signed_in.get(_respond_url(referral))
    assert "Lämna in ett rättat svar" in page.text and "Version 1" in page.text


def test_submitting_an_empty_answer_is_refused_with_a_message(signed_in, referral):
    refused = signed_in.post(_respond_url(referral, "consultations:submit"))
    assert refused.status_code == 400
    assert "Besvara minst en fråga" in refused.text
    assert not Submission.objects.exists()


def test_submitting_after_the_deadline_is_refused_and_the_draft_kept(signed_in, referral, respondent):
    response = responses.response_get_or_create_draft(
        actor=respondent, consultation=referral.consultation, organisation=referral.organisation
    )
    responses.answer_save(
        actor=respondent,
        response=response,
        question=_question(referral),
        stance="support",
        text="Sent svar",
        base_version=0,
    )
    referral.consultation.__class__.objects.filter(pk=referral.consultation_id).update(
        deadline=end_of_day(timezone.localdate() - dt.timedelta(days=1))
    )
    refused = signed_in.post(_respond_url(referral, "consultations:submit"))
    assert refused.status_code == 400
    assert "Sista svarsdag var" in refused.text and "utkast finns kvar" in refused.text
    assert not Submission.objects.exists() and Answer.objects.get().text == "Sent svar"
    page = signed_in.get(_respond_url(referral))
    assert "Sista svarsdag har passerat" in page.text


def test_decline_with_a_reason(signed_in, referral):
    form = signed_in.get(_respond_url(referral, "consultations:decline"))
    assert form.status_code == 200
    declined = signed_in.post(_respond_url(referral, "consultations:decline"), {"reason": "Berör inte oss."})
    assert declined.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DECLINED and referral.decline_reason == "Berör inte oss."
    page = signed_in.get(_respond_url(referral))
    assert "avstår från att svara" in page.text and "Berör inte oss." in page.text


def test_ask_for_more_time(signed_in, referral):
    day = timezone.localdate() + dt.timedelta(days=60)
    asked = signed_in.post(
        _respond_url(referral, "consultations:extension"),
        {"requested_deadline": day.isoformat(), "reason": "Kommunstyrelsen sammanträder i december."},
    )
    assert asked.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.referral == referral and request.status == ExtensionRequest.Status.PENDING
    again = signed_in.post(
        _respond_url(referral, "consultations:extension"), {"requested_deadline": "", "reason": "Igen"}
    )
    assert again.status_code == 400 and ExtensionRequest.objects.count() == 1


def test_my_consultations(client, respondent, referral, make_consultation, municipality):
    closed = make_consultation(closed=True, title="Gammal remiss")
    ReferralFactory.create(consultation=closed, organisation=municipality)
    make_consultation(title="Utkast med Nacka").referrals.create(organisation=municipality)
    client.force_login(respondent)
    page = client.get(reverse("consultations:mine"))
    assert page.status_code == 200
    assert referral.consultation.title in page.text and "Gammal remiss" in page.text
    assert "Utkast med Nacka" not in page.text
    assert "Försenad" in page.text and "Inbjuden" in page.text
    assert page.text.index(referral.consultation.title) < page.text.index("Gammal remiss")
