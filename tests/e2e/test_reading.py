"""Reading what came in, in a real browser and by keyboard only: from the "Svar" tab the coordinator opens an answer
registered from paper, sets its stance, goes on to the next answer and to every answer to the question. Every page
passes axe and fits 320 CSS px without scrolling sideways."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samrad.consultations.models import SubmissionStance
from samrad.consultations.responses import (
    answer_save,
    response_get_or_create_draft,
    response_register_on_behalf,
    response_register_unsolicited,
    response_submit,
)
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.models import Group, Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def answers(db):
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    coordinator = member_of(region, role="coordinator", email="handlaggare@regionstockholm.example.se")
    consultation = ConsultationFactory.create(senders=[region], open=True, title="Regional cykelplan")
    question = QuestionFactory.create(consultation=consultation, text="Vad anser ni om förslaget till cykelplan?")
    sodertorn = Group.objects.create(name="Södertörn")
    nacka = OrganisationFactory.create(name="Nacka kommun")
    taby = OrganisationFactory.create(name="Täby kommun")
    tyreso = OrganisationFactory.create(name="Tyresö kommun")
    for organisation in (nacka, taby, tyreso):
        organisation.groups.add(sodertorn)
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    person = member_of(nacka)
    draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=nacka)
    answer_save(
        actor=person,
        response=draft,
        question=question,
        stance="support_with_changes",
        text="Vi tillstyrker, men vill se fler cykelbanor längs Värmdöleden. " * 8,
        base_version=0,
    )
    response_submit(actor=person, response=draft)
    taby_answer = response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=taby,
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf("Täbys yttrande")),
        filename="Kommunstyrelsens_yttrande_over_regional_cykelplan_Taby_2026-11-30.pdf",
        their_reference="KS 2026/0412-1.5.3",
        decided_by="Kommunstyrelsen",
        channel="paper",
    )
    response_register_unsolicited(
        actor=coordinator,
        consultation=consultation,
        respondent_name="Cykelfrämjandet Stockholm",
        received_at=timezone.now() - dt.timedelta(days=2),
        stream=io.BytesIO(make_pdf("Synpunkter")),
        filename="synpunkter.pdf",
        channel="email",
    )
    return {"consultation": consultation, "coordinator": coordinator, "taby": taby_answer, "question": question}


def fits(page) -> None:
    assert page.evaluate(OVERFLOW_JS) <= 0, f"{page.url} scrolls sideways at 320 px"


def test_the_coordinator_reads_and_sets_a_stance_by_keyboard(answers, page, axe, login_as, keyboard):
    consultation, question = answers["consultation"], answers["question"]
    login_as(page, answers["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/oversikt/")
    axe.check(page)
    expect(page.get_by_role("heading", name="Oombedda svar")).to_be_visible()

    keys = keyboard(page)
    keys.tab_to(page.get_by_role("link", name="Läs svaret från Täby kommun"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.get_by_text("KS 2026/0412-1.5.3")).to_be_visible()
    expect(page.get_by_text("registrerat från papper").first).to_be_visible()

    stance = page.get_by_label("Ange ställningstagandet i fråga 1")
    keys.tab_to(stance)
    stance.select_option("oppose")  # the select has the focus; choosing from it is what arrow keys do
    keys.tab_to(page.get_by_role("button", name="Spara ställningstagandet"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.locator(".messages")).to_contain_text("satt av avsändarna")
    current = SubmissionStance.objects.get(submission=answers["taby"], is_current=True)
    assert (current.stance, current.source) == ("oppose", "senders")

    keys.tab_to(page.get_by_role("link", name="Alla svar på fråga 1"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.get_by_role("link", name="Täby kommun")).to_be_visible()
    expect(page.get_by_role("link", name="Cykelfrämjandet Stockholm")).to_be_visible()
    expect(page.locator("#question-counts-caption")).to_contain_text("3 svar")

    keys.tab_to(page.get_by_label("Ställningstagande", exact=True))
    page.get_by_label("Ställningstagande", exact=True).select_option("oppose")
    keys.tab_to(page.get_by_role("button", name="Visa matchande svar"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.get_by_role("link", name="Täby kommun")).to_be_visible()
    expect(page.get_by_role("link", name="Nacka kommun")).to_have_count(0)
    assert f"/per-fraga/{question.pk}/" in page.url


def test_the_reading_pages_fit_320_css_px(answers, new_page, axe, login_as):
    consultation, question = answers["consultation"], answers["question"]
    page = new_page()
    page.set_viewport_size(NARROW)
    login_as(page, answers["coordinator"])
    for url in (
        f"/samordning/{consultation.pk}/oversikt/",
        f"/samordning/{consultation.pk}/svar/{answers['taby'].receipt_number}/",
        f"/samordning/{consultation.pk}/per-fraga/{question.pk}/",
    ):
        page.goto(url)
        axe.check(page)
        fits(page)
