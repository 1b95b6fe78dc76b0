"""'Who answered alike' in a real browser, by keyboard only: from the "Analys" tab the coordinator opens it, reads
the groups (the picture with its text alternative, then the tables), and queues a new comparison. Passes axe and
fits 320 CSS px."""

import pytest
from playwright.sync_api import expect
from test_reading import NARROW, fits

from samrad.analysis.alike import similarity_build
from samrad.analysis.evaluation.alike import example
from samrad.analysis.models import SimilarityRun
from samrad.consultations.responses import answer_save, response_get_or_create_draft, response_submit
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def compared(db):
    """The labelled example's twelve answers, compared: a campaign of four copies and three answers on cycling."""
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    coordinator = member_of(region, role="coordinator", email="handlaggare@regionstockholm.example.se")
    consultation = ConsultationFactory.create(senders=[region], open=True, title="Regional trafikplan")
    question = QuestionFactory.create(consultation=consultation, text="Vad anser ni om förslaget?")
    for item in example():
        organisation = OrganisationFactory.create(name=item["name"])
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
        person = member_of(organisation)
        draft = response_get_or_create_draft(actor=person, consultation=consultation, organisation=organisation)
        answer_save(
            actor=person, response=draft, question=question, stance=item["stance"], text=item["text"], base_version=0
        )
        response_submit(actor=person, response=draft)
    similarity_build(actor=coordinator, consultation=consultation)
    return {"consultation": consultation, "coordinator": coordinator}


def test_the_coordinator_reads_who_answered_alike_by_keyboard_at_320_px(compared, page, axe, login_as, keyboard):
    consultation = compared["consultation"]
    page.set_viewport_size(NARROW)
    login_as(page, compared["coordinator"])
    page.goto(f"/samordning/{consultation.pk}/analys/")
    axe.check(page)
    keys = keyboard(page)
    keys.tab_to(page.get_by_role("link", name="Vilka svarade likadant"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/samordning/{consultation.pk}/analys/lika-svar/")
    axe.check(page)
    fits(page)
    expect(page.get_by_role("img", name="Likhet mellan svar, ordnade efter grupp")).to_be_visible()
    groups = page.get_by_role("region", name="Grupper av svar som liknar varandra")
    expect(groups.get_by_role("row", name="Grupp 1")).to_contain_text("Fråga 1: avstyrker")
    expect(groups.get_by_role("row", name="Grupp 2")).to_contain_text("Fråga 1: tillstyrker")
    keys.tab_to(groups)  # the table scrolls on its own, by keyboard too
    second = page.get_by_role("region", name="Svar i grupp 2, mest typiska först")
    keys.tab_to(second.get_by_role("link", name="Sollentuna kommun").first)

    keys.tab_to(page.get_by_role("button", name="Jämför svaren igen"), backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe.check(page)
    fits(page)
    expect(page.get_by_role("status").filter(has_text="Svaren väntar på att jämföras")).to_be_visible()
    assert SimilarityRun.objects.filter(consultation=consultation, status=SimilarityRun.Status.QUEUED).exists()
