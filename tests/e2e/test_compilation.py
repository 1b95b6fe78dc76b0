"""The remiss compilation in a real browser, by keyboard only: from the closed consultation's page the coordinator
starts the compilation, writes the summary, and signs it off after a confirm step; every page passes axe, and the
compilation page fits 320 CSS px without scrolling sideways."""

import pytest
from playwright.sync_api import expect

from samrad.consultations.models import Consultation
from samrad.consultations.responses import answer_save, response_get_or_create_draft, response_submit
from samrad.consultations.services import consultation_close
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.reports.models import Compilation

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def closed(db):
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    coordinator = member_of(region, role="coordinator", email="handlaggare@regionstockholm.example.se")
    consultation = ConsultationFactory.create(senders=[region], open=True, title="Regional cykelplan")
    question = QuestionFactory.create(consultation=consultation, text="Vad anser ni om förslaget till cykelplan?")
    nacka = OrganisationFactory.create(name="Nacka kommun")
    tyreso = OrganisationFactory.create(name="Tyresö kommun")
    for organisation in (nacka, tyreso):
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
    consultation_close(actor=coordinator, consultation=consultation)
    return {"consultation": consultation, "coordinator": coordinator}


def test_the_coordinator_compiles_and_signs_off_by_keyboard(closed, page, axe, login_as, keyboard):
    consultation = closed["consultation"]
    login_as(page, closed["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/")
    axe.check(page)
    keys = keyboard(page)
    keys.tab_to(page.get_by_role("link", name="Remissammanställningen"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)

    keys.tab_to(page.get_by_role("button", name="Påbörja sammanställningen"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.get_by_role("heading", name="Fråga 1: Vad anser ni om förslaget till cykelplan?")).to_be_visible()

    summary = page.get_by_label("Sammanfattning")
    keys.tab_to(summary)
    page.keyboard.type("Kommunerna betonade särskilt behovet av fler cykelbanor.")
    keys.tab_to(page.get_by_role("button", name="Spara sammanfattningen"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.locator(".messages")).to_contain_text("Sammanfattningen är sparad")

    keys.tab_to(page.get_by_role("link", name="Godkänn sammanställningen"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    keys.tab_to(page.get_by_role("button", name="Godkänn", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    expect(page.locator(".messages")).to_contain_text("Remissen är nu sammanställd")
    expect(page.get_by_role("link", name="Word (DOCX), för redigering")).to_be_visible()
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.COMPILED
    assert Compilation.objects.get(consultation=consultation).is_signed_off


def test_the_compilation_page_fits_320_css_px(closed, new_page, axe, login_as):
    consultation = closed["consultation"]
    page = new_page()
    page.set_viewport_size(NARROW)
    login_as(page, closed["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/sammanstallning/")
    axe.check(page)
    page.get_by_role("button", name="Påbörja sammanställningen").click()
    page.wait_for_load_state()
    axe.check(page)
    assert page.evaluate(OVERFLOW_JS) <= 0, f"{page.url} scrolls sideways at 320 px"
