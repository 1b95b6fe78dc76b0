"""Notices to the senders (extension requests, declines; answers are in test_answer_documents.py), per-person
delivery at once or in a daily digest, the notices page, and what closing a consultation tells and warns."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from samrad.consultations import responses, services
from samrad.consultations.closing import closing_warnings
from samrad.consultations.extensions import extension_grant_direct
from samrad.consultations.models import Consultation, Referral
from samrad.consultations.submission_pdfs import submission_pdf_ensure
from samrad.consultations.tasks import consultations_close_due
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.notifications.models import Notice, NoticePreference, OutboundEmail
from samrad.notifications.notices import notice_digests_send, notice_preference_set
from samrad.organisations.tests.factories import OrganisationFactory

STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(make_consultation):
    return make_consultation(open=True)


@pytest.fixture
def referral(consultation, municipality):
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


def recipients(category: str) -> list[str]:
    return sorted(a for mail in OutboundEmail.objects.filter(category=category) for a in mail.to)


def test_an_extension_request_reaches_the_coordinators_with_a_link_to_decide(
    client, respondent, coordinator, other_coordinator, region, consultation, municipality, referral
):
    client.force_login(respondent)
    page = client.post(
        reverse("consultations:extension", args=[consultation.pk, municipality.pk]),
        {"requested_deadline": "", "reason": "Kommunstyrelsen sammanträder först i december."},
        follow=True,
    )
    assert "Din begäran om anstånd har skickats till handläggaren" in page.content.decode()

    [notice] = Notice.objects.all()
    request = referral.extension_requests.get()
    decide = reverse("coordination:extension_decide", args=[consultation.pk, request.pk])
    assert notice.recipient == coordinator and notice.kind == Notice.Kind.EXTENSION and notice.link == decide
    assert recipients("notice.extension") == sorted([coordinator.email, region.registry_email])
    mail = OutboundEmail.objects.get(category="notice.extension", to=[coordinator.email])
    assert "Nacka kommun" in mail.subject
    assert "sammanträder först i december" in mail.body_text and decide in mail.body_text
    assert other_coordinator.email not in {a for m in OutboundEmail.objects.all() for a in m.to}


def test_a_decline_is_told_to_the_senders(respondent, coordinator, region, consultation, referral):
    responses.response_decline(actor=respondent, referral=referral, reason="Berör inte kommunen.")
    [notice] = Notice.objects.filter(kind=Notice.Kind.DECLINE)
    assert notice.recipient == coordinator and "Berör inte kommunen." in notice.body
    assert recipients("notice.decline") == sorted([coordinator.email, region.registry_email])


def test_an_unsolicited_answer_is_told_as_such(coordinator, region, consultation):
    outsider = OrganisationFactory.create(name="Naturskyddsföreningen", registry_email="info@natur.example.se")
    from samrad.consultations.tests.factories_responses import pdf_file

    submission = responses.response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        organisation=outsider,
        received_at=timezone.now(),
        stream=pdf_file("Yttrande"),
        filename="yttrande.pdf",
    )
    submission_pdf_ensure(submission_id=submission.pk)
    [notice] = Notice.objects.all()
    assert notice.kind == Notice.Kind.UNSOLICITED and "Naturskyddsföreningen" in notice.subject
    assert recipients("notice.unsolicited") == sorted([coordinator.email, region.registry_email])
    assert "info@natur.example.se" not in recipients("notice.unsolicited")


def test_a_daily_digest_goes_once_a_day_with_what_was_not_mailed(
    respondent, coordinator, region, consultation, municipality, referral
):
    notice_preference_set(actor=coordinator, delivery=NoticePreference.Delivery.DAILY)
    responses.response_decline(actor=respondent, referral=referral, reason="Ingen tid.")
    # The registry still gets it at once; the coordinator only in the digest.
    assert recipients("notice.decline") == [region.registry_email]
    notice = Notice.objects.get(recipient=coordinator)
    assert notice.mailed_at is None

    early = dt.datetime(2026, 11, 2, 6, 30, tzinfo=STOCKHOLM)
    assert notice_digests_send(now=early) == 0  # not before the digest hour
    morning = dt.datetime(2026, 11, 2, 8, 0, tzinfo=STOCKHOLM)
    assert notice_digests_send(now=morning) == 1
    assert notice_digests_send(now=morning + dt.timedelta(hours=3)) == 0  # run twice: still one
    [digest] = OutboundEmail.objects.filter(category="notice.digest")
    assert digest.to == [coordinator.email] and "Nacka kommun" in digest.body_text
    notice.refresh_from_db()
    assert notice.mailed_at is not None

    # Something new the same day waits for tomorrow's digest.
    other = OrganisationFactory.create(name="Värmdö kommun")
    other_referral = ReferralFactory.create(consultation=consultation, organisation=other, invited=True)
    responses.response_decline(actor=member_of(other), referral=other_referral, reason="")
    assert notice_digests_send(now=morning + dt.timedelta(hours=5)) == 0
    assert notice_digests_send(now=morning + dt.timedelta(days=1)) == 1
    assert OutboundEmail.objects.filter(category="notice.digest").count() == 2
    assert "Värmdö kommun" in OutboundEmail.objects.filter(category="notice.digest").first().body_text


def test_the_notices_page_shows_ones_own_and_marks_them_read(
    client, respondent, coordinator, other_coordinator, consultation, referral
):
    responses.response_decline(actor=respondent, referral=referral, reason="")
    notice = Notice.objects.get()
    client.force_login(other_coordinator)
    page = client.get(reverse("notices:list"))
    assert page.status_code == 200 and notice.subject not in page.content.decode()
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None

    client.force_login(coordinator)
    page = client.get(reverse("notices:list"))
    assert notice.subject in page.content.decode()
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.get(reverse("notices:read", args=[notice.pk])).status_code == 405

    client.logout()
    assert client.get(reverse("notices:list")).status_code == 302  # to the login page


def test_the_preference_form_saves_the_choice_and_refuses_nonsense(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("notices:preference"))
    assert page.status_code == 200
    refused = client.post(reverse("notices:preference"), {"delivery": "hourly"})
    assert refused.status_code == 200 and not NoticePreference.objects.exists()
    assert client.post(reverse("notices:preference"), {"delivery": "daily"}).status_code == 302
    assert NoticePreference.objects.get(user=coordinator).delivery == NoticePreference.Delivery.DAILY


def test_closing_warns_first_then_tells_every_body_once(
    client, coordinator, respondent, region, consultation, municipality, referral
):
    answered = OrganisationFactory.create(name="Tyresö kommun", registry_email="registrator@tyreso.example.se")
    ReferralFactory.create(
        consultation=consultation, organisation=answered, invited=True, status=Referral.Status.DECLINED
    )
    extension_grant_direct(
        actor=coordinator,
        referral=referral,
        deadline=timezone.localdate(consultation.deadline) + dt.timedelta(days=30),
    )
    warnings = closing_warnings(consultation)
    assert [r.organisation.name for r in warnings.unanswered] == ["Nacka kommun"]
    assert [r.organisation.name for r in warnings.extended] == ["Nacka kommun"]

    client.force_login(coordinator)
    page = client.get(reverse("coordination:close", args=[consultation.pk])).content.decode()
    assert "1 remissinstans har inte svarat" in page and "Nacka kommun" in page
    assert "Tyresö kommun" not in page.split('id="closing-warnings"')[1].split("</div>")[0]

    services.consultation_close(actor=coordinator, consultation=consultation)
    assert recipients("consultations.closed") == sorted(
        ["registrator@nacka.example.se", respondent.email, "registrator@tyreso.example.se"]
    )
    assert region.registry_email not in recipients("consultations.closed")
    closed = OutboundEmail.objects.filter(category="consultations.closed")
    [mail] = [m for m in closed if answered.registry_email in m.to]
    assert consultation.reference_number in mail.subject and "är registrerat" in mail.body_text


def test_closing_at_the_deadline_tells_the_bodies_too(coordinator, make_consultation, municipality, respondent):
    consultation = make_consultation(open=True)
    ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)
    Consultation.objects.filter(pk=consultation.pk).update(deadline=timezone.now() - dt.timedelta(hours=1))
    assert consultations_close_due() == [consultation.pk]
    assert consultations_close_due() == []
    assert recipients("consultations.closed") == sorted([municipality.registry_email, respondent.email])


@pytest.mark.django_db(transaction=True)
def test_the_digest_job_run_twice_on_the_queue_sends_one(settings, respondent, coordinator, consultation, referral):
    from samrad.notifications.tasks import send_notice_digests
    from samrad.testing.queue import run_queued_tasks

    settings.NOTICE_DIGEST_HOUR = 0  # whatever the hour the test runs at
    notice_preference_set(actor=coordinator, delivery=NoticePreference.Delivery.DAILY)
    responses.response_decline(actor=respondent, referral=referral, reason="")
    send_notice_digests.enqueue()
    send_notice_digests.enqueue()
    run_queued_tasks(queue="default")
    assert recipients("notice.digest") == [coordinator.email]
