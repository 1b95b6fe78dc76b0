"""Calendar files (RFC 5545, written with the icalendar library) for dialogue meetings.

- An invitation (METHOD:REQUEST) per meeting and recipient, and a cancellation (METHOD:CANCEL) when the
  meeting is called off. Both carry the meeting's UID, fixed when the meeting was created, and its SEQUENCE,
  raised on every change of time or place and on cancellation, so that Outlook and other clients update or
  remove the event they have instead of adding a second one (RFC 5546 §3.2.2, §3.2.5).
- A feed per series (METHOD:PUBLISH) with every meeting, for calendar subscriptions.

Times are written in Europe/Stockholm (TZID) with the VTIMEZONE included, so that clients that do not know
the zone still place the meeting right. A time outside the platform's range of dates (`samrad.dates`: refused
on input, but a row can hold anything) is written in UTC instead: year 9999 in UTC may be year 10000 in
Stockholm, and no file or feed may fail on stored data.
"""

import datetime as dt
import html
import re
from collections.abc import Iterable
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from samrad.dates import date_in_range
from samrad.dialogue.models import DialogueSeries, Meeting
from samrad.notifications.services import Attachment

PRODID = "-//Samråd//Dialog//SV"
ZONE = "Europe/Stockholm"
METHOD_REQUEST = "REQUEST"
METHOD_CANCEL = "CANCEL"
METHOD_PUBLISH = "PUBLISH"
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|li|h[2-4]|tr|blockquote)>", re.IGNORECASE)


def _local(moment: dt.datetime) -> dt.datetime:
    if not date_in_range(moment):
        return moment.astimezone(dt.UTC).replace(microsecond=0)
    return timezone.localtime(moment, timezone.get_default_timezone()).replace(microsecond=0)


def _organizer(series: DialogueSeries, organiser_names: str) -> vCalAddress:
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'noreply@samrad.localhost'}")
    organizer.params["cn"] = vText(organiser_names or series.title)
    return organizer


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.SITE_URL}{reverse('dialogue:meeting', args=[meeting.pk])}"


def agenda_text(agenda: str) -> str:
    """The agenda's sanitised HTML as plain text, a line per paragraph, heading or list item."""
    text = _BLOCK_END.sub("\n", agenda or "")
    lines = (" ".join(line.split()) for line in html.unescape(strip_tags(text)).splitlines())
    return "\n".join(line for line in lines if line)


def _description(meeting: Meeting) -> str:
    parts = [meeting.series.title]
    if meeting.online_url:
        parts.append(_("Online meeting: %(url)s") % {"url": meeting.online_url})
    agenda = agenda_text(meeting.agenda)
    if agenda:
        parts.append(agenda)
    if meeting.is_cancelled and meeting.cancel_reason:
        parts.append(_("Cancelled: %(reason)s") % {"reason": meeting.cancel_reason})
    parts.append(meeting_url(meeting))
    return "\n\n".join(parts)


def meeting_event(
    meeting: Meeting,
    *,
    organiser_names: str,
    attendee: tuple[str, str] | None = None,
    partstat: str = "NEEDS-ACTION",
) -> Event:
    """The VEVENT of a meeting; `attendee` is (e-mail, name) of the person the file is for."""
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.ics_sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC).replace(microsecond=0))
    event.add("dtstart", _local(meeting.starts_at))
    event.add("dtend", _local(meeting.ends_at))
    summary = meeting.title
    if meeting.is_cancelled:
        summary = _("Cancelled: %(title)s") % {"title": meeting.title}
    event.add("summary", summary)
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    event.add("description", _description(meeting))
    event.add("url", meeting_url(meeting))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("organizer", _organizer(meeting.series, organiser_names))
    if attendee is not None:
        address, name = attendee
        person = vCalAddress(f"mailto:{address}")
        if name:
            person.params["cn"] = vText(name)
        person.params["role"] = vText("REQ-PARTICIPANT")
        person.params["partstat"] = vText(partstat)
        person.params["rsvp"] = vText("FALSE")
        event.add("attendee", person, encode=False)
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC).replace(microsecond=0))
    return event


def _calendar(method: str, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", ZONE)
    return calendar


def _finish(calendar: Calendar, moments: Iterable[dt.datetime]) -> bytes:
    """Add the VTIMEZONE, covering the years of the meetings written in local time, and serialise."""
    years = [moment.year for moment in moments if date_in_range(moment)] or [timezone.now().year]
    calendar.add_missing_timezones(first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 1, 12, 31))
    return calendar.to_ical()


def organiser_names(series: DialogueSeries) -> str:
    return ", ".join(organisation.name for organisation in series.organisers.order_by("name"))


def meeting_calendar(
    meeting: Meeting,
    *,
    method: str,
    attendee: tuple[str, str] | None = None,
    partstat: str = "NEEDS-ACTION",
    language: str | None = None,
) -> bytes:
    """One meeting as an invitation (REQUEST), a cancellation (CANCEL) or a plain event (PUBLISH)."""
    if method == METHOD_CANCEL and not meeting.is_cancelled:
        raise ValueError("A cancellation is only sent for a cancelled meeting.")
    with translation.override(language or settings.LANGUAGE_CODE):
        calendar = _calendar(method)
        calendar.add_component(
            meeting_event(
                meeting, organiser_names=organiser_names(meeting.series), attendee=attendee, partstat=partstat
            )
        )
    return _finish(calendar, [meeting.starts_at])


def meeting_attachment(
    meeting: Meeting, *, method: str, attendee: tuple[str, str] | None = None, partstat: str = "NEEDS-ACTION"
) -> Attachment:
    """The calendar file as an e-mail attachment (text/calendar with its method, as Outlook expects)."""
    return Attachment(
        filename="avbokning.ics" if method == METHOD_CANCEL else "inbjudan.ics",
        content=meeting_calendar(meeting, method=method, attendee=attendee, partstat=partstat),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )


def series_feed(series: DialogueSeries, meetings: Iterable[Meeting], *, language: str | None = None) -> bytes:
    """Every meeting of the series (cancelled ones marked so), for calendar subscriptions (METHOD:PUBLISH)."""
    meeting_list = list(meetings)
    names = organiser_names(series)
    with translation.override(language or settings.LANGUAGE_CODE):
        calendar = _calendar(METHOD_PUBLISH, name=series.title)
        for meeting in meeting_list:
            meeting.series = series
            calendar.add_component(meeting_event(meeting, organiser_names=names))
    return _finish(calendar, [meeting.starts_at for meeting in meeting_list])
