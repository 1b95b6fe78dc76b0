"""No text lost on the answer page, in real browsers (Debian's chromium), issue 8:

1. Two colleagues, two browsers: saving an older copy of the page keeps the other's addition to a question not
   touched; a real conflict shows both texts and is settled only by an explicit choice.
2. The server cannot be reached while typing: the status says so, the text survives a reload, and is saved once
   the server answers; leaving the page with unsaved text asks first.
3. The session ends while typing: the page says so (the login page is never pasted in), keeps the text, and
   after logging in again the text is put back and saved.
4. Pressing Enter twice on "Lämna in" sends one submission.
"""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from samrad.consultations import responses
from samrad.consultations.models import Answer, Question, Submission
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser

ERIKS_ADDITION = " Eriks tillägg: kollektivtrafiken måste byggas ut först."
SAVED = re.compile(r"Sparat \d{2}\.\d{2}")


@pytest.fixture
def draft(db):
    """An open consultation with a stance question and a free-text question; Nacka kommun's draft answers
    both; Lina and Erik answer for Nacka."""
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )
    nacka = OrganisationFactory.create(name="Nacka kommun", registry_email="registrator@nacka.example.se")
    consultation = ConsultationFactory.create(
        open=True, senders=[region], title="Regional cykelplan", reference_number="RS 2026/0077"
    )
    stance_question = QuestionFactory.create(consultation=consultation, order=1, text="Vad anser ni om planen?")
    text_question = QuestionFactory.create(
        consultation=consultation, order=2, text="Övriga synpunkter", kind=Question.Kind.TEXT
    )
    ReferralFactory.create(consultation=consultation, organisation=nacka, invited=True)
    lina = member_of(nacka, first_name="Lina", last_name="Lind", email="lina@nacka.example.se")
    erik = member_of(nacka, first_name="Erik", last_name="Ek", email="erik@nacka.example.se")
    response = responses.response_get_or_create_draft(actor=lina, consultation=consultation, organisation=nacka)
    responses.answer_save(
        actor=lina,
        response=response,
        question=stance_question,
        stance="support",
        text="Vi tillstyrker.",
        base_version=0,
    )
    responses.answer_save(
        actor=lina, response=response, question=text_question, stance="", text="Inget.", base_version=0
    )
    return {
        "consultation": consultation,
        "nacka": nacka,
        "lina": lina,
        "erik": erik,
        "q1": stance_question,
        "q2": text_question,
        "url": f"/remisser/{consultation.pk}/svar/{nacka.pk}/",
    }


def open_answer_page(page, axe, login_as, user, url, *, retry_ms: int = 3_600_000):
    """Log in and open the answer page. Failed saves are tried again after `retry_ms` (by default not during
    the test, so that each step sees what it set up)."""
    login_as(page, user)
    page.goto(url)
    axe.check(page)
    page.evaluate("ms => { document.getElementById('answer-form').dataset.retryMs = String(ms); }", retry_ms)


def box(page, question):
    return page.locator(f"#id_q{question.pk}-text")


def status(page, question):
    return page.locator(f"#q{question.pk}-status")


def stored_text(question) -> str:
    return Answer.objects.get(question=question).text


