"""A consultation answered with the labelled theme set (evaluation/themes.json): each labelled answer is a
municipality's answer on the platform with its stance and text, and one more came on paper as a two-page PDF
(the second page about bus services), so quotes carry pages. Shared by the theme services' and pages' tests."""

import datetime as dt
import io

from django.utils import timezone

from samrad.analysis.evaluation.harness import theme_answers
from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_submit,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.generation import PDF_LINE_WIDTH, make_pdf
from samrad.documents.services import stored_file_extract_text
from samrad.organisations.tests.factories import OrganisationFactory

QUESTION = "Vad anser ni om förslaget till regional transportplan 2026–2037?"
PAPER_PAGE_2 = (
    "Kollektivtrafiken i kommunens norra delar behöver fler avgångar. Bussen till Ed går i dag bara tre "
    "gånger per dag, vilket gör det svårt för gymnasieelever att ta sig till skolan med buss."
)


def answer_on_platform(consultation, question, organisation, stance, text):
    ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    person = member_of(organisation)
    draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
    answer_save(actor=person, response=draft, question=question, stance=stance, text=text, base_version=0)
    return response_submit(actor=person, response=draft)


def themed_world(region, coordinator, *, first=None):
    """The consultation, its stance question, and the submissions by receipt id of the labelled answers (the
    first `first` of them; all by default), plus "paper": Dals-Eds kommun's answer on paper."""
    consultation = ConsultationFactory.create(open=True, senders=[region])
    question = QuestionFactory.create(consultation=consultation, order=1, text=QUESTION)
    submissions = {}
    for answer, _labels in theme_answers()[:first]:
        organisation = OrganisationFactory.create(name=f"Kommun {answer.receipt_number}")
        text = "\n\n".join(text for _page, text in answer.pages)
        submissions[answer.receipt_number] = answer_on_platform(
            consultation, question, organisation, answer.stance, text
        )
    paper = OrganisationFactory.create(name="Dals-Eds kommun")
    ReferralFactory.create(consultation=consultation, organisation=paper, invited=True)
    submission = response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=paper,
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(
            make_pdf("Protokollsutdrag\nKommunstyrelsen tillstyrker.", PAPER_PAGE_2, wrap=PDF_LINE_WIDTH)
        ),
        filename="protokoll.pdf",
        channel="paper",
    )
    for stored in submission.attachments.all():
        stored_file_extract_text(stored_file=stored)
    submissions["paper"] = submission
    return {"consultation": consultation, "question": question, "submissions": submissions}
