"""Registering for meetings: places, the waiting list and its promotion (also with two people cancelling at the
same moment), the per-organisation cap, the registration deadline, who may register, and erasing needs."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connection
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.dialogue import services
from samrad.dialogue.models import Meeting, Registration
from samrad.dialogue.registrations import RegistrationRefused, meeting_register, registration_cancel
from samrad.dialogue.tests.conftest import at
from samrad.notifications.models import OutboundEmail
from samrad.notifications.scheduling import PeriodicJobRegistry, periodic_jobs, scheduler_tick
from samrad.testing.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


def statuses(meeting: Meeting) -> dict[str, str]:
    return {r.user.email: r.status for r in meeting.registrations.select_related("user").order_by("position")}


def mail_to(address: str, category: str) -> list[OutboundEmail]:
    return [m for m in OutboundEmail.objects.filter(category=category) if m.to == [address]]


def test_capacity_fills_then_the_waiting_list_takes_newcomers(make_meeting, huddinge, botkyrka, erik, lina, bo):
    meeting = make_meeting(capacity=2)
    first = meeting_register(actor=erik, meeting=meeting, organisation=huddinge, needs="Vegetarisk kost")
    second = meeting_register(actor=bo, meeting=meeting, organisation=botkyrka)
    third = meeting_register(actor=lina, meeting=meeting, organisation=huddinge)

    assert (first.status, second.status, third.status) == ("registered", "registered", "waitlisted")
    assert [first.position, second.position, third.position] == [1, 2, 3]
    assert len(mail_to(erik.email, "dialogue.registered")) == 1
    assert len(mail_to(bo.email, "dialogue.registered")) == 1
    [waiting] = mail_to(lina.email, "dialogue.waitlisted")
    assert "väntelista" in waiting.body_text.lower() and not waiting.attachments
    event = AuditEvent.objects.filter(action="dialogue.registration.create", object_id=str(first.pk)).get()
    assert event.changes["needs"] is True and "Vegetarisk" not in str(event.changes)


def test_a_cancellation_promotes_the_first_in_line_and_tells_them(make_meeting, huddinge, botkyrka, erik, lina, bo):
    meeting = make_meeting(capacity=1)
    registered = meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    meeting_register(actor=bo, meeting=meeting, organisation=botkyrka)
    meeting_register(actor=lina, meeting=meeting, organisation=huddinge)

    registration_cancel(actor=erik, registration=registered)

    assert statuses(meeting) == {erik.email: "cancelled", bo.email: "registered", lina.email: "waitlisted"}
    [promoted] = mail_to(bo.email, "dialogue.promoted")
    assert promoted.attachments[0]["filename"].endswith(".ics")
    assert not mail_to(lina.email, "dialogue.promoted")
    assert AuditEvent.objects.filter(action="dialogue.registration.promote").count() == 1


def test_more_places_promote_the_waiting_list(make_meeting, coordinator, huddinge, botkyrka, erik, bo):
    meeting = make_meeting(capacity=1)
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    meeting_register(actor=bo, meeting=meeting, organisation=botkyrka)

    services.meeting_update(actor=coordinator, meeting=meeting, data={"capacity": 5})

    assert statuses(meeting)[bo.email] == "registered"
    assert len(mail_to(bo.email, "dialogue.promoted")) == 1


def test_fewer_places_take_no_place_from_anyone(make_meeting, coordinator, huddinge, botkyrka, erik, bo, lina):
    meeting = make_meeting(capacity=3)
    for person, organisation in [(erik, huddinge), (bo, botkyrka)]:
        meeting_register(actor=person, meeting=meeting, organisation=organisation)

    services.meeting_update(actor=coordinator, meeting=meeting, data={"capacity": 1})
    late = meeting_register(actor=lina, meeting=meeting, organisation=huddinge)

    assert statuses(meeting) == {erik.email: "registered", bo.email: "registered", lina.email: "waitlisted"}
    assert late.status == "waitlisted"


def run_at_once(*calls) -> list[BaseException]:
    """Run each call in its own thread (so its own connection and transaction), all released at the same moment;
    return the errors raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call) -> None:
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_people_cancelling_at_once_promote_two_from_the_waiting_list(make_meeting, huddinge, botkyrka, member_of):
    """Without the lock on the meeting both cancellations would see one free place and promote the same person."""
    meeting = make_meeting(capacity=2)
    people = [member_of(org, f"p{i}@{org.name.lower()}.example") for i, org in enumerate([huddinge, botkyrka] * 2)]
    registrations = [
        meeting_register(actor=person, meeting=meeting, organisation=person.organisations.get()) for person in people
    ]
    assert [r.status for r in registrations] == ["registered", "registered", "waitlisted", "waitlisted"]

    errors = run_at_once(*[lambda r=r: registration_cancel(actor=r.user, registration=r) for r in registrations[:2]])

    assert not errors, errors
    final = {r.pk: r.status for r in Registration.objects.filter(meeting=meeting)}
    assert [final[r.pk] for r in registrations] == ["cancelled", "cancelled", "registered", "registered"]
    assert OutboundEmail.objects.filter(category="dialogue.promoted").count() == 2
    assert AuditEvent.objects.filter(action="dialogue.registration.promote").count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_people_registering_for_the_last_place_at_once(make_meeting, huddinge, botkyrka, erik, bo):
    meeting = make_meeting(capacity=1)

    errors = run_at_once(
        lambda: meeting_register(actor=erik, meeting=meeting, organisation=huddinge),
        lambda: meeting_register(actor=bo, meeting=meeting, organisation=botkyrka),
    )

    assert not errors, errors
    assert sorted(meeting.registrations.values_list("status", flat=True)) == ["registered", "waitlisted"]
    assert sorted(meeting.registrations.values_list("position", flat=True)) == [1, 2]


