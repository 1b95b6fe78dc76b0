"""The themes page in a real browser, by keyboard only, at 320 CSS px: from the "Analys" tab the coordinator opens
the themes, reads a theme's answers per stance and its quotes, renames a theme and signs the themes off. Passes
axe."""

import pytest
from playwright.sync_api import expect
from test_reading import NARROW, fits

from samrad.analysis import theme_services
from samrad.analysis.models import Theme
from samrad.analysis.tests.theme_world import themed_world
from samrad.consultations.tests.factories_responses import member_of
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def themed(db):
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Västra Götalandsregionen", municipality_code=None
    )
    coordinator = member_of(region, role="coordinator", email="handlaggare@vgregion.example.se")
    world = themed_world(region, coordinator, first=10)
    run = theme_services.themes_run_start(actor=coordinator, consultation=world["consultation"])
    world["run"] = theme_services.themes_build(run_id=run.pk)
    world["coordinator"] = coordinator
    return world


def test_the_coordinator_reviews_the_themes_by_keyboard_at_320_px(themed, page, axe, login_as, keyboard):
    consultation = themed["consultation"]
    first = Theme.objects.filter(run=themed["run"]).order_by("order").first()
    page.set_viewport_size(NARROW)
    login_as(page, themed["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/analys/")
    axe.check(page)
    keys = keyboard(page)
    keys.tab_to(page.get_by_role("link", name="Teman i svaren", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/samordning/{consultation.pk}/analys/teman/")
    axe.check(page)
    fits(page)
    table = page.get_by_role("region", name="Teman i svaren på fråga 1: svar per ställningstagande")
    expect(table.get_by_role("row", name=first.label)).to_be_visible()
    keys.tab_to(table)  # the table scrolls on its own, by keyboard too

    summary = page.locator(f"#theme-{first.pk} summary")
    keys.tab_to(summary)
    page.keyboard.press("Enter")
    field = page.locator(f"#label-{first.pk}")
    keys.tab_to(field)
    page.keyboard.press("Control+A")
    page.keyboard.type("Busstrafik på landsbygden")
    keys.tab_to(page.locator(f"#theme-{first.pk}").get_by_role("button", name="Byt namn"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Busstrafik på landsbygden")).to_be_visible()
    expect(page.get_by_text("Temat har fått nytt namn.")).to_be_visible()
    axe.check(page)
    fits(page)

    keys.tab_to(page.get_by_role("button", name="Godkänn temana som granskade"), backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Temana har godkänts.")).to_be_visible()
    axe.check(page)
    fits(page)
