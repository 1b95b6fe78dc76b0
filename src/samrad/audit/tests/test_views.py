import pytest
from django.urls import reverse
from django.utils import translation

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.services import audit_record


def audit_url() -> str:
    return reverse("audit:list")


def table_body(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0]


@pytest.fixture
def coordinator():
    """Platform staff (the log spans every organisation, so only they read it)."""
    return UserFactory.create(is_staff=True, email="karin.staff@samrad.example")


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(audit_url())
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_respondents_are_refused(client):
    client.force_login(MembershipFactory(role=Membership.Role.RESPONDENT).user)
    assert client.get(audit_url()).status_code == 403


@pytest.mark.django_db
def test_coordinators_who_are_not_platform_staff_are_refused(client):
    client.force_login(MembershipFactory(role=Membership.Role.COORDINATOR).user)
    assert client.get(audit_url()).status_code == 403


@pytest.mark.django_db
def test_coordinator_sees_events_newest_first_and_can_filter(client, coordinator):
    audit_record(actor="import", action="organisation.create", object_type="organisations.organisation", object_id=1)
    audit_record(actor=coordinator, action="consultation.open", object_type="consultations.consultation", object_id=2)
    audit_record(actor=coordinator, action="consultation.close", object_type="consultations.consultation", object_id=2)
    client.force_login(coordinator)
    with translation.override("sv"):
        page = client.get(audit_url()).content.decode()
    assert page.index("consultation.close") < page.index("consultation.open") < page.index("organisation.create")
    assert '<h1 class="ds-heading" data-size="lg">Logg</h1>' in page

    filtered = client.get(audit_url(), {"action": "consultation.open"}).content.decode()
    assert "consultation.open" in table_body(filtered)
    assert "consultation.close" not in table_body(filtered)

    by_type = client.get(audit_url(), {"object_type": "organisations.organisation"}).content.decode()
    assert "organisation.create" in table_body(by_type)
    assert "consultation" not in table_body(by_type)

    by_actor = client.get(audit_url(), {"actor": coordinator.email[:6]}).content.decode()
    body = table_body(by_actor)
    assert "consultation.open" in body
    assert "organisation.create" not in body


@pytest.mark.django_db
def test_the_list_is_paginated_with_a_bounded_number_of_queries(client, coordinator, django_assert_max_num_queries):
    for n in range(60):
        audit_record(actor="import", action="test.page", object_type="t", object_id=n)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        first = client.get(audit_url())
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"].object_list) == 50
    second = client.get(audit_url(), {"page": 2})
    assert len(second.context["page"].object_list) == 10