def test_an_organisation_has_at_most_its_cap_registered_or_waiting(make_meeting, huddinge, botkyrka, erik, lina, bo):
    meeting = make_meeting(capacity=1, per_org_cap=1)
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)

    with pytest.raises(RegistrationRefused) as refused:
        meeting_register(actor=lina, meeting=meeting, organisation=huddinge)
    assert refused.value.code == "org_cap"
    assert "Huddinge" in refused.value.messages[0]
    # Another organisation may still queue, and the cap counts the waiting list too.
    assert meeting_register(actor=bo, meeting=meeting, organisation=botkyrka).status == "waitlisted"
    assert statuses(meeting) == {erik.email: "registered", bo.email: "waitlisted"}


def test_the_cap_frees_up_when_a_colleague_cancels(make_meeting, huddinge, erik, lina):
    meeting = make_meeting(per_org_cap=1)
    first = meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    registration_cancel(actor=erik, registration=first)
    assert meeting_register(actor=lina, meeting=meeting, organisation=huddinge).status == "registered"


def test_registration_after_the_deadline_is_refused(make_meeting, huddinge, erik):
    meeting = make_meeting(registration_deadline=timezone.now() - dt.timedelta(minutes=1))

    with pytest.raises(RegistrationRefused) as refused:
        meeting_register(actor=erik, meeting=meeting, organisation=huddinge)

    assert refused.value.code == "closed"
    assert not Registration.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_registration_up_to_the_deadline_is_accepted(make_meeting, huddinge, erik):
    meeting = make_meeting(registration_deadline=timezone.now() + dt.timedelta(minutes=5))
    assert meeting_register(actor=erik, meeting=meeting, organisation=huddinge).status == "registered"


def test_nobody_registers_twice(meeting, huddinge, erik):
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    with pytest.raises(RegistrationRefused):
        meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    assert meeting.registrations.count() == 1


def test_a_member_of_an_organisation_not_invited_cannot_register(meeting, solna, outsider, huddinge):
    with pytest.raises(PermissionDenied):
        meeting_register(actor=outsider, meeting=meeting, organisation=solna)
    with pytest.raises(PermissionDenied):
        meeting_register(actor=outsider, meeting=meeting, organisation=huddinge)
    assert not Registration.objects.exists()


