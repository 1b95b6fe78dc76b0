"""Production headers: `check --deploy` is clean with production settings, every page carries the content security
policy, and whatever a signed-in person sees is private and never stored by a cache."""

import datetime as dt
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.consultations import responses
from samrad.consultations.deadlines import end_of_day
from samrad.consultations.models import ConsultationDocument
from samrad.consultations.tests.factories import ConsultationFactory, QuestionFactory, ReferralFactory
from samrad.consultations.tests.factories_responses import AnswerFactory, pdf_file
from samrad.documents.services import file_intake
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import ContactPersonFactory, OrganisationFactory

PROJECT_DIR = Path(settings.BASE_DIR).parent.parent


def production_environment() -> dict[str, str]:
    """What an operator sets (see .env.example): DEBUG off, a real key, the host, TLS at the proxy."""
    keep = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "SECURE_", "AUDIT_"))}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "samrad.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "samrad.example.se",
        "CSRF_TRUSTED_ORIGINS": "https://samrad.example.se",
        "SITE_URL": "https://samrad.example.se",
        "BEHIND_TLS_PROXY": "1",
        "SECURE_COOKIES": "1",
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(48),
        "PYTHONPATH": str(PROJECT_DIR / "src"),
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    environment = production_environment()
    environment["SAMRAD_VAR_DIR"] = str(tmp_path)
    environment["AUDIT_ANCHOR_FILE"] = str(tmp_path / "audit-anchors.jsonl")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.mark.django_db
def test_every_page_carries_the_content_security_policy(client):
    response = client.get(reverse("core:home"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # htmx is told not to add its indicator styles as an inline <style> (our stylesheet has them).
    assert 'name="htmx-config" content=\'{"includeIndicatorStyles": false}\'' in response.text
    assert ".htmx-indicator" in (Path(settings.BASE_DIR) / "ui/static/samrad/samrad.css").read_text()


@pytest.mark.django_db
def test_production_redirects_plain_http_and_sends_hsts_over_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True  # the production value (see the deploy check); off for the test client
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60
    plain = client.get(reverse("core:home"))
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert client.get(reverse("core:health")).status_code == 200  # load balancers probe the backend over http
    secure = client.get(reverse("core:home"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def is_private(response) -> bool:
    directives = {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


@pytest.mark.django_db
def test_everything_a_signed_in_person_sees_is_private_and_not_stored(client):
    region = OrganisationFactory.create(kind=Organisation.Kind.REGION, name="Region Stockholm", municipality_code=None)
    nacka = OrganisationFactory.create(name="Nacka kommun")
    coordinator = UserFactory.create(email="hanna@region.example.se", is_staff=True)
    MembershipFactory.create(user=coordinator, organisation=region, role=Membership.Role.COORDINATOR)
    respondent = UserFactory.create(email="sven@nacka.example.se")
    MembershipFactory.create(user=respondent, organisation=nacka, role=Membership.Role.RESPONDENT)
    contact = ContactPersonFactory.create(organisation=region)
    consultation = ConsultationFactory.create(
        senders=[region], open=True, deadline=end_of_day(timezone.localdate() + dt.timedelta(days=30))
    )
    question = QuestionFactory.create(consultation=consultation)
    ReferralFactory.create(consultation=consultation, organisation=nacka, invited=True)
    stored = file_intake(actor=coordinator, stream=pdf_file("Förslaget"), name="forslag.pdf")
    document = ConsultationDocument.objects.create(consultation=consultation, title="Förslag", file=stored)
    draft = responses.response_get_or_create_draft(actor=respondent, consultation=consultation, organisation=nacka)
    AnswerFactory.create(response=draft, question=question)
    submission = responses.response_submit(actor=respondent, response=draft)

    client.force_login(respondent)
    respondent_pages = [
        reverse("accounts:profile"),
        reverse("consultations:mine"),
        reverse("consultations:respond", args=[consultation.pk, nacka.pk]),
        reverse("consultations:receipt", args=[consultation.pk, submission.receipt_number]),
        reverse("consultations:document", args=[consultation.pk, document.pk]),
        reverse("core:home"),  # even a public page: it shows the person's name and menu
    ]
    for url in respondent_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_private(response), (url, response.get("Cache-Control"))

    client.force_login(coordinator)
    coordinator_pages = [
        reverse("coordination:list"),
        reverse("coordination:dashboard", args=[consultation.pk]),
        reverse("consultation_exports:csv", args=[consultation.pk]),
        reverse("organisations:detail", args=[region.pk]),
        reverse("organisations:contact_edit", args=[region.pk, contact.pk]),
        reverse("notifications:outbox"),
        reverse("audit:list"),
    ]
    for url in coordinator_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert is_private(response), (url, response.get("Cache-Control"))


@pytest.mark.django_db
def test_public_pages_for_anonymous_visitors_are_not_marked_private(client):
    consultation = ConsultationFactory.create(open=True)
    for url in (reverse("core:home"), reverse("consultations:detail", args=[consultation.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", "")
