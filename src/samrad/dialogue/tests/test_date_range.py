"""Dates far in the past or future: meetings and action points on year 0001 or 9999 are refused with a Swedish
message (on the forms and in the services), and the calendar feed and the meeting's .ics never fail on what is
stored, whatever it is."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from samrad.dialogue import records, services
from samrad.dialogue.feeds import feed_token
from samrad.dialogue.models import ActionPoint, Meeting
from samrad.errors import InvalidInput

pytestmark = pytest.mark.django_db

REFUSED = "Välj ett datum mellan 1 januari 2000 och 31 december 2100."
STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def meeting_form(day: str, start: str = "09:00", end: str = "11:00") -> dict[str, str]:
    return {"title": "Dialogmöte", "day": day, "start_time": start, "end_time": end, "place": "Regionens hus"}


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [("0001-01-01", "00:00", "00:30"), ("0001-01-01", "09:00", "11:00"), ("9999-12-31", "22:00", "23:30")],
)
def test_creating_a_meeting_on_a_far_day_is_refused_on_the_form(as_coordinator, series, day, start, end):
    response = as_coordinator.post(reverse("dialogue:meeting_create", args=[series.pk]), meeting_form(day, start, end))
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Meeting.objects.exists()


def test_moving_a_meeting_to_a_far_day_is_refused(as_coordinator, meeting):
    response = as_coordinator.post(reverse("dialogue:meeting_edit", args=[meeting.pk]), meeting_form("9999-12-31"))
    assert REFUSED in response.content.decode()
    before = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == before


def test_an_action_point_due_in_year_9999_is_refused(as_coordinator, meeting, huddinge):
    response = as_coordinator.post(
        reverse("dialogue:action_points", args=[meeting.pk]),
        {"kind": "action", "description": "Ta fram underlag", "owner": huddinge.pk, "due_date": "9999-12-31"},
    )
    assert REFUSED in response.content.decode()
    assert not ActionPoint.objects.exists()


def test_the_services_refuse_far_dates_too(coordinator, series, meeting):
    far = dt.datetime(9999, 12, 31, 9, tzinfo=STOCKHOLM)
    with pytest.raises(InvalidInput) as created:
        services.meeting_create(
            actor=coordinator, series=series, title="Möte", starts_at=far, ends_at=far + dt.timedelta(hours=2)
        )
    assert (created.value.field, created.value.message) == ("starts_at", REFUSED)
    with pytest.raises(InvalidInput) as moved:
        services.meeting_update(
            actor=coordinator, meeting=meeting, data={"registration_deadline": dt.datetime(1, 1, 2, tzinfo=dt.UTC)}
        )
    assert moved.value.field == "registration_deadline"
    with pytest.raises(InvalidInput) as point:
        records.action_point_add(
            actor=coordinator, meeting=meeting, description="Underlag", due_date=dt.date(9999, 12, 31)
        )
    assert point.value.field == "due_date"
    assert Meeting.objects.count() == 1 and not ActionPoint.objects.exists()


# --- The feed and the .ics files never fail on stored data -------------------------------------------------

FAR_MOMENTS = {
    "9999-12-31 23:00 UTC (year 10000 in Stockholm)": dt.datetime(9999, 12, 31, 23, 0, tzinfo=dt.UTC),
    "9999-12-31 23:00 in Stockholm": dt.datetime(9999, 12, 31, 23, 0, tzinfo=STOCKHOLM),
    "0001-01-01 00:00 UTC": dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
}


def store_meeting(series, starts_at: dt.datetime, title: str) -> Meeting:
    """Written straight to the table, as a meeting made before the dates were checked (or by hand) would be."""
    return Meeting.objects.create(
        series=series,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=30),
        registration_deadline=starts_at,
        place="Regionens hus",
    )


def events_of(content: bytes) -> dict[str, dt.datetime]:
    calendar = Calendar.from_ical(content)
    return {str(event["SUMMARY"]): event.decoded("DTSTART") for event in calendar.walk("VEVENT")}


def test_the_feed_and_the_ics_files_never_fail_on_far_dates_stored_in_the_table(
    client, coordinator, series, meeting, erik
):
    services.series_update(actor=coordinator, series=series, data={"visibility": "public"})
    far = {label: store_meeting(series, moment, label) for label, moment in FAR_MOMENTS.items()}

    feed = client.get(reverse("dialogue:feed", args=[series.pk]))
    assert feed.status_code == 200
    events = events_of(feed.content)
    assert events[meeting.title] == meeting.starts_at  # the ordinary meeting, in Stockholm time
    assert events[meeting.title].tzinfo is not None and events[meeting.title].utcoffset() != dt.timedelta(0)
    for label, stored in far.items():
        assert events[label] == stored.starts_at  # the same instant, written in UTC
        assert events[label].utcoffset() == dt.timedelta(0)
    token_feed = client.get(reverse("dialogue:feed_token", args=[series.pk, feed_token(series, erik)]))
    assert token_feed.status_code == 200 and len(events_of(token_feed.content)) == 4

    for label, stored in far.items():
        ics = client.get(reverse("dialogue:meeting_ics", args=[stored.pk]))
        assert ics.status_code == 200, label
        assert events_of(ics.content) == {label: stored.starts_at}


def test_a_cancelled_meeting_on_9999_12_31_leaves_the_feed_working(client, coordinator, series, meeting):
    services.series_update(actor=coordinator, series=series, data={"visibility": "public"})
    far = store_meeting(series, dt.datetime(9999, 12, 31, 23, 0, tzinfo=STOCKHOLM), "Fel år")

    services.meeting_cancel(actor=coordinator, meeting=far, reason="Fel datum")

    feed = client.get(reverse("dialogue:feed", args=[series.pk]))
    assert feed.status_code == 200
    [cancelled] = [e for e in Calendar.from_ical(feed.content).walk("VEVENT") if str(e["UID"]) == far.uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"
