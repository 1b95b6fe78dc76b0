"""Submitted responses (the latest submission of each) and the pages of their attachments, found only by the
members of the answering organisation and its co-signers, and by the coordinators who run the consultation.
Drafts are never indexed."""

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from samrad.consultations.models import Response, Submission
from samrad.documents.models import DocumentPage, StoredFile
from samrad.library.indexing import EntryData, SearchSource, file_page_entries
from samrad.library.models import SearchEntry
from samrad.library.sources.dates import local_day


def _responses() -> QuerySet[Response]:
    return (
        Response.objects.filter(submissions__isnull=False)
        .distinct()
        .select_related("consultation", "organisation")
        .prefetch_related(
            "signatories",
            "organisation__former_names",
            Prefetch(
                "submissions",
                queryset=Submission.objects.order_by("-number").prefetch_related(
                    Prefetch(
                        "attachments",
                        queryset=StoredFile.objects.order_by("pk").prefetch_related(
                            Prefetch("pages", queryset=DocumentPage.objects.order_by("number"))
                        ),
                    )
                ),
            ),
        )
    )


def _respondent(response: Response, submission: Submission) -> str:
    if response.organisation is not None:
        return response.organisation.name
    return response.respondent_name or str(submission.content.get("respondent_name", "")) or submission.receipt_number


def _entries(response: Response) -> list[EntryData]:
    submissions = list(response.submissions.all())
    if not submissions:
        return []
    latest = submissions[0]
    content = latest.content
    answers = [a.get("text", "") for a in content.get("answers", []) if a.get("text")]
    # The organisation's former names too, so that a search by an old name finds its answers.
    former_names = response.organisation.all_names()[1:] if response.organisation is not None else []
    body = "\n\n".join(
        [*answers, content.get("their_reference", ""), content.get("decided_by", ""), ", ".join(former_names)]
    ).strip()
    title = f"{_respondent(response, latest)} – {response.consultation.title}"
    receipt = reverse("consultations:receipt", args=[response.consultation_id, latest.receipt_number])
    common: dict[str, Any] = {
        "scope": SearchEntry.Scope.RESTRICTED,
        "organisation_id": response.organisation_id,
        "organisation_ids": [
            *([response.organisation_id] if response.organisation_id else []),
            *(s.organisation_id for s in response.signatories.all()),
        ],
        "consultation_id": response.consultation_id,
        "date": local_day(latest.received_at or latest.submitted_at),
    }
    entries = [
        EntryData(kind=SearchEntry.Kind.RESPONSE, object_id=latest.pk, title=title, body=body, url=receipt, **common)
    ]
    for stored in latest.attachments.all():
        url = reverse(
            "consultations:submission_file", args=[response.consultation_id, latest.receipt_number, stored.pk]
        )
        make = partial(
            EntryData,
            kind=SearchEntry.Kind.RESPONSE,
            object_id=latest.pk,
            title=f"{title} ({stored.original_name})",
            url=url,
            **common,
        )
        entries.extend(file_page_entries(stored, make))
    return entries


def _changed(since: dt.datetime) -> QuerySet[Response]:
    return Response.objects.filter(
        Q(submissions__submitted_at__gte=since)
        | Q(signatories__confirmed_at__gte=since)
        | Q(updated_at__gte=since)
        | Q(organisation__updated_at__gte=since)
    ).distinct()


def _using(file_ids: list[int]) -> QuerySet[Response]:
    return Response.objects.filter(submissions__attachments__in=file_ids).distinct()


RESPONSES = SearchSource(
    name="response",
    model=Response,
    queryset=_responses,
    entries=_entries,
    changed_since=_changed,
    using_files=_using,
)
