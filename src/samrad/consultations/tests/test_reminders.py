"""Reminders: automatic ones N days before each body's deadline, never twice, never to bodies that answered or
declined, again before a new deadline; and manual ones to the selected bodies only."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.consultations.deadlines import end_of_day, local_date, local_zone
from samrad.consultations.extensions import extension_grant_direct
from samrad.consultations.lifecycle import TransitionError
from samrad.consultations.models import Consultation, Referral, ReminderSent
from samrad.consultations.reminders import (
    auto_reminder_due_at,
    reminder_send_manual,
    reminders_send_due,
)
from samrad.consultations.tasks import close_due_consultations, send_due_reminders
from samrad.consultations.tests.factories import ReferralFactory, deadline_in
from samrad.notifications.models import OutboundEmail
from samrad.notifications.scheduling import PeriodicJobRegistry, scheduler_tick
from samrad.organisations.tests.factories import ContactPersonFactory, OrganisationFactory
from samrad.testing.queue import run_queued_tasks

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=local_zone())


@pytest.fixture
def running(make_consultation):
    """Open, deadline in 40 days, reminders 14 and 3 days before."""
    return make_consultation(open=True, deadline=deadline_in(40), reminder_days=[14, 3])


def _body(consultation, **fields) -> Referral:
    organisation = OrganisationFactory.create()
    ContactPersonFactory.create(organisation=organisation)
    return ReferralFactory.create(consultation=consultation, organisation=organisation, invited=True, **fields)


def _reminder_mail(referral: Referral) -> list[OutboundEmail]:
    """The reminders queued for the body's registry address."""
    address = referral.organisation.registry_email
    return [m for m in OutboundEmail.objects.filter(category="consultations.reminder") if address in m.to]


def test_the_due_time_is_the_morning_n_days_before_the_deadlines_day():
    deadline = end_of_day(dt.date(2027, 3, 31))
    assert auto_reminder_due_at(deadline, 3) == dt.datetime(2027, 3, 28, 8, 0, tzinfo=local_zone())
    assert auto_reminder_due_at(deadline, 3).utcoffset() == dt.timedelta(hours=2)  # after the clocks changed


def test_each_automatic_reminder_goes_once_at_its_time(running):
    waiting = _body(running)
    day = local_date(running.deadline)

    assert reminders_send_due(now=at(day - dt.timedelta(days=20))) == 0  # nothing due yet
    assert reminders_send_due(now=at(day - dt.timedelta(days=14))) == 1  # the 14-day reminder
    assert reminders_send_due(now=at(day - dt.timedelta(days=14))) == 0  # the job runs again: nothing new
    assert reminders_send_due(now=at(day - dt.timedelta(days=10))) == 0
    assert reminders_send_due(now=at(day - dt.timedelta(days=3))) == 1  # the 3-day reminder
    assert reminders_send_due(now=at(day - dt.timedelta(days=1))) == 0
    assert reminders_send_due(now=running.deadline + dt.timedelta(seconds=1)) == 0  # past the deadline

    keys = list(ReminderSent.objects.filter(referral=waiting).order_by("sent_at").values_list("key", flat=True))
    assert keys == [f"auto-14d-{day.isoformat()}", f"auto-3d-{day.isoformat()}"]
    # Registry plus the contact person, per reminder.
    assert OutboundEmail.objects.filter(category="consultations.reminder").count() == 4
    assert AuditEvent.objects.filter(action="referral.reminded", actor_id=None).count() == 2


def test_a_late_job_sends_only_the_nearest_reminder(running):
    _body(running)
    day = local_date(running.deadline)
    assert reminders_send_due(now=at(day - dt.timedelta(days=2))) == 1
    assert reminders_send_due(now=at(day - dt.timedelta(days=1))) == 0
    assert list(ReminderSent.objects.values_list("key", flat=True)) == [f"auto-3d-{day.isoformat()}"]


def test_no_reminders_to_bodies_that_answered_declined_or_were_never_invited(running):
    waiting = _body(running)
    _body(running, status=Referral.Status.SUBMITTED)
    _body(running, status=Referral.Status.DECLINED)
    ReferralFactory.create(consultation=running)  # not invited (nobody could be reached)

    reminders_send_due(now=at(local_date(running.deadline) - dt.timedelta(days=3)))

    assert list(ReminderSent.objects.values_list("referral_id", flat=True)) == [waiting.pk]
    reminded = {address for m in OutboundEmail.objects.filter(category="consultations.reminder") for address in m.to}
    assert waiting.organisation.registry_email in reminded
    assert len(reminded) == 2


def test_no_reminders_on_a_consultation_that_is_not_open_or_has_none_configured(make_consultation):
    closed = make_consultation(closed=True, reminder_days=[3])
    _body(closed)
    silent = make_consultation(open=True, deadline=deadline_in(2), reminder_days=[])
    _body(silent)
    assert reminders_send_due(now=timezone.now()) == 0
    assert not OutboundEmail.objects.exists()


