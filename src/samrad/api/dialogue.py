"""Dialogues as open data: the series, one series with its topics and calendar feed, and its meetings.

What a caller sees is what the pages show them (samrad.dialogue.access): without a login, the public series; a
member of an invited organisation also the series it is invited to; the coordinators running a series also
that one. A series the caller may not see is 404, so ids reveal nothing. Registrations, needs, attendance and
written input are never part of the API. Authentication is the site's session.

Mounted in samrad.api.api with `api.add_router("/dialogue", "samrad.api.dialogue.router")`.
"""

import datetime as dt
from enum import StrEnum

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from samrad.api.errors import not_found, responses
from samrad.api.fields import ID
from samrad.dialogue import feeds, selectors
from samrad.dialogue.models import DialogueSeries, Meeting

router = Router(tags=["dialogue"])


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


class SeriesVisibility(StrEnum):
    """public: anyone may follow the series; invited: only the organisations invited to it
    (DialogueSeries.Visibility)."""

    INVITED = DialogueSeries.Visibility.INVITED.value
    PUBLIC = DialogueSeries.Visibility.PUBLIC.value


class MeetingStatus(StrEnum):
    """Whether the meeting takes place (Meeting.Status)."""

    SCHEDULED = Meeting.Status.SCHEDULED.value
    CANCELLED = Meeting.Status.CANCELLED.value


class OrganisationRef(Schema):
    id: int
    name: str


class TopicOut(Schema):
    id: int
    title: str
    description: str


class SeriesOut(Schema):
    id: int
    title: str
    purpose: str
    visibility: SeriesVisibility
    organisers: list[OrganisationRef]
    meeting_count: int
    url: str = Field(description="The series' page.")


class SeriesDetailOut(SeriesOut):
    topics: list[TopicOut]
    calendar_feed_url: str = Field(
        description=(
            "iCalendar feed of the series' meetings (METHOD:PUBLISH). Open for a public series; for a series of "
            "invited organisations only, a personal secret address for the calling member."
        )
    )


class MeetingOut(Schema):
    id: int
    title: str
    starts_at: str = Field(description="ISO 8601, Europe/Stockholm.")
    ends_at: str = Field(description="ISO 8601, Europe/Stockholm.")
    place: str
    online_url: str
    status: MeetingStatus
    for_groups: list[str] = Field(description="Empty, with for_organisations empty: every invited organisation.")
    for_organisations: list[str]
    capacity: int | None
    places_taken: int
    waiting_list: int
    registration_deadline: str
    minutes_published: bool
    uid: str = Field(description="The iCalendar UID of the meeting, the same in every calendar file.")
    url: str
    calendar_url: str


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _series_out(series: DialogueSeries) -> dict:
    return {
        "id": series.pk,
        "title": series.title,
        "purpose": series.purpose,
        "visibility": series.visibility,
        "organisers": [{"id": o.pk, "name": o.name} for o in series.organisers.all()],
        "meeting_count": getattr(series, "meeting_count", 0),
        "url": _site(reverse("dialogue:series", args=[series.pk])),
    }


def _series_for(request: HttpRequest, series_id: int) -> DialogueSeries:
    series = selectors.series_list_for(request.user).filter(pk=series_id).first()
    if series is None:
        raise not_found(_("No dialogue series has id %(id)s.") % {"id": series_id})
    return series


@router.get(
    "/series", response=responses(list[SeriesOut], 400), summary="List dialogue series", url_name="dialogue_series_list"
)
def series_list(request: HttpRequest) -> list[dict]:
    """Public series, and those the caller's organisations are invited to or that the caller runs; newest first."""
    return [_series_out(series) for series in selectors.series_list_for(request.user)]


@router.get(
    "/series/{series_id}",
    response=responses(SeriesDetailOut, 400, 404),
    summary="One dialogue series",
    url_name="dialogue_series_detail",
)
def series_detail(request: HttpRequest, series_id: ID) -> dict:
    series = _series_for(request, series_id)
    return {
        **_series_out(series),
        "topics": [{"id": t.pk, "title": t.title, "description": t.description} for t in series.topics.all()],
        "calendar_feed_url": feeds.feed_url(series, request.user),
    }


@router.get(
    "/series/{series_id}/meetings",
    response=responses(list[MeetingOut], 400, 404),
    summary="The meetings of a dialogue series",
    url_name="dialogue_series_meetings",
)
def series_meetings(request: HttpRequest, series_id: ID) -> list[dict]:
    """Every meeting in time order, cancelled ones included (status "cancelled")."""
    series = _series_for(request, series_id)
    meetings = selectors.series_meetings(series)
    return [
        {
            "id": m.pk,
            "title": m.title,
            "starts_at": _iso(m.starts_at),
            "ends_at": _iso(m.ends_at),
            "place": m.place,
            "online_url": m.online_url,
            "status": m.status,
            "for_groups": [g.name for g in m.for_groups.all()],
            "for_organisations": [o.name for o in m.for_organisations.all()],
            "capacity": m.capacity,
            "places_taken": getattr(m, "registered_count", 0),
            "waiting_list": getattr(m, "waitlisted_count", 0),
            "registration_deadline": _iso(m.registration_deadline),
            "minutes_published": bool(getattr(m, "minutes", None) and m.minutes.is_published),
            "uid": m.uid,
            "url": _site(reverse("dialogue:meeting", args=[m.pk])),
            "calendar_url": _site(reverse("dialogue:meeting_ics", args=[m.pk])),
        }
        for m in meetings
    ]
