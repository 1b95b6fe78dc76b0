"""The registry's way in, in a real browser: an organisation known only by its registry address answers.

1. the coordinator opens a consultation to Nacka kommun, which has a registry address and nobody else;
2. the invitation reaches the registry through the outbox and a real SMTP server on 127.0.0.1, saying truthfully
   that nobody has a personal link, and carrying the mailbox's own link (valid until the deadline);
3. the registry follows it, confirms, and passes the consultation on to a colleague;
4. the colleague follows the link in their own e-mail, drafts the answer and submits it.

Registry and colleague use the keyboard alone; axe-core checks every page on the way.
"""

import re

import pytest
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
