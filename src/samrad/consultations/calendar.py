"""The calendar file (.ics) that goes with invitations and extension decisions: the body's deadline as an event.

The event is timed at the deadline instant in Europe/Stockholm (the VTIMEZONE is included, so calendars that do
not know the zone still place it right). Its UID is stable per consultation and organisation, so a later file
for the same body replaces the event instead of adding a second one; SEQUENCE says which file is newer.

SEQUENCE is derived from the deadline rather than stored: the number of whole minutes from the consultation's
creation to the deadline. Deadlines only ever move later (an open consultation's deadline cannot be brought
forward, an extension is later than the deadline it extends, reopening needs a deadline in the future), so the
number rises whenever the deadline changes and stays the same when the same deadline is sent again.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from samrad.consultations.deadlines import local_zone
from samrad.consultations.models import Consultation
from samrad.notifications.services import Attachment
from samrad.organisations.models import Organisation

PRODID = "-//Samråd//Remiss//SV"
FILENAME = "svarsdatum.ics"
CONTENT_TYPE = "text/calendar; charset=utf-8; method=PUBLISH"


@dataclass(frozen=True)
class DeadlineEvent:
    uid: str
    sequence: int
    deadline: dt.datetime


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "samrad.localhost"


def deadline_uid(consultation: Consultation, organisation: Organisation) -> str:
    """The same for every calendar file about this body's deadline on this consultation."""
    return f"consultation-{consultation.pk}-organisation-{organisation.pk}@{_domain()}"


# iCalendar's INTEGER is 32-bit (RFC 5545 §3.3.8): about 4 000 years of minutes, never reached by a deadline
# in the platform's range, but a stored year 9999 must still give a valid file.
SEQUENCE_MAX = 2**31 - 1


def deadline_sequence(consultation: Consultation, deadline: dt.datetime) -> int:
    """Rises whenever the deadline moves later (see the module's docstring)."""
    minutes = (deadline - consultation.created_at) // dt.timedelta(minutes=1)
    return min(max(0, int(minutes)), SEQUENCE_MAX)


def deadline_event(consultation: Consultation, organisation: Organisation, deadline: dt.datetime) -> DeadlineEvent:
    return DeadlineEvent(
        uid=deadline_uid(consultation, organisation),
        sequence=deadline_sequence(consultation, deadline),
        deadline=deadline,
    )


def deadline_calendar(
    *,
    consultation: Consultation,
    organisation: Organisation,
    deadline: dt.datetime,
    url: str = "",
    language: str | None = None,
) -> bytes:
    """An iCalendar file with one event at `deadline` (local time, seconds precision)."""
    event_data = deadline_event(consultation, organisation, deadline)
    local_deadline = timezone.localtime(deadline, local_zone()).replace(microsecond=0)
    with translation.override(language or settings.LANGUAGE_CODE):
        summary = _("Deadline: %(reference)s %(title)s") % {
            "reference": consultation.reference_number,
            "title": consultation.title,
        }
        description = _("The last day for %(organisation)s to answer the consultation %(title)s.") % {
            "organisation": organisation.name,
            "title": consultation.title,
        }
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_data.uid)
    event.add("sequence", event_data.sequence)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC).replace(microsecond=0))
    event.add("dtstart", local_deadline)
    event.add("dtend", local_deadline)
    event.add("summary", summary)
    if url:
        event.add("description", f"{description}\n{url}")
        event.add("url", url)
    else:
        event.add("description", description)
    event.add("transp", "TRANSPARENT")
    calendar.add_component(event)
    calendar.add_missing_timezones(
        first_date=dt.date(max(local_deadline.year - 1, dt.MINYEAR), 1, 1),
        last_date=dt.date(min(local_deadline.year + 1, dt.MAXYEAR), 12, 31),
    )
    return calendar.to_ical()


def deadline_attachment(
    *, consultation: Consultation, organisation: Organisation, deadline: dt.datetime, url: str = ""
) -> Attachment:
    """The calendar file as an e-mail attachment."""
    return Attachment(
        filename=FILENAME,
        content=deadline_calendar(consultation=consultation, organisation=organisation, deadline=deadline, url=url),
        content_type=CONTENT_TYPE,
    )
