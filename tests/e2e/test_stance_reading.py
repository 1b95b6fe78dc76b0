"""A stance read from a paper answer's text, in a real browser: the coordinator queues the reading from the "Svar"
tab by keyboard, sees the reading marked as such with the sentence it rests on, and confirms it. Every page
passes axe and fits 320 CSS px without scrolling sideways."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samrad.analysis.services import stances_read
from samrad.consultations.models import SubmissionStance
from samrad.consultations.responses import response_register_on_behalf
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.documents.services import stored_file_extract_text
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
DECISION = (
    "Kommunstyrelsen beslutar att tillstyrka förslaget till regional cykelplan under förutsättning att regionen "
    "finansierar cykelbanan längs Värmdöleden och att kommunens synpunkter på tidplanen beaktas."
)


@pytest.fixture
def paper_answer(db):
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    coordinator = member_of(region, role="coordinator", email="handlaggare@regionstockholm.example.se")
    consultation = ConsultationFactory.create(senders=[region], open=True, title="Regional cykelplan")
    question = QuestionFactory.create(consultation=consultation, text="Vad anser ni om förslaget till cykelplan?")
    taby = OrganisationFactory.create(name="Täby kommun")
    ReferralFactory.create(consultation=consultation, organisation=taby, invited=True)
    submission = response_register_on_behalf(
        actor=coordinator,
        consultation=consultation,
        organisation=taby,
        received_at=timezone.now() - dt.timedelta(days=1),
        stream=io.BytesIO(make_pdf(f"Protokollsutdrag\nBeslut\n{DECISION}", wrap=60)),
        filename="protokoll.pdf",
        channel="paper",
    )
    for stored in submission.attachments.all():
        stored_file_extract_text(stored_file=stored)
    return {"consultation": consultation, "coordinator": coordinator, "submission": submission, "question": question}


def test_a_reading_is_shown_and_confirmed_by_keyboard_at_320_px(paper_answer, new_page, axe, login_as):
    consultation, submission = paper_answer["consultation"], paper_answer["submission"]
    stances_read(actor=paper_answer["coordinator"], consultation=consultation)
    page = new_page()
    page.set_viewport_size(NARROW)
    login_as(page, paper_answer["coordinator"])

    page.goto(f"/samordning/{consultation.pk}/oversikt/")
    expect(page.get_by_role("button", name="Läs de ställningstaganden som saknas ur texten")).to_be_visible()
    axe.check(page)
    assert page.evaluate(OVERFLOW_JS) <= 0

    page.goto(f"/samordning/{consultation.pk}/svar/{submission.receipt_number}/")
    expect(page.get_by_text("läst ur texten: bekräfta eller rätta")).to_be_visible()
    expect(page.locator("q")).to_contain_text("under förutsättning att regionen finansierar")
    axe.check(page)
    assert page.evaluate(OVERFLOW_JS) <= 0

    select = page.get_by_label("Rätta ställningstagandet i fråga 1")
    select.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("läst ur texten")).to_have_count(0)
    row = SubmissionStance.objects.get(submission=submission, is_current=True)
    assert (row.stance, row.source) == ("support_with_changes", "senders")
