"""The consultation journey in a real browser (Debian's chromium), end to end:

1. the coordinator opens the consultation on the coordinator pages;
2. the outbox delivers the invitation to a real SMTP server on 127.0.0.1;
3. the respondent opens the login link from that e-mail, logs in, drafts the answer (autosaved), attaches a PDF,
   submits and gets the receipt, with the keyboard alone;
4. the coordinator's dashboard shows the body's answer as submitted.

axe-core checks every page on the way (the `page` fixture fails the test if one was missed).
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import Consultation, Question, Referral, Submission
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.testing.queue import run_queued_tasks

COMMENT = "Nacka kommun tillstyrker förslaget med ändringar i avsnitt 5.2 om kollektivtrafiken."
OTHER_VIEWS = "Vi vill att regionen samråder med kommunerna innan planen antas."
THEIR_REFERENCE = "KFKS 2026/123"
DECIDED_BY = "Kommunstyrelsen 2026-10-12 § 143"
LOGIN_LINK = re.compile(r"https?://127\.0\.0\.1:\d+/konto/lank/\?\S+")

pytestmark = pytest.mark.browser


@pytest.fixture
def journey(db):
    """Region Stockholm's draft consultation with two questions and a document, and Nacka kommun on its
    referral list with one person who answers for it."""
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION,
        name="Region Stockholm",
        municipality_code=None,
        population=None,
        registry_email="registrator@regionstockholm.example.se",
    )
    coordinator = UserFactory.create(email="handlaggare@regionstockholm.example.se", first_name="Hanna")
    MembershipFactory.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
    nacka = OrganisationFactory.create(
        name="Nacka kommun", municipality_code="0182", registry_email="registrator@nacka.example.se"
    )
    respondent = UserFactory.create(email="svarande@nacka.example.se", first_name="Sven", last_name="Svensson")
    MembershipFactory.create(user=respondent, organisation=nacka, role=Membership.Role.RESPONDENT)
    consultation = ConsultationFactory.create(
        senders=[region], title="Regional utvecklingsplan för Stockholmsregionen 2050", reference_number="RS 2026/0042"
    )
    stance_question = QuestionFactory.create(
        consultation=consultation, order=1, text="Vad anser ni om förslaget till utvecklingsplan?"
    )
    text_question = QuestionFactory.create(
        consultation=consultation, order=2, text="Har ni övriga synpunkter?", kind=Question.Kind.TEXT
    )
    referral = ReferralFactory.create(consultation=consultation, organisation=nacka)
    return {
        "consultation": consultation,
        "coordinator": coordinator,
        "respondent": respondent,
        "nacka": nacka,
        "referral": referral,
        "stance_question": stance_question,
        "text_question": text_question,
    }


def invitation_link(smtp_server, address: str) -> str:
    """Deliver the outbox (the database task queue, in this process) and return the login link that the
    invitation to `address` carries."""
    run_queued_tasks()
    messages = smtp_server.wait_for_messages(2)
    [invitation] = [m for m in messages if address in m.envelope_to]
    assert "RS 2026/0042" in invitation.subject
    match = LOGIN_LINK.search(invitation.body())
    assert match, f"No login link in the invitation:\n{invitation.body()}"
    return match.group(0)


def wait_until_saved(page, status_id: str) -> None:
    """The autosave status line of a question (or the details) says it saved, with the time."""
    expect(page.locator(f"#{status_id}")).to_have_text(re.compile(r"\d{2}\.\d{2}"))


def follow(page, action, url: str) -> None:
    """Do `action` (a key press, a click), wait for the page it leads to, and fail at once, with that page's own
    words, if it is an error page (a refused CSRF check, a server error) or not the page expected."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    assert response is not None, f"No page loaded after the action (expected {url})"
    assert response.ok, (
        f"{response.request.method} {response.url} answered {response.status}:\n"
        f"{page.locator('body').inner_text()[:800]}"
    )
    expect(page).to_have_url(re.compile(url))


