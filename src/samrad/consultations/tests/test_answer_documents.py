"""Each answer as a document: a tagged PDF/A rendered once after submission, stored with it, downloadable by
both sides and in the ZIP export; and the senders are told of it with the PDF attached."""

import base64
import io
import zipfile

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pdfminer.high_level import extract_text
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from samrad.consultations import exports, responses
from samrad.consultations.models import Submission
from samrad.consultations.submission_pdfs import submission_pdf_ensure, submission_pdfs_sweep
from samrad.consultations.tasks import render_submission_pdf
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of, pdf_file
from samrad.documents.models import StoredFile
from samrad.notifications.models import Notice, OutboundEmail
from samrad.testing.queue import run_queued_tasks

LONG_TEXT = "Kommunen ser positivt på förslaget om en gemensam regional cykelplan. " * 3


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(open=True, questions=2)


@pytest.fixture
def referral(consultation, municipality):
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


def submit(respondent, consultation, municipality) -> Submission:
    """Nacka's answer: a stance and a text to the first question, details, and a decision as attachment."""
    draft = responses.response_get_or_create_draft(
        actor=respondent, consultation=consultation, organisation=municipality
    )
    question = consultation.questions.order_by("order", "id").first()
    responses.answer_save(
        actor=respondent,
        response=draft,
        question=question,
        stance="support_with_changes",
        text=LONG_TEXT,
        base_version=0,
    )
    responses.response_update_details(
        actor=respondent,
        response=draft,
        their_reference="KS 2026/143",
        decided_by="Kommunstyrelsen 2026-10-12 § 143",
        base_version=1,
    )
    responses.attachment_add(
        actor=respondent, response=draft, stream=pdf_file(), filename="protokoll.pdf", kind="decision"
    )
    return responses.response_submit(actor=respondent, response=draft)


def flat(text: str) -> str:
    return " ".join(text.split())


def read_pdf(stored: StoredFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


@pytest.mark.django_db
def test_the_answer_is_rendered_once_as_a_tagged_archival_pdf(respondent, consultation, municipality, referral):
    submission = submit(respondent, consultation, municipality)
    assert submission.pdf_id is None  # rendered in the background, after the submission commits

    rendered = submission_pdf_ensure(submission_id=submission.pk)
    assert rendered is not None and rendered.pdf_id is not None
    stored = StoredFile.objects.get(pk=rendered.pdf_id)
    pdf = read_pdf(stored)

    # Text can be extracted, with what a registry files: organisation, both case numbers, receipt, stance, hash.
    text = extract_text(io.BytesIO(pdf))
    joined = flat(text)
    assert "Nacka kommun" in joined
    assert consultation.reference_number in joined
    assert "KS 2026/143" in joined
    assert submission.receipt_number in joined
    assert "Tillstyrker med ändringar" in joined
    assert "Kommunstyrelsen 2026-10-12 § 143" in joined
    assert "gemensam regional cykelplan" in joined
    attachment_sha = submission.content["attachments"][0]["sha256"]
    assert attachment_sha in "".join(text.split())

    # Tagged (a structure tree, marked content) and PDF/A-2a (its XMP identification).
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    catalog = document.catalog
    assert "StructTreeRoot" in catalog
    assert resolve1(catalog["MarkInfo"])["Marked"] is True
    xmp = resolve1(catalog["Metadata"]).get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="A"' in xmp

    from samrad.audit.models import AuditEvent

    event = AuditEvent.objects.get(action="response.pdf_rendered")
    assert event.changes["sha256"] == stored.sha256 and event.changes["submission"] == submission.pk

    # Once: a second run keeps the first file, and the submission refuses another.
    again = submission_pdf_ensure(submission_id=submission.pk)
    assert again is not None and again.pdf_id == stored.pk
    assert Submission.objects.get(pk=submission.pk).pdf_set(stored.pk + 1000) is False
    assert Submission.objects.get(pk=submission.pk).pdf_id == stored.pk


@pytest.mark.django_db
def test_a_very_long_answer_is_cut_in_the_document_with_a_note(
    respondent, consultation, municipality, referral, settings
):
    settings.SUBMISSION_PDF_MAX_CHARS = 100
    submission = submit(respondent, consultation, municipality)
    rendered = submission_pdf_ensure(submission_id=submission.pk)
    text = flat(extract_text(io.BytesIO(read_pdf(StoredFile.objects.get(pk=rendered.pdf_id)))))
    assert LONG_TEXT.strip() not in text
    assert "resten av texten finns på plattformen" in text


@pytest.mark.django_db
def test_an_answer_registered_from_paper_gets_its_pdf_too(coordinator, consultation, municipality, referral):
    submission = responses.response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=municipality,
        received_at=timezone.now(),
        stream=pdf_file("Yttrande från Nacka"),
        filename="yttrande.pdf",
        their_reference="KS 2026/99",
        channel="paper",
    )
    rendered = submission_pdf_ensure(submission_id=submission.pk)
    text = flat(extract_text(io.BytesIO(read_pdf(StoredFile.objects.get(pk=rendered.pdf_id)))))
    assert "på papper" in text and "KS 2026/99" in text and submission.receipt_number in text


