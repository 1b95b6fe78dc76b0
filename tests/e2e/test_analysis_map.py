"""The county map in a real browser, by keyboard only: from the "Analys" tab the coordinator opens the map page
and reads each municipality's status and stance (the map with its text alternative and legend, then the table
beside it). Passes axe (colour contrast included) and fits 320 CSS px; the map page and the compilation's preview
with its maps run without content security policy violations."""

import pytest
from playwright.sync_api import expect
from test_compilation import closed  # noqa: F401 (fixture)
from test_content_security_policy import ViolationWatch
from test_reading import NARROW, answers, fits  # noqa: F401 (fixture)

from samrad.organisations.models import Organisation
from samrad.reports.services import compilation_start

pytestmark = pytest.mark.browser


def test_the_coordinator_opens_the_map_by_keyboard_at_320_px(answers, page, axe, login_as, keyboard):  # noqa: F811
    consultation = answers["consultation"]
    for name, code in (("Nacka kommun", "0182"), ("Täby kommun", "0160"), ("Tyresö kommun", "0138")):
        Organisation.objects.filter(name=name).update(municipality_code=code)
    page.set_viewport_size(NARROW)
    login_as(page, answers["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/analys/")
    axe.check(page)
    keys = keyboard(page)
    keys.tab_to(page.get_by_role("link", name="Länskartan: varje kommuns status och ställningstagande, med tabell"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/samordning/{consultation.pk}/analys/karta/")
    axe.check(page)
    fits(page)
    expect(page.get_by_role("img", name="Vad som blev av varje kommuns remiss")).to_be_visible()
    stances = page.get_by_role("img", name="Varje kommuns ställningstagande till fråga 1")
    expect(stances).to_be_visible()
    table = page.get_by_role("region", name="Varje kommuns ställningstagande till fråga 1")
    expect(table.get_by_role("row", name="Nacka kommun")).to_contain_text("Tillstyrker med ändringar")
    expect(table.get_by_role("row", name="Täby kommun")).to_contain_text("Svarat utan ställningstagande")
    expect(table.get_by_role("row", name="Tyresö kommun")).to_contain_text("Inbjuden, inget svar eller avstod")
    expect(table.get_by_role("row", name="Solna")).to_contain_text("Inte inbjuden")
    keys.tab_to(table)  # the table scrolls on its own, by keyboard too
    expect(page.get_by_text("Tillstyrker med ändringar (1)")).to_be_visible()
    # The map's municipality has the same value in its <title> as in the table.
    nacka = page.locator('svg.county-map path[data-code="0182"]').last
    expect(nacka.locator("title")).to_have_text("Nacka kommun: Tillstyrker med ändringar")
    # Wide: the table stands beside the map.
    page.set_viewport_size({"width": 1280, "height": 900})
    map_box = stances.bounding_box()
    table_box = table.bounding_box()
    assert map_box and table_box and table_box["x"] > map_box["x"] + map_box["width"] - 1


def test_the_map_page_and_the_compilations_maps_keep_the_csp_and_fit_320_px(closed, page, axe, login_as):  # noqa: F811
    consultation = closed["consultation"]
    for name, code in (("Nacka kommun", "0182"), ("Tyresö kommun", "0138")):
        Organisation.objects.filter(name=name).update(municipality_code=code)
    compilation_start(actor=closed["coordinator"], consultation=consultation)
    watch = ViolationWatch(page)
    page.set_viewport_size(NARROW)
    login_as(page, closed["coordinator"])
    for path in (f"/samordning/{consultation.pk}/analys/karta/", f"/samordning/{consultation.pk}/sammanstallning/"):
        watch.visit(path, axe)
        fits(page)
        expect(page.get_by_role("img", name="Varje kommuns ställningstagande till fråga 1")).to_be_visible()
    expect(page.get_by_role("heading", name="Karta: vad som blev av varje kommuns remiss")).to_be_visible()
