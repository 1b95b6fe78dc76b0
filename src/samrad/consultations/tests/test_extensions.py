"""More time: the body asks, the coordinator grants or refuses, or grants directly; the effective deadline moves
and the body is told."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samrad.accounts.models import Membership
from samrad.accounts.tests.factories import MembershipFactory, UserFactory
from samrad.audit.models import AuditEvent
from samrad.consultations.deadlines import effective_deadline, end_of_day, is_open_at, local_date
from samrad.consultations.extensions import (
    extension_grant,
    extension_grant_direct,
    extension_refuse,
    extension_request,
)
from samrad.consultations.models import ExtensionRequest, Referral
from samrad.consultations.tests.factories import ExtensionRequestFactory, ReferralFactory
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(open_consultation, municipality):
    return ReferralFactory.create(consultation=open_consultation, organisation=municipality, invited=True)


def _day(referral: Referral, days: int) -> dt.date:
    return local_date(referral.consultation.deadline) + dt.timedelta(days=days)


def test_a_member_asks_for_more_time(referral, respondent):
    request = extension_request(
        actor=respondent, referral=referral, requested_deadline=_day(referral, 14), reason="Nämnden sammanträder sent."
    )
    assert request.status == ExtensionRequest.Status.PENDING
    assert request.requested_deadline == end_of_day(_day(referral, 14))
    assert request.requested_by == respondent
    referral.refresh_from_db()
    assert referral.last_activity_at is not None
    assert referral.deadline_override is None  # asking is not getting
    assert AuditEvent.objects.filter(action="extension.requested", actor_id=respondent.pk).exists()


def test_asking_without_a_date_leaves_it_to_the_coordinator(referral, respondent):
    request = extension_request(actor=respondent, referral=referral, requested_deadline=None, reason="Val i kommunen.")
    assert request.requested_deadline is None


def test_only_members_of_the_body_may_ask(referral, coordinator):
    outsider = UserFactory.create()
    MembershipFactory.create(user=outsider, role=Membership.Role.RESPONDENT)  # of another organisation
    for actor in (outsider, coordinator):
        with pytest.raises(PermissionDenied):
            extension_request(actor=actor, referral=referral, requested_deadline=None, reason="Snälla")
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize(
    ("days", "reason", "field"),
    [(0, "Skäl", "requested_deadline"), (-3, "Skäl", "requested_deadline"), (10, "   ", "reason")],
)
def test_a_request_needs_a_later_day_and_a_reason(referral, respondent, days, reason, field):
    with pytest.raises(ValidationError) as error:
        extension_request(actor=respondent, referral=referral, requested_deadline=_day(referral, days), reason=reason)
    assert field in error.value.message_dict
    assert not ExtensionRequest.objects.exists()


def test_one_request_at_a_time_and_none_after_answering(referral, respondent):
    extension_request(actor=respondent, referral=referral, requested_deadline=None, reason="Första")
    with pytest.raises(ValidationError):
        extension_request(actor=respondent, referral=referral, requested_deadline=None, reason="Andra")
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.DECLINED)
    ExtensionRequest.objects.update(status=ExtensionRequest.Status.REFUSED)
    with pytest.raises(ValidationError):
        extension_request(actor=respondent, referral=referral, requested_deadline=None, reason="Tredje")
    assert ExtensionRequest.objects.count() == 1


def test_granting_moves_the_effective_deadline_and_tells_the_body(referral, respondent, coordinator):
    request = extension_request(
        actor=respondent, referral=referral, requested_deadline=_day(referral, 14), reason="Nämnden"
    )
    old_deadline = effective_deadline(referral)
    granted_day = _day(referral, 10)  # the coordinator may give another day than the one asked for

    extension_grant(actor=coordinator, request=request, deadline=granted_day, note="Tio dagar räcker.")

    referral.refresh_from_db()
    request.refresh_from_db()
    new_deadline = effective_deadline(referral)
    assert new_deadline == end_of_day(granted_day)
    assert request.status == ExtensionRequest.Status.GRANTED
    assert (request.decided_by, request.granted_deadline) == (coordinator, new_deadline)
    # The old deadline's last instant is still in, the new one's next midnight is out.
    assert is_open_at(new_deadline, old_deadline + dt.timedelta(days=1))
    assert not is_open_at(new_deadline, new_deadline + dt.timedelta(microseconds=1))
    message = OutboundEmail.objects.get(category="consultations.extension_decision")
    assert referral.organisation.registry_email in message.to and respondent.email in message.to
    assert "Tio dagar räcker." in message.body_text
    assert [a["filename"] for a in message.attachments] == ["svarsdatum.ics"]
    event = AuditEvent.objects.get(action="extension.granted")
    assert event.changes["request"] == request.pk
    assert (event.object_type, event.object_id) == ("consultations.referral", str(referral.pk))


def test_refusing_needs_a_reason_and_leaves_the_deadline(referral, respondent, coordinator):
    request = extension_request(actor=respondent, referral=referral, requested_deadline=None, reason="Nämnden")
    with pytest.raises(ValidationError):
        extension_refuse(actor=coordinator, request=request, note=" ")

    extension_refuse(actor=coordinator, request=request, note="Alla andra hinner.")

    request.refresh_from_db()
    referral.refresh_from_db()
    assert request.status == ExtensionRequest.Status.REFUSED and request.decision_note == "Alla andra hinner."
    assert referral.deadline_override is None
    message = OutboundEmail.objects.get(category="consultations.extension_decision")
    assert message.attachments == []
    assert "Alla andra hinner." in message.body_text
    assert AuditEvent.objects.filter(action="extension.refused").count() == 1
    with pytest.raises(ValidationError):  # decided once
        extension_grant(actor=coordinator, request=request, deadline=_day(referral, 5))


def test_a_direct_grant_answers_pending_requests_too(referral, respondent, coordinator):
    pending = ExtensionRequestFactory.create(referral=referral)
    granted = extension_grant_direct(actor=coordinator, referral=referral, deadline=_day(referral, 7), note="")

    assert granted.status == ExtensionRequest.Status.GRANTED and granted.requested_by is None
    pending.refresh_from_db()
    assert pending.status == ExtensionRequest.Status.GRANTED
    assert referral.deadline_override == end_of_day(_day(referral, 7))


def test_a_grant_must_give_more_time(referral, coordinator):
    with pytest.raises(ValidationError) as error:
        extension_grant_direct(actor=coordinator, referral=referral, deadline=_day(referral, 0))
    assert "deadline" in error.value.message_dict
    extension_grant_direct(actor=coordinator, referral=referral, deadline=_day(referral, 10))
    with pytest.raises(ValidationError):  # not earlier than the extension already granted
        extension_grant_direct(actor=coordinator, referral=referral, deadline=_day(referral, 5))
    assert ExtensionRequest.objects.count() == 1


def test_only_the_coordinator_decides(referral, respondent, other_coordinator):
    request = ExtensionRequestFactory.create(referral=referral)
    with pytest.raises(PermissionDenied):
        extension_grant(actor=respondent, request=request, deadline=_day(referral, 5))
    with pytest.raises(PermissionDenied):
        extension_refuse(actor=other_coordinator, request=request, note="Nej")
    with pytest.raises(PermissionDenied):
        extension_grant_direct(actor=other_coordinator, referral=referral, deadline=_day(referral, 5))
    request.refresh_from_db()
    assert request.status == ExtensionRequest.Status.PENDING


def test_no_extensions_once_closed(make_consultation, municipality, coordinator):
    closed = make_consultation(closed=True)
    referral = ReferralFactory.create(consultation=closed, organisation=municipality)
    with pytest.raises(ValidationError):
        extension_grant_direct(
            actor=coordinator, referral=referral, deadline=local_date(closed.deadline) + dt.timedelta(days=30)
        )
