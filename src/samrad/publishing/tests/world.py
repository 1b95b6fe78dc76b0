"""A consultation answered by a private person (on paper, a PDF letter full of personal data), an association
(on the platform, with its chair's name, phone and e-mail) and a municipality (on the platform, signed by its
officials): shared by the masking services', pages' and browser tests. Phone numbers are from the ranges the
Swedish Post and Telecom Authority keeps for fiction; identity numbers are made up."""

import datetime as dt
import io

from django.utils import timezone

from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_unsolicited,
    response_submit,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.generation import PDF_LINE_WIDTH, make_pdf
from samrad.documents.services import stored_file_extract_text
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

QUESTION = "Vad anser ni om förslaget till regional cykelplan?"

PRIVATE_LETTER = (
    "Synpunkter på den regionala cykelplanen\n"
    "Jag heter Karin Lindqvist och bor på Björkvägen 12, 133 41 Saltsjöbaden. Mitt personnummer är "
    "810314-1233. Jag cyklar varje dag till jobbet i Slussen och cykelbanan längs Värmdövägen är farlig i mörker."
)
PRIVATE_LETTER_PAGE_2 = (
    "Ring mig gärna på 070-174 06 12 eller skriv till karin.lindqvist@gmail.com.\nMed vänlig hälsning\nKarin Lindqvist"
)
ASSOCIATION_TEXT = (
    "Villaägarna i Nacka tillstyrker förslaget med ändringar. Cykelvägen mellan Orminge och Saltsjö-Boo "
    "behöver belysning.\n\nFör styrelsen\nUlla Bergström, ordförande\nTelefon 070-174 06 44, "
    "ulla.bergstrom@villaagarnanacka.se\n\nVillaägarna i Nacka, Box 1234, 131 26 Nacka"
)
MUNICIPALITY_TEXT = (
    "Nacka kommun tillstyrker förslaget. Kommunen vill att stråket genom Nacka centrum prioriteras.\n\n"
    "Mats Gerdau\nKommunstyrelsens ordförande\n\nNacka kommun, Granitvägen 15, 131 81 Nacka. "
    "Växel 08-718 80 00. registrator@nacka.se"
)

# What the detector should find in the private person's and the association's answers.
PRIVATE_PERSONAL = [
    "Karin Lindqvist",
    "Björkvägen 12, 133 41 Saltsjöbaden",
    "810314-1233",
    "070-174 06 12",
    "karin.lindqvist@gmail.com",
]
ASSOCIATION_PERSONAL = ["Ulla Bergström", "070-174 06 44", "ulla.bergstrom@villaagarnanacka.se"]


def _on_platform(consultation, question, organisation, stance, text):
    ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    person = member_of(organisation)
    draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
    answer_save(actor=person, response=draft, question=question, stance=stance, text=text, base_version=0)
    return response_submit(actor=person, response=draft)


def masking_world(region, coordinator):
    consultation = ConsultationFactory.create(open=True, senders=[region], title="Regional cykelplan 2026–2035")
    question = QuestionFactory.create(consultation=consultation, order=1, text=QUESTION)
    association = OrganisationFactory.create(
        name="Villaägarna i Nacka", kind=Organisation.Kind.ASSOCIATION, municipality_code=None
    )
    municipality = OrganisationFactory.create(name="Nacka kommun", kind=Organisation.Kind.MUNICIPALITY)
    association_answer = _on_platform(consultation, question, association, "support_with_changes", ASSOCIATION_TEXT)
    municipality_answer = _on_platform(consultation, question, municipality, "support", MUNICIPALITY_TEXT)
    private_answer = response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Karin Lindqvist",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf(PRIVATE_LETTER, PRIVATE_LETTER_PAGE_2, wrap=PDF_LINE_WIDTH)),
        filename="Synpunkter Karin Lindqvist.pdf",
        channel="paper",
    )
    for stored in private_answer.attachments.all():
        stored_file_extract_text(stored_file=stored)
    return {
        "consultation": consultation,
        "question": question,
        "private": private_answer,
        "association": association_answer,
        "municipality": municipality_answer,
    }