def answer_by_keyboard(page, axe, keys, journey, pdf_path) -> str:
    """The respondent's part, keyboard only: log in from the link, draft, attach, submit. Returns the receipt
    number shown."""
    stance_question, text_question = journey["stance_question"], journey["text_question"]
    # Playwright switches file-chooser interception on without waiting for the browser to confirm; listening
    # from the start (rather than only around the key press) makes sure it is on when the chooser opens.
    page.on("filechooser", lambda chooser: None)

    # The login link asks for a confirming press of a button (mail scanners must not use the link up).
    axe.check(page)
    keys.tab_to(page.locator("main button[type=submit]"))
    follow(
        page,
        lambda: page.keyboard.press("Enter"),
        rf"/remisser/{journey['consultation'].pk}/svar/{journey['nacka'].pk}/$",
    )
    axe.check(page)

    # Who decided, and the body's own reference number: saved as they are typed.
    keys.tab_to(page.locator("#id_details-their_reference"))
    page.keyboard.type(THEIR_REFERENCE)
    page.keyboard.press("Tab")
    assert keys.has_focus(page.locator("#id_details-decided_by"))
    page.keyboard.type(DECIDED_BY)
    wait_until_saved(page, "details-status")

    # Question 1: a stance (arrow keys move through the radio group) and a comment.
    stance = f"q{stance_question.pk}-stance"
    keys.tab_to(page.locator(f"input[name='{stance}']").first)
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    expect(page.locator(f"input[name='{stance}'][value='support_with_changes']")).to_be_checked()
    keys.tab_to(page.locator(f"#id_q{stance_question.pk}-text"))
    page.keyboard.type(COMMENT)
    wait_until_saved(page, f"q{stance_question.pk}-status")

    # Question 2: free text.
    page.keyboard.press("Tab")
    keys.tab_to(page.locator(f"#id_q{text_question.pk}-text"))
    page.keyboard.type(OTHER_VIEWS)
    wait_until_saved(page, f"q{text_question.pk}-status")

    # The signed decision as a PDF: the file input opens the file chooser on Space.
    keys.tab_to(page.locator("input[type=file]"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(pdf_path))
    keys.tab_to(page.locator(".attachment-form button[type=submit]"))
    follow(page, lambda: page.keyboard.press("Enter"), r"/svar/\d+/(#attachments)?$")
    expect(page.locator("#attachments")).to_contain_text(pdf_path.name)
    axe.check(page)

    # Review, then submit.
    keys.tab_to(page.locator("main a[href$='/skicka/']"))
    follow(page, lambda: page.keyboard.press("Enter"), r"/skicka/$")
    axe.check(page)
    expect(page.locator("main")).to_contain_text(COMMENT)
    expect(page.locator("main")).to_contain_text(pdf_path.name)
    keys.tab_to(page.locator("main form button[type=submit]"))
    follow(page, lambda: page.keyboard.press("Enter"), r"/kvitto/")
    axe.check(page)
    receipt_number = page.locator(".receipt-number").inner_text().strip()
    expect(page.locator("main")).to_contain_text(THEIR_REFERENCE)
    expect(page.locator("main")).to_contain_text(pdf_path.name)
    return receipt_number


def test_a_consultation_from_opening_to_a_submitted_answer(
    journey, smtp_server, page, new_page, axe, keyboard, login_as, tmp_path
):
    consultation, nacka = journey["consultation"], journey["nacka"]

    # 1. The coordinator opens the consultation.
    login_as(page, journey["coordinator"])
    open_consultation_as_coordinator(page, axe, consultation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN

    # 2. The invitation reaches the respondent through the outbox and a real SMTP server.
    link = invitation_link(smtp_server, journey["respondent"].email)

    # 3. The respondent, in a browser of their own, with the keyboard alone.
    pdf = tmp_path / "Protokollsutdrag KS 2026-10-12.pdf"
    pdf.write_bytes(make_pdf("Protokollsutdrag", "Kommunstyrelsen 2026-10-12 § 143"))
    respondent_page = new_page()
    respondent_page.goto(link)
    receipt_number = answer_by_keyboard(respondent_page, axe, keyboard(respondent_page), journey, pdf)

    submission = Submission.objects.get(response__organisation=nacka, response__consultation=consultation)
    assert submission.receipt_number == receipt_number
    assert submission.content["their_reference"] == THEIR_REFERENCE
    assert submission.content["decided_by"] == DECIDED_BY
    answers = {a["question_id"]: a for a in submission.content["answers"]}
    assert answers[journey["stance_question"].pk]["stance"] == "support_with_changes"
    assert answers[journey["stance_question"].pk]["text"] == COMMENT
    assert answers[journey["text_question"].pk]["text"] == OTHER_VIEWS
    [attachment] = submission.attachments.all()
    assert attachment.original_name == pdf.name and attachment.content_type == "application/pdf"
    assert Referral.objects.get(pk=journey["referral"].pk).status == Referral.Status.SUBMITTED

    # 4. The coordinator's dashboard shows Nacka's answer as submitted.
    show_submitted_on_dashboard(page, axe, consultation, nacka)


def open_consultation_as_coordinator(page, axe, consultation) -> None:
    """From the coordinator's list to the consultation, its opening page, and the open consultation's answers."""
    page.goto("/samordning/")
    axe.check(page)
    follow(page, page.locator(f"main a[href='/samordning/{consultation.pk}/']").first.click, rf"/{consultation.pk}/$")
    axe.check(page)
    follow(page, page.locator(f"main a[href='/samordning/{consultation.pk}/oppna/']").click, r"/oppna/$")
    axe.check(page)
    follow(page, page.locator("main form[method=post] button[type=submit]").last.click, r"/oversikt/$")
    axe.check(page)
    expect(page.locator(".messages")).to_be_visible()


def show_submitted_on_dashboard(page, axe, consultation, organisation) -> None:
    """The coordinator's dashboard, loaded afresh, has the body's row saying "submitted" (in Swedish)."""
    page.goto(f"/samordning/{consultation.pk}/oversikt/")
    axe.check(page)
    with translation.override("sv"):
        submitted = str(Referral.Status.SUBMITTED.label)
    row = page.locator("main table tbody tr", has_text=organisation.name)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(re.compile(re.escape(submitted), re.IGNORECASE))
