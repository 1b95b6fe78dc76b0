"""Choosing a co-signer in a real browser: typing in the search field asks the server (htmx) and shows matching
bodies on the referral list with a button each; pressing one asks that body to co-sign."""

import pytest
from playwright.sync_api import expect

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import ResponseSignatory
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def answering(db):
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    consultation = ConsultationFactory.create(senders=[region], open=True, title="Regional cykelplan")
    QuestionFactory.create(consultation=consultation)
    nacka = OrganisationFactory.create(name="Nacka kommun", municipality_code="0182")
    respondent = UserFactory.create(email="svarande@nacka.example.se")
    MembershipFactory.create(user=respondent, organisation=nacka, role=Membership.Role.RESPONDENT)
    ReferralFactory.create(consultation=consultation, organisation=nacka, invited=True)
    for name in ("Värmdö kommun", "Tyresö kommun", "Värnamo kommun"):
        ReferralFactory.create(consultation=consultation, organisation=OrganisationFactory.create(name=name))
    return {"consultation": consultation, "nacka": nacka, "respondent": respondent}


def test_typing_a_name_finds_the_body_and_its_button_asks_it_to_co_sign(answering, page, axe, login_as):
    consultation, nacka = answering["consultation"], answering["nacka"]
    login_as(page, answering["respondent"])
    page.goto(f"/remisser/{consultation.pk}/svar/{nacka.pk}/")
    axe.check(page)

    page.get_by_label("Hitta en organisation på remisslistan").press_sequentially("värm", delay=50)

    button = page.get_by_role("button", name="Be Värmdö kommun skriva under")
    expect(button).to_be_visible()
    expect(page.get_by_role("button", name="Be Tyresö kommun skriva under")).to_have_count(0)
    assert page.url.endswith(f"/svar/{nacka.pk}/")  # the search happened in the page, without leaving it
    axe.check(page)

    with page.expect_navigation():
        button.click()
    axe.check(page)
    expect(page.locator(".messages")).to_contain_text("Värmdö kommun")
    assert ResponseSignatory.objects.get().organisation.name == "Värmdö kommun"
