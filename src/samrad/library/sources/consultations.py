"""Consultations, their questions and the pages of their documents, found by whoever may read the consultation:
everyone once it is open (open, closed, compiled, published), before that only the coordinators who run it."""

import datetime as dt
from functools import partial
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse

from samrad.consultations.access import PUBLIC_STATUSES
from samrad.consultations.models import Consultation, ConsultationDocument, ConsultationSender
from samrad.documents.models import DocumentPage
from samrad.library.indexing import EntryData, SearchSource, file_page_entries
from samrad.library.models import SearchEntry
from samrad.library.sources.dates import local_day

Kind = SearchEntry.Kind


def _visibility(consultation: Consultation) -> dict[str, Any]:
    public = consultation.status in PUBLIC_STATUSES
    return {
        "scope": SearchEntry.Scope.PUBLIC if public else SearchEntry.Scope.RESTRICTED,
        "consultation_id": consultation.pk,
        "organisation_id": next((link.organisation_id for link in consultation.sender_links.all()), None),
        "date": local_day(consultation.opens_at or consultation.created_at),
    }


def _consultations() -> QuerySet[Consultation]:
    return Consultation.objects.prefetch_related(
        Prefetch("sender_links", queryset=ConsultationSender.objects.order_by("order", "id")), "questions"
    )


def _consultation_entries(consultation: Consultation) -> list[EntryData]:
    url = reverse("consultations:detail", args=[consultation.pk])
    common = _visibility(consultation)
    entries = [
        EntryData(
            kind=Kind.CONSULTATION,
            object_id=consultation.pk,
            title=consultation.title,
            body="\n\n".join(p for p in (consultation.reference_number, consultation.summary, consultation.body) if p),
            url=url,
            **common,
        )
    ]
    for question in consultation.questions.all():
        entries.append(
            EntryData(
                kind=Kind.QUESTION,
                object_id=question.pk,
                title=question.text,
                body="\n\n".join(part for part in (question.section, question.help_text) if part),
                url=url,
                **common,
            )
        )
    return entries


def _consultations_changed(since: dt.datetime) -> QuerySet[Consultation]:
    return Consultation.objects.filter(updated_at__gte=since)


CONSULTATIONS = SearchSource(
    name="consultation",
    model=Consultation,
    queryset=_consultations,
    entries=_consultation_entries,
    changed_since=_consultations_changed,
)


def _documents() -> QuerySet[ConsultationDocument]:
    return ConsultationDocument.objects.select_related("consultation", "file").prefetch_related(
        Prefetch("consultation__sender_links", queryset=ConsultationSender.objects.order_by("order", "id")),
        Prefetch("file__pages", queryset=DocumentPage.objects.order_by("number")),
    )


def _document_entries(document: ConsultationDocument) -> list[EntryData]:
    url = reverse("consultations:document", args=[document.consultation_id, document.pk])
    common = _visibility(document.consultation)
    make = partial(EntryData, kind=Kind.DOCUMENT, object_id=document.pk, title=document.title, url=url, **common)
    return [make(body=document.file.original_name), *file_page_entries(document.file, make)]


def _documents_changed(since: dt.datetime) -> QuerySet[ConsultationDocument]:
    return ConsultationDocument.objects.filter(
        Q(consultation__updated_at__gte=since) | Q(file__uploaded_at__gte=since) | Q(file__text_extracted_at__gte=since)
    )


def _documents_using(file_ids: list[int]) -> QuerySet[ConsultationDocument]:
    return ConsultationDocument.objects.filter(file_id__in=file_ids)


CONSULTATION_DOCUMENTS = SearchSource(
    name="consultation_document",
    model=ConsultationDocument,
    queryset=_documents,
    entries=_document_entries,
    changed_since=_documents_changed,
    using_files=_documents_using,
)
