"""E-mail of a dialogue: invitations with calendar files, reminders before meetings (due, never duplicated,
configurable, switchable off), news to everyone invited, and notice of published minutes; and that the
outbox really delivers a calendar invitation to a mail server."""

import datetime as dt

import pytest
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.dialogue import records, services
from samrad.dialogue.models import Meeting, Minutes
from samrad.dialogue.registrations import meeting_register, registration_cancel
from samrad.dialogue.reminders import reminders_send_due
from samrad.dialogue.tests.conftest import at
from samrad.notifications.delivery import deliver
from samrad.notifications.models import OutboundEmail
from samrad.notifications.scheduling import PeriodicJobRegistry, periodic_jobs, scheduler_tick
from samrad.testing.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


def recipients(category: str) -> list[str]:
    return sorted(address for m in OutboundEmail.objects.filter(category=category) for address in m.to)


def test_invitations_go_to_members_or_else_the_registry_of_the_organisations_the_meeting_is_for(
    make_meeting, coordinator, sodertorn, erik, lina, botkyrka, sara
):
    meeting = make_meeting(for_groups=[sodertorn])

    sent = services.meeting_send_invitations(actor=coordinator, meeting=meeting)

    # Huddinge's two members personally; Botkyrka has no member, so its registry; Norrtälje is not in Södertörn.
    assert sent == 3
    assert recipients("dialogue.invitation") == sorted([erik.email, lina.email, botkyrka.registry_email])
    personal = OutboundEmail.objects.get(category="dialogue.invitation", to=[erik.email])
    assert "/konto/" in personal.body_text and "sesame=" in personal.body_text
    assert personal.subject == "Inbjudan: Dialogmöte"
    registry = OutboundEmail.objects.get(category="dialogue.invitation", to=[botkyrka.registry_email])
    assert "sesame=" not in registry.body_text
    # Sending again sends nothing new; the log says so.
    assert services.meeting_send_invitations(actor=coordinator, meeting=meeting) == 0
    assert OutboundEmail.objects.filter(category="dialogue.invitation").count() == 3
    assert [
        e.changes["emails"] for e in AuditEvent.objects.filter(action="dialogue.meeting.invite").order_by("pk")
    ] == [3, 0]


def test_a_meeting_for_named_organisations(make_meeting, coordinator, norrtalje, sara):
    meeting = make_meeting(for_organisations=[norrtalje])
    services.meeting_send_invitations(actor=coordinator, meeting=meeting)
    assert recipients("dialogue.invitation") == [sara.email]


def test_reminders_go_out_once_when_due(make_meeting, coordinator, series, huddinge, botkyrka, erik, bo, lina):
    services.series_update(
        actor=coordinator, series=series, data={"reminder_days_before": 3, "reminder_text": "Ta med er lokala plan."}
    )
    meeting = make_meeting(capacity=2)
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    meeting_register(actor=bo, meeting=meeting, organisation=botkyrka)
    meeting_register(actor=lina, meeting=meeting, organisation=huddinge)  # waiting: no reminder

    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(days=3, minutes=1)) == 0
    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(days=3)) == 2
    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(days=2)) == 0
    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(hours=1)) == 0

    assert recipients("dialogue.reminder") == sorted([erik.email, bo.email])
    reminder = OutboundEmail.objects.filter(category="dialogue.reminder").first()
    assert reminder is not None
    assert "Ta med er lokala plan." in reminder.body_text and reminder.subject.startswith("Påminnelse: Dialogmöte")
    assert AuditEvent.objects.filter(action="dialogue.meeting.remind").count() == 1


def test_a_moved_meeting_is_reminded_of_again_and_promoted_people_are_reminded(
    make_meeting, coordinator, huddinge, botkyrka, erik, bo
):
    meeting = make_meeting(capacity=1)
    first = meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    meeting_register(actor=bo, meeting=meeting, organisation=botkyrka)
    reminders_send_due(now=meeting.starts_at - dt.timedelta(days=1))
    registration_cancel(actor=erik, registration=first)
    services.meeting_update(actor=coordinator, meeting=meeting, data={"starts_at": at(11, 9), "ends_at": at(11, 12)})
    meeting.refresh_from_db()

    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(days=1)) == 1
    assert recipients("dialogue.reminder") == sorted([erik.email, bo.email])


