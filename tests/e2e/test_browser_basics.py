"""The browser-test machinery on the pages everyone sees first: home and login, by keyboard, checked by axe."""

import re

import pytest
from playwright.sync_api import expect

from samrad.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_home_page_is_swedish_and_accessible(page, axe):
    page.goto("/")
    axe.check(page)
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_the_skip_link_is_the_first_stop_and_moves_to_the_content(page, axe, keyboard):
    page.goto("/")
    axe.check(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    assert keyboard(page).has_focus(skip), keyboard(page).focused_description()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_asking_for_a_login_link_by_keyboard(page, axe, keyboard):
    UserFactory(email="registrator@nacka.example.se")
    page.goto("/")
    axe.check(page)
    keyboard(page).tab_to(page.get_by_role("link", name="Logga in").first)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/konto/logga-in/"))
    axe.check(page)
    keyboard(page).tab_to(page.get_by_label("E-postadress"))
    page.keyboard.type("registrator@nacka.example.se")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/konto/logga-in/skickad/"))
    axe.check(page)
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_logged_in_user_sees_their_profile(page, axe, login_as):
    user = UserFactory(email="handlaggare@region.example.se", first_name="Karin", last_name="Lund")
    login_as(page, user)
    page.goto("/konto/")
    axe.check(page)
    expect(page.get_by_text("Karin Lund").first).to_be_visible()


def test_the_axe_check_fails_on_a_serious_violation(page, axe):
    image = "data:image/gif;base64,R0lGODlhAQABAAAAACw="
    page.set_content(f'<html lang="sv"><body><main><img src="{image}"></main></body></html>')
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        axe.check(page)