def test_a_meeting_for_a_group_takes_only_that_groups_organisations(
    make_meeting, sodertorn, huddinge, norrtalje, erik, sara
):
    meeting = make_meeting(for_groups=[sodertorn])
    assert meeting_register(actor=erik, meeting=meeting, organisation=huddinge).status == "registered"
    with pytest.raises(PermissionDenied):
        meeting_register(actor=sara, meeting=meeting, organisation=norrtalje)


def test_cancelling_a_meeting_tells_everyone_registered_or_waiting(
    make_meeting, coordinator, huddinge, botkyrka, norrtalje, erik, bo, sara, lina
):
    meeting = make_meeting(capacity=2)
    for person, organisation in [(erik, huddinge), (bo, botkyrka), (sara, norrtalje)]:
        meeting_register(actor=person, meeting=meeting, organisation=organisation, needs="Hörslinga")
    dropped = meeting_register(actor=lina, meeting=meeting, organisation=huddinge)
    registration_cancel(actor=lina, registration=dropped)

    services.meeting_cancel(actor=coordinator, meeting=meeting, reason="Lokalen är inte tillgänglig.")

    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and meeting.ics_sequence == 1
    cancelled = OutboundEmail.objects.filter(category="dialogue.cancelled")
    assert sorted(m.to[0] for m in cancelled) == sorted([erik.email, bo.email, sara.email])
    for message in cancelled:
        assert "Lokalen är inte tillgänglig." in message.body_text
        assert message.attachments[0]["content_type"] == "text/calendar; charset=utf-8; method=CANCEL"
    assert not meeting.registrations.exclude(needs="").exists()
    with pytest.raises(RegistrationRefused):
        meeting_register(actor=lina, meeting=meeting, organisation=huddinge)


def test_cancelling_after_invitations_also_tells_those_invited(meeting, coordinator, huddinge, erik, bo, sara):
    services.meeting_send_invitations(actor=coordinator, meeting=meeting)
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)

    services.meeting_cancel(actor=coordinator, meeting=meeting)

    cancelled = sorted(m.to[0] for m in OutboundEmail.objects.filter(category="dialogue.cancelled"))
    assert cancelled == sorted([erik.email, bo.email, sara.email])


def _move_into_the_past(meeting: Meeting, days: int = 1) -> None:
    """Time passes: the meeting took place `days` ago (the test's way of travelling in time)."""
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=at(-days, 9), ends_at=at(-days, 12), registration_deadline=at(-days - 1, 9)
    )


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_job_erases_needs_once_the_meeting_is_over(make_meeting, huddinge, botkyrka, erik, bo):
    past, coming = make_meeting(title="Förra mötet"), make_meeting(title="Nästa möte")
    meeting_register(actor=erik, meeting=past, organisation=huddinge, needs="Rullstolsplats")
    kept = meeting_register(actor=bo, meeting=coming, organisation=botkyrka, needs="Glutenfritt")
    _move_into_the_past(past)

    [job] = [spec for spec in periodic_jobs if spec.name == "dialogue.erase_needs"]
    registry = PeriodicJobRegistry()
    registry.register(name=job.name, interval=job.interval, task=job.task)
    assert scheduler_tick(registry=registry) == ["dialogue.erase_needs"]
    run_queued_tasks()

    erased = Registration.objects.get(meeting=past)
    assert erased.needs == "" and erased.needs_erased_at is not None
    kept.refresh_from_db()
    assert kept.needs == "Glutenfritt"
    event = AuditEvent.objects.get(action="dialogue.registration.needs_erased")
    assert event.changes == {"registrations": 1} and "Rullstol" not in str(event.changes)
    # Running again erases nothing more and logs nothing more.
    assert scheduler_tick(registry=registry, now=timezone.now() + job.interval) == ["dialogue.erase_needs"]
    run_queued_tasks()
    assert AuditEvent.objects.filter(action="dialogue.registration.needs_erased").count() == 1
