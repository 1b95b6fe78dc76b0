"""The consultation lifecycle (every move, legal and illegal), deadlines in Europe/Stockholm, and closing at the
deadline."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from samrad.audit.models import AuditEvent
from samrad.consultations import services
from samrad.consultations.deadlines import effective_deadline, end_of_day, is_open_at
from samrad.consultations.lifecycle import TRANSITIONS, TransitionError, consultation_transition
from samrad.consultations.models import Consultation, StatusChange
from samrad.consultations.tasks import close_due_consultations, consultations_close_due
from samrad.consultations.tests.factories import ReferralFactory, deadline_in

pytestmark = pytest.mark.django_db

Status = Consultation.Status
STOCKHOLM = ZoneInfo("Europe/Stockholm")
ALL_MOVES = [(a, b) for a in Status.values for b in Status.values if a != b]


def _audit(consultation: Consultation, action: str):
    return AuditEvent.objects.filter(
        object_type="consultations.consultation", object_id=str(consultation.pk), action=action
    )


# --- Every move --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("from_status", "to_status"), ALL_MOVES)
def test_every_move_is_legal_exactly_when_the_map_allows_it(make_consultation, coordinator, from_status, to_status):
    consultation = make_consultation(status=from_status)
    legal = to_status in TRANSITIONS[from_status]
    new_deadline = deadline_in(30) if (from_status, to_status) == (Status.CLOSED, Status.OPEN) else None

    if legal:
        consultation_transition(
            actor=coordinator, consultation=consultation, to_status=to_status, new_deadline=new_deadline
        )
        consultation.refresh_from_db()
        assert consultation.status == to_status
        change = StatusChange.objects.get(consultation=consultation)
        assert (change.from_status, change.to_status, change.actor) == (from_status, to_status, coordinator)
        event = _audit(consultation, f"consultation.{to_status}").get()
        assert event.actor_id == coordinator.pk
        assert event.changes["status"] == [from_status, to_status]
    else:
        with pytest.raises(TransitionError):
            consultation_transition(
                actor=coordinator, consultation=consultation, to_status=to_status, new_deadline=new_deadline
            )
        consultation.refresh_from_db()
        assert consultation.status == from_status
        assert not StatusChange.objects.filter(consultation=consultation).exists()
        assert not AuditEvent.objects.filter(object_type="consultations.consultation").exists()


def test_the_named_illegal_moves_are_refused_with_a_message(make_consultation, coordinator):
    draft = make_consultation()
    with pytest.raises(TransitionError, match="kan inte"):
        services.consultation_close(actor=coordinator, consultation=draft)
    published = make_consultation(status=Status.PUBLISHED)
    with pytest.raises(TransitionError):
        consultation_transition(actor=coordinator, consultation=published, to_status=Status.OPEN)
    assert StatusChange.objects.count() == 0


def test_opening_needs_a_question(make_consultation, coordinator):
    consultation = make_consultation(questions=0)
    with pytest.raises(TransitionError, match="fråga"):
        services.consultation_open(actor=coordinator, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.DRAFT


def test_opening_needs_a_deadline_in_the_future(make_consultation, coordinator):
    consultation = make_consultation(deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(TransitionError):
        services.consultation_open(actor=coordinator, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.DRAFT
    assert consultation.opened_at is None


def test_open_close_and_reopen_through_the_services(make_consultation, coordinator):
    consultation = make_consultation()

    services.consultation_open(actor=coordinator, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.OPEN
    assert consultation.opened_at is not None and consultation.opens_at is not None

    services.consultation_close(actor=coordinator, consultation=consultation, note="Klart")
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED and consultation.closed_at is not None

    new_deadline = deadline_in(20)
    services.consultation_reopen(actor=coordinator, consultation=consultation, new_deadline=new_deadline)
    consultation.refresh_from_db()
    assert consultation.status == Status.OPEN
    assert consultation.deadline == new_deadline
    assert consultation.closed_at is None

    moves = list(StatusChange.objects.filter(consultation=consultation).values_list("from_status", "to_status"))
    assert moves == [(Status.DRAFT, Status.OPEN), (Status.OPEN, Status.CLOSED), (Status.CLOSED, Status.OPEN)]
    assert _audit(consultation, "consultation.open").count() == 2
    reopen = _audit(consultation, "consultation.open").order_by("-id").first()
    assert "deadline" in reopen.changes


def test_reopening_needs_a_new_deadline_in_the_future(make_consultation, coordinator):
    consultation = make_consultation(closed=True)
    with pytest.raises(TransitionError, match="ny sista svarsdag"):
        consultation_transition(actor=coordinator, consultation=consultation, to_status=Status.OPEN)
    with pytest.raises(TransitionError):
        services.consultation_reopen(
            actor=coordinator, consultation=consultation, new_deadline=timezone.now() - dt.timedelta(hours=1)
        )
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    assert not StatusChange.objects.filter(consultation=consultation).exists()


def test_only_those_who_run_it_can_move_it(make_consultation, other_coordinator, respondent):
    consultation = make_consultation()
    for actor in (other_coordinator, respondent):
        with pytest.raises(PermissionDenied):
            services.consultation_open(actor=actor, consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.status == Status.DRAFT


# --- Deadlines in Europe/Stockholm -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "utc_offset_hours"),
    [
        (dt.date(2026, 1, 15), 1),  # winter
        (dt.date(2026, 7, 1), 2),  # summer
        (dt.date(2026, 10, 24), 2),  # the day before clocks go back
        (dt.date(2026, 10, 25), 1),  # clocks went back at 03:00 that night
        (dt.date(2027, 3, 27), 1),  # the day before clocks go forward
        (dt.date(2027, 3, 28), 2),  # clocks went forward at 02:00 that night
    ],
)
def test_end_of_day_is_the_last_instant_of_the_local_day(day, utc_offset_hours):
    deadline = end_of_day(day)
    local = deadline.astimezone(STOCKHOLM)
    assert (local.date(), local.hour, local.minute, local.second, local.microsecond) == (day, 23, 59, 59, 999999)
    assert local.utcoffset() == dt.timedelta(hours=utc_offset_hours)
    next_midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=STOCKHOLM)
    assert next_midnight - deadline == dt.timedelta(microseconds=1)


@pytest.mark.parametrize("day", [dt.date(2026, 10, 25), dt.date(2027, 3, 28), dt.date(2026, 12, 1)])
def test_the_deadline_boundary_23_59_59_is_in_00_00_00_is_out(day):
    deadline = end_of_day(day)
    last_second = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=STOCKHOLM)
    midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0, 0), tzinfo=STOCKHOLM)
    assert is_open_at(deadline, last_second)
    assert is_open_at(deadline, deadline)
    assert not is_open_at(deadline, midnight)
    assert not is_open_at(deadline, deadline + dt.timedelta(microseconds=1))


def test_deadline_survives_the_database_round_trip_in_the_week_clocks_change(make_consultation):
    deadline = end_of_day(dt.date(2027, 3, 28))
    consultation = make_consultation(deadline=deadline)
    consultation.refresh_from_db()
    assert consultation.deadline == deadline
    assert timezone.localtime(consultation.deadline).strftime("%Y-%m-%d %H:%M:%S") == "2027-03-28 23:59:59"


def test_an_own_deadline_only_ever_gives_more_time(open_consultation, municipality):
    referral = ReferralFactory.create(consultation=open_consultation, organisation=municipality)
    assert effective_deadline(referral) == open_consultation.deadline
    referral.deadline_override = open_consultation.deadline + dt.timedelta(days=10)
    assert effective_deadline(referral) == referral.deadline_override
    referral.deadline_override = open_consultation.deadline - dt.timedelta(days=10)
    assert effective_deadline(referral) == open_consultation.deadline


def test_short_remiss_time_is_warned_about_not_blocked(make_consultation, coordinator):
    short = make_consultation(deadline=deadline_in(30))
    assert "tre månader" in services.remiss_time_warning(short)
    services.consultation_open(actor=coordinator, consultation=short)
    short.refresh_from_db()
    assert short.status == Status.OPEN

    long_enough = make_consultation(deadline=deadline_in(120))
    assert services.remiss_time_warning(long_enough) == ""


# --- Closing at the deadline -------------------------------------------------------------------------------


def test_the_job_closes_a_consultation_once_every_deadline_has_passed(make_consultation, municipality):
    consultation = make_consultation(open=True, deadline=deadline_in(2))
    extended = ReferralFactory.create(
        consultation=consultation, organisation=municipality, deadline_override=deadline_in(9)
    )
    ReferralFactory.create(consultation=consultation)

    assert consultations_close_due(now=timezone.now()) == []
    after_consultation_deadline = consultation.deadline + dt.timedelta(days=1)
    assert consultations_close_due(now=after_consultation_deadline) == []  # one body still has time

    after_all = extended.deadline_override + dt.timedelta(seconds=1)
    assert consultations_close_due(now=after_all) == [consultation.pk]
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    change = StatusChange.objects.get(consultation=consultation)
    assert change.actor is None and change.to_status == Status.CLOSED
    assert _audit(consultation, "consultation.closed").get().actor_label == "system"

    assert consultations_close_due(now=after_all) == []  # running it again does nothing
    assert StatusChange.objects.filter(consultation=consultation).count() == 1


def test_the_close_task_runs_through_the_task_framework(make_consultation):
    past = make_consultation(open=True, deadline=timezone.now() - dt.timedelta(minutes=1))
    running = make_consultation(open=True)
    draft_past = make_consultation(deadline=timezone.now() - dt.timedelta(minutes=1))

    close_due_consultations.call()

    assert Consultation.objects.get(pk=past.pk).status == Status.CLOSED
    assert Consultation.objects.get(pk=running.pk).status == Status.OPEN
    assert Consultation.objects.get(pk=draft_past.pk).status == Status.DRAFT