def test_no_reminders_when_switched_off_or_cancelled(make_meeting, coordinator, series, huddinge, erik):
    meeting = make_meeting()
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    services.series_update(actor=coordinator, series=series, data={"reminders_enabled": False})
    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(hours=2)) == 0

    services.series_update(actor=coordinator, series=series, data={"reminders_enabled": True})
    services.meeting_cancel(actor=coordinator, meeting=meeting)
    assert reminders_send_due(now=meeting.starts_at - dt.timedelta(hours=2)) == 0
    assert not OutboundEmail.objects.filter(category="dialogue.reminder").exists()


def test_news_reaches_everyone_invited_once(series, coordinator, erik, lina, sara, botkyrka):
    news = services.news_post(actor=coordinator, series=series, title="Så går dialogen till", body="Tre möten i vår.")
    assert recipients("dialogue.news") == sorted([erik.email, lina.email, sara.email, botkyrka.registry_email])
    message = OutboundEmail.objects.get(category="dialogue.news", to=[sara.email])
    assert message.subject == "Regional samverkan: Så går dialogen till"
    assert "Tre möten i vår." in message.body_text
    assert series.news.get() == news


def test_published_minutes_reach_registered_and_present_people_once(
    coordinator, meeting, erik, huddinge, sara, norrtalje
):
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    meeting_register(actor=sara, meeting=meeting, organisation=norrtalje)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=at(-1, 9), ends_at=at(-1, 12), registration_deadline=at(-2))
    meeting.refresh_from_db()
    records.attendance_set(actor=coordinator, meeting=meeting, present=[erik])

    records.minutes_save(actor=coordinator, meeting=meeting, body="Utkast")
    assert not OutboundEmail.objects.filter(category="dialogue.minutes").exists()
    records.minutes_save(actor=coordinator, meeting=meeting, body="Färdiga anteckningar", publish=True)
    records.minutes_save(actor=coordinator, meeting=meeting, body="Rättade anteckningar", publish=True)

    assert recipients("dialogue.minutes") == sorted([erik.email, sara.email])
    assert Minutes.objects.get(meeting=meeting).body == "<p>Rättade anteckningar</p>"
    actions = list(
        AuditEvent.objects.filter(action__startswith="dialogue.minutes").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "dialogue.minutes.create",
        "dialogue.minutes.update",
        "dialogue.minutes.publish",
        "dialogue.minutes.update",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_outbox_delivers_the_invitation_with_its_calendar_file(smtp_server, meeting, coordinator, erik):
    services.meeting_send_invitations(actor=coordinator, meeting=meeting)
    message = OutboundEmail.objects.get(category="dialogue.invitation", to=[erik.email])

    deliver(message.pk)

    [received] = smtp_server.wait_for_messages(1)
    parts = {part.get_content_type(): part for part in received.message.walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert meeting.uid in calendar_part.get_content()
    assert timezone.now() > message.created_at


def test_sending_again_reaches_only_organisations_invited_since(meeting, coordinator, series, solna, outsider, erik):
    services.meeting_send_invitations(actor=coordinator, meeting=meeting)
    services.meeting_update(actor=coordinator, meeting=meeting, data={"place": "Solna stadshus"})
    services.series_invite(actor=coordinator, series=series, organisations=[solna])

    assert services.meeting_send_invitations(actor=coordinator, meeting=meeting) == 1

    assert OutboundEmail.objects.filter(category="dialogue.invitation", to=[outsider.email]).count() == 1
    assert OutboundEmail.objects.filter(category="dialogue.invitation", to=[erik.email]).count() == 1
    assert OutboundEmail.objects.filter(category="dialogue.updated", to=[erik.email]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_runs_the_reminders_through_the_task_queue(make_meeting, huddinge, erik):
    meeting = make_meeting(starts_at=at(1, 9), ends_at=at(1, 12))
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    [job] = [spec for spec in periodic_jobs if spec.name == "dialogue.reminders"]
    registry = PeriodicJobRegistry()
    registry.register(name=job.name, interval=job.interval, task=job.task)

    for tick in range(2):
        assert scheduler_tick(registry=registry, now=timezone.now() + tick * job.interval) == [job.name]
        run_queued_tasks()

    assert recipients("dialogue.reminder") == [erik.email]