@pytest.mark.django_db
def test_the_senders_are_told_with_the_pdf_attached_and_no_one_else(
    respondent, coordinator, other_coordinator, region, consultation, municipality, referral
):
    submission = submit(respondent, consultation, municipality)
    assert not Notice.objects.exists()  # never without the PDF
    submission = submission_pdf_ensure(submission_id=submission.pk)

    [notice] = Notice.objects.all()
    assert notice.recipient == coordinator and notice.kind == Notice.Kind.ANSWER
    assert notice.consultation_id == consultation.pk and notice.attachment_id == submission.pdf_id
    assert notice.mailed_at is not None and notice.read_at is None
    assert notice.link == reverse("reading:answer", args=[consultation.pk, submission.receipt_number])

    mails = OutboundEmail.objects.filter(category="notice.answer")
    assert sorted(address for mail in mails for address in mail.to) == sorted(
        [coordinator.email, region.registry_email]
    )
    pdf = read_pdf(StoredFile.objects.get(pk=submission.pdf_id))
    for mail in mails:
        [attachment] = mail.attachments
        assert attachment["content_type"] == "application/pdf"
        assert base64.b64decode(attachment["content_b64"]) == pdf
        assert submission.receipt_number in mail.body_text
        assert "Nacka kommun" in mail.subject
    every_recipient = {address for mail in OutboundEmail.objects.all() for address in mail.to}
    assert other_coordinator.email not in every_recipient

    # Told once, however often the job runs.
    from samrad.consultations.notices import notices_answer_received

    notices_answer_received(submission=submission)
    assert Notice.objects.count() == 1 and mails.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_sweep_renders_what_a_lost_job_left_without_a_pdf(respondent, consultation, municipality, referral):
    with transaction.atomic():
        submission = submit(respondent, consultation, municipality)
    DBTaskResult.objects.filter(task_path=render_submission_pdf.module_path).delete()  # the job was lost

    assert submission_pdfs_sweep() == []  # too young: its own job may still come
    assert submission_pdfs_sweep(now=timezone.now() + timezone.timedelta(days=8)) == []  # given up after a week
    later = timezone.now() + timezone.timedelta(minutes=3)
    assert submission_pdfs_sweep(now=later) == [submission.pk]
    run_queued_tasks(queue="default")
    assert Submission.objects.get(pk=submission.pk).pdf_id is not None
    assert submission_pdfs_sweep(now=later) == []


@pytest.mark.worker
def test_a_real_worker_renders_the_pdf_and_the_registry_receives_it(
    task_worker, smtp_server, respondent, coordinator, region, consultation, municipality, referral
):
    with transaction.atomic():
        submission = submit(respondent, consultation, municipality)
    worker = task_worker(backend="database", env=smtp_server.environment())

    def registry_mail():
        return [m for m in smtp_server.messages if region.registry_email in m.message["To"]]

    worker.wait_until(registry_mail, timeout=120, what="the senders' registry receives the notice")
    [received] = registry_mail()
    attachments = [part for part in received.message.iter_attachments()]
    assert [part.get_content_type() for part in attachments] == ["application/pdf"]
    pdf = attachments[0].get_payload(decode=True)
    assert submission.receipt_number in flat(extract_text(io.BytesIO(pdf)))
    submission.refresh_from_db()
    assert submission.pdf_id is not None
    assert municipality.registry_email not in received.message["To"]


@pytest.mark.django_db
def test_both_sides_download_the_pdf_and_another_organisation_cannot(
    client, respondent, coordinator, other_coordinator, consultation, municipality, referral
):
    submission = submit(respondent, consultation, municipality)
    respondent_url = reverse("consultations:receipt_pdf", args=[consultation.pk, submission.receipt_number])
    coordinator_url = reverse("coordination:submission_pdf", args=[consultation.pk, submission.receipt_number])

    client.force_login(respondent)
    receipt = client.get(reverse("consultations:receipt", args=[consultation.pk, submission.receipt_number]))
    assert respondent_url in receipt.content.decode()
    response = client.get(respondent_url)  # rendered now, its job not having run yet
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(coordinator_url).status_code == 404  # not the respondent's page

    client.force_login(coordinator)
    response = client.get(coordinator_url)
    assert response.status_code == 200
    assert f"remissvar-{submission.receipt_number}.pdf" in response["Content-Disposition"]

    client.force_login(other_coordinator)
    assert client.get(coordinator_url).status_code == 404
    assert client.get(respondent_url).status_code == 404
    stranger = member_of(municipality.__class__.objects.create(name="Värmdö kommun"))
    client.force_login(stranger)
    assert client.get(respondent_url).status_code == 404


@pytest.mark.django_db
def test_the_zip_export_holds_each_answer_as_pdf(respondent, consultation, municipality, referral):
    submission = submission_pdf_ensure(submission_id=submit(respondent, consultation, municipality).pk)
    target = io.BytesIO()
    exports.attachments_zip_write(consultation, target)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        pdf_name = f"Nacka kommun/remissvar-{submission.receipt_number}.pdf"
        assert pdf_name in names
        assert archive.read(pdf_name) == read_pdf(StoredFile.objects.get(pk=submission.pdf_id))
        assert "Nacka kommun/protokoll.pdf" in names


@pytest.mark.django_db
def test_a_digest_carries_the_answers_pdf(respondent, coordinator, region, consultation, municipality, referral):
    import datetime as dt
    import zoneinfo

    from samrad.notifications.models import NoticePreference
    from samrad.notifications.notices import notice_digests_send, notice_preference_set

    notice_preference_set(actor=coordinator, delivery=NoticePreference.Delivery.DAILY)
    submission = submission_pdf_ensure(submission_id=submit(respondent, consultation, municipality).pk)
    assert [m.to for m in OutboundEmail.objects.filter(category="notice.answer")] == [[region.registry_email]]
    morning = dt.datetime(2026, 11, 3, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm"))
    assert notice_digests_send(now=morning) == 1
    digest = OutboundEmail.objects.get(category="notice.digest")
    assert digest.to == [coordinator.email] and submission.receipt_number in digest.body_text
    [attachment] = digest.attachments
    assert base64.b64decode(attachment["content_b64"]) == read_pdf(StoredFile.objects.get(pk=submission.pdf_id))