def test_two_colleagues_never_overwrite_each_other(draft, page, new_page, axe, login_as):
    q1, q2 = draft["q1"], draft["q2"]
    lina = page
    open_answer_page(lina, axe, login_as, draft["lina"], draft["url"])  # Lina's copy, opened first
    erik = new_page()
    open_answer_page(erik, axe, login_as, draft["erik"], draft["url"])

    # Erik adds to question 2; it is autosaved.
    box(erik, q2).click()
    box(erik, q2).press("End")
    box(erik, q2).press_sequentially(ERIKS_ADDITION)
    expect(status(erik, q2)).to_have_text(SAVED)
    assert stored_text(q2) == "Inget." + ERIKS_ADDITION

    # Lina, on her older copy, changes question 1 only and saves the whole draft.
    lina.route(re.compile(r"/spara/$"), lambda route: route.abort())  # her autosave is not what is tested here
    box(lina, q1).fill("Vi tillstyrker med ändringar.")
    with lina.expect_navigation():
        lina.get_by_role("button", name="Spara utkastet", exact=True).click()
    axe.check(lina)
    expect(lina.locator(".messages")).to_contain_text("Utkastet är sparat")
    assert stored_text(q1) == "Vi tillstyrker med ändringar."
    assert stored_text(q2) == "Inget." + ERIKS_ADDITION, "Erik's addition must survive Lina's save"
    expect(box(lina, q2)).to_have_value("Inget." + ERIKS_ADDITION)
    lina.unroute(re.compile(r"/spara/$"))

    # A real conflict: both change question 2. Erik first (his copy is current after a reload) ...
    erik.reload()
    axe.check(erik)
    box(erik, q2).fill("Inget." + ERIKS_ADDITION + " Och gång- och cykelvägar.")
    expect(status(erik, q2)).to_have_text(SAVED)
    # ... then Lina, whose copy is one version older: her autosave shows both texts.
    box(lina, q2).fill("Linas egen text.")
    conflict = lina.locator(f"#question-{q2.pk} .conflict")
    expect(conflict).to_contain_text("Någon annan ändrade svaret medan du skrev")
    expect(conflict).to_contain_text("Och gång- och cykelvägar.")
    expect(conflict).to_contain_text("Linas egen text.")
    axe.check(lina)

    # "Spara utkastet" does not settle it: the page comes back with the conflict, Erik's text stays.
    with lina.expect_navigation() as navigation:
        lina.get_by_role("button", name="Spara utkastet", exact=True).click()
    assert navigation.value.status == 409
    axe.check(lina)
    expect(lina.locator("#error-summary")).to_contain_text("någon annan ändrade svaret medan du skrev")
    assert stored_text(q2) == "Inget." + ERIKS_ADDITION + " Och gång- och cykelvägar."
    expect(box(lina, q2)).to_have_value("Linas egen text.")
    # Her text is kept in the browser until the conflict is settled.
    [entry] = unsaved_entries(lina).values()
    assert entry["fields"] == {f"q{q2.pk}-text": "Linas egen text."}

    # She puts both texts in the box, edits them into one, and saves that, explicitly.
    lina.get_by_role("button", name="Lägg in båda texterna i rutan").click()
    expect(box(lina, q2)).to_have_value("Inget." + ERIKS_ADDITION + " Och gång- och cykelvägar.\n\nLinas egen text.")
    assert stored_text(q2) == "Inget." + ERIKS_ADDITION + " Och gång- och cykelvägar."
    merged = "Inget." + ERIKS_ADDITION + " Och gång- och cykelvägar. Linas egen text."
    box(lina, q2).fill(merged)
    lina.get_by_role("button", name="Spara texten i rutan").click()
    expect(status(lina, q2)).to_have_text(SAVED)
    expect(lina.locator(f"#question-{q2.pk} .conflict")).to_have_count(0)
    axe.check(lina)
    assert stored_text(q2) == merged
    assert unsaved_entries(lina) == {}


