"""A closed, compiled consultation built through the platform's own services, with everything an archive package
must carry: a proposal document, an answer in two versions with an attachment (removed from the draft and added
again), a decline with its reason, a joint answer, an answer registered from an e-mail, and a signed-off
compilation. Every write is audited by the services themselves."""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations import responses
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import Consultation, Question, Referral, Response
from samrad.consultations.referrals import referral_add
from samrad.consultations.services import (
    SenderDetails,
    consultation_close,
    consultation_create,
    consultation_open,
    document_add,
    question_add,
)
from samrad.documents.generation import make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import CountyFactory, OrganisationFactory
from samrad.reports.services import compilation_sign_off, compilation_start, compilation_summary_set


@dataclass
class Case:
    consultation: Consultation
    coordinator: User
    bodies: dict[str, Organisation]


def _person(organisation: Organisation, email: str, first: str, last: str, role: str = "respondent") -> User:
    user = UserFactory.create(email=email, username=email, first_name=first, last_name=last)
    MembershipFactory.create(user=user, organisation=organisation, role=role)
    return user


def _pdf(*pages: str) -> io.BytesIO:
    return io.BytesIO(make_pdf(*pages))


def build_closed_case() -> Case:
    county = CountyFactory.create(code="01", name="Stockholms län")
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION,
        name="Region Stockholm",
        municipality_code=None,
        population=None,
        county=county,
        registry_email="registrator@regionstockholm.example.se",
    )
    names = {"0182": "Nacka kommun", "0120": "Värmdö kommun", "0138": "Tyresö kommun", "0136": "Haninge kommun"}
    bodies = {
        code: OrganisationFactory.create(name=name, municipality_code=code, county=county)
        for code, name in names.items()
    }
    coordinator = _person(region, "hanna.lagg@regionstockholm.example.se", "Hanna", "Lägg", Membership.Role.COORDINATOR)
    nacka = _person(bodies["0182"], "svar@nacka.example.se", "Nils", "Nackasson")
    varmdo = _person(bodies["0120"], "svar@varmdo.example.se", "Vera", "Värmdö")
    tyreso = _person(bodies["0138"], "svar@tyreso.example.se", "Tore", "Tyresö")
    haninge = _person(bodies["0136"], "svar@haninge.example.se", "Hilda", "Haninge")

    consultation = consultation_create(
        actor=coordinator,
        title="Remiss: regional cykelplan för Stockholms län",
        summary="Regionen frågar kommunerna om förslaget till regional cykelplan.",
        body="Förslaget beskriver ett regionalt nät av cykelstråk.",
        deadline=end_of_day(local_date(timezone.now()) + dt.timedelta(days=20)),
        senders=[
            SenderDetails(
                organisation=region,
                case_number="RS 2026/0042",
                contact_name="Hanna Lägg",
                contact_email="hanna.lagg@regionstockholm.example.se",
                signatory_name="Per Ström",
                signatory_title="Regiondirektör",
            )
        ],
        reminder_days=[],
        letter="Region Stockholm ber kommunerna yttra sig över förslaget till regional cykelplan.",
    )
    stance_question = question_add(
        actor=coordinator,
        consultation=consultation,
        text="Tillstyrker kommunen förslaget?",
        kind=Question.Kind.STANCE,
        section="avsnitt 1",
    )
    text_question = question_add(
        actor=coordinator,
        consultation=consultation,
        text="Vilka stråk saknas i förslaget?",
        kind=Question.Kind.TEXT,
        section="avsnitt 3",
    )
    document_add(
        actor=coordinator,
        consultation=consultation,
        title="Förslag till regional cykelplan",
        stream=_pdf("Förslag till regional cykelplan\n\n1. Bakgrund", "3. Stråken"),
        filename="cykelplan.pdf",
    )
    referral_add(actor=coordinator, consultation=consultation, organisations=list(bodies.values()))
    consultation_open(actor=coordinator, consultation=consultation)

    # Nacka: an answer in two versions, with its decision attached (removed once and attached again).
    draft = responses.response_get_or_create_draft(actor=nacka, consultation=consultation, organisation=bodies["0182"])
    responses.answer_save(
        actor=nacka,
        response=draft,
        question=stance_question,
        stance="support",
        text="Nacka tillstyrker förslaget.",
        base_version=0,
    )
    responses.answer_save(
        actor=nacka,
        response=draft,
        question=text_question,
        stance="",
        text="Stråket längs Värmdövägen saknas.",
        base_version=0,
    )
    wrong = responses.attachment_add(
        actor=nacka, response=draft, stream=_pdf("Fel fil"), filename="fel.pdf", kind="other"
    )
    responses.attachment_remove(actor=nacka, attachment=wrong)
    responses.attachment_add(
        actor=nacka,
        response=draft,
        stream=_pdf("Protokollsutdrag KS § 12"),
        filename="protokollsutdrag nacka.pdf",
        kind="decision",
    )
    draft.refresh_from_db()
    responses.response_update_details(
        actor=nacka,
        response=draft,
        their_reference="KFKS 2026/77",
        decided_by="Kommunstyrelsen",
        base_version=draft.version,
    )
    responses.response_submit(actor=nacka, response=draft)
    answer = draft.answers.get(question=text_question)
    responses.answer_save(
        actor=nacka,
        response=draft,
        question=text_question,
        stance="",
        text="Stråken längs Värmdövägen och Saltsjöbanan saknas.",
        base_version=answer.version,
    )
    responses.response_submit(actor=nacka, response=draft)

    # Haninge declines.
    responses.response_decline(
        actor=haninge,
        referral=Referral.objects.get(consultation=consultation, organisation=bodies["0136"]),
        reason="Kommunen hänvisar till Södertörns svar.",
    )

    # Värmdö answers jointly with Tyresö.
    joint = responses.response_get_or_create_draft(actor=varmdo, consultation=consultation, organisation=bodies["0120"])
    responses.answer_save(
        actor=varmdo,
        response=joint,
        question=stance_question,
        stance="support_with_changes",
        text="Värmdö och Tyresö tillstyrker med ändringar.",
        base_version=0,
    )
    signatory = responses.signatory_invite(actor=varmdo, response=joint, organisation=bodies["0138"])
    responses.signatory_confirm(actor=tyreso, signatory=signatory)
    responses.response_submit(actor=varmdo, response=joint)

    # An association not on the list writes by e-mail.
    responses.response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Cykelfrämjandet Stockholm",
        received_at=timezone.now(),
        stream=_pdf("Cykelfrämjandet ställer sig bakom förslaget."),
        filename="cykelframjandet.pdf",
        channel=Response.Channel.EMAIL,
    )
    consultation_close(actor=coordinator, consultation=consultation, note="Alla har svarat eller avstått.")

    compilation = compilation_start(actor=coordinator, consultation=consultation)
    compilation_summary_set(
        actor=coordinator, compilation=compilation, summary="Kommunerna stöder planen men saknar några stråk."
    )
    compilation_sign_off(actor=coordinator, compilation=compilation)
    consultation.refresh_from_db()
    return Case(consultation=consultation, coordinator=coordinator, bodies=bodies)


@pytest.fixture
def closed_case(db: None) -> Case:
    return build_closed_case()


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    return tmp_path
