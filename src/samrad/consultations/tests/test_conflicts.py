"""Two colleagues edit the same answer in two sessions. The second save gets a conflict showing both versions
(who saved the other one, and when) and the database keeps the first; nothing is overwritten until the user
chooses. Through htmx autosave and through the plain form."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from samrad.consultations.models import Answer, Referral, Response
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def referral(open_consultation, municipality):
    return ReferralFactory.create(consultation=open_consultation, organisation=municipality, invited=True)


@pytest.fixture
def sessions(respondent, municipality, referral):
    """Two browsers: Sven (respondent) and his colleague Karin, both answering for Nacka kommun."""
    karin = member_of(municipality, first_name="Karin", last_name="Kollega", email="karin@nacka.example.se")
    sven_client, karin_client = Client(), Client()
    sven_client.force_login(respondent)
    karin_client.force_login(karin)
    return sven_client, karin_client


def _version_on_page(page, question):
    match = re.search(rf'name="q{question.pk}-version" value="(\d+)"', page.text)
    assert match, "the page carries the version the user starts from"
    return match.group(1)


def test_the_second_autosave_gets_both_versions_and_the_first_stays(sessions, referral):
    sven, karin = sessions
    question = referral.consultation.questions.get()
    page_url = reverse("consultations:respond", args=[referral.consultation_id, referral.organisation_id])
    save_url = reverse(
        "consultations:autosave_answer", args=[referral.consultation_id, referral.organisation_id, question.pk]
    )
    # Both open the page before anything is saved: the same version.
    sven_version = _version_on_page(sven.get(page_url), question)
    karin_version = _version_on_page(karin.get(page_url), question)
    assert sven_version == karin_version == "0"

    prefix = f"q{question.pk}"
    first = karin.post(
        save_url,
        {
            f"{prefix}-stance": "support",
            f"{prefix}-text": "Karins text om förslaget",
            f"{prefix}-version": karin_version,
        },
        **HTMX,
    )
    assert first.status_code == 200 and "Sparat" in first.text

    second = sven.post(
        save_url,
        {f"{prefix}-stance": "oppose", f"{prefix}-text": "Svens text <b>fet</b>", f"{prefix}-version": sven_version},
        **HTMX,
    )
    assert second.status_code == 200
    assert second["HX-Retarget"] == f"#question-{question.pk}" and second["HX-Reswap"] == "outerHTML"
    text = second.text
    assert "Någon annan ändrade svaret medan du skrev" in text
    assert "Karins text om förslaget" in text and "Sparat av Karin Kollega" in text
    assert "Svens text &lt;b&gt;fet&lt;/b&gt;" in text and "<b>fet</b>" not in text
    assert "Tillstyrker" in text and "Avstyrker" in text
    assert "Spara texten i rutan" in text and "Behåll den sparade versionen" in text
    assert "Lägg in båda texterna i rutan" in text
    assert 'hx-trigger="input changed' not in text, "no autosave while the conflict is open"

    answer = Answer.objects.get()
    assert (answer.text, answer.stance, answer.version) == ("Karins text om förslaget", "support", 1)


def test_choosing_a_version_settles_the_conflict(sessions, referral):
    sven, karin = sessions
    question = referral.consultation.questions.get()
    prefix = f"q{question.pk}"
    save_url = reverse(
        "consultations:autosave_answer", args=[referral.consultation_id, referral.organisation_id, question.pk]
    )
    karin.post(save_url, {f"{prefix}-text": "Karin", f"{prefix}-version": "0"}, **HTMX)
    conflict = sven.post(save_url, {f"{prefix}-text": "Sven", f"{prefix}-version": "0"}, **HTMX)
    # The conflict form keeps the version Sven started from (a plain save meets the conflict again) and carries
    # the stored version apart, for "keep mine" only: keeping mine is an explicit choice, not a silent race.
    assert f'name="{prefix}-version" value="0"' in conflict.text
    assert f'name="{prefix}-theirs_version" value="1"' in conflict.text

    theirs = sven.post(save_url, {f"{prefix}-resolution": "theirs"}, **HTMX)
    assert theirs.status_code == 200 and "\nKarin</textarea>" in theirs.text
    assert theirs["X-Autosave"] == "resolved-theirs"
    assert Answer.objects.get().text == "Karin"

    mine = sven.post(
        save_url,
        {
            f"{prefix}-text": "Sven och Karin",
            f"{prefix}-version": "0",
            f"{prefix}-theirs_version": "1",
            f"{prefix}-resolution": "mine",
        },
        **HTMX,
    )
    assert mine.status_code == 200 and "Sparat" in mine.text
    assert mine["X-Autosave"] == "resolved-mine"
    answer = Answer.objects.get()
    assert (answer.text, answer.version) == ("Sven och Karin", 2)


def test_the_plain_form_has_the_same_conflict_check(sessions, referral):
    sven, karin = sessions
    question = referral.consultation.questions.get()
    prefix = f"q{question.pk}"
    page_url = reverse("consultations:respond", args=[referral.consultation_id, referral.organisation_id])
    data = {"details-their_reference": "", "details-decided_by": "", "details-version": "1", "next": "page"}
    saved = karin.post(page_url, {**data, f"{prefix}-text": "Karin först", f"{prefix}-version": "0"})
    assert saved.status_code == 302

    refused = sven.post(page_url, {**data, f"{prefix}-text": "Sven sen", f"{prefix}-version": "0"})
    assert refused.status_code == 409
    assert "Några svar sparades inte" in refused.text
    assert "Karin först" in refused.text and "Sven sen" in refused.text
    assert Answer.objects.get().text == "Karin först"
    assert Response.objects.count() == 1
    referral.refresh_from_db()
    assert referral.status == Referral.Status.DRAFTING


def test_the_reference_number_has_the_same_conflict_check(sessions, referral):
    sven, karin = sessions
    url = reverse("consultations:autosave_details", args=[referral.consultation_id, referral.organisation_id])
    first = karin.post(
        url, {"details-their_reference": "KS 2026/1", "details-decided_by": "", "details-version": "1"}, **HTMX
    )
    assert first.status_code == 200 and "Sparat" in first.text
    second = sven.post(
        url, {"details-their_reference": "KS 2026/2", "details-decided_by": "", "details-version": "1"}, **HTMX
    )
    assert second["HX-Retarget"] == "#details"
    assert "KS 2026/1" in second.text and "KS 2026/2" in second.text
    assert Response.objects.get().their_reference == "KS 2026/1"
