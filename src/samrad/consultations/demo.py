"""Demo consultation: a joint remiss from the county council and KSL to the 26 municipalities of Stockholm County,
open, with questions, documents and referral bodies in various states. Idempotent; every write goes through the
services, as a coordinator's and respondents' own actions would."""

import datetime as dt
import io

from django.utils import timezone

from samrad.accounts.models import Membership, User
from samrad.accounts.services import membership_add, user_create
from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.extensions import extension_grant_direct, extension_request
from samrad.consultations.models import Consultation, Question, Referral, ResponseAttachment
from samrad.consultations.referrals import referral_add
from samrad.consultations.responses import (
    answer_save,
    attachment_add,
    referral_mark_opened,
    response_decline,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_submit,
    response_update_details,
)
from samrad.consultations.services import (
    SenderDetails,
    consultation_create,
    consultation_open,
    document_add,
    question_add,
)
from samrad.documents.generation import make_docx, make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.selectors import kind_filter

DEMO_ACTOR = "demo"
TITLE = "Samverkan mellan kommunerna och landstinget i en framtida region"

SUMMARY = (
    "Landstinget och KSL föreslår hur kommunerna och landstinget ska samverka när det regionala "
    "utvecklingsansvaret flyttas till landstinget. Vi vill veta vad kommunerna tycker om förslaget till "
    "samverkansråd, om arbetsformerna och om vilka frågor som är viktigast att arbeta med gemensamt."
)
BODY = (
    "Regeringen väntas föra över det regionala utvecklingsansvaret i Stockholms län från länsstyrelsen till "
    "landstinget. Kommunernas eget ansvar påverkas inte, men en ny region behöver bra former för att samråda med "
    "länets 26 kommuner.\n\n"
    "Förslaget i remissunderlaget bygger på kommunernas svar på vinterns remiss och på dialogmöten i "
    "delregionerna. Det beskriver ett regionalt samverkansråd, delregionala arbetsgrupper och en gemensam "
    "kunskapsbank.\n\n"
    "Svara gärna på varje fråga med ett ställningstagande och en kommentar. Bifoga det protokollsutdrag som visar "
    "vilket organ som har beslutat om svaret."
)

QUESTIONS = [
    (
        Question.Kind.STANCE,
        "Ställer ni er bakom att det regionala utvecklingsansvaret förs över till landstinget?",
        "avsnitt 3",
    ),
    (
        Question.Kind.STANCE,
        "Vad tycker ni om förslaget till regionalt samverkansråd med en plats för varje kommun?",
        "avsnitt 4.2",
    ),
    (
        Question.Kind.TEXT,
        "Vilka frågor är viktigast för er kommun att samverka om i den nya regionen?",
        "avsnitt 4.4",
    ),
    (
        Question.Kind.STANCE,
        "Hur ser ni på Indelningskommitténs skiss att slå samman Stockholms och Gotlands län?",
        "avsnitt 5",
    ),
]

DOCUMENT_PAGES = [
    "Remissunderlag: Samverkan i en framtida region\n\n1. Bakgrund\nDet regionala utvecklingsansvaret i "
    "Stockholms län\nligger i dag hos länsstyrelsen. Förslaget är att det\nförs över till landstinget i samband "
    "med regionbildningen.",
    "3. Ansvaret för regional utveckling\nLandstinget tar över ansvaret för den regionala\nutvecklingsstrategin "
    "och för samordningen av\nde regionala utvecklingsfrågorna.\n\n4.2 Samverkansråd\nEtt råd med en politisk "
    "företrädare för varje\nkommun och för landstinget möts fyra gånger om året.",
    "5. Större län\nIndelningskommittén har i ett diskussionsunderlag\nskissat ett län av Stockholms och "
    "Gotlands län.\nKommunerna ombeds lämna sin syn på skissen.",
]

# Extra respondents so that the referral list shows every state; (e-mail, first, last, municipality code).
EXTRA_PEOPLE = [
    ("johan.ek@botkyrka.example", "Johan", "Ek", "0127"),
    ("maria.lund@nacka.example", "Maria", "Lund", "0182"),
    ("per.sjoberg@solna.example", "Per", "Sjöberg", "0184"),
    ("anna.wikstrom@taby.example", "Anna", "Wikström", "0160"),
    ("david.olsson@sigtuna.example", "David", "Olsson", "0191"),
]


def _respondent(email: str, first: str, last: str, organisation: Organisation) -> User:
    user = User.objects.filter(email__iexact=email).first() or user_create(
        actor=DEMO_ACTOR, email=email, first_name=first, last_name=last
    )
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        membership_add(actor=DEMO_ACTOR, user=user, organisation=organisation, role=Membership.Role.RESPONDENT)
    return user


def _answer_all(user: User, consultation: Consultation, organisation: Organisation, stances: list[str]) -> None:
    response = response_get_or_create_draft(actor=user, consultation=consultation, organisation=organisation)
    for question, stance in zip(consultation.questions.order_by("order"), stances, strict=False):
        is_stance = question.kind == Question.Kind.STANCE
        answer_save(
            actor=user,
            response=response,
            question=question,
            stance=stance if is_stance else "",
            text="Vi delar i huvudsak bedömningen i remissunderlaget."
            if is_stance
            else "Kollektivtrafik, bostadsförsörjning och kompetensförsörjning.",
            base_version=0,
        )


