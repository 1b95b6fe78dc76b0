"""The masking pages in a real browser at 320 CSS px: the coordinator opens the check of the answers, goes to an
association's answer, confirms one proposal and rejects another by keyboard, masks a place name by selecting it in
the answer's text, reads the masked text, and reads the page in English too. Every page passes axe and reflows."""

import pytest
from playwright.sync_api import expect
from test_reading import NARROW, fits

from samrad.consultations.tests.factories_responses import member_of
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.publishing import services
from samrad.publishing.models import MaskingSpan
from samrad.publishing.tests.world import masking_world

pytestmark = pytest.mark.browser


@pytest.fixture
def checked(db):
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    coordinator = member_of(region, role="coordinator", email="handlaggare@regionstockholm.example.se")
    world = masking_world(region, coordinator)
    run = services.masking_run_start(actor=coordinator, consultation=world["consultation"])
    services.masking_run(run_id=run.pk, time_limit=600)
    world["coordinator"] = coordinator
    return world


def test_the_coordinator_reviews_the_masking_of_an_answer_at_320_px(checked, page, axe, login_as, keyboard):
    consultation = checked["consultation"]
    association = checked["association"]
    spans = list(MaskingSpan.objects.filter(text__proposal__submission=association).order_by("start"))
    name, phone, _email = spans
    page.set_viewport_size(NARROW)
    login_as(page, checked["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/publicering/")
    axe.check(page)
    fits(page)
    expect(page.get_by_role("heading", name="Personuppgifter i svaren")).to_be_visible()
    table = page.get_by_role("region", name="Svaren och deras maskering")
    keys = keyboard(page)
    keys.tab_to(table.get_by_role("link", name="Villaägarna i Nacka"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/publicering/svar/{association.receipt_number}/")
    axe.check(page)
    fits(page)
    expect(page.locator(f"#span-{name.pk} mark")).to_have_text("Ulla Bergström")

    keys.tab_to(page.locator(f"#span-{name.pk}").get_by_role("button", name="Maskera Ulla Bergström"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Maskeringen är bekräftad.")).to_be_visible()
    axe.check(page)
    keys.tab_to(page.locator(f"#span-{phone.pk}").get_by_role("button", name="Maskera inte 070-174 06 44"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Förslaget är avvisat: texten står kvar.")).to_be_visible()
    axe.check(page)
    fits(page)

    # Select "Orminge" in the answer's whole text: the field is filled in, "Maskera" masks it.
    section = page.locator("section.masking-text").filter(has_text="Svar på fråga 1")
    section.locator("summary").filter(has_text="Hela texten").click()
    whole = section.locator("[data-masking-selectable]")
    whole.evaluate(
        """(element) => {
            const node = [...element.childNodes].find(n => n.nodeType === 3 && n.textContent.includes("Orminge"));
            const start = node.textContent.indexOf("Orminge");
            const range = document.createRange();
            range.setStart(node, start);
            range.setEnd(node, start + "Orminge".length);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            element.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
        }"""
    )
    expect(page.get_by_label("Text att maskera")).to_have_value("Orminge")
    page.get_by_label("Sorts personuppgift").select_option("other")
    with page.expect_navigation():
        page.locator("#masking-add-form").get_by_role("button", name="Maskera").click()
    expect(page.get_by_text("Texten är maskerad på ett ställe.")).to_be_visible()
    axe.check(page)
    fits(page)
    assert MaskingSpan.objects.filter(text__proposal__submission=association, content="Orminge").exists()

    with page.expect_navigation():
        page.get_by_role("link", name="Visa den maskerade texten").click()
    axe.check(page)
    fits(page)
    masked = page.locator(".masking-whole__text").first
    expect(masked).to_contain_text("[maskerat: namn], ordförande")
    expect(masked).to_contain_text("Telefon 070-174 06 44")
    expect(masked).not_to_contain_text("Ulla Bergström")

    # The same page in English.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    axe.check(page)
    fits(page)
    expect(page.get_by_role("heading", name="The masked answer from Villaägarna i Nacka")).to_be_visible()
    expect(masked).to_contain_text("[masked: name], ordförande")
