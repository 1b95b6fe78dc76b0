"""A coordinator's notices, by keyboard, axe clean and reflowing at 320 px: the list, marking one read, the choice
of a daily digest; and the warnings on the page that closes a consultation."""

import re

import pytest
from playwright.sync_api import expect

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations import responses
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.notifications.models import Notice, NoticePreference
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def declined(db):
    """Region Stockholm's coordinator, and Nacka's decline of the region's open consultation (a notice)."""
    region = OrganisationFactory(name="Region Stockholm", registry_email="registrator@region.example.se")
    coordinator = UserFactory(email="handlaggare@region.example.se", first_name="Hanna", last_name="Lägg")
    MembershipFactory(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
    consultation = ConsultationFactory(senders=[region], open=True, title="Regional cykelplan")
    QuestionFactory(consultation=consultation)
    nacka = OrganisationFactory(name="Nacka kommun", registry_email="registrator@nacka.example.se")
    ReferralFactory(consultation=consultation, organisation=OrganisationFactory(name="Värmdö kommun"), invited=True)
    referral = ReferralFactory(consultation=consultation, organisation=nacka, invited=True)
    respondent = UserFactory(email="svarande@nacka.example.se")
    MembershipFactory(user=respondent, organisation=nacka, role=Membership.Role.RESPONDENT)
    responses.response_decline(actor=respondent, referral=referral, reason="Berör inte kommunen.")
    return coordinator, consultation


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_notices_by_keyboard(page, axe, keyboard, login_as, declined):
    coordinator, _consultation = declined
    login_as(page, coordinator)
    page.goto("/")
    axe.check(page)
    keyboard(page).tab_to(page.get_by_role("link", name="Aviseringar"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/aviseringar/$"))
    axe.check(page)
    expect(page.get_by_role("link", name=re.compile("Nacka kommun avstår"))).to_be_visible()

    keyboard(page).tab_to(page.get_by_role("button", name=re.compile("^Markera som läst")))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    assert Notice.objects.get().read_at is not None

    keyboard(page).tab_to(page.get_by_role("link", name="Ändra hur du får aviseringar"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/aviseringar/installningar/$"))
    axe.check(page)
    keyboard(page).tab_to(page.get_by_label("direkt, ett e-postmeddelande per avisering"))  # the radio group
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("en gång om dagen, i en sammanfattning")).to_be_checked()
    keyboard(page).tab_to(page.get_by_role("button", name="Spara"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/aviseringar/$"))
    axe.check(page)
    expect(page.get_by_text("Du får dem med e-post en gång om dagen")).to_be_visible()
    assert NoticePreference.objects.get(user=coordinator).delivery == "daily"

    page.set_viewport_size({"width": 320, "height": 640})
    page.reload()
    axe.check(page)
    assert fits(page)


def test_the_close_page_warns_about_bodies_that_have_not_answered(page, axe, login_as, declined):
    coordinator, consultation = declined
    login_as(page, coordinator)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"/samordning/{consultation.pk}/stang/")
    axe.check(page)
    warnings = page.locator("#closing-warnings")
    expect(warnings).to_contain_text("1 remissinstans har inte svarat")
    expect(warnings).to_contain_text("Värmdö kommun")
    expect(warnings).not_to_contain_text("Nacka kommun")
    assert fits(page)
