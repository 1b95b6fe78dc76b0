"""The registry's way in, in a real browser: an organisation known only by its registry address answers.

1. the coordinator opens a consultation to Nacka kommun, which has a registry address and nobody else;
2. the invitation reaches the registry through the outbox and a real SMTP server on 127.0.0.1, saying truthfully
   that nobody has a personal link, and carrying the mailbox's own link (valid until the deadline);
3. the registry follows it, confirms, and passes the consultation on to a colleague;
4. the colleague follows the link in their own e-mail, drafts the answer and submits it;
5. the answer is rendered as a PDF in the background and the senders' registry receives the notice with it attached;
6. the coordinator opens the answer from the "Svar" tab and reads every answer to the question.

Registry, colleague and coordinator use the keyboard alone; axe-core checks every page on the way.
"""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from test_consultation_journey import follow, open_consultation_as_coordinator, wait_until_saved

from samrad.accounts.models import Delegation, Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.models import Consultation, Question, Referral, Submission
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory
from samrad.testing.queue import run_queued_tasks

LOGIN_LINK = re.compile(r"https?://127\.0\.0\.1:\d+/konto/lank/\?\S+")
REGISTRY = "registrator@nacka.example.se"
COLLEAGUE = "planerare@nacka.example.se"
ANSWER = "Nacka kommun tillstyrker förslaget. Handläggare: planeringsenheten."

pytestmark = pytest.mark.browser


@pytest.fixture
def hand_over(db):
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION,
        name="Region Stockholm",
        municipality_code=None,
        population=None,
        registry_email="registrator@regionstockholm.example.se",
    )
    coordinator = UserFactory.create(email="handlaggare@regionstockholm.example.se", first_name="Hanna")
    MembershipFactory.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
    nacka = OrganisationFactory.create(name="Nacka kommun", municipality_code="0182", registry_email=REGISTRY)
    consultation = ConsultationFactory.create(
        senders=[region], title="Regional cykelplan", reference_number="RS 2026/0077"
    )
    question = QuestionFactory.create(
        consultation=consultation, order=1, text="Har ni synpunkter på planen?", kind=Question.Kind.TEXT
    )
    referral = ReferralFactory.create(consultation=consultation, organisation=nacka)
    return {
        "coordinator": coordinator,
        "nacka": nacka,
        "consultation": consultation,
        "question": question,
        "referral": referral,
    }


def link_to(smtp_server, address: str, count: int) -> tuple[str, str]:
    """Deliver the outbox and return the body and the login link of the message to `address`."""
    run_queued_tasks()
    messages = smtp_server.wait_for_messages(count)
    [message] = [m for m in messages if address in m.envelope_to]
    body = message.body()
    match = LOGIN_LINK.search(body)
    assert match, f"No login link in the message to {address}:\n{body}"
    return body, match.group(0)


def message_to(smtp_server, address: str, subject_part: str, timeout: float = 15.0):
    """The message to `address` whose subject contains `subject_part`, once the SMTP server has it."""
    deadline = time.monotonic() + timeout
    while True:
        run_queued_tasks()
        found = [m for m in smtp_server.wait_for_messages(1) if address in m.envelope_to and subject_part in m.subject]
        if found or time.monotonic() > deadline:
            assert found, f"No message to {address} about {subject_part!r}"
            return found[0]
        time.sleep(0.2)


def fits_320_px(page) -> None:
    """The page reflows at 320 CSS px (WCAG 1.4.10): nothing makes the page itself scroll sideways."""
    page.set_viewport_size({"width": 320, "height": 640})
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide at 320 px"


def confirm_login(page, axe, keys, url: str) -> None:
    """The confirm step of a login link (mail scanners must not use the link up), by keyboard."""
    axe.check(page)
    keys.tab_to(page.locator("main button[type=submit]"))
    follow(page, lambda: page.keyboard.press("Enter"), url)
    axe.check(page)


