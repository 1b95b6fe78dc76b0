"""The registry's way in: an account and the registry role for an organisation's registry address, and links
that let the registry sign in (from the sign-in page, and grant links valid until a deadline)."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from samrad.accounts.login_links import grant_link_until, login_link_url, login_link_user
from samrad.accounts.models import Membership
from samrad.accounts.registry import registry_access_ensure
from samrad.accounts.selectors import user_find_by_email
from samrad.accounts.services import membership_add
from samrad.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samrad.actors import ACT_FOR_ORGANISATION, DELEGATE, MANAGE_PEOPLE
from samrad.audit.models import AuditEvent
from samrad.notifications.models import OutboundEmail
from samrad.organisations.services import organisation_update

pytestmark = pytest.mark.django_db


def _query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_the_registry_address_gets_an_account_and_the_registry_role_once():
    stockholm = OrganisationFactory.create(registry_email="registrator@stockholm.example")

    user = registry_access_ensure(stockholm)
    again = registry_access_ensure(stockholm)

    assert user is not None and user == again
    assert user.email == "registrator@stockholm.example"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, organisation=stockholm)
    assert membership.role == Membership.Role.REGISTRY
    assert AuditEvent.objects.filter(action="accounts.membership_added", actor_label="registry").count() == 1


def test_an_organisation_without_a_registry_address_has_no_registry():
    assert registry_access_ensure(OrganisationFactory.create(registry_email="")) is None


def test_a_coordinator_behind_the_registry_address_stays_coordinator():
    nacka = OrganisationFactory.create(registry_email="registrator@nacka.example")
    person = UserFactory.create(email="registrator@nacka.example")
    MembershipFactory.create(user=person, organisation=nacka, role=Membership.Role.COORDINATOR)

    assert registry_access_ensure(nacka) == person
    assert Membership.objects.get(user=person, organisation=nacka).role == Membership.Role.COORDINATOR


def test_a_changed_registry_address_takes_the_role_from_the_old_mailbox_at_once():
    solna = OrganisationFactory.create(registry_email="old@solna.example")
    old = registry_access_ensure(solna)
    assert old is not None and old.has_perm(MANAGE_PEOPLE, solna)

    coordinator = MembershipFactory.create(organisation=solna, role=Membership.Role.COORDINATOR).user
    organisation_update(actor=coordinator, organisation=solna, data={"registry_email": "new@solna.example"})

    old = type(old).objects.get(pk=old.pk)  # fresh permission cache
    assert not old.has_perm(MANAGE_PEOPLE, solna)  # already, before anyone tidies up
    new = registry_access_ensure(solna)
    assert new is not None and new.email == "new@solna.example"
    assert not Membership.objects.filter(user=old, organisation=solna).exists()
    assert Membership.objects.get(user=new, organisation=solna).role == Membership.Role.REGISTRY


def test_gatekeepers_are_coordinators_and_the_registry_not_respondents_nor_other_organisations():
    home = OrganisationFactory.create(registry_email="registrator@home.example")
    other = OrganisationFactory.create()
    registry = registry_access_ensure(home)
    coordinator = MembershipFactory.create(organisation=home, role=Membership.Role.COORDINATOR).user
    respondent = MembershipFactory.create(organisation=home, role=Membership.Role.RESPONDENT).user
    elsewhere = MembershipFactory.create(organisation=other, role=Membership.Role.COORDINATOR).user

    for permission in (ACT_FOR_ORGANISATION, MANAGE_PEOPLE, DELEGATE):
        assert registry.has_perm(permission, home)
        assert coordinator.has_perm(permission, home)
        assert not respondent.has_perm(permission, home)
        assert not elsewhere.has_perm(permission, home)


def test_nobody_but_the_system_gives_the_registry_role():
    home = OrganisationFactory.create()
    coordinator = MembershipFactory.create(organisation=home, role=Membership.Role.COORDINATOR).user
    with pytest.raises(PermissionDenied):
        membership_add(actor=coordinator, user=UserFactory.create(), organisation=home, role=Membership.Role.REGISTRY)


def test_the_registry_address_gets_a_login_link_from_the_sign_in_page(client):
    stockholm = OrganisationFactory.create(registry_email="registrator@stockholm.example")

    response = client.post(reverse("accounts:login"), {"email": "Registrator@stockholm.example"})

    assert response.status_code == 302
    message = OutboundEmail.objects.get(category="accounts.login_link")
    assert message.to == ["registrator@stockholm.example"]
    user = user_find_by_email("registrator@stockholm.example")
    assert user is not None
    assert Membership.objects.get(user=user, organisation=stockholm).role == Membership.Role.REGISTRY


def test_an_old_registry_address_gets_no_new_role(client):
    solna = OrganisationFactory.create(registry_email="old@solna.example")
    old = registry_access_ensure(solna)
    organisation_update(actor="system", organisation=solna, data={"registry_email": "new@solna.example"})

    client.post(reverse("accounts:login"), {"email": "old@solna.example"})

    assert not Membership.objects.filter(user=old, organisation=solna).exists()


def test_grant_link_until_is_the_deadline_within_limits():
    now = timezone.now()
    assert grant_link_until(now + dt.timedelta(days=10), now=now) == now + dt.timedelta(days=10)
    capped = grant_link_until(now + dt.timedelta(days=400), now=now)
    assert capped == now + dt.timedelta(seconds=settings.LOGIN_LINK_GRANT_MAX_AGE)
    at_least = grant_link_until(now - dt.timedelta(days=1), now=now)
    assert at_least == now + dt.timedelta(seconds=settings.SESAME_MAX_AGE)


def test_a_grant_link_works_for_days_but_not_past_its_end_and_its_end_cannot_be_stretched():
    user = UserFactory.create()
    with freeze_time("2026-03-02 10:00:00"):
        until = timezone.now() + dt.timedelta(days=20)
        query = _query(login_link_url(user, next_url="/remisser/", valid_until=until))
    token, grant = query[settings.SESAME_TOKEN_NAME], query["grant"]

    with freeze_time("2026-03-12 10:00:00"):  # ten days later: an ordinary link would be long dead
        assert login_link_user(token, grant=grant) == user
        assert login_link_user(token) is None  # without its end it is not an ordinary token either
        assert login_link_user(token, grant=str(int(grant) + 86400)) is None  # a stretched end breaks it
    with freeze_time("2026-03-23 10:00:00"):
        assert login_link_user(token, grant=grant) is None


def test_a_grant_link_goes_through_the_confirm_step_and_is_spent_by_logging_in(client):
    user = UserFactory.create()
    link = login_link_url(user, next_url="/konto/", valid_until=timezone.now() + dt.timedelta(days=5))
    parts = urlsplit(link)

    page = client.get(f"{parts.path}?{parts.query}")  # a mail scanner's visit changes nothing
    assert page.status_code == 200
    assert client.session.get("_auth_user_id") is None
    html = page.content.decode()
    assert 'name="grant"' in html

    data = {name: value for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', html)}
    response = client.post(parts.path, data)
    assert response.status_code == 302 and response["Location"] == "/konto/"
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert AuditEvent.objects.filter(action="accounts.grant_link_used", actor_id=user.pk).count() == 1

    client.logout()
    assert client.post(parts.path, data).status_code == 410  # spent


@override_settings(LOGIN_LINK_GRANT_MAX_AGE=3600)
def test_the_cap_applies_even_to_a_link_signed_with_a_later_end():
    user = UserFactory.create()
    with freeze_time("2026-03-02 10:00:00"):
        query = _query(login_link_url(user, valid_until=timezone.now() + dt.timedelta(days=3)))
    with freeze_time("2026-03-02 12:00:00"):
        assert login_link_user(query["sesame"], grant=query["grant"]) is None


def test_a_respondent_may_not_redirect_the_organisations_mail_even_as_a_coordinator_elsewhere():
    """ACT_FOR_ORGANISATION belongs to the organisation's gatekeepers: a respondent who coordinates at another
    body (and so may curate the register) still cannot move this organisation's registry address."""
    home = OrganisationFactory.create(registry_email="registrator@home.example")
    person = MembershipFactory.create(organisation=home, role=Membership.Role.RESPONDENT).user
    MembershipFactory.create(user=person, role=Membership.Role.COORDINATOR)

    with pytest.raises(PermissionDenied):
        organisation_update(actor=person, organisation=home, data={"registry_email": "mine@evil.example"})
    home.refresh_from_db()
    assert home.registry_email == "registrator@home.example"


def test_a_registry_login_link_for_the_demo():
    from samrad.accounts.registry import registry_login_link

    assert registry_login_link(OrganisationFactory.create(registry_email="")) is None
    nacka = OrganisationFactory.create(registry_email="registrator@nacka.example")
    link = registry_login_link(nacka, next_url="/remisser/", valid_until=timezone.now() + dt.timedelta(days=30))
    query = _query(link)
    user = login_link_user(query["sesame"], grant=query["grant"])
    assert user is not None and user.email == "registrator@nacka.example"
    assert query["next"] == "/remisser/"