def test_an_extended_body_is_reminded_again_before_its_new_deadline(running, coordinator):
    body = _body(running)
    day = local_date(running.deadline)
    assert reminders_send_due(now=at(day - dt.timedelta(days=3))) == 1

    new_day = day + dt.timedelta(days=21)
    extension_grant_direct(actor=coordinator, referral=body, deadline=new_day, note="")
    body.refresh_from_db()

    # The old 3-day mark again: nothing, the body's deadline is three weeks later now.
    assert reminders_send_due(now=at(day - dt.timedelta(days=3))) == 0
    assert reminders_send_due(now=at(new_day - dt.timedelta(days=14))) == 1
    assert reminders_send_due(now=at(new_day - dt.timedelta(days=3))) == 1
    assert reminders_send_due(now=at(new_day - dt.timedelta(days=3))) == 0
    keys = set(ReminderSent.objects.filter(referral=body).values_list("key", flat=True))
    assert keys == {
        f"auto-3d-{day.isoformat()}",
        f"auto-14d-{new_day.isoformat()}",
        f"auto-3d-{new_day.isoformat()}",
    }


def test_the_outbox_dedupe_key_holds_even_if_the_reminder_record_is_lost(running):
    body = _body(running)
    now = at(local_date(running.deadline) - dt.timedelta(days=3))
    reminders_send_due(now=now)
    emails = OutboundEmail.objects.count()
    ReminderSent.objects.filter(referral=body).delete()

    reminders_send_due(now=now)

    assert OutboundEmail.objects.count() == emails


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_queues_both_jobs_and_a_worker_runs_them(make_consultation):
    registry = PeriodicJobRegistry()
    registry.register(name="consultations.reminders", interval=dt.timedelta(minutes=15), task=send_due_reminders)
    registry.register(name="consultations.close_due", interval=dt.timedelta(minutes=5), task=close_due_consultations)
    soon = make_consultation(open=True, deadline=deadline_in(1), reminder_days=[3])
    body = _body(soon)
    past = make_consultation(open=True, deadline=timezone.now() - dt.timedelta(minutes=1))

    assert scheduler_tick(registry=registry) == ["consultations.close_due", "consultations.reminders"]
    assert scheduler_tick(registry=registry) == []  # not due again yet
    run_queued_tasks()

    assert ReminderSent.objects.filter(referral=body).count() == 1
    assert Consultation.objects.get(pk=past.pk).status == Consultation.Status.CLOSED
    assert Consultation.objects.get(pk=soon.pk).status == Consultation.Status.OPEN


def test_the_reminder_task_runs_through_the_task_framework(make_consultation):
    soon = make_consultation(open=True, deadline=deadline_in(1), reminder_days=[3])
    body = _body(soon)
    send_due_reminders.call()
    send_due_reminders.call()
    assert ReminderSent.objects.filter(referral=body).count() == 1


# --- By hand ---------------------------------------------------------------------------------------------


def test_manual_reminders_go_to_the_selected_bodies_only(running, coordinator):
    chosen, other = _body(running), _body(running)
    answered = _body(running, status=Referral.Status.SUBMITTED)

    count = reminder_send_manual(
        actor=coordinator, consultation=running, referrals=[chosen, answered], message="Glöm inte <b>svaret</b>!"
    )

    assert count == 1
    assert list(ReminderSent.objects.values_list("referral_id", flat=True)) == [chosen.pk]
    assert _reminder_mail(other) == [] and _reminder_mail(answered) == []
    [registry] = _reminder_mail(chosen)
    assert "Glöm inte <b>svaret</b>!" in registry.body_text
    assert "Glöm inte &lt;b&gt;svaret&lt;/b&gt;!" in registry.body_html
    assert running.reference_number in registry.subject
    reminder = ReminderSent.objects.get()
    assert reminder.key.startswith("manual-") and reminder.sent_by == coordinator

    # A second manual reminder is a new reminder (the coordinator chose to send it).
    assert reminder_send_manual(actor=coordinator, consultation=running, referrals=[chosen]) == 1
    assert ReminderSent.objects.filter(referral=chosen).count() == 2


def test_manual_reminders_ignore_bodies_of_other_consultations(running, make_consultation, coordinator):
    elsewhere = _body(make_consultation(open=True))
    assert reminder_send_manual(actor=coordinator, consultation=running, referrals=[elsewhere]) == 0
    assert not ReminderSent.objects.exists()


def test_manual_reminders_need_the_coordinator_and_an_open_consultation(
    running, make_consultation, other_coordinator, coordinator
):
    body = _body(running)
    with pytest.raises(PermissionDenied):
        reminder_send_manual(actor=other_coordinator, consultation=running, referrals=[body])
    draft = make_consultation()
    with pytest.raises(TransitionError):
        reminder_send_manual(actor=coordinator, consultation=draft, referrals=[_body(draft)])
    assert not ReminderSent.objects.exists()
