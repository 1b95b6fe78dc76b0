"""Passing a consultation on within a referral body: services, pages, refusals, and the registry's way in through
HTTP (a link asked for on the sign-in page, confirmed, then the answer page)."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from samrad.accounts.login_links import login_link_user
from samrad.accounts.models import Delegation, Membership, User
from samrad.accounts.registry import registry_access_ensure
from samrad.accounts.tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.consultations.delegation import delegation_give, delegation_withdraw, parse_addresses
from samrad.consultations.tests.factories import ReferralFactory
from samrad.errors import InvalidInput
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(open_consultation, municipality):
    return ReferralFactory.create(consultation=open_consultation, organisation=municipality)


@pytest.fixture
def registry(municipality):
    return registry_access_ensure(municipality)


def _link(message: OutboundEmail) -> str:
    match = re.search(r"https?://\S+sesame=\S+", message.body_text)
    assert match, message.body_text
    return match.group(0)


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _confirm(client, url: str):
    """Open a login link (the confirm page) and press the button, as a person does."""
    page = client.get(_path(url))
    assert page.status_code == 200
    data = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page.content.decode()))
    return client.post(urlsplit(url).path, data)


def test_the_registry_passes_on_to_two_colleagues_one_new_one_known(referral, registry, municipality):
    known = UserFactory.create(email="erik@nacka.example.se")

    given = delegation_give(
        actor=registry, referral=referral, emails=["sara@nacka.example.se", "Erik@nacka.example.se"]
    )

    assert [d.user.email.lower() for d in given] == ["sara@nacka.example.se", "erik@nacka.example.se"]
    sara = User.objects.get(email="sara@nacka.example.se")
    for person in (sara, known):
        membership = Membership.objects.get(user=person, organisation=municipality)
        assert membership.role == Membership.Role.RESPONDENT and membership.via_pass_on
    mails = OutboundEmail.objects.filter(category="consultations.passed_on").order_by("pk")
    assert [m.to for m in mails] == [["sara@nacka.example.se"], ["erik@nacka.example.se"]]
    assert "Vidarebefordrad till dig" in mails[0].subject
    # Like every e-mail about a consultation, its subject starts with the reference (and the senders' case numbers).
    assert mails[0].subject.startswith(f"Remiss {referral.consultation.reference_number}")
    link = _link(mails[0])
    assert f"next=%2Fremisser%2F{referral.consultation_id}%2Fsvar%2F{municipality.pk}%2F" in link
    assert AuditEvent.objects.filter(action="consultation.passed_on").count() == 2
    assert AuditEvent.objects.filter(action="accounts.user_created", actor_id=registry.pk).count() == 1


def test_passing_on_again_resends_without_a_second_pass_on(referral, registry):
    delegation_give(actor=registry, referral=referral, emails=["sara@nacka.example.se"])
    delegation_give(actor=registry, referral=referral, emails=["sara@nacka.example.se"])

    assert Delegation.objects.count() == 1
    assert OutboundEmail.objects.filter(category="consultations.passed_on").count() == 2
    assert AuditEvent.objects.filter(action="consultation.pass_on_resent").count() == 1


def test_withdrawing_ends_the_access_it_gave_but_not_a_role_given_otherwise(referral, registry, municipality):
    regular = MembershipFactory.create(organisation=municipality, role=Membership.Role.RESPONDENT).user
    sara_delegation, regular_delegation = delegation_give(
        actor=registry, referral=referral, emails=["sara@nacka.example.se", regular.email]
    )

    delegation_withdraw(actor=registry, delegation=sara_delegation)
    delegation_withdraw(actor=registry, delegation=regular_delegation)

    assert not Membership.objects.filter(user=sara_delegation.user, organisation=municipality).exists()
    assert Membership.objects.filter(user=regular, organisation=municipality).exists()
    sara_delegation.refresh_from_db()
    assert sara_delegation.withdrawn_at is not None
    assert AuditEvent.objects.filter(action="consultation.pass_on_withdrawn").count() == 2


def test_a_respondent_a_sender_and_another_organisations_coordinator_may_not_pass_on(
    referral, respondent, coordinator, other_coordinator
):
    for actor in (respondent, coordinator, other_coordinator):
        with pytest.raises(PermissionDenied):
            delegation_give(actor=actor, referral=referral, emails=["x@nacka.example.se"])
    assert not User.objects.filter(email="x@nacka.example.se").exists()


def test_the_organisations_own_coordinator_may_pass_on(referral, municipality):
    own = MembershipFactory.create(organisation=municipality, role=Membership.Role.COORDINATOR).user
    [delegation] = delegation_give(actor=own, referral=referral, emails=["sara@nacka.example.se"])
    assert delegation.given_by == own


def test_addresses_are_parsed_and_bad_ones_named():
    assert parse_addresses("a@x.se, b@x.se\nA@X.se; c@x.se") == ["a@x.se", "b@x.se", "c@x.se"]
    with pytest.raises(InvalidInput, match="inte-en-adress"):
        parse_addresses("a@x.se inte-en-adress")
    with pytest.raises(InvalidInput):
        parse_addresses("   ")


# --- Pages -------------------------------------------------------------------------------------------------


def test_the_pass_on_page_passes_on_lists_and_withdraws(client, referral, registry, municipality):
    client.force_login(registry)
    url = reverse("consultations:pass_on", args=[referral.consultation_id, municipality.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Vidarebefordra" in page.content.decode()

    response = client.post(url, {"emails": "sara@nacka.example.se"})
    assert response.status_code == 302
    listing = client.get(url).content.decode()
    assert "sara@nacka.example.se" in listing

    delegation = Delegation.objects.get()
    withdraw = reverse(
        "consultations:pass_on_withdraw", args=[referral.consultation_id, municipality.pk, delegation.pk]
    )
    assert client.post(withdraw).status_code == 302
    delegation.refresh_from_db()
    assert delegation.withdrawn_at is not None


def test_a_bad_address_is_explained_and_the_text_kept(client, referral, registry, municipality):
    client.force_login(registry)
    url = reverse("consultations:pass_on", args=[referral.consultation_id, municipality.pk])
    response = client.post(url, {"emails": "sara@nacka.example.se, nej"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "”nej” är inte en e-postadress." in html
    assert "sara@nacka.example.se, nej" in html
    assert not Delegation.objects.exists()


def test_pass_on_pages_refuse_respondents_with_a_reason_and_strangers_with_404(
    client, referral, respondent, other_coordinator, municipality, registry
):
    url = reverse("consultations:pass_on", args=[referral.consultation_id, municipality.pk])
    client.force_login(respondent)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "registratur" in refused.content.decode()

    client.force_login(other_coordinator)
    assert client.get(url).status_code == 404
    assert client.post(url, {"emails": "x@nacka.example.se"}).status_code == 404

    # A pass-on of another organisation cannot be withdrawn through this organisation's URL.
    elsewhere = OrganisationFactory.create(registry_email="registrator@solna.example.se")
    other_referral = ReferralFactory.create(consultation=referral.consultation, organisation=elsewhere)
    [foreign] = delegation_give(
        actor=registry_access_ensure(elsewhere), referral=other_referral, emails=["olle@solna.example.se"]
    )
    client.force_login(registry)
    withdraw = reverse("consultations:pass_on_withdraw", args=[referral.consultation_id, municipality.pk, foreign.pk])
    assert client.post(withdraw).status_code == 404
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None


def test_the_registry_asks_for_a_link_confirms_and_reaches_the_answer_page_and_a_colleague_follows(
    client, referral, municipality
):
    # Nacka is known only by its registry address: nobody has an account yet.
    assert not User.objects.filter(email="registrator@nacka.example.se").exists()

    client.post(reverse("accounts:login"), {"email": "registrator@nacka.example.se"})
    mail = OutboundEmail.objects.get(category="accounts.login_link")
    assert mail.to == ["registrator@nacka.example.se"]
    assert _confirm(client, _link(mail)).status_code == 302

    respond = reverse("consultations:respond", args=[referral.consultation_id, municipality.pk])
    page = client.get(respond)
    assert page.status_code == 200
    assert reverse("consultations:pass_on", args=[referral.consultation_id, municipality.pk]) in page.content.decode()

    client.post(
        reverse("consultations:pass_on", args=[referral.consultation_id, municipality.pk]),
        {"emails": "sara@nacka.example.se"},
    )
    client.logout()
    passed = OutboundEmail.objects.get(category="consultations.passed_on")
    link = _link(passed)
    query = dict(part.split("=", 1) for part in urlsplit(link).query.split("&"))
    assert login_link_user(query["sesame"], grant=query["grant"]).email == "sara@nacka.example.se"
    response = _confirm(client, link)
    assert response.status_code == 302 and response["Location"] == respond
    assert client.get(respond).status_code == 200


def test_the_registry_asks_for_more_time_and_the_decision_reaches_its_mailbox_once(referral, registry, coordinator):
    from samrad.consultations.deadlines import local_date
    from samrad.consultations.extensions import extension_grant, extension_request

    request = extension_request(actor=registry, referral=referral, requested_deadline=None, reason="Nämnden")
    day = local_date(referral.consultation.deadline) + dt.timedelta(days=10)
    extension_grant(actor=coordinator, request=request, deadline=day)

    decision = OutboundEmail.objects.get(category="consultations.extension_decision")
    assert decision.to.count("registrator@nacka.example.se") == 1
    assert AuditEvent.objects.filter(actor_id=registry.pk, action="extension.requested").exists()


def test_a_reminder_to_the_registry_carries_its_link_and_says_who_has_personal_ones(
    referral, respondent, coordinator, municipality
):
    from samrad.consultations.reminders import reminder_send_manual

    assert reminder_send_manual(actor=coordinator, consultation=referral.consultation, referrals=[referral]) == 1

    mails = {m.to[0]: m for m in OutboundEmail.objects.filter(category="consultations.reminder")}
    assert sorted(mails) == sorted(["registrator@nacka.example.se", respondent.email])  # the mailbox once
    registry_mail = mails["registrator@nacka.example.se"]
    assert "Personliga inloggningslänkar" in registry_mail.body_text and str(respondent) in registry_mail.body_text
    link = _link(registry_mail)
    query = dict(part.split("=", 1) for part in urlsplit(link).query.split("&"))
    registry_user = login_link_user(query["sesame"], grant=query["grant"])
    assert registry_user is not None and registry_user.email == "registrator@nacka.example.se"
    assert Membership.objects.get(user=registry_user, organisation=municipality).role == Membership.Role.REGISTRY
