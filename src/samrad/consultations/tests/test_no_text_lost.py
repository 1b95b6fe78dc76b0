"""No text lost on the answer page (issue 8).

- A save writes only what the person changed: a colleague's newer text on another question (or in the other
  detail field) is never sent back as a write, and a real conflict is settled only by an explicit choice, never by
  pressing "Spara utkastet" again.
- Attaching a file without JavaScript saves the typed answers first, with the same rules.
- One press or two on "Lämna in": one submission, one receipt.
- An htmx request without a session gets a 401 the page understands, not the login page as a fragment.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from samrad.audit.models import AuditEvent
from samrad.consultations import responses
from samrad.consultations.models import Answer, Question, Response, Submission
from samrad.consultations.tests.browserless import form_fields
from samrad.consultations.tests.factories import QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of, pdf_upload
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
ERIKS_ADDITION = "Vi vill också att kollektivtrafiken byggs ut. Tillägg av Erik."


@pytest.fixture
def referral(make_consultation, municipality):
    consultation = make_consultation(open=True, questions=0)
    QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om förslaget?")
    QuestionFactory.create(consultation=consultation, order=2, text="Övriga synpunkter", kind=Question.Kind.TEXT)
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


@pytest.fixture
def questions(referral):
    return list(referral.consultation.questions.order_by("order"))


@pytest.fixture
def people(respondent, municipality):
    """Lina (the fixture's respondent) and her colleague Erik at Nacka kommun, each in a browser of their own."""
    erik = member_of(municipality, first_name="Erik", last_name="Eriksson", email="erik@nacka.example.se")
    lina, eriks = Client(), Client()
    lina.force_login(respondent)
    eriks.force_login(erik)
    return {"lina": lina, "erik": eriks, "erik_user": erik, "lina_user": respondent}


def page_url(referral):
    return reverse("consultations:respond", args=[referral.consultation_id, referral.organisation_id])


def autosave_url(referral, question):
    return reverse(
        "consultations:autosave_answer", args=[referral.consultation_id, referral.organisation_id, question.pk]
    )


def draft_with_two_answers(referral, questions, actor):
    response = responses.response_get_or_create_draft(
        actor=actor, consultation=referral.consultation, organisation=referral.organisation
    )
    first, second = questions
    responses.answer_save(
        actor=actor, response=response, question=first, stance="support", text="Vi tillstyrker.", base_version=0
    )
    responses.answer_save(actor=actor, response=response, question=second, stance="", text="Inget.", base_version=0)
    return response


def erik_adds_to_question_2(people, referral, questions):
    """Erik opens the page and his addition to question 2 is autosaved, as his browser sends it."""
    second = questions[1]
    fields = form_fields(people["erik"].get(page_url(referral)).text)
    prefix = f"q{second.pk}"
    saved = people["erik"].post(
        autosave_url(referral, second),
        {
            f"{prefix}-text": fields[f"{prefix}-text"] + "\n" + ERIKS_ADDITION,
            f"{prefix}-version": fields[f"{prefix}-version"],
            f"{prefix}-loaded": fields[f"{prefix}-loaded"],
        },
        **HTMX,
    )
    assert saved.status_code == 200 and saved["X-Autosave"] == "saved"


# --- The service: what the person did not change is not written ---------------------------------------------


def test_an_unchanged_answer_is_not_written_over_a_colleagues_newer_one(referral, questions, people):
    lina, erik = people["lina_user"], people["erik_user"]
    response = draft_with_two_answers(referral, questions, lina)
    second = questions[1]
    loaded = Answer.objects.get(question=second)  # what Lina's page showed
    responses.answer_save(
        actor=erik, response=response, question=second, stance="", text="Inget. " + ERIKS_ADDITION, base_version=1
    )
    events = AuditEvent.objects.count()

    kept = responses.answer_save(
        actor=lina,
        response=response,
        question=second,
        stance="",
        text=loaded.text,
        base_version=loaded.version,
        loaded=responses.answer_fingerprint(loaded),
    )

    assert (kept.text, kept.version) == ("Inget. " + ERIKS_ADDITION, 2)
    assert Answer.objects.get(question=second).text == "Inget. " + ERIKS_ADDITION
    assert AuditEvent.objects.count() == events, "nothing written, nothing recorded"


def test_a_changed_answer_on_an_old_version_is_still_a_conflict(referral, questions, people):
    lina, erik = people["lina_user"], people["erik_user"]
    response = draft_with_two_answers(referral, questions, lina)
    second = questions[1]
    loaded = Answer.objects.get(question=second)
    responses.answer_save(actor=erik, response=response, question=second, stance="", text="Eriks", base_version=1)

    with pytest.raises(responses.ConflictError) as conflict:
        responses.answer_save(
            actor=lina,
            response=response,
            question=second,
            stance="",
            text="Linas ändring",
            base_version=loaded.version,
            loaded=responses.answer_fingerprint(loaded),
        )
    assert (conflict.value.theirs.text, conflict.value.yours.text) == ("Eriks", "Linas ändring")
    assert Answer.objects.get(question=second).text == "Eriks"


def test_details_write_only_the_field_that_was_changed(referral, questions, people):
    lina, erik = people["lina_user"], people["erik_user"]
    response = draft_with_two_answers(referral, questions, lina)
    response = responses.response_update_details(
        actor=lina, response=response, their_reference="KS 2026/1", decided_by="", base_version=1
    )
    loaded = responses.details_fingerprints(response)  # Lina's page
    responses.response_update_details(
        actor=erik,
        response=response,
        their_reference="KS 2026/1",
        decided_by="Kommunstyrelsen 2026-10-12 § 143",
        base_version=response.version,
        loaded=loaded,
    )

    # Lina changes the reference number on her older page; Erik's deciding body stays.
    saved = responses.response_update_details(
        actor=lina,
        response=response,
        their_reference="KS 2026/2",
        decided_by="",
        base_version=2,
        loaded=loaded,
    )
    assert (saved.their_reference, saved.decided_by) == ("KS 2026/2", "Kommunstyrelsen 2026-10-12 § 143")

    # Both change the same field: a conflict, nothing written.
    with pytest.raises(responses.DetailsConflictError) as conflict:
        responses.response_update_details(
            actor=erik,
            response=response,
            their_reference="KS 2026/3",
            decided_by="Kommunstyrelsen 2026-10-12 § 143",
            base_version=3,
            loaded=loaded,
        )
    assert conflict.value.fields == ("their_reference",)
    assert Response.objects.get().their_reference == "KS 2026/2"


# --- The page: Lina's older copy, Erik's addition -------------------------------------------------------------


def test_saving_an_older_page_keeps_a_colleagues_addition_to_a_question_not_touched(referral, questions, people):
    """The reported case: Lina changes question 1 on an older copy of the page and presses "Spara utkastet";
    Erik's addition to question 2 stays, and there is no conflict over a question she never touched."""
    draft_with_two_answers(referral, questions, people["lina_user"])
    first, second = questions
    linas_page = form_fields(people["lina"].get(page_url(referral)).text)
    erik_adds_to_question_2(people, referral, questions)

    linas_page[f"q{first.pk}-text"] = "Vi tillstyrker med ändringar i avsnitt 5.2."
    saved = people["lina"].post(page_url(referral), {**linas_page, "next": "page"})

    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert Answer.objects.get(question=first).text == "Vi tillstyrker med ändringar i avsnitt 5.2."
    assert Answer.objects.get(question=second).text == "Inget.\n" + ERIKS_ADDITION
    # The page she comes back to shows Erik's text, not her old copy.
    assert ERIKS_ADDITION in people["lina"].get(page_url(referral)).text


def test_a_real_conflict_is_not_settled_by_pressing_save_again(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    second = questions[1]
    prefix = f"q{second.pk}"
    linas_page = form_fields(people["lina"].get(page_url(referral)).text)
    erik_adds_to_question_2(people, referral, questions)

    linas_page[f"{prefix}-text"] = "Linas egen text"
    conflict = people["lina"].post(page_url(referral), {**linas_page, "next": "page"})
    assert conflict.status_code == 409
    assert "Linas egen text" in conflict.text and ERIKS_ADDITION in conflict.text

    # Pressing "Spara utkastet" again, with the page as it came back: refused again, Erik's text stays.
    again = form_fields(conflict.text)
    assert again[f"{prefix}-text"] == "Linas egen text"
    refused = people["lina"].post(page_url(referral), {**again, "next": "page"})
    assert refused.status_code == 409
    assert Answer.objects.get(question=second).text == "Inget.\n" + ERIKS_ADDITION

    # Both texts in the box, to merge: still nothing written.
    merged = people["lina"].post(page_url(referral), {**form_fields(refused.text), f"{prefix}-resolution": "merge"})
    assert merged.status_code == 409
    box = form_fields(merged.text)[f"{prefix}-text"]
    assert box == "Inget.\n" + ERIKS_ADDITION + "\n\nLinas egen text"
    assert Answer.objects.get(question=second).text == "Inget.\n" + ERIKS_ADDITION

    # Lina edits the merged text and saves it, explicitly.
    decided = {**form_fields(merged.text), f"{prefix}-text": "Inget. " + ERIKS_ADDITION + " Linas tillägg."}
    saved = people["lina"].post(page_url(referral), {**decided, f"{prefix}-resolution": "mine"})
    assert saved.status_code == 302
    assert Answer.objects.get(question=second).text == "Inget. " + ERIKS_ADDITION + " Linas tillägg."


def test_keeping_the_saved_version_writes_nothing(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    second = questions[1]
    prefix = f"q{second.pk}"
    linas_page = form_fields(people["lina"].get(page_url(referral)).text)
    erik_adds_to_question_2(people, referral, questions)
    linas_page[f"{prefix}-text"] = "Linas egen text"
    conflict = people["lina"].post(page_url(referral), {**linas_page, "next": "page"})

    kept = people["lina"].post(page_url(referral), {**form_fields(conflict.text), f"{prefix}-resolution": "theirs"})
    assert kept.status_code == 302
    answer = Answer.objects.get(question=second)
    assert (answer.text, answer.version) == ("Inget.\n" + ERIKS_ADDITION, 2)


def test_an_unchanged_question_autosaved_writes_nothing(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    second = questions[1]
    prefix = f"q{second.pk}"
    linas_page = form_fields(people["lina"].get(page_url(referral)).text)
    erik_adds_to_question_2(people, referral, questions)

    unchanged = people["lina"].post(
        autosave_url(referral, second),
        {key: value for key, value in linas_page.items() if key.startswith(f"{prefix}-")},
        **HTMX,
    )
    assert unchanged.status_code == 200 and unchanged["X-Autosave"] == "unchanged"
    assert "En kollega har ändrat svaret" in unchanged.text
    assert 'hx-swap-oob="true"' not in unchanged.text, "the box still holds the older text: its version stays"
    assert Answer.objects.get(question=second).text == "Inget.\n" + ERIKS_ADDITION


def test_details_on_an_older_page_keep_a_colleagues_other_field(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    linas_page = form_fields(people["lina"].get(page_url(referral)).text)
    eriks_page = form_fields(people["erik"].get(page_url(referral)).text)
    details_url = reverse("consultations:autosave_details", args=[referral.consultation_id, referral.organisation_id])
    details = {key: value for key, value in eriks_page.items() if key.startswith("details-")}
    erik = people["erik"].post(details_url, {**details, "details-decided_by": "Kommunstyrelsen § 143"}, **HTMX)
    assert erik["X-Autosave"] == "saved"

    linas_page["details-their_reference"] = "KS 2026/9"
    saved = people["lina"].post(page_url(referral), {**linas_page, "next": "page"})

    assert saved.status_code == 302
    response = Response.objects.get()
    assert (response.their_reference, response.decided_by) == ("KS 2026/9", "Kommunstyrelsen § 143")


def test_a_details_conflict_is_not_settled_by_saving_again(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    linas_page = form_fields(people["lina"].get(page_url(referral)).text)
    eriks_page = form_fields(people["erik"].get(page_url(referral)).text)
    eriks_page["details-their_reference"] = "KS 2026/1"
    assert people["erik"].post(page_url(referral), {**eriks_page, "next": "page"}).status_code == 302

    linas_page["details-their_reference"] = "KS 2026/2"
    conflict = people["lina"].post(page_url(referral), {**linas_page, "next": "page"})
    assert conflict.status_code == 409 and "KS 2026/1" in conflict.text
    again = people["lina"].post(page_url(referral), {**form_fields(conflict.text), "next": "page"})
    assert again.status_code == 409
    assert Response.objects.get().their_reference == "KS 2026/1"

    mine = people["lina"].post(page_url(referral), {**form_fields(again.text), "details-resolution": "mine"})
    assert mine.status_code == 302
    assert Response.objects.get().their_reference == "KS 2026/2"


# --- Attaching without JavaScript ---------------------------------------------------------------------------


def attach_url(referral):
    return reverse("consultations:attachment_add", args=[referral.consultation_id, referral.organisation_id])


def test_attaching_without_javascript_saves_the_typed_text_first(referral, questions, people):
    first = questions[0]
    page = people["lina"].get(page_url(referral)).text
    fields = form_fields(page)
    assert f'formaction="{attach_url(referral)}"' in page and 'form="answer-form"' in page
    fields[f"q{first.pk}-text"] = "Skrivet utan JavaScript, före bilagan."

    attached = people["lina"].post(
        attach_url(referral),
        {**fields, "attachment-kind": "decision", "attachment-file": pdf_upload()},
    )

    assert attached.status_code == 302
    response = Response.objects.get()
    assert Answer.objects.get(question=first).text == "Skrivet utan JavaScript, före bilagan."
    assert response.attachments.get().file.original_name == "protokollsutdrag.pdf"


def test_attaching_with_a_conflict_attaches_and_keeps_the_text_in_the_box(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    second = questions[1]
    fields = form_fields(people["lina"].get(page_url(referral)).text)
    erik_adds_to_question_2(people, referral, questions)
    fields[f"q{second.pk}-text"] = "Linas text, skriven före bilagan"

    attached = people["lina"].post(
        attach_url(referral),
        {**fields, "attachment-kind": "decision", "attachment-file": pdf_upload()},
    )

    assert attached.status_code == 409
    assert form_fields(attached.text)[f"q{second.pk}-text"] == "Linas text, skriven före bilagan"
    assert "Dokumentet protokollsutdrag.pdf är bifogat." in attached.text
    assert Response.objects.get().attachments.count() == 1
    assert Answer.objects.get(question=second).text == "Inget.\n" + ERIKS_ADDITION


def test_a_refused_file_still_saves_the_typed_text(referral, questions, people):
    first = questions[0]
    fields = form_fields(people["lina"].get(page_url(referral)).text)
    fields[f"q{first.pk}-text"] = "Texten ska finnas kvar."
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = people["lina"].post(
        attach_url(referral),
        {
            **fields,
            "attachment-kind": "decision",
            "attachment-file": SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf"),
        },
    )

    assert refused.status_code == 400
    assert Answer.objects.get(question=first).text == "Texten ska finnas kvar."
    assert form_fields(refused.text)[f"q{first.pk}-text"] == "Texten ska finnas kvar."


# --- Submitting once ----------------------------------------------------------------------------------------


def submit_url(referral):
    return reverse("consultations:submit", args=[referral.consultation_id, referral.organisation_id])


def test_pressing_submit_twice_makes_one_submission_and_one_receipt(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    page = people["lina"].get(submit_url(referral)).text
    assert "data-submit-once" in page
    fields = form_fields(page, form_id="submit-form")
    assert fields["after_number"] == "0"

    first = people["lina"].post(submit_url(referral), fields)
    second = people["lina"].post(submit_url(referral), fields)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1
    assert OutboundEmail.objects.filter(category="consultation.receipt").count() == 1
    assert AuditEvent.objects.filter(action="response.submitted").count() == 1


def test_a_correction_is_still_a_new_submission(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    people["lina"].post(submit_url(referral), form_fields(people["lina"].get(submit_url(referral)).text, "submit-form"))
    fields = form_fields(people["lina"].get(page_url(referral)).text)
    fields[f"q{questions[0].pk}-text"] = "Rättad text."
    people["lina"].post(page_url(referral), {**fields, "next": "page"})

    page = form_fields(people["lina"].get(submit_url(referral)).text, "submit-form")
    assert page["after_number"] == "1"
    assert people["lina"].post(submit_url(referral), page).status_code == 302
    assert list(Submission.objects.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_a_submit_page_older_than_a_colleagues_submission_and_a_later_change_is_refused(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    linas = form_fields(people["lina"].get(submit_url(referral)).text, "submit-form")
    eriks = form_fields(people["erik"].get(submit_url(referral)).text, "submit-form")
    assert people["erik"].post(submit_url(referral), eriks).status_code == 302
    fields = form_fields(people["erik"].get(page_url(referral)).text)
    fields[f"q{questions[0].pk}-text"] = "Erik ändrade efter inlämningen."
    people["erik"].post(page_url(referral), {**fields, "next": "page"})

    refused = people["lina"].post(submit_url(referral), linas)

    assert refused.status_code == 400
    assert "lämnade in svaret" in refused.text
    assert Submission.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once need PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_presses_at_the_same_moment_make_one_submission(referral, questions, people):
    draft_with_two_answers(referral, questions, people["lina_user"])
    fields = form_fields(people["lina"].get(submit_url(referral)).text, "submit-form")
    user = people["lina_user"]

    def press() -> int:
        client = Client()
        client.force_login(user)
        try:
            return client.post(submit_url(referral), fields).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(lambda _: press(), range(2)))

    assert statuses == [302, 302]
    assert Submission.objects.count() == 1
    assert OutboundEmail.objects.filter(category="consultation.receipt").count() == 1


# --- htmx without a session ---------------------------------------------------------------------------------


def test_an_autosave_without_a_session_gets_a_401_not_the_login_page(client, referral, questions):
    question = questions[0]
    page = page_url(referral)
    expired = client.post(
        autosave_url(referral, question),
        {f"q{question.pk}-text": "Text skriven efter att sessionen tog slut"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{page}",
    )

    assert expired.status_code == 401
    assert expired["HX-Reswap"] == "none"
    assert expired["X-Login-Url"] == f"{reverse('accounts:login')}?next={page.replace('/', '%2F')}"
    assert "<html" not in expired.text and "utloggad" in expired.text
    assert Answer.objects.count() == 0

    # An ordinary request still goes to the login page.
    plain = client.post(autosave_url(referral, question), {})
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("accounts:login"))


def test_the_login_address_never_leads_off_the_site(client, referral, questions):
    expired = client.post(
        autosave_url(referral, questions[0]),
        {},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="https://elsewhere.example/phish",
    )
    assert expired.status_code == 401 and expired["X-Login-Url"] == reverse("accounts:login")


def test_the_answer_page_loads_its_script_and_texts(referral, people):
    page = people["lina"].get(page_url(referral)).text
    assert re.search(r'<script src="[^"]*consultations/answer\.js" defer></script>', page)
    assert 'id="autosave-texts"' in page and 'data-draft-key="samrad:unsaved:u' in page
    assert re.search(r'data-logged-out="Inte sparat: du är utloggad', page)
