"""The register in a browser, keyboard only, at 320 CSS px, axe clean: a coordinator records that Stockholms läns
landsting became Region Stockholm (the history on its page), and adds an organisation whose registry address is
already Region Gotland's, which is saved only once the warning is confirmed."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 320, "height": 640}
FITS_JS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def go(page, keys, locator, url: str, key: str = "Enter") -> None:
    keys.tab_to(locator)
    with page.expect_navigation():
        page.keyboard.press(key)
    expect(page).to_have_url(re.compile(url))


def checked(page, axe) -> None:
    axe.check(page)
    assert page.evaluate(FITS_JS), f"{page.url} is wider than 320 px"


def test_a_coordinator_renames_a_body_and_confirms_a_duplicate_by_keyboard(
    db, live_server, new_page, login_as, axe, keyboard
):
    from samrad.accounts.models import Membership, User
    from samrad.organisations.importing import default_register_path, import_register_file
    from samrad.organisations.models import Organisation

    assert import_register_file(default_register_path()).ok
    Organisation.objects.filter(municipality_code="0980").update(registry_email="registrator@gotland.example")
    landsting = Organisation.objects.create(kind="region", name="Stockholms läns landsting")
    user = User.objects.create_user(username="k", email="karin@ksl.example", first_name="Karin", last_name="L")
    Membership.objects.create(user=user, organisation=landsting, role=Membership.Role.COORDINATOR)

    page = new_page()
    page.set_viewport_size(VIEWPORT)
    keys = keyboard(page)
    login_as(page, user)
    page.goto(f"/register/{landsting.pk}/")
    checked(page, axe)

    go(page, keys, page.get_by_role("link", name="Registrera ett nytt namn"), r"/nytt-namn/$")
    checked(page, axe)
    keys.tab_to(page.locator("#id_new_name"))
    page.keyboard.type("Region Stockholm")
    keys.tab_to(page.locator("#id_valid_from"))
    page.keyboard.type("01012019")
    go(page, keys, page.get_by_role("button", name="Registrera det nya namnet"), rf"/register/{landsting.pk}/$")
    checked(page, axe)
    history = page.locator("#name-history")
    expect(history).to_contain_text("Stockholms läns landsting")
    expect(history).to_contain_text("31 december 2018")
    expect(page.locator("h1")).to_have_text("Region Stockholm")

    page.goto("/register/ny/")
    checked(page, axe)
    keys.tab_to(page.locator("#id_name"))
    page.keyboard.type("Gotlands kommun")
    keys.tab_to(page.locator("#id_kind"))
    page.keyboard.press("ArrowDown")  # the first kind after "---------"
    keys.tab_to(page.locator("#id_registry_email"))
    page.keyboard.type("registrator@gotland.example")
    go(page, keys, page.get_by_role("button", name="Lägg till organisationen"), r"/register/ny/$")
    checked(page, axe)
    expect(page.locator("#duplicate-warnings")).to_contain_text("Region Gotland (0980)")
    assert Organisation.objects.filter(name="Gotlands kommun").count() == 0

    keys.tab_to(page.locator("#id_confirm_duplicates"))
    page.keyboard.press("Space")
    go(page, keys, page.get_by_role("button", name="Lägg till organisationen"), r"/register/\d+/$")
    checked(page, axe)
    assert Organisation.objects.filter(name="Gotlands kommun").count() == 1
