"""The "Analys" tab in a real browser, by keyboard only: from the "Svar" tab the coordinator opens it and reads
the stances per question (chart with its text alternative, then the numbers). Passes axe and fits 320 CSS px."""

import pytest
from playwright.sync_api import expect
from test_reading import NARROW, answers, fits  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_the_coordinator_opens_the_analysis_by_keyboard_at_320_px(answers, page, axe, login_as, keyboard):  # noqa: F811
    consultation = answers["consultation"]
    page.set_viewport_size(NARROW)
    login_as(page, answers["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/oversikt/")
    axe.check(page)
    keyboard(page).tab_to(page.get_by_role("link", name="Analys", exact=True))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/samordning/{consultation.pk}/analys/")
    axe.check(page)
    fits(page)
    expect(page.get_by_role("img", name="Ställningstaganden till fråga 1")).to_be_visible()
    numbers = page.get_by_role("region", name="Ställningstaganden till fråga 1", exact=True)
    expect(numbers.get_by_role("row", name="Tillstyrker med ändringar")).to_contain_text("50,0 %")
    keyboard(page).tab_to(numbers)  # the table scrolls on its own, by keyboard too
    expect(page.get_by_role("region", name="Ställningstaganden till fråga 1 per typ av organisation")).to_be_visible()
