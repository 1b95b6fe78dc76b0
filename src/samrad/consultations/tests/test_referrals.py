"""The referral list: picking bodies from the register, amending the list after opening, and refusing to take
off a body that has answered."""

import base64
import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from samrad.audit.models import AuditEvent
from samrad.consultations.deadlines import effective_deadline
from samrad.consultations.lifecycle import TransitionError
from samrad.consultations.models import Referral, Response, ResponseSignatory, Submission
from samrad.consultations.referrals import referral_add, referral_candidates, referral_has_answered, referral_remove
from samrad.consultations.tests.factories import ReferralFactory, deadline_in
from samrad.notifications.models import OutboundEmail
from samrad.organisations.models import Organisation
from samrad.organisations.tests.factories import (
    ContactPersonFactory,
    CountyFactory,
    DivisionFactory,
    GroupFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def _submit(response: Response, number: int = 1) -> Submission:
    content: dict[str, list[object]] = {"answers": []}
    return Submission.objects.create(
        response=response,
        number=number,
        receipt_number=f"TEST-{response.pk}-{number}",
        submitted_at=timezone.now(),
        content=content,
        content_sha256=hashlib.sha256(b"{}").hexdigest(),
    )


# --- Picking from the register -----------------------------------------------------------------------------


def test_candidates_by_kind_county_group_division_and_one_by_one(db):
    stockholm, gotland = CountyFactory.create(code="01"), CountyFactory.create(code="09", name="Gotlands län")
    sodertorn = GroupFactory.create(name="Södertörn")
    nacka = OrganisationFactory.create(name="Nacka kommun", county=stockholm)
    huddinge = OrganisationFactory.create(name="Huddinge kommun", county=stockholm, groups=[sodertorn])
    visby = OrganisationFactory.create(
        name="Region Gotland", kind=Organisation.Kind.REGION, municipality_code=None, county=gotland, population=None
    )
    agency = OrganisationFactory.create(agency=True, name="Trafikverket")
    OrganisationFactory.create(name="Nedlagd kommun", county=stockholm, is_active=False)
    division = DivisionFactory.create(name="Stockholm + Gotland", counties=[stockholm, gotland])

    def names(**criteria):
        return sorted(o.name for o in referral_candidates(**criteria))

    assert names(kinds=["municipality"]) == ["Huddinge kommun", "Nacka kommun"]
    assert names(county_codes=["09"]) == ["Region Gotland"]
    assert names(group_ids=[sodertorn.pk]) == ["Huddinge kommun"]
    assert names(division_ids=[division.pk]) == ["Huddinge kommun", "Nacka kommun", "Region Gotland"]
    assert names(ids=[agency.pk, nacka.pk]) == ["Nacka kommun", "Trafikverket"]
    assert names(kinds=["agency"], group_ids=[sodertorn.pk]) == ["Huddinge kommun", "Trafikverket"]  # any of them
    assert names(kinds=["municipality"], q="nack") == ["Nacka kommun"]
    assert names(q="trafik") == ["Trafikverket"]
    assert names() == []
    assert visby.pk and huddinge.pk


def test_adding_to_a_draft_ignores_duplicates_invites_nobody_and_is_audited(draft, coordinator):
    first, second = OrganisationFactory.create_batch(2)
    ContactPersonFactory.create(organisation=first)

    added = referral_add(actor=coordinator, consultation=draft, organisations=[first, second, first])
    again = referral_add(actor=coordinator, consultation=draft, organisations=[second])

    assert sorted(r.organisation_id for r in added) == sorted([first.pk, second.pk])
    assert again == []
    referrals = Referral.objects.filter(consultation=draft)
    assert referrals.count() == 2
    assert not referrals.filter(added_after_opening=True).exists()
    assert not referrals.filter(invited_at__isnull=False).exists()
    assert OutboundEmail.objects.count() == 0
    event = AuditEvent.objects.get(action="consultation.referrals_added")
    assert event.changes["organisations"] == sorted([first.pk, second.pk])
    assert event.actor_id == coordinator.pk


def test_only_those_who_run_it_can_change_the_list(draft, other_coordinator, respondent):
    organisation = OrganisationFactory.create()
    for actor in (other_coordinator, respondent):
        with pytest.raises(PermissionDenied):
            referral_add(actor=actor, consultation=draft, organisations=[organisation])
    referral = ReferralFactory.create(consultation=draft)
    with pytest.raises(PermissionDenied):
        referral_remove(actor=other_coordinator, referral=referral)
    assert Referral.objects.filter(consultation=draft).count() == 1


def test_the_list_is_fixed_once_closed(make_consultation, coordinator):
    closed = make_consultation(closed=True)
    with pytest.raises(TransitionError):
        referral_add(actor=coordinator, consultation=closed, organisations=[OrganisationFactory.create()])


def test_an_own_deadline_must_give_more_time(open_consultation, coordinator):
    organisation = OrganisationFactory.create()
    with pytest.raises(ValidationError):
        referral_add(
            actor=coordinator,
            consultation=open_consultation,
            organisations=[organisation],
            deadline_override=open_consultation.deadline - dt.timedelta(days=1),
        )
    with pytest.raises(ValidationError):
        referral_add(
            actor=coordinator,
            consultation=open_consultation,
            organisations=[organisation],
            deadline_override=timezone.now() - dt.timedelta(days=1),
        )
    assert not Referral.objects.filter(consultation=open_consultation).exists()


# --- Amending the list after opening ------------------------------------------------------------------------


def test_a_body_added_after_opening_gets_its_own_invitation_and_deadline(
    open_consultation, coordinator, send_invitations
):
    early = ReferralFactory.create(consultation=open_consultation, invited=True)
    late = OrganisationFactory.create(name="Värmdö kommun", registry_email="registrator@varmdo.example.se")
    ContactPersonFactory.create(organisation=late, email="kontakt@varmdo.example.se")
    own_deadline = deadline_in(130)

    [referral] = referral_add(
        actor=coordinator, consultation=open_consultation, organisations=[late], deadline_override=own_deadline
    )
    send_invitations(open_consultation)

    referral.refresh_from_db()
    assert referral.added_after_opening and referral.invited_at is not None
    assert effective_deadline(referral) == own_deadline
    recipients = sorted(address for message in OutboundEmail.objects.all() for address in message.to)
    assert recipients == ["kontakt@varmdo.example.se", "registrator@varmdo.example.se"]
    assert all(message.category == "consultations.invitation" for message in OutboundEmail.objects.all())
    assert "lagts till" in OutboundEmail.objects.first().subject  # the late-addition wording
    for message in OutboundEmail.objects.all():  # each copy carries the body's own deadline as a calendar event
        [attachment] = message.attachments
        [event] = Calendar.from_ical(base64.b64decode(attachment["content_b64"])).walk("VEVENT")
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert event.decoded("DTSTART") == own_deadline.replace(microsecond=0)
        assert str(event["UID"]).startswith(f"consultation-{open_consultation.pk}-organisation-{late.pk}@")
        assert int(event["SEQUENCE"]) > 0
    early.refresh_from_db()
    assert early.deadline_override is None  # nobody else's deadline moved


# --- Taking bodies off the list ---------------------------------------------------------------------------


def test_a_body_that_has_not_answered_can_be_removed_and_it_is_audited(open_consultation, coordinator):
    referral = ReferralFactory.create(consultation=open_consultation, invited=True, status=Referral.Status.DRAFTING)
    referral_remove(actor=coordinator, referral=referral)
    assert not Referral.objects.filter(pk=referral.pk).exists()
    event = AuditEvent.objects.get(action="consultation.referral_removed")
    assert event.changes["organisation"] == [referral.organisation_id, None]


def test_a_body_that_declined_can_be_removed(open_consultation, coordinator):
    referral = ReferralFactory.create(consultation=open_consultation, status=Referral.Status.DECLINED)
    referral_remove(actor=coordinator, referral=referral)
    assert not Referral.objects.filter(pk=referral.pk).exists()


def test_a_body_that_submitted_cannot_be_removed(open_consultation, coordinator):
    referral = ReferralFactory.create(consultation=open_consultation, status=Referral.Status.SUBMITTED)
    with pytest.raises(ValidationError, match=referral.organisation.name):
        referral_remove(actor=coordinator, referral=referral)
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert not AuditEvent.objects.filter(action="consultation.referral_removed").exists()


def test_a_body_with_a_submission_cannot_be_removed_whatever_its_status_says(open_consultation, coordinator):
    referral = ReferralFactory.create(consultation=open_consultation, status=Referral.Status.DRAFTING)
    _submit(Response.objects.create(consultation=open_consultation, organisation=referral.organisation))
    assert referral_has_answered(referral)
    with pytest.raises(ValidationError):
        referral_remove(actor=coordinator, referral=referral)


def test_a_body_that_signed_a_submitted_joint_answer_cannot_be_removed(open_consultation, coordinator):
    author = ReferralFactory.create(consultation=open_consultation)
    cosigner = ReferralFactory.create(consultation=open_consultation)
    unconfirmed = ReferralFactory.create(consultation=open_consultation)
    joint = Response.objects.create(consultation=open_consultation, organisation=author.organisation)
    ResponseSignatory.objects.create(
        response=joint, organisation=cosigner.organisation, confirmed_by=coordinator, confirmed_at=timezone.now()
    )
    ResponseSignatory.objects.create(response=joint, organisation=unconfirmed.organisation)
    _submit(joint)

    with pytest.raises(ValidationError):
        referral_remove(actor=coordinator, referral=cosigner)
    referral_remove(actor=coordinator, referral=unconfirmed)  # invited to sign, never confirmed: not an answer
    assert not Referral.objects.filter(pk=unconfirmed.pk).exists()
