"""The masking pages through Django's test client: only the consultation's coordinators see them (404 for anyone
else), each action goes through its service and says what it did, the masked PDF downloads."""

import io

import pytest
from pypdf import PdfReader

from samrad.publishing import services
from samrad.publishing.models import MaskingProposal, MaskingSpan
from samrad.publishing.tests.world import masking_world


@pytest.fixture
def world(region, coordinator):
    world = masking_world(region, coordinator)
    run = services.masking_run_start(actor=coordinator, consultation=world["consultation"])
    services.masking_run(run_id=run.pk, time_limit=600)
    return world


def _url(world, name="", receipt=None):
    base = f"/samordning/{world['consultation'].pk}/publicering/"
    if receipt is None:
        return base + name
    return f"{base}svar/{receipt}/{name}"


def test_the_pages_are_the_coordinators_only(client, world, coordinator, other_coordinator, respondent):
    receipt = world["private"].receipt_number
    pages = [_url(world), _url(world, receipt=receipt), _url(world, "maskerat/", receipt)]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/konto/" in response["Location"]
    for person in (other_coordinator, respondent):
        client.force_login(person)
        for page in pages:
            assert client.get(page).status_code == 404
        assert client.post(_url(world, "kontrollera/")).status_code == 404
    client.force_login(coordinator)
    for page in pages:
        assert client.get(page).status_code == 200


def test_the_overview_lists_every_answer_with_its_counts(client, world, coordinator):
    client.force_login(coordinator)
    page = client.get(_url(world)).content.decode()
    assert "Villaägarna i Nacka" in page and "Karin Lindqvist" in page and "Nacka kommun" in page
    assert world["association"].receipt_number in page
    assert "Kontrollera svaren igen" in page  # Swedish by default


def test_starting_a_check_queues_a_run(client, region, coordinator):
    world = masking_world(region, coordinator)
    client.force_login(coordinator)
    response = client.post(_url(world, "kontrollera/"), follow=True)
    assert "Svaren kontrolleras i bakgrunden" in response.content.decode()
    assert client.get(_url(world, "forlopp/")).status_code == 200


def test_the_answer_page_shows_each_span_in_its_context(client, world, coordinator):
    client.force_login(coordinator)
    page = client.get(_url(world, receipt=world["association"].receipt_number)).content.decode()
    assert "Ulla Bergström</mark>, ordförande" in page
    assert "Telefon <mark" in page
    assert "Föreslagen" in page


def test_confirm_reject_change_add_and_review_through_the_page(client, world, coordinator):
    client.force_login(coordinator)
    receipt = world["association"].receipt_number
    spans = list(MaskingSpan.objects.filter(text__proposal__submission=world["association"]).order_by("start"))
    name, phone, email = spans
    response = client.post(_url(world, f"markering/{name.pk}/", receipt), {"decision": "confirm"}, follow=True)
    assert "Maskeringen är bekräftad." in response.content.decode()
    client.post(_url(world, f"markering/{phone.pk}/", receipt), {"decision": "reject"})
    client.post(_url(world, f"markering/{email.pk}/andra/", receipt), {"text": "ulla.bergstrom@villaagarnanacka.se"})
    response = client.post(_url(world, "lagg-till/", receipt), {"text": "Orminge", "kind": "other"}, follow=True)
    assert "Texten är maskerad på ett ställe." in response.content.decode()
    response = client.post(_url(world, "lagg-till/", receipt), {"text": "Finns inte", "kind": "name"}, follow=True)
    assert "Den texten finns inte i svaret" in response.content.decode()
    statuses = dict(MaskingSpan.objects.filter(pk__in=[name.pk, phone.pk, email.pk]).values_list("pk", "status"))
    assert statuses == {name.pk: "confirmed", phone.pk: "rejected", email.pk: "confirmed"}
    response = client.post(_url(world, "granskat/", receipt), follow=True)
    assert "Svaret är markerat som granskat." in response.content.decode()
    assert MaskingProposal.objects.get(submission=world["association"]).reviewed_at is not None


def test_the_masked_text_and_the_masked_pdf(client, world, coordinator):
    client.force_login(coordinator)
    receipt = world["private"].receipt_number
    page = client.get(_url(world, "maskerat/", receipt)).content.decode()
    assert "inte beslutade" in page  # undecided proposals: no PDF yet
    response = client.post(_url(world, "maskerat.pdf", receipt), follow=True)
    assert response["Content-Type"].startswith("text/html")
    client.post(_url(world, "bekrafta-alla/", receipt))
    page = client.get(_url(world, "maskerat/", receipt)).content.decode()
    assert "[maskerat: personnummer]" in page and "810314-1233" not in page
    response = client.post(_url(world, "maskerat.pdf", receipt))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"remissvar-{receipt}-maskerat.pdf" in response["Content-Disposition"]
    text = " ".join(
        page.extract_text() or "" for page in PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages
    )
    assert "810314-1233" not in text and "Lindqvist" not in text


def test_no_english_on_the_masking_pages_in_swedish(client, world, coordinator):
    from samrad.core.tests.test_swedish_interface import english_on, english_source_strings
    from samrad.testing.crawl import crawl

    client.force_login(coordinator)
    services.proposal_confirm_all(
        actor=coordinator, proposal=MaskingProposal.objects.get(submission=world["association"])
    )
    sources = english_source_strings()
    pages = [page for page in crawl(client, [_url(world)]) if "/publicering/" in page.url and page.is_html]
    assert len(pages) >= 5  # the overview, three answers, a masked text
    problems = [f"{page.url}: {finding}" for page in pages for finding in english_on(page, sources)]
    assert not problems, "\n".join(problems)
