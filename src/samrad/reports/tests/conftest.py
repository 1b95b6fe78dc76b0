"""The consultation tests' people and organisations, and a hand-built closed consultation to compile."""

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from samrad.consultations import services as consultation_services
from samrad.consultations import stances
from samrad.consultations.models import Question
from samrad.consultations.responses import (
    answer_save,
    response_decline,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
    signatory_confirm,
    signatory_invite,
)
from samrad.consultations.tests.conftest import (  # noqa: F401  (fixtures)
    coordinator,
    municipality,
    other_coordinator,
    region,
    respondent,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.tests.factories import OrganisationFactory

NACKA_TEXT = (
    "Nacka kommun tillstyrker förslaget i sin helhet. " + "Kommunen ser särskilt fram emot en samordnad planering. " * 8
)


def _answer(person: Any, response: Any, question: Question, stance: str = "", text: str = "") -> None:
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
def closed_world(region, coordinator, municipality, respondent):  # noqa: F811
    """A closed consultation with a stance question and a free-text question; six bodies on the list:

    - Nacka kommun: supports, on the platform (a long text).
    - Solna stad: opposes, jointly with Sundbybergs stad (on the list too: answered jointly).
    - Täby kommun: answered on paper, registered; the senders set "supports with changes".
    - Vaxholms stad: declined ("Inga resurser").
    - Tyresö kommun: did not answer.
    - Naturskyddsföreningen: not on the list, answered by e-mail; the senders set "opposes".

    Stances on question 1: support 1, support with changes 1, oppose 2 of 4 answers.
    """
    consultation = ConsultationFactory.create(
        open=True, senders=[region], reference_number="RS 2026/0101", title="Regional utvecklingsstrategi"
    )
    stance_q = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om förslaget?")
    text_q = QuestionFactory.create(consultation=consultation, order=2, text="Övriga synpunkter", kind="text")
    solna = OrganisationFactory.create(name="Solna stad")
    sundbyberg = OrganisationFactory.create(name="Sundbybergs stad")
    taby = OrganisationFactory.create(name="Täby kommun")
    vaxholm = OrganisationFactory.create(name="Vaxholms stad")
    tyreso = OrganisationFactory.create(name="Tyresö kommun")
    referrals = {
        organisation.name: ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        for organisation in (municipality, solna, sundbyberg, taby, vaxholm, tyreso)
    }

    nacka = response_get_or_create_draft(actor=respondent, consultation=consultation, organisation=municipality)
    _answer(respondent, nacka, stance_q, "support", NACKA_TEXT)
    _answer(respondent, nacka, text_q, text="Inga fler synpunkter.")
    nacka_sub = response_submit(actor=respondent, response=nacka)

    solna_person = member_of(solna, email="svar@solna.example.se")
    solna_draft = response_get_or_create_draft(actor=solna_person, consultation=consultation, organisation=solna)
    _answer(solna_person, solna_draft, stance_q, "oppose", "Vi avstyrker förslaget.")
    signatory = signatory_invite(actor=solna_person, response=solna_draft, organisation=sundbyberg)
    signatory_confirm(actor=member_of(sundbyberg, email="svar@sundbyberg.example.se"), signatory=signatory)
    solna_sub = response_submit(actor=solna_person, response=solna_draft)

    response_decline(
        actor=member_of(vaxholm, email="svar@vaxholm.example.se"),
        referral=referrals["Vaxholms stad"],
        reason="Inga resurser",
    )

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
    stances.stance_set(actor=coordinator, submission=taby_sub, question=stance_q, stance="support_with_changes")
    unsolicited = response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Naturskyddsföreningen",
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Synpunkter")),
        filename="synpunkter.pdf",
        channel="email",
    )
    stances.stance_set(actor=coordinator, submission=unsolicited, question=stance_q, stance="oppose")
    consultation_services.consultation_close(actor=coordinator, consultation=consultation)
    return {
        "consultation": consultation,
        "stance_q": stance_q,
        "text_q": text_q,
        "nacka": nacka_sub,
        "solna": solna_sub,
        "taby": taby_sub,
        "unsolicited": unsolicited,
    }
