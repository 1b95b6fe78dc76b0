"""Reading stances into answers without one: only where the effective stance is missing, never twice, audited;
a coordinator's correction retires the reading."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samrad.analysis.services import stances_read
from samrad.analysis.tasks import stances_read as stances_read_task
from samrad.audit.models import AuditEvent
from samrad.consultations import stances
from samrad.consultations.models import Question, SubmissionStance
from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.documents.generation import make_pdf
from samrad.documents.services import stored_file_extract_text
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.testing.queue import run_queued_tasks


def registered(coordinator, consultation, organisation, text, filename="yttrande.pdf"):
    submission = response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=organisation,
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf(text)),
        filename=filename,
        channel="paper",
    )
    for stored in submission.attachments.all():
        stored_file_extract_text(stored_file=stored)
    return submission


@pytest.fixture
def world(region, coordinator, municipality, respondent):
    """Nacka answered on the platform (supports); Täby's protocol came on paper (decides to oppose); Vaxholm's
    letter only forwards papers (unclear); Naturskyddsföreningen e-mailed that it has no comments."""
    consultation = ConsultationFactory.create(open=True, senders=[region])
    stance_q = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om förslaget?")
    QuestionFactory.create(consultation=consultation, order=2, text="Övrigt", kind=Question.Kind.TEXT)
    taby = OrganisationFactory.create(name="Täby kommun")
    vaxholm = OrganisationFactory.create(name="Vaxholms stad")
    for organisation in (municipality, taby, vaxholm):
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    nacka = response_get_or_create_draft(actor=respondent, consultation=consultation, organisation=municipality)
    answer_save(
        actor=respondent, response=nacka, question=stance_q, stance="support", text="Vi avstyrker.", base_version=0
    )
    nacka_sub = response_submit(actor=respondent, response=nacka)
    taby_sub = registered(
        coordinator,
        consultation,
        taby,
        "Protokollsutdrag\nFörvaltningen föreslår att kommunstyrelsen tillstyrker.\nBeslut\n"
        "Kommunstyrelsen beslutar att avstyrka förslaget.",
    )
    vaxholm_sub = registered(coordinator, consultation, vaxholm, "Härmed översänds kommunens handlingar i ärendet.")
    ngo_sub = response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Naturskyddsföreningen",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Naturskyddsföreningen har inga synpunkter på remissen.")),
        filename="mejl.pdf",
        channel="email",
    )
    for stored in ngo_sub.attachments.all():
        stored_file_extract_text(stored_file=stored)
    return {
        "consultation": consultation,
        "stance_q": stance_q,
        "nacka": nacka_sub,
        "taby": taby_sub,
        "vaxholm": vaxholm_sub,
        "ngo": ngo_sub,
    }


def current(submission, question):
    return SubmissionStance.objects.get(submission=submission, question=question, is_current=True)


def test_reads_only_answers_without_a_stance_and_audits(world, coordinator):
    question = world["stance_q"]
    report = stances_read(actor=coordinator, consultation=world["consultation"])

    assert len(report.recorded) == 2
    assert report.unclear == [(world["vaxholm"].receipt_number, question.pk)]
    assert report.already_set == 1
    respondent_row = current(world["nacka"], question)  # the respondent's stance is kept, whatever the text says
    assert (respondent_row.stance, respondent_row.source) == ("support", "respondent")
    taby = current(world["taby"], question)
    assert (taby.stance, taby.source, taby.set_by) == ("oppose", "reader", None)
    assert taby.evidence == "Kommunstyrelsen beslutar att avstyrka förslaget."
    assert 0.5 < taby.confidence <= 1
    assert current(world["ngo"], question).stance == "no_comment"
    assert not SubmissionStance.objects.filter(submission=world["vaxholm"]).exists()
    event = AuditEvent.objects.get(action="consultation.stances_read")
    assert event.actor_id == coordinator.pk
    assert [row[0] for row in event.changes["recorded"]] == [world["ngo"].receipt_number, world["taby"].receipt_number]


def test_rerunning_does_not_duplicate_and_a_coordinators_correction_stays(world, coordinator):
    question = world["stance_q"]
    stances_read(actor=coordinator, consultation=world["consultation"])
    stances.stance_set(actor=coordinator, submission=world["taby"], question=question, stance="support_with_changes")

    again = stances_read(actor=coordinator, consultation=world["consultation"])

    assert again.recorded == []
    assert SubmissionStance.objects.filter(submission=world["taby"], question=question).count() == 2
    corrected = current(world["taby"], question)
    assert (corrected.stance, corrected.source) == ("support_with_changes", "senders")
    assert AuditEvent.objects.filter(action="consultation.stances_read").count() == 1  # nothing new, no event


def test_others_may_not_read_stances(world, other_coordinator, respondent):
    for actor in (other_coordinator, respondent):
        with pytest.raises(PermissionDenied):
            stances_read(actor=actor, consultation=world["consultation"])
    assert not SubmissionStance.objects.filter(source="reader").exists()


@pytest.mark.django_db(transaction=True)
def test_the_background_task_reads_on_the_default_queue(world):
    stances_read_task.enqueue(world["consultation"].pk)
    run_queued_tasks(queue="default")
    assert current(world["taby"], world["stance_q"]).source == "reader"
    assert AuditEvent.objects.get(action="consultation.stances_read").actor_label == "system"


def test_a_coordinator_sees_the_reading_and_confirms_it(client, world, coordinator):
    question = world["stance_q"]
    stances_read(actor=coordinator, consultation=world["consultation"])
    client.force_login(coordinator)
    url = reverse("reading:answer", args=[world["consultation"].pk, world["taby"].receipt_number])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "läst ur texten: bekräfta eller rätta" in page
    assert "<q>Kommunstyrelsen beslutar att avstyrka förslaget.</q>" in page

    confirmed = stances.stance_set(actor=coordinator, submission=world["taby"], question=question, stance="oppose")

    assert (confirmed.source, confirmed.set_by) == ("senders", coordinator)
    reading = SubmissionStance.objects.get(submission=world["taby"], question=question, is_current=False)
    assert reading.source == "reader"
    assert AuditEvent.objects.filter(action="submission.stance_set").count() == 1
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "läst ur texten" not in page


@pytest.mark.django_db(transaction=True)
def test_the_button_on_the_svar_tab_queues_the_reading(client, world, coordinator, other_coordinator):
    consultation = world["consultation"]
    url = reverse("reading:stances_read", args=[consultation.pk])
    client.force_login(coordinator)
    dashboard = client.get(reverse("coordination:dashboard", args=[consultation.pk]), HTTP_ACCEPT_LANGUAGE="sv")
    assert f'action="{url}"' in dashboard.content.decode()

    client.force_login(other_coordinator)
    assert client.post(url).status_code == 404
    client.force_login(coordinator)
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="sv", follow=True)

    assert "läses nu ur deras text" in response.content.decode()
    assert not SubmissionStance.objects.filter(source="reader").exists()  # queued, not read in the request
    run_queued_tasks(queue="default")
    assert current(world["taby"], world["stance_q"]).source == "reader"