def test_a_registry_only_organisation_passes_the_consultation_on_and_the_colleague_answers(
    hand_over, smtp_server, page, new_page, axe, keyboard, login_as
):
    consultation, nacka, question = hand_over["consultation"], hand_over["nacka"], hand_over["question"]
    answer_path = rf"/remisser/{consultation.pk}/svar/{nacka.pk}/$"

    # 1. The coordinator opens the consultation.
    login_as(page, hand_over["coordinator"])
    open_consultation_as_coordinator(page, axe, consultation)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN

    # 2. The registry's invitation: nobody has a personal link; the mailbox's own link is valid until the deadline.
    body, registry_link = link_to(smtp_server, REGISTRY, 1)
    assert "Ingen på Nacka kommun har ännu någon personlig inloggningslänk" in body
    assert "grant=" in registry_link

    # 3. The registry logs in and passes the consultation on, with the keyboard alone.
    registry_page = new_page()
    registry_keys = keyboard(registry_page)
    registry_page.goto(registry_link)
    confirm_login(registry_page, axe, registry_keys, rf"/remisser/{consultation.pk}/svar/{nacka.pk}/vidarebefordra/$")
    registry_keys.tab_to(registry_page.locator("#id_emails"))
    registry_page.keyboard.type(COLLEAGUE)
    registry_keys.tab_to(registry_page.locator("main form button[type=submit]"))
    follow(registry_page, lambda: registry_page.keyboard.press("Enter"), r"/vidarebefordra/$")
    axe.check(registry_page)
    expect(registry_page.locator("main table")).to_contain_text(COLLEAGUE)
    assert Delegation.objects.get().user.email == COLLEAGUE
    fits_320_px(registry_page)

    # The registry is Nacka's gatekeeper: from its account page to Nacka's people, who include the colleague.
    registry_page.goto("/konto/")
    axe.check(registry_page)
    people = f"/konto/organisationer/{nacka.pk}/personer/"
    registry_keys.tab_to(registry_page.locator(f"main a[href='{people}']"))
    follow(registry_page, lambda: registry_page.keyboard.press("Enter"), rf"{people}$")
    axe.check(registry_page)
    expect(registry_page.locator("main")).to_contain_text(COLLEAGUE)
    fits_320_px(registry_page)

    # 4. The colleague follows their own e-mail, drafts and submits, with the keyboard alone.
    _, colleague_link = link_to(smtp_server, COLLEAGUE, 2)
    colleague_page = new_page()
    keys = keyboard(colleague_page)
    colleague_page.goto(colleague_link)
    confirm_login(colleague_page, axe, keys, answer_path)
    keys.tab_to(colleague_page.locator(f"#id_q{question.pk}-text"))
    colleague_page.keyboard.type(ANSWER)
    wait_until_saved(colleague_page, f"q{question.pk}-status")
    keys.tab_to(colleague_page.locator("main a[href$='/skicka/']"))
    follow(colleague_page, lambda: colleague_page.keyboard.press("Enter"), r"/skicka/$")
    axe.check(colleague_page)
    expect(colleague_page.locator("main")).to_contain_text(ANSWER)
    keys.tab_to(colleague_page.locator("main form button[type=submit]"))
    follow(colleague_page, lambda: colleague_page.keyboard.press("Enter"), r"/kvitto/")
    axe.check(colleague_page)

    submission = Submission.objects.get(response__organisation=nacka, response__consultation=consultation)
    assert submission.content["answers"][0]["text"] == ANSWER
    assert Referral.objects.get(pk=hand_over["referral"].pk).status == Referral.Status.SUBMITTED

    # 5. The answer becomes a PDF in the background; the senders' registry is told, with the PDF to file.
    notice = message_to(smtp_server, "registrator@regionstockholm.example.se", "Svar från Nacka kommun")
    assert "RS 2026/0077" in notice.subject
    [pdf] = [part for part in notice.message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_content().startswith(b"%PDF")
    submission.refresh_from_db()
    assert submission.pdf_id is not None

    # 6. The coordinator opens the answer from the "Svar" tab, then every answer to the question.
    keys = keyboard(page)
    dashboard = reverse("coordination:dashboard", args=[consultation.pk])
    page.goto(dashboard)
    axe.check(page)
    answer_url = reverse("reading:answer", args=[consultation.pk, submission.receipt_number])
    keys.tab_to(page.locator(f"main a[href='{answer_url}']"))
    follow(page, lambda: page.keyboard.press("Enter"), rf"{answer_url}$")
    axe.check(page)
    expect(page.locator("main")).to_contain_text(ANSWER)
    expect(page.locator("main")).to_contain_text(submission.receipt_number)
    pdf_url = reverse("coordination:submission_pdf", args=[consultation.pk, submission.receipt_number])
    expect(page.locator(f"main a[href='{pdf_url}']")).to_have_count(1)
    fits_320_px(page)

    page.goto(dashboard)
    axe.check(page)
    per_question = reverse("reading:question", args=[consultation.pk, question.pk])
    keys.tab_to(page.locator(f"main a[href='{per_question}']"))
    follow(page, lambda: page.keyboard.press("Enter"), rf"{per_question}$")
    axe.check(page)
    expect(page.locator("main")).to_contain_text(ANSWER)
    expect(page.locator("main")).to_contain_text("Nacka kommun")
    fits_320_px(page)
