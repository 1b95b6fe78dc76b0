"""Choosing a co-signer on the answer page: a search field that asks the server (htmx), with a page of its own
without JavaScript, offering only organisations that may co-sign, a limited number at a time. The answer page
itself no longer lists the register, so its cost does not grow with the referral list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from samrad.consultations.models import Consultation, Referral, ResponseSignatory
from samrad.consultations.selectors_responses import SIGNATORY_SEARCH_LIMIT
from samrad.consultations.tests.factories import ReferralFactory
from samrad.consultations.tests.factories_responses import member_of
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def consultation(open_consultation):
    return open_consultation


@pytest.fixture
def nacka(consultation, municipality):
    return ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)


@pytest.fixture
def neighbours(consultation):
    names = ["Värmdö kommun", "Tyresö kommun", "Värnamo kommun"]
    organisations = [OrganisationFactory.create(name=name) for name in names]
    for organisation in organisations:
        ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True)
    return {organisation.name: organisation for organisation in organisations}


@pytest.fixture
def signed_in(client, respondent, nacka):
    client.force_login(respondent)
    return client


def respond_url(consultation, organisation) -> str:
    return reverse("consultations:respond", args=[consultation.pk, organisation.pk])


def search_url(consultation, organisation) -> str:
    return reverse("consultations:cosigner_search", args=[consultation.pk, organisation.pk])


def test_the_answer_page_has_a_search_field_and_no_list_of_organisations(
    signed_in, consultation, municipality, neighbours
):
    html = signed_in.get(respond_url(consultation, municipality)).content.decode()
    assert 'role="search"' in html and 'name="cosigner-q"' in html and 'type="search"' in html
    assert f'hx-get="{search_url(consultation, municipality)}"' in html
    assert "<select" not in html.split('id="cosigners"')[1].split("</section>")[0]
    for name in neighbours:
        assert name not in html  # nobody is listed until searched for


def test_typing_a_name_asks_the_server_and_gets_only_matching_candidates(
    signed_in, consultation, municipality, neighbours
):
    outsider = OrganisationFactory.create(name="Värmlands län")  # matches, but not on the referral list
    fragment = signed_in.get(search_url(consultation, municipality), {"cosigner-q": "vär"}, **HTMX).content.decode()
    assert "<html" not in fragment and 'id="cosigner-results"' in fragment
    assert "Be Värmdö kommun skriva under" in fragment and "Be Värnamo kommun skriva under" in fragment
    assert "Tyresö" not in fragment and outsider.name not in fragment
    assert municipality.name not in fragment  # not the drafter itself

    nothing = signed_in.get(search_url(consultation, municipality), {"cosigner-q": "Kiruna"}, **HTMX)
    assert "Ingen organisation på remisslistan som kan skriva under matchar ”Kiruna”." in nothing.content.decode()


def test_without_javascript_the_search_is_a_page_with_a_button_for_each_match(
    signed_in, consultation, municipality, neighbours, respondent
):
    page = signed_in.get(search_url(consultation, municipality), {"cosigner-q": "Tyresö"})
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html and 'role="search"' in html
    tyreso = neighbours["Tyresö kommun"]
    assert f'name="cosigner-organisation" value="{tyreso.pk}"' in html

    asked = signed_in.post(
        reverse("consultations:cosigner_invite", args=[consultation.pk, municipality.pk]),
        {"cosigner-organisation": tyreso.pk},
    )

    assert asked.status_code == 302 and asked["Location"].endswith("#cosigners")
    signatory = ResponseSignatory.objects.get()
    assert signatory.organisation == tyreso and signatory.response.organisation == municipality
    assert OutboundEmail.objects.filter(category="consultation.signatory_request").exists()
    # Once asked, it is no longer offered.
    again = signed_in.get(search_url(consultation, municipality), {"cosigner-q": "Tyresö"}, **HTMX)
    assert "Be Tyresö kommun skriva under" not in again.content.decode()


def test_only_organisations_that_may_co_sign_are_accepted(signed_in, consultation, municipality):
    stranger = OrganisationFactory.create(name="Främmande kommun")  # not on the referral list
    refused = signed_in.post(
        reverse("consultations:cosigner_invite", args=[consultation.pk, municipality.pk]),
        {"cosigner-organisation": stranger.pk},
        follow=True,
    )
    assert "Välj en organisation på remisslistan." in refused.content.decode()
    assert not ResponseSignatory.objects.exists()


def test_a_search_shows_a_limited_number_and_says_when_there_are_more(signed_in, consultation, municipality):
    many = Organisation.objects.bulk_create(
        [Organisation(kind=Organisation.Kind.AGENCY, name=f"Myndighet {n:02d}") for n in range(30)]
    )
    Referral.objects.bulk_create([Referral(consultation=consultation, organisation=o) for o in many])
    fragment = signed_in.get(search_url(consultation, municipality), {"cosigner-q": "Myndighet"}, **HTMX)
    html = fragment.content.decode()
    assert html.count('name="cosigner-organisation"') == SIGNATORY_SEARCH_LIMIT
    assert "Fler organisationer matchar. Skriv mer av namnet för att få färre." in html


def test_only_those_who_answer_for_the_body_may_search(client, consultation, municipality, nacka, neighbours):
    outsider_org = neighbours["Tyresö kommun"]
    client.force_login(member_of(outsider_org, email="svar@tyreso.example.se"))
    assert client.get(search_url(consultation, municipality), {"cosigner-q": "Vär"}).status_code == 404


def add_bodies(consultation: Consultation, count: int) -> None:
    bodies = Organisation.objects.bulk_create(
        [
            Organisation(kind=Organisation.Kind.AGENCY, name=f"Remissinstans {consultation.pk}-{n:05d}")
            for n in range(count)
        ],
        batch_size=1000,
    )
    Referral.objects.bulk_create(
        [Referral(consultation=consultation, organisation=body) for body in bodies], batch_size=1000
    )


def queries_for(client, url: str, **extra) -> tuple[int, int]:
    client.get(url, **extra)  # warm-up: the session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200
    return len(queries.captured_queries), len(response.content)


def test_the_answer_page_makes_the_same_queries_with_26_and_2_900_bodies_on_the_list(
    client, respondent, municipality, make_consultation
):
    small, large = make_consultation(open=True), make_consultation(open=True)
    for consultation, others in ((small, 25), (large, 2_899)):
        ReferralFactory.create(consultation=consultation, organisation=municipality, invited=True)
        add_bodies(consultation, others)
    client.force_login(respondent)

    small_queries, small_size = queries_for(client, respond_url(small, municipality))
    large_queries, large_size = queries_for(client, respond_url(large, municipality))

    assert large_queries == small_queries
    assert abs(large_size - small_size) < 200  # the page does not carry the list either
    small_search, _size = queries_for(client, search_url(small, municipality) + "?cosigner-q=Remiss", **HTMX)
    large_search, _size = queries_for(client, search_url(large, municipality) + "?cosigner-q=Remiss", **HTMX)
    assert large_search == small_search
