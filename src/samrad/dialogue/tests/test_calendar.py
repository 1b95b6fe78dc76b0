"""Calendar files: parsed back with the icalendar library (time zone, UID, SEQUENCE, METHOD), and imported into a
real calendar program, khal, which must place the meeting at the right local time and replace the event on an
update instead of adding a second one."""

import base64
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from samrad.dialogue import calendar, services
from samrad.dialogue.models import Meeting
from samrad.dialogue.registrations import meeting_register
from samrad.dialogue.tests.conftest import at
from samrad.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def attached_calendar(message: OutboundEmail) -> Calendar:
    [attachment] = message.attachments
    assert attachment["filename"].endswith(".ics")
    return Calendar.from_ical(base64.b64decode(attachment["content_b64"]))


def only_event(cal: Calendar):
    [event] = cal.walk("VEVENT")
    return event


def check_time_zone(cal: Calendar) -> None:
    [zone] = cal.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Stockholm"
    assert {c.name for c in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    event = only_event(cal)
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event["DTEND"].params["TZID"] == "Europe/Stockholm"


def test_the_invitation_is_a_request_in_stockholm_time(meeting, coordinator, erik, huddinge):
    services.meeting_send_invitations(actor=coordinator, meeting=meeting)
    message = OutboundEmail.objects.get(category="dialogue.invitation", to=[erik.email])
    cal = attached_calendar(message)

    assert str(cal["METHOD"]) == "REQUEST"
    assert message.attachments[0]["content_type"] == "text/calendar; charset=utf-8; method=REQUEST"
    check_time_zone(cal)
    event = only_event(cal)
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == 0
    start = event.decoded("DTSTART")
    assert start == meeting.starts_at and start.utcoffset() == meeting.starts_at.astimezone(STOCKHOLM).utcoffset()
    assert (start.hour, event.decoded("DTEND").hour) == (9, 12)
    assert str(event["LOCATION"]) == "Regionens hus, Stockholm"
    assert str(event["ATTENDEE"]) == f"mailto:{erik.email}"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_summer_meeting_is_in_summer_time(make_meeting):
    """The VTIMEZONE must carry the daylight-saving rule: 10:00 in June is 08:00 UTC, 10:00 in January 09:00."""
    year = dt.date.today().year + 1
    summer = make_meeting(
        starts_at=dt.datetime(year, 6, 15, 10, tzinfo=STOCKHOLM), ends_at=dt.datetime(year, 6, 15, 12, tzinfo=STOCKHOLM)
    )
    winter = make_meeting(
        starts_at=dt.datetime(year, 1, 15, 10, tzinfo=STOCKHOLM), ends_at=dt.datetime(year, 1, 15, 12, tzinfo=STOCKHOLM)
    )
    for meeting, utc_hour in [(summer, 8), (winter, 9)]:
        cal = Calendar.from_ical(calendar.meeting_calendar(meeting, method=calendar.METHOD_REQUEST))
        check_time_zone(cal)
        event = only_event(cal)
        assert "DTSTART;TZID=Europe/Stockholm:" in event.to_ical().decode()
        assert event.decoded("DTSTART").astimezone(dt.UTC).hour == utc_hour


def test_uid_stays_and_sequence_rises_when_time_or_place_changes(meeting, coordinator, huddinge, erik):
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    first = only_event(attached_calendar(OutboundEmail.objects.get(category="dialogue.registered")))

    services.meeting_update(actor=coordinator, meeting=meeting, data={"starts_at": at(11, 13), "ends_at": at(11, 15)})
    services.meeting_update(actor=coordinator, meeting=meeting, data={"place": "Kommunhuset, Huddinge"})
    services.meeting_update(actor=coordinator, meeting=meeting, data={"title": "Dialogmöte 2"})

    updates = list(OutboundEmail.objects.filter(category="dialogue.updated").order_by("created_at", "pk"))
    assert len(updates) == 2, "a new title is not a new time or place"
    events = [only_event(attached_calendar(message)) for message in updates]
    assert {str(e["UID"]) for e in [first, *events]} == {meeting.uid}
    assert [int(e["SEQUENCE"]) for e in [first, *events]] == [0, 1, 2]
    assert events[0].decoded("DTSTART").hour == 13
    assert str(events[1]["LOCATION"]) == "Kommunhuset, Huddinge"
    assert str(events[1]["ATTENDEE"].params["PARTSTAT"]) == "ACCEPTED"
    meeting.refresh_from_db()
    assert meeting.ics_sequence == 2


def test_cancellation_is_a_cancel_with_a_higher_sequence(meeting, coordinator, huddinge, erik):
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    services.meeting_cancel(actor=coordinator, meeting=meeting, reason="Sjukdom")

    cal = attached_calendar(OutboundEmail.objects.get(category="dialogue.cancelled"))
    assert str(cal["METHOD"]) == "CANCEL"
    check_time_zone(cal)
    event = only_event(cal)
    assert str(event["UID"]) == meeting.uid
    assert int(event["SEQUENCE"]) == 1
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_series_feed_publishes_every_meeting(series, make_meeting, coordinator, client):
    services.series_update(actor=coordinator, series=series, data={"visibility": "public"})
    first, second = make_meeting(title="Södertörn"), make_meeting(title="Nordost", starts_at=at(12), ends_at=at(12, 11))
    services.meeting_cancel(actor=coordinator, meeting=second)

    response = client.get(f"/dialog/{series.pk}/kalender.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Regional samverkan"
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert set(events) == {first.uid, second.uid}
    assert str(events[second.uid]["STATUS"]) == "CANCELLED" and int(events[second.uid]["SEQUENCE"]) == 1


# --- A real calendar program ---------------------------------------------------------------------------------


def khal_program() -> str | None:
    """khal from the virtualenv running the tests, else from PATH."""
    beside = Path(sys.executable).with_name("khal")
    return str(beside) if beside.exists() else shutil.which("khal")


@pytest.fixture
def khal(tmp_path: Path):
    """Run khal with a throwaway configuration and calendar in tmp_path; khal(*args) -> its output."""
    program = khal_program()
    if program is None:
        pytest.skip("khal is not installed (pip install khal==0.13.0, or Debian's khal package)")
    (tmp_path / "calendar").mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        "[calendars]\n[[dialog]]\n"
        f"path = {tmp_path / 'calendar'}\ntype = calendar\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Europe/Stockholm\ndefault_timezone = Europe/Stockholm\n"
        "[default]\ndefault_calendar = dialog\n"
        f"[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )
    environment = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "TZ": "UTC",  # the machine's zone must not matter: the file carries its own
    }

    def run(*args: str) -> str:
        result = subprocess.run(
            [program, "-c", str(config), *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, f"khal {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        assert "error" not in result.stderr.lower(), result.stderr
        return result.stdout

    return run


def _import(khal, tmp_path: Path, *files: tuple[str, bytes]) -> None:
    paths = []
    for name, content in files:
        (tmp_path / name).write_bytes(content)
        paths.append(str(tmp_path / name))
    khal("import", "--batch", *paths)


def _listing(khal, first: Meeting, days: int = 2) -> list[str]:
    day = first.starts_at.astimezone(STOCKHOLM).date()
    output = khal("list", "--format", "{cancelled}{uid}|{start}|{end}|{title}", day.isoformat(), f"{days}d")
    return [line for line in output.splitlines() if "|" in line]


def _attachment(message: OutboundEmail) -> bytes:
    return base64.b64decode(message.attachments[0]["content_b64"])


def test_khal_imports_the_invitation_and_replaces_it_on_update(meeting, coordinator, huddinge, erik, khal, tmp_path):
    """The registration's invitation, then the update (SEQUENCE 1, new time): one event, at the new local time,
    although khal runs in UTC."""
    meeting_register(actor=erik, meeting=meeting, organisation=huddinge)
    invitation = OutboundEmail.objects.get(category="dialogue.registered")
    services.meeting_update(actor=coordinator, meeting=meeting, data={"starts_at": at(10, 13), "ends_at": at(10, 16)})
    update = OutboundEmail.objects.get(category="dialogue.updated")

    _import(khal, tmp_path, ("inbjudan.ics", _attachment(invitation)))
    _import(khal, tmp_path, ("andrad.ics", _attachment(update)))

    day = meeting.starts_at.astimezone(STOCKHOLM).date().isoformat()
    assert _listing(khal, meeting) == [f"{meeting.uid}|{day} 13:00|{day} 16:00|Dialogmöte"]


def test_khal_imports_the_cancellation_and_the_feed(series, make_meeting, coordinator, khal, tmp_path, client):
    meeting, other = make_meeting(), make_meeting(title="Nordost", starts_at=at(11, 9), ends_at=at(11, 11))
    services.meeting_send_invitations(actor=coordinator, meeting=meeting)
    services.meeting_cancel(actor=coordinator, meeting=meeting)
    cancellation = OutboundEmail.objects.filter(category="dialogue.cancelled").first()
    assert cancellation is not None
    client.force_login(coordinator)
    feed = client.get(f"/dialog/{series.pk}/kalender.ics")

    _import(khal, tmp_path, ("avbokning.ics", _attachment(cancellation)), ("serie.ics", feed.content))

    day, next_day = (m.starts_at.astimezone(STOCKHOLM).date().isoformat() for m in (meeting, other))
    assert _listing(khal, meeting, days=3) == [
        f"CANCELLED {meeting.uid}|{day} 09:00|{day} 12:00|Inställt: Dialogmöte",
        f"{other.uid}|{next_day} 09:00|{next_day} 11:00|Nordost",
    ]


def test_the_description_carries_the_agenda_as_plain_text(make_meeting):
    meeting = make_meeting(agenda="<h3>Dagordning</h3><ol><li>Välkomna &amp; inledning</li><li>Förväntningar</li></ol>")
    event = only_event(Calendar.from_ical(calendar.meeting_calendar(meeting, method=calendar.METHOD_PUBLISH)))
    description = str(event["DESCRIPTION"])
    assert "Dagordning\nVälkomna & inledning\nFörväntningar" in description
    assert description.startswith("Regional samverkan") and description.endswith(f"/dialog/mote/{meeting.pk}/")
