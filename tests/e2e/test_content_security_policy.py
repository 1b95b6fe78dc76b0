"""The content security policy in a real browser: the main pages, with their htmx requests, run without a single
violation (no inline script or style, nothing from another origin), for anonymous visitors, a respondent and a
coordinator. A violation shows up as a `securitypolicyviolation` event and a console error; both are collected."""

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations.deadlines import end_of_day
from samrad.consultations.models import ConsultationDocument
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.documents.services import file_intake
from samrad.documents.tests.samples import make_pdf
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.browser

# Runs in every document before its own scripts: records each violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""


class ViolationWatch:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str, axe: Any) -> None:
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in policy, f"{path} has no content security policy"
        axe.check(self.page)
        self.assert_clean()

    def assert_clean(self) -> None:
        recorded = self.page.evaluate("window.__cspViolations || []")
        problems = [f"{self.page.url}: {text}" for text in recorded] + self.console
        assert not problems, "Content security policy violations:\n" + "\n".join(problems)


@pytest.fixture
def site(db):
    region = OrganisationFactory.create(
        kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None, population=None
    )
    nacka = OrganisationFactory.create(name="Nacka kommun", municipality_code="0182")
    coordinator = UserFactory.create(email="hanna@regionstockholm.example.se", first_name="Hanna", is_staff=True)
    MembershipFactory.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
    respondent = UserFactory.create(email="sven@nacka.example.se", first_name="Sven")
    MembershipFactory.create(user=respondent, organisation=nacka, role=Membership.Role.RESPONDENT)
    consultation = ConsultationFactory.create(
        senders=[region],
        open=True,
        title="Regional utvecklingsplan 2050",
        deadline=end_of_day(timezone.localdate() + dt.timedelta(days=60)),
    )
    QuestionFactory.create(consultation=consultation, text="Vad anser ni om planen?")
    ReferralFactory.create(consultation=consultation, organisation=nacka, invited=True)
    stored = file_intake(actor=coordinator, stream=io.BytesIO(make_pdf("Planen")), name="plan.pdf")
    ConsultationDocument.objects.create(consultation=consultation, title="Planen", file=stored)
    return {"consultation": consultation, "coordinator": coordinator, "respondent": respondent, "nacka": nacka}


def test_public_pages_run_without_csp_violations(page, axe):
    watch = ViolationWatch(page)
    for path in ("/", "/konto/logga-in/", "/remisser/", "/dialog/", "/kunskapsbank/", "/sok/?q=plan"):
        watch.visit(path, axe)


def test_the_respondents_pages_and_autosave_run_without_csp_violations(page, axe, login_as, site):
    consultation, nacka = site["consultation"], site["nacka"]
    watch = ViolationWatch(page)
    login_as(page, site["respondent"])
    for path in ("/konto/", "/remisser/mina/", f"/remisser/{consultation.pk}/"):
        watch.visit(path, axe)
    watch.visit(f"/remisser/{consultation.pk}/svar/{nacka.pk}/", axe)
    # An htmx autosave: the request indicator and the swapped-in status must not need inline styles.
    with page.expect_response(re.compile(r"/spara/")):
        page.get_by_role("textbox").first.fill("Nacka tillstyrker planen.")
    expect(page.locator(".autosave-status").first).not_to_be_empty()
    watch.assert_clean()


def test_the_coordinators_pages_and_searches_run_without_csp_violations(page, axe, login_as, site):
    consultation = site["consultation"]
    watch = ViolationWatch(page)
    login_as(page, site["coordinator"])
    for path in (
        "/samordning/",
        f"/samordning/{consultation.pk}/",
        f"/samordning/{consultation.pk}/oversikt/",
        "/utskick/",
        "/logg/",
        "/dialog/",
    ):
        watch.visit(path, axe)
    watch.visit("/register/", axe)
    # The register's live search swaps the results in with htmx.
    with page.expect_response(re.compile(r"/register/\?")):
        page.get_by_label("Namn").fill("Nacka")
    expect(page.get_by_role("link", name="Nacka kommun")).to_be_visible()
    axe.check(page)  # htmx pushed the search into the address bar
    watch.assert_clean()