def unsaved_entries(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(localStorage)
            .filter(key => key.startsWith("samrad:unsaved:"))
            .map(key => [key, JSON.parse(localStorage.getItem(key))]))"""
    )


def warns_before_leaving(page) -> bool:
    """Whether the page's beforeunload handler asks before leaving (as the browser's own dialog does)."""
    return bool(
        page.evaluate(
            """() => { const e = new Event("beforeunload", {cancelable: true});
                       window.dispatchEvent(e); return e.defaultPrevented; }"""
        )
    )


def test_the_server_unreachable_while_typing(draft, page, axe, login_as):
    q1 = draft["q1"]
    open_answer_page(page, axe, login_as, draft["lina"], draft["url"])
    assert not warns_before_leaving(page)

    # The autosave never reaches the server (the connection is gone).
    page.route(re.compile(r"/spara/$"), lambda route: route.abort("internetdisconnected"))
    box(page, q1).click()
    box(page, q1).press("End")
    box(page, q1).press_sequentially(" Skrivet utan förbindelse.")
    expect(status(page, q1)).to_contain_text("Inte sparat: det finns ingen kontakt med servern")
    expect(status(page, q1)).not_to_contain_text("Sparat 1")
    axe.check(page)
    assert stored_text(q1) == "Vi tillstyrker."
    [entry] = unsaved_entries(page).values()
    assert entry["fields"][f"q{q1.pk}-text"] == "Vi tillstyrker. Skrivet utan förbindelse."
    assert warns_before_leaving(page)

    # A server error is said as such.
    page.unroute(re.compile(r"/spara/$"))
    page.route(re.compile(r"/spara/$"), lambda route: route.fulfill(status=500, body="Server Error"))
    box(page, q1).press_sequentially("!")
    expect(status(page, q1)).to_contain_text("Inte sparat: det blev ett fel på servern (fel 500)")
    assert stored_text(q1) == "Vi tillstyrker."

    # Reloading (the browser asks first) puts the text back, and it is saved now that the server answers.
    page.unroute(re.compile(r"/spara/$"))
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.reload()
    assert asked == ["beforeunload"]
    expect(box(page, q1)).to_have_value("Vi tillstyrker. Skrivet utan förbindelse.!")
    expect(status(page, q1)).to_have_text(SAVED)
    axe.check(page)
    assert stored_text(q1) == "Vi tillstyrker. Skrivet utan förbindelse.!"
    assert unsaved_entries(page) == {}
    assert not warns_before_leaving(page)


def test_unsaved_text_is_offered_not_applied_when_a_colleague_changed_the_answer(draft, page, axe, login_as):
    q1 = draft["q1"]
    open_answer_page(page, axe, login_as, draft["lina"], draft["url"])
    page.route(re.compile(r"/spara/$"), lambda route: route.abort("internetdisconnected"))
    box(page, q1).fill("Linas osparade text.")
    expect(status(page, q1)).to_contain_text("Inte sparat")
    page.unroute(re.compile(r"/spara/$"))

    # Meanwhile Erik saves question 1.
    response = draft["consultation"].responses.get()
    responses.answer_save(
        actor=draft["erik"], response=response, question=q1, stance="oppose", text="Eriks text.", base_version=1
    )

    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    page.evaluate("() => { document.getElementById('answer-form').dataset.retryMs = '3600000'; }")
    offer = page.locator(f"#question-{q1.pk} .autosave-offer")
    expect(offer).to_contain_text("Linas osparade text.")
    expect(box(page, q1)).to_have_value("Eriks text.")  # not silently replaced
    axe.check(page)
    assert stored_text(q1) == "Eriks text."

    # Using it shows both versions to choose from; nothing is overwritten meanwhile.
    offer.get_by_role("button", name="Använd min osparade text").click()
    conflict = page.locator(f"#question-{q1.pk} .conflict")
    expect(conflict).to_contain_text("Eriks text.")
    expect(conflict).to_contain_text("Linas osparade text.")
    assert stored_text(q1) == "Eriks text."
    page.get_by_role("button", name="Spara texten i rutan").click()
    expect(status(page, q1)).to_have_text(SAVED)
    axe.check(page)
    assert stored_text(q1) == "Linas osparade text."


def test_the_session_ends_while_typing(draft, page, axe, login_as):
    q2 = draft["q2"]
    open_answer_page(page, axe, login_as, draft["lina"], draft["url"])

    # The session ends on the server (it expired, or was ended elsewhere).
    [cookie] = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    Session.objects.filter(session_key=cookie["value"]).delete()

    box(page, q2).fill("Text skriven efter att sessionen tog slut.")
    expect(status(page, q2)).to_contain_text("Inte sparat: du är utloggad. Logga in igen i en ny flik")
    login_link = status(page, q2).get_by_role("link", name="Logga in i en ny flik")
    expect(login_link).to_have_attribute("target", "_blank")
    expect(login_link).to_have_attribute("href", re.compile(r"/konto/.*next="))
    # The login page is not pasted into the form, and the text is still in the box.
    expect(page.locator("#answer-form input[type=email]")).to_have_count(0)
    expect(box(page, q2)).to_have_value("Text skriven efter att sessionen tog slut.")
    axe.check(page)
    assert stored_text(q2) == "Inget."

    # Logged in again (a new session), the page is reloaded: the text is put back and saved.
    login_as(page, draft["lina"])
    page.on("dialog", lambda dialog: dialog.accept())
    page.reload()
    expect(box(page, q2)).to_have_value("Text skriven efter att sessionen tog slut.")
    expect(status(page, q2)).to_have_text(SAVED)
    axe.check(page)
    assert stored_text(q2) == "Text skriven efter att sessionen tog slut."
    assert unsaved_entries(page) == {}


def test_pressing_enter_twice_on_submit_sends_one_submission(draft, page, axe, login_as):
    login_as(page, draft["lina"])
    page.goto(draft["url"] + "skicka/")
    axe.check(page)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    button = page.get_by_role("button", name="Lämna in svaret")
    button.focus()
    with page.expect_navigation(url=re.compile(r"/kvitto/")):
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
    axe.check(page)

    assert len(posts) == 1, posts
    assert Submission.objects.count() == 1
    assert OutboundEmail.objects.filter(category="consultation.receipt").count() == 1


def test_a_failed_save_is_tried_again_when_the_connection_is_back(draft, page, axe, login_as):
    q1 = draft["q1"]
    open_answer_page(page, axe, login_as, draft["lina"], draft["url"], retry_ms=300)
    page.route(re.compile(r"/spara/$"), lambda route: route.abort("internetdisconnected"))
    box(page, q1).fill("Sparas när förbindelsen är tillbaka.")
    expect(status(page, q1)).to_contain_text("Inte sparat: det finns ingen kontakt med servern")
    page.unroute(re.compile(r"/spara/$"))

    expect(status(page, q1)).to_have_text(SAVED)  # without a reload
    assert stored_text(q1) == "Sparas när förbindelsen är tillbaka."
    assert unsaved_entries(page) == {}
    axe.check(page)
