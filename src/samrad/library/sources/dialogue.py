"""Dialogue series, their meetings with published minutes, and the pages of meeting documents, found by whoever
may see the series: everyone for a public series, else the members of the invited organisations and the
coordinators who run it. Minutes not yet published are found only by those coordinators."""

import datetime as dt
import html
from functools import partial
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags

from samrad.dialogue.models import DialogueSeries, Meeting, MeetingDocument, Minutes
from samrad.documents.models import DocumentPage
from samrad.library.indexing import EntryData, SearchSource, file_page_entries
from samrad.library.models import SearchEntry
from samrad.library.sources.dates import local_day

Kind = SearchEntry.Kind


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the dialogue pages are not mounted (yet): the entry is found, without a link
        return ""


def _plain(rich_text: str) -> str:
    """Text of the dialogue app's sanitised HTML, one line per block."""
    spaced = rich_text.replace("</p>", "</p>\n").replace("<br>", "\n").replace("</li>", "</li>\n")
    return html.unescape(strip_tags(spaced)).strip()


def _visibility(series: DialogueSeries) -> dict[str, Any]:
    public = series.visibility == DialogueSeries.Visibility.PUBLIC
    return {
        "scope": SearchEntry.Scope.PUBLIC if public else SearchEntry.Scope.RESTRICTED,
        "organisation_ids": () if public else [i.organisation_id for i in series.invitations.all()],
        "dialogue_series_id": series.pk,
        "organisation_id": next((o.pk for o in series.organisers.all()), None),
    }


def _series() -> QuerySet[DialogueSeries]:
    return DialogueSeries.objects.prefetch_related("invitations", "organisers", "topics")


def _series_entries(series: DialogueSeries) -> list[EntryData]:
    topics = "\n".join(topic.title for topic in series.topics.all())
    return [
        EntryData(
            kind=Kind.DIALOGUE,
            object_id=series.pk,
            title=series.title,
            body="\n\n".join(part for part in (series.purpose, topics) if part),
            url=_url("dialogue:series", series.pk),
            date=local_day(series.created_at),
            **_visibility(series),
        )
    ]


def _series_changed(since: dt.datetime) -> QuerySet[DialogueSeries]:
    return DialogueSeries.objects.filter(Q(updated_at__gte=since) | Q(invitations__invited_at__gte=since)).distinct()


DIALOGUE_SERIES = SearchSource(
    name="dialogue_series",
    model=DialogueSeries,
    queryset=_series,
    entries=_series_entries,
    changed_since=_series_changed,
)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("series").prefetch_related(
        "series__invitations",
        "series__organisers",
        Prefetch("minutes", queryset=Minutes.objects.all()),
    )


def _meeting_entries(meeting: Meeting) -> list[EntryData]:
    common = _visibility(meeting.series)
    url = _url("dialogue:meeting", meeting.pk)
    day = local_day(meeting.starts_at)
    entries = [
        EntryData(
            kind=Kind.MEETING,
            object_id=meeting.pk,
            title=meeting.title,
            body="\n\n".join(part for part in (_plain(meeting.agenda), meeting.place) if part),
            url=url,
            date=day,
            **common,
        )
    ]
    minutes = getattr(meeting, "minutes", None)
    if minutes is not None and minutes.body.strip():
        if minutes.published_at is None:
            # Being written: only the coordinators who run the series.
            common = {**common, "scope": SearchEntry.Scope.RESTRICTED, "organisation_ids": ()}
        entries.append(
            EntryData(
                kind=Kind.MINUTES,
                object_id=minutes.pk,
                title=meeting.title,
                body=_plain(minutes.body),
                url=url,
                date=day,
                **common,
            )
        )
    return entries


def _meetings_changed(since: dt.datetime) -> QuerySet[Meeting]:
    return Meeting.objects.filter(
        Q(updated_at__gte=since)
        | Q(minutes__updated_at__gte=since)
        | Q(series__updated_at__gte=since)
        | Q(series__invitations__invited_at__gte=since)
    ).distinct()


MEETINGS = SearchSource(
    name="meeting",
    model=Meeting,
    queryset=_meetings,
    entries=_meeting_entries,
    changed_since=_meetings_changed,
)


def _meeting_documents() -> QuerySet[MeetingDocument]:
    return MeetingDocument.objects.select_related("meeting", "meeting__series", "file").prefetch_related(
        "meeting__series__invitations",
        "meeting__series__organisers",
        Prefetch("file__pages", queryset=DocumentPage.objects.order_by("number")),
    )


def _meeting_document_entries(document: MeetingDocument) -> list[EntryData]:
    make = partial(
        EntryData,
        kind=Kind.DOCUMENT,
        object_id=document.pk,
        title=document.title,
        url=_url("dialogue:meeting", document.meeting_id),
        date=local_day(document.meeting.starts_at),
        **_visibility(document.meeting.series),
    )
    return [make(body=document.file.original_name), *file_page_entries(document.file, make)]


def _meeting_documents_changed(since: dt.datetime) -> QuerySet[MeetingDocument]:
    return MeetingDocument.objects.filter(
        Q(added_at__gte=since)
        | Q(file__text_extracted_at__gte=since)
        | Q(meeting__series__updated_at__gte=since)
        | Q(meeting__series__invitations__invited_at__gte=since)
    ).distinct()


def _meeting_documents_using(file_ids: list[int]) -> QuerySet[MeetingDocument]:
    return MeetingDocument.objects.filter(file_id__in=file_ids)


MEETING_DOCUMENTS = SearchSource(
    name="meeting_document",
    model=MeetingDocument,
    queryset=_meeting_documents,
    entries=_meeting_document_entries,
    changed_since=_meeting_documents_changed,
    using_files=_meeting_documents_using,
)