LETTER = (
    "Stockholms läns landsting och Kommunförbundet Stockholms Län remitterar härmed förslaget om regional "
    "samverkan till länets kommuner.\n\n"
    "Vi vill särskilt ha era synpunkter på hur ansvaret för den regionala utvecklingen ska fördelas. Svaren "
    "sammanställs gemensamt och redovisas för landstingsstyrelsen och KSL:s styrelse.\n\n"
    "Svara på plattformen. Ange gärna ert eget diarienummer och vilket organ som har fattat beslutet."
)


def consultation_demo_load(*, coordinator: User, respondents: dict[str, User]) -> Consultation:
    """Create and open the demo consultation (once); `respondents` maps municipality codes to demo users."""
    existing = Consultation.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing
    municipalities = {
        o.municipality_code: o
        for o in Organisation.objects.filter(kind_filter(Organisation.Kind.MUNICIPALITY), county__code="01")
    }
    senders = [
        SenderDetails(
            organisation=Organisation.objects.get(name="Region Stockholm"),
            case_number="LS 2016-0412",
            contact_name="Maria Lund",
            contact_email="maria.lund@sll.example",
            contact_phone="08-123 450 00",
            signatory_name="Per Ström",
            signatory_title="Landstingsdirektör",
        ),
        SenderDetails(
            organisation=Organisation.objects.get(name="Kommunförbundet Stockholms Län"),
            case_number="KSL/16/0045",
            contact_name="Karin Lindqvist",
            contact_email="karin.lindqvist@ksl.example",
            signatory_name="Eva Holm",
            signatory_title="Förbundsdirektör",
        ),
    ]
    today = local_date(timezone.now())
    consultation = consultation_create(
        actor=coordinator,
        title=TITLE,
        summary=SUMMARY,
        body=BODY,
        deadline=end_of_day(today + dt.timedelta(days=100)),
        senders=senders,
        reminder_days=[14, 3],
        letter=LETTER,
    )
    for kind, text, section in QUESTIONS:
        question_add(actor=coordinator, consultation=consultation, text=text, kind=kind, section=section)
    document_add(
        actor=coordinator,
        consultation=consultation,
        title="Remissunderlag",
        stream=io.BytesIO(make_pdf(*DOCUMENT_PAGES)),
        filename="remissunderlag.pdf",
    )
    document_add(
        actor=coordinator,
        consultation=consultation,
        title="Bilaga: tidplan för dialogen",
        stream=io.BytesIO(
            make_docx(
                "Tidplan för dialogen om regional samverkan",
                "September: dialogmöten i Södertörn och Stockholm Nordost.",
                "Oktober: dialogmöte för övriga kommuner i länet.",
                "November: sammanställning av remissvar och dialog.",
            )
        ),
        filename="tidplan.docx",
    )
    referral_add(actor=coordinator, consultation=consultation, organisations=list(municipalities.values()))
    consultation_open(actor=coordinator, consultation=consultation)

    people = dict(respondents)
    for email, first, last, code in EXTRA_PEOPLE:
        people[code] = _respondent(email, first, last, municipalities[code])

    def referral(code: str) -> Referral:
        return Referral.objects.get(consultation=consultation, organisation=municipalities[code])

    # Botkyrka has submitted, with its decision attached.
    botkyrka = municipalities["0127"]
    _answer_all(people["0127"], consultation, botkyrka, ["support", "support_with_changes", "", "oppose"])
    response = response_get_or_create_draft(actor=people["0127"], consultation=consultation, organisation=botkyrka)
    response_update_details(
        actor=people["0127"],
        response=response,
        their_reference="KS 2016/155/1",
        decided_by="Kommunstyrelsen",
        base_version=response.version,
    )
    attachment_add(
        actor=people["0127"],
        response=response,
        stream=io.BytesIO(make_pdf("Protokollsutdrag\n\nKommunstyrelsen beslutar att anta yttrandet.")),
        filename="protokollsutdrag.pdf",
        kind=ResponseAttachment.Kind.DECISION,
    )
    response_submit(actor=people["0127"], response=response)
    # Huddinge and Nacka are drafting; Solna has opened the consultation.
    _answer_all(people["0126"], consultation, municipalities["0126"], ["support"])
    _answer_all(people["0182"], consultation, municipalities["0182"], ["support", "no_comment"])
    referral_mark_opened(actor=people["0184"], referral=referral("0184"))
    # Täby declines and leaves it to its subregion.
    response_decline(
        actor=people["0160"],
        referral=referral("0160"),
        reason="Kommunen avstår och hänvisar till det gemensamma svaret från Stockholm Nordost.",
    )
    # Sigtuna asks for more time; Vaxholm was given more time after a phone call.
    extension_request(
        actor=people["0191"],
        referral=referral("0191"),
        requested_deadline=today + dt.timedelta(days=130),
        reason="Kommunfullmäktige sammanträder först efter remisstidens slut.",
    )
    extension_grant_direct(
        actor=coordinator,
        referral=referral("0187"),
        deadline=today + dt.timedelta(days=120),
        note="Överenskommet per telefon.",
    )
    # Stockholm answered on paper; the coordinator registers it.
    response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=municipalities["0180"],
        received_at=timezone.now(),
        stream=io.BytesIO(make_pdf("Yttrande från Stockholms stad\n\nStaden tillstyrker förslaget.")),
        filename="yttrande-stockholm.pdf",
        their_reference="KS 2016/0997",
        decided_by="Kommunstyrelsen",
        channel="paper",
    )
    return consultation
