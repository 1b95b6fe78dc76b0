"""Reading what came in: one answer at a time, every answer to one question (filters, counts, shares), the stance
the senders set on answers registered from e-mail or paper, the "Svar" tab's figures and "remind all", and who may
see any of it (the consultation's coordinators only)."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.consultations import exports, reminders, selectors_reading, stances
from samrad.consultations.models import Question, ReminderSent, ResponseAttachment, Submission, SubmissionStance
from samrad.consultations.responses import (
    answer_save,
    attachment_add,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
    signatory_confirm,
    signatory_invite,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.tests.samples import make_pdf
from samrad.errors import InvalidInput, NotAllowedNow
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Group, Organisation
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.testing.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


def answer(person, response, question, stance="", text=""):
    current = response.answers.filter(question=question).first()
    answer_save(
        actor=person,
        response=response,
        question=question,
        stance=stance,
        text=text,
        base_version=current.version if current else 0,
    )


@pytest.fixture
def world(region, coordinator, municipality, respondent):
    """An open consultation with a stance question and a free-text question:

    - Nacka kommun (Södertörn): submitted twice; version 2 supports with changes.
    - Solna stad: opposes, jointly with Sundbyberg (confirmed).
    - Täby kommun (Södertörn): registered from paper, no stance until the senders set one.
    - Naturskyddsföreningen: unsolicited, by e-mail, not in the register.
    - Tyresö kommun: on the list, has not answered.
    """
    consultation = ConsultationFactory.create(open=True, senders=[region], reference_number="RS 2026/0077")
    stance_q = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om förslaget?")
    text_q = QuestionFactory.create(consultation=consultation, order=2, text="Övrigt", kind=Question.Kind.TEXT)
    sodertorn = Group.objects.create(name="Södertörn")
    solna = OrganisationFactory.create(name="Solna stad")
    sundbyberg = OrganisationFactory.create(name="Sundbybergs stad")
    taby = OrganisationFactory.create(name="Täby kommun")
    tyreso = OrganisationFactory.create(name="Tyresö kommun", registry_email="registrator@tyreso.example.se")
    municipality.groups.add(sodertorn)
    taby.groups.add(sodertorn)
    for organisation in (municipality, solna, sundbyberg, taby, tyreso):
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)

    nacka = response_get_or_create_draft(actor=respondent, consultation=consultation, organisation=municipality)
    answer(respondent, nacka, stance_q, "support", "Första versionen.")
    response_submit(actor=respondent, response=nacka)
    answer(respondent, nacka, stance_q, "support_with_changes", "Vi tillstyrker med ändringar.")
    answer(respondent, nacka, text_q, text="Inga fler synpunkter.")
    attachment_add(
        actor=respondent,
        response=nacka,
        stream=io.BytesIO(make_pdf("Protokollsutdrag")),
        filename="protokoll.pdf",
        kind=ResponseAttachment.Kind.DECISION,
    )
    nacka_v2 = response_submit(actor=respondent, response=nacka)

    solna_person = member_of(solna, email="svar@solna.example.se")
    solna_draft = response_get_or_create_draft(actor=solna_person, consultation=consultation, organisation=solna)
    answer(solna_person, solna_draft, stance_q, "oppose", "Vi avstyrker.")
    signatory = signatory_invite(actor=solna_person, response=solna_draft, organisation=sundbyberg)
    signatory_confirm(actor=member_of(sundbyberg, email="svar@sundbyberg.example.se"), signatory=signatory)
    solna_sub = response_submit(actor=solna_person, response=solna_draft)

    taby_sub = response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=taby,
        received_at=timezone.now() - dt.timedelta(days=2),
        stream=io.BytesIO(make_pdf("Täbys yttrande")),
        filename="yttrande.pdf",
        their_reference="KS/2026:77",
        decided_by="Kommunfullmäktige",
        channel="paper",
    )
    unsolicited = response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Naturskyddsföreningen",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Synpunkter")),
        filename="synpunkter.pdf",
        channel="email",
    )
    return {
        "consultation": consultation,
        "stance_q": stance_q,
        "text_q": text_q,
        "nacka_v2": nacka_v2,
        "solna": solna_sub,
        "taby": taby_sub,
        "unsolicited": unsolicited,
        "group": sodertorn,
        "tyreso": tyreso,
    }


# --- Stances -----------------------------------------------------------------------------------------------


def test_a_submission_records_the_respondents_stances(world):
    rows = SubmissionStance.objects.filter(submission=world["nacka_v2"])
    assert [(row.question_id, row.stance, row.source, row.is_current) for row in rows] == [
        (world["stance_q"].pk, "support_with_changes", "respondent", True)
    ]
    assert not SubmissionStance.objects.filter(submission=world["taby"]).exists()


def test_the_senders_set_the_stance_of_a_paper_answer_audited(world, coordinator):
    row = stances.stance_set(actor=coordinator, submission=world["taby"], question=world["stance_q"], stance="oppose")
    assert (row.source, row.set_by, row.is_current) == ("senders", coordinator, True)
    event = AuditEvent.objects.get(action="submission.stance_set")
    assert event.changes["stance"] == ["", "oppose"]
    assert event.object_id == str(world["taby"].pk)

    corrected = stances.stance_set(
        actor=coordinator, submission=world["taby"], question=world["stance_q"], stance="support"
    )
    history = SubmissionStance.objects.filter(submission=world["taby"]).order_by("pk")
    assert [(r.stance, r.is_current) for r in history] == [("oppose", False), ("support", True)]
    assert corrected.pk == history.last().pk
    assert AuditEvent.objects.filter(action="submission.stance_set").count() == 2


def test_the_senders_may_correct_a_respondents_stance_and_exports_use_it(world, coordinator):
    stances.stance_set(actor=coordinator, submission=world["solna"], question=world["stance_q"], stance="abstain")
    stances.stance_set(actor=coordinator, submission=world["taby"], question=world["stance_q"], stance="oppose")
    table = exports.response_table(world["consultation"])
    rows = {row[0]: row for row in table.rows}
    stance_column = table.headers.index(next(h for h in table.headers if h.startswith("Fråga 1, ställningstagande")))
    assert rows["Solna stad"][stance_column] == "avstår"
    assert rows["Täby kommun"][stance_column] == "avstyrker"
    assert rows["Nacka kommun"][stance_column] == "tillstyrker med ändringar"


def test_stance_set_refusals(world, coordinator, other_coordinator, respondent):
    for actor in (other_coordinator, respondent):
        with pytest.raises(PermissionDenied):
            stances.stance_set(actor=actor, submission=world["taby"], question=world["stance_q"], stance="oppose")
    with pytest.raises(InvalidInput):
        stances.stance_set(actor=coordinator, submission=world["taby"], question=world["text_q"], stance="oppose")
    with pytest.raises(InvalidInput):
        stances.stance_set(actor=coordinator, submission=world["taby"], question=world["stance_q"], stance="maybe")
    first = Submission.objects.get(response=world["nacka_v2"].response, number=1)
    with pytest.raises(NotAllowedNow):
        stances.stance_set(actor=coordinator, submission=first, question=world["stance_q"], stance="oppose")
    assert not SubmissionStance.objects.filter(source="senders").exists()
    assert not AuditEvent.objects.filter(action="submission.stance_set").exists()


# --- Selectors ---------------------------------------------------------------------------------------------


def test_current_submissions_are_the_latest_versions_in_name_order(world):
    names = [s.sort_name for s in selectors_reading.current_submissions(world["consultation"])]
    assert names == ["Nacka kommun", "Naturskyddsföreningen", "Solna stad", "Täby kommun"]
    nacka = selectors_reading.current_submissions(world["consultation"]).first()
    assert nacka.pk == world["nacka_v2"].pk


def test_answer_reading_shows_everything_with_previous_and_next(world):
    consultation = world["consultation"]
    reading = selectors_reading.answer_reading(consultation=consultation, submission=world["solna"])
    assert (reading.position, reading.total) == (3, 4)
    assert reading.previous.pk == world["unsolicited"].pk
    assert reading.next.pk == world["taby"].pk
    assert [s["name"] for s in reading.signatories] == ["Sundbybergs stad"]
    assert reading.items[0].stance == "oppose" and reading.items[0].text == "Vi avstyrker."

    nacka = selectors_reading.answer_reading(consultation=consultation, submission=world["nacka_v2"])
    assert nacka.previous is None and [v.number for v in nacka.versions] == [2, 1]
    assert nacka.attachments[0]["name"] == "protokoll.pdf" and len(nacka.attachments[0]["sha256"]) == 64

    taby = selectors_reading.answer_reading(consultation=consultation, submission=world["taby"])
    assert taby.next is None and taby.registered and taby.channel == "paper"
    assert (taby.their_reference, taby.decided_by, taby.missing_stances) == ("KS/2026:77", "Kommunfullmäktige", 1)


def test_question_answers_counts_shares_and_filters(world, coordinator):
    consultation, question = world["consultation"], world["stance_q"]
    result = selectors_reading.question_answers(consultation=consultation, question=question)
    counts = {line.stance: (line.count, line.percent) for line in result.counts}
    assert result.total == 4
    assert counts["support_with_changes"] == (1, 25.0)
    assert counts["oppose"] == (1, 25.0)
    assert counts["none"] == (2, 50.0)  # Täby on paper and the unsolicited answer: not read yet

    stances.stance_set(actor=coordinator, submission=world["taby"], question=question, stance="oppose")
    result = selectors_reading.question_answers(consultation=consultation, question=question)
    counts = {line.stance: line.count for line in result.counts}
    assert (counts["oppose"], counts["none"]) == (2, 1)

    def names(**filters):
        found = selectors_reading.question_answers(
            consultation=consultation, question=question, filters=selectors_reading.QuestionFilters(**filters)
        )
        return sorted(s.sort_name for s in found.rows)

    assert names(stance="oppose") == ["Solna stad", "Täby kommun"]
    assert names(stance="none") == ["Naturskyddsföreningen"]
    assert names(kind="none") == ["Naturskyddsföreningen"]
    assert names(kind=Organisation.Kind.MUNICIPALITY) == ["Nacka kommun", "Solna stad", "Täby kommun"]
    assert names(group=world["group"].pk) == ["Nacka kommun", "Täby kommun"]
    assert names(origin="registered") == ["Naturskyddsföreningen", "Täby kommun"]
    assert names(origin="unsolicited") == ["Naturskyddsföreningen"]
    assert names(origin="corrected") == ["Nacka kommun"]
    assert names(origin="listed") == ["Nacka kommun", "Solna stad"]
    assert names(group=world["group"].pk, stance="oppose") == ["Täby kommun"]


def test_breakdowns_and_not_answered(world):
    consultation = world["consultation"]
    by_kind = selectors_reading.breakdown_by_kind(consultation)
    assert [(b.key, b.listed, b.submitted, b.not_answered) for b in by_kind] == [("municipality", 5, 4, 1)]
    assert by_kind[0].percent_submitted == 80.0
    by_group = selectors_reading.breakdown_by_group(consultation)
    assert [(b.label, b.listed, b.submitted) for b in by_group] == [("Södertörn", 2, 2)]
    assert [r.organisation.name for r in selectors_reading.not_answered(consultation)] == ["Tyresö kommun"]


def _make_answers(consultation, question, count):
    for n in range(count):
        organisation = OrganisationFactory.create(name=f"Kommun {n:04d}")
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        person = member_of(organisation)
        draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
        answer(person, draft, question, "support" if n % 2 else "oppose", f"Svar {n}")
        response_submit(actor=person, response=draft)


@pytest.mark.parametrize("count", [10, 200])
def test_reading_pages_run_a_fixed_number_of_queries(
    count, client, coordinator, make_consultation, django_assert_max_num_queries
):
    consultation = make_consultation(open=True)
    question = consultation.questions.get()
    _make_answers(consultation, question, count)
    middle = selectors_reading.current_submissions(consultation)[count // 2]
    client.force_login(coordinator)
    pages = [
        reverse("reading:answer", args=[consultation.pk, middle.receipt_number]),
        reverse("reading:question", args=[consultation.pk, question.pk]),
        reverse("reading:question", args=[consultation.pk, question.pk]) + "?stance=oppose&kind=municipality",
        reverse("coordination:dashboard", args=[consultation.pk]),
    ]
    for url in pages:
        with django_assert_max_num_queries(20):
            response = client.get(url)
        assert response.status_code == 200, url


# --- Pages and permissions ---------------------------------------------------------------------------------


def test_the_reading_view_shows_the_answer(client, coordinator, world):
    client.force_login(coordinator)
    consultation = world["consultation"]
    html = client.get(reverse("reading:answer", args=[consultation.pk, world["nacka_v2"].receipt_number])).text
    assert "Nacka kommun" in html and "Vi tillstyrker med ändringar." in html
    assert "protokoll.pdf" in html and world["nacka_v2"].content["attachments"][0]["sha256"] in html
    assert reverse("reading:answer", args=[consultation.pk, world["unsolicited"].receipt_number]) in html  # next
    first = Submission.objects.get(response=world["nacka_v2"].response, number=1)
    assert reverse("reading:answer", args=[consultation.pk, first.receipt_number]) in html  # an earlier version
    pdf = reverse("coordination:submission_pdf", args=[consultation.pk, world["nacka_v2"].receipt_number])
    assert pdf in html  # the answer as the PDF document made at submission

    html = client.get(reverse("reading:answer", args=[consultation.pk, world["unsolicited"].receipt_number])).text
    assert "Naturskyddsföreningen" in html and "oombett" in html and "registrerat från e-post" in html


def test_setting_a_stance_on_the_page(client, coordinator, world):
    client.force_login(coordinator)
    consultation, question = world["consultation"], world["stance_q"]
    url = reverse("reading:stance_set", args=[consultation.pk, world["taby"].receipt_number, question.pk])
    response = client.post(url, {"stance": "oppose"}, follow=True)
    assert response.status_code == 200
    assert "satt av avsändarna" in response.text
    assert SubmissionStance.objects.get(submission=world["taby"], is_current=True).stance == "oppose"
    response = client.post(url, {"stance": ""}, follow=True)
    assert "Välj ett ställningstagande." in response.text
    assert SubmissionStance.objects.get(submission=world["taby"], is_current=True).stance == "oppose"


def test_the_question_view_lists_every_answer(client, coordinator, world):
    client.force_login(coordinator)
    consultation = world["consultation"]
    html = client.get(reverse("reading:question", args=[consultation.pk, world["stance_q"].pk])).text
    for name in ("Nacka kommun", "Solna stad", "Täby kommun", "Naturskyddsföreningen"):
        assert name in html
    assert "25,0 %" in html and "50,0 %" in html
    assert "registrerat från papper" in html
    html = client.get(reverse("reading:question", args=[consultation.pk, world["stance_q"].pk]) + "?stance=oppose").text
    assert "Solna stad" in html and "Nacka kommun" not in html


def test_the_svar_tab_links_every_answer_and_breaks_down(client, coordinator, world):
    client.force_login(coordinator)
    consultation = world["consultation"]
    html = client.get(reverse("coordination:dashboard", args=[consultation.pk])).text
    for key in ("nacka_v2", "solna", "taby", "unsolicited"):
        assert reverse("reading:answer", args=[consultation.pk, world[key].receipt_number]) in html
    # Sundbyberg co-signed Solna's answer: its row opens that answer too.
    assert html.count(reverse("reading:answer", args=[consultation.pk, world["solna"].receipt_number])) >= 2
    assert "80,0 %" in html and "Södertörn" in html
    html = client.get(reverse("coordination:dashboard", args=[consultation.pk]) + "?status=not_answered").text
    assert "Tyresö kommun" in html and "Solna stad" not in html


@pytest.mark.parametrize("who", ["other_coordinator", "respondent"])
def test_others_are_refused(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    consultation = world["consultation"]
    receipt = world["taby"].receipt_number
    for url in (
        reverse("reading:answer", args=[consultation.pk, receipt]),
        reverse("reading:question", args=[consultation.pk, world["stance_q"].pk]),
    ):
        assert client.get(url).status_code == 404
    url = reverse("reading:stance_set", args=[consultation.pk, receipt, world["stance_q"].pk])
    assert client.post(url, {"stance": "oppose"}).status_code == 404
    assert client.post(reverse("reading:remind_all", args=[consultation.pk])).status_code == 404
    assert not SubmissionStance.objects.filter(source="senders").exists()


def test_an_answer_of_another_consultation_is_not_found(client, coordinator, world, make_consultation):
    client.force_login(coordinator)
    other = make_consultation(open=True)
    assert client.get(reverse("reading:answer", args=[other.pk, world["taby"].receipt_number])).status_code == 404
    question = world["stance_q"]
    assert client.get(reverse("reading:question", args=[other.pk, question.pk])).status_code == 404


def test_anonymous_visitors_go_to_the_login_page(client, world):
    url = reverse("reading:answer", args=[world["consultation"].pk, world["taby"].receipt_number])
    response = client.get(url)
    assert response.status_code == 302 and "/konto/" in response["Location"]


# --- Remind all -------------------------------------------------------------------------------------------


def test_remind_all_sends_now_when_few(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(reverse("reading:remind_all", args=[world["consultation"].pk]), {"message": "Hör av er!"})
    assert response.status_code == 302
    assert list(ReminderSent.objects.values_list("referral__organisation__name", flat=True)) == ["Tyresö kommun"]
    assert ["registrator@tyreso.example.se"] in [email.to for email in OutboundEmail.objects.all()]


@pytest.mark.django_db(transaction=True)
def test_remind_all_queues_a_job_when_many(coordinator, world):
    consultation = world["consultation"]
    for n in range(reminders.REMIND_IN_REQUEST_MAX + 2):
        organisation = OrganisationFactory.create(name=f"Sen kommun {n}", registry_email=f"reg{n}@example.se")
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    outcome = reminders.reminder_send_to_all_not_answered(actor=coordinator, consultation=consultation)
    assert outcome.queued and outcome.count == reminders.REMIND_IN_REQUEST_MAX + 3
    assert not ReminderSent.objects.exists()
    run_queued_tasks()
    assert ReminderSent.objects.count() == outcome.count
    assert len(set(ReminderSent.objects.values_list("key", flat=True))) == 1
    run_queued_tasks()  # nothing left to do: nobody is reminded twice
    assert ReminderSent.objects.count() == outcome.count


def test_reading_starts_at_the_first_answer(client, coordinator, world, make_consultation):
    client.force_login(coordinator)
    consultation = world["consultation"]
    response = client.get(reverse("reading:first", args=[consultation.pk]))
    assert response["Location"] == reverse("reading:answer", args=[consultation.pk, world["nacka_v2"].receipt_number])
    empty = make_consultation(open=True)
    response = client.get(reverse("reading:first", args=[empty.pk]))
    assert response["Location"] == reverse("coordination:dashboard", args=[empty.pk])


def test_a_free_text_question_lists_every_answer_whatever_the_stance_filter(client, coordinator, world):
    client.force_login(coordinator)
    consultation, question = world["consultation"], world["text_q"]
    result = selectors_reading.question_answers(
        consultation=consultation, question=question, filters=selectors_reading.QuestionFilters(stance="oppose")
    )
    assert (result.counts, result.total, result.row_count, result.rows.count()) == ([], 4, 4, 4)
    html = client.get(reverse("reading:question", args=[consultation.pk, question.pk]) + "?stance=oppose").text
    assert "Inga fler synpunkter." in html and "4 svar" in html


def test_a_corrected_stance_shows_the_respondents_own(client, coordinator, world):
    client.force_login(coordinator)
    consultation, question = world["consultation"], world["stance_q"]
    url = reverse("reading:stance_set", args=[consultation.pk, world["solna"].receipt_number, question.pk])
    html = client.post(url, {"stance": "abstain"}, follow=True).text
    assert "remissinstansens eget: avstyrker" in html
    assert "<strong>Avstår</strong>" in html
