"""The senders' rows, the covering letter and the invitation's preview in a real browser, keyboard only: the
coordinator adds a co-sender with its case number, writes the letter, and previews what a registry will receive.
Every page passes axe and fits 320 CSS px without scrolling sideways."""

import re

import pytest
from playwright.sync_api import expect

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import ConsultationSender
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


def fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 320, f"{page.url} is {width} px wide at 320 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def submit_by_enter(page, url: str) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(url))


def test_a_coordinator_adds_a_sender_writes_the_letter_and_previews_the_invitation(page, axe, keyboard, login_as):
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )
    ksl = OrganisationFactory.create(kind=Organisation.Kind.ASSOCIATION, name="KSL", municipality_code=None)
    nacka = OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")
    coordinator = UserFactory.create(email="handlaggare@regionstockholm.example.se")
    MembershipFactory.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
    consultation = ConsultationFactory.create(senders=[region], reference_number="RS 2026/0042")
    QuestionFactory.create(consultation=consultation)
    ReferralFactory.create(consultation=consultation, organisation=nacka)
    keys = keyboard(page)
    login_as(page, coordinator)

    # The senders' rows: one more row, KSL with its case number, saved with Enter in a field.
    page.goto(f"/samordning/{consultation.pk}/andra/")
    axe.check(page)
    fits_320(page)
    keys.tab_to(page.get_by_role("button", name="Lägg till ännu en avsändare"))
    submit_by_enter(page, rf"/samordning/{consultation.pk}/andra/$")
    axe.check(page)
    keys.tab_to(page.locator("#id_senders-0-case_number"))
    page.keyboard.type("RS 2026/0012")
    keys.tab_to(page.locator("#id_senders-1-organisation"))
    page.locator("#id_senders-1-organisation").select_option(label="KSL")  # the focused select, as a key press would
    keys.tab_to(page.locator("#id_senders-1-case_number"))
    page.keyboard.type("KSL 2026/45")
    keys.tab_to(page.locator("#id_senders-1-signatory_name"))
    page.keyboard.type("Karl Kansli")
    submit_by_enter(page, rf"/samordning/{consultation.pk}/$")
    axe.check(page)
    fits_320(page)
    expect(page.locator("main")).to_contain_text("Diarienummer, KSL")
    assert list(
        ConsultationSender.objects.filter(consultation=consultation).values_list("organisation", "case_number")
    ) == [(region.pk, "RS 2026/0012"), (ksl.pk, "KSL 2026/45")]

    # The covering letter.
    keys.tab_to(page.get_by_role("link", name="Skriv missivet"))
    submit_by_enter(page, rf"/samordning/{consultation.pk}/missiv/$")
    axe.check(page)
    fits_320(page)
    keys.tab_to(page.locator("#id_letter"))
    page.keyboard.type("Region Stockholm och KSL remitterar härmed förslaget.")
    keys.tab_to(page.get_by_role("button", name="Spara missivet"))
    submit_by_enter(page, rf"/samordning/{consultation.pk}/$")
    axe.check(page)
    expect(page.locator("main")).to_contain_text("remitterar härmed förslaget")
    expect(page.locator("main")).to_contain_text("Karl Kansli, KSL")

    # The preview: what Nacka's registry will receive.
    keys.tab_to(page.get_by_role("link", name="Förhandsgranska inbjudan"))
    submit_by_enter(page, rf"/samordning/{consultation.pk}/forhandsvisa-inbjudan/$")
    axe.check(page)
    fits_320(page)
    subject = page.get_by_test_id("preview-subject")
    expect(subject).to_contain_text("RS 2026/0042")
    expect(subject).to_contain_text("Region Stockholm dnr RS 2026/0012, KSL dnr KSL 2026/45")
    expect(page.get_by_test_id("preview-text")).to_contain_text("remitterar härmed förslaget")
    expect(page.locator("main")).to_contain_text("registrator@nacka.example.se")
    expect(page.locator("main")).to_contain_text(".ics")
