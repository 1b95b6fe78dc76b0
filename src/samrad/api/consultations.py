"""Consultations as open data: the list, one consultation with its questions and documents, and its referral list.

What a caller sees is what the pages show them (samrad.consultations.access): without a login, or as a respondent,
consultations that are open, closed, compiled or published, never drafts; a coordinator also sees the drafts of
the consultations they run; platform staff see everything. A consultation the caller may not see is 404, so ids
reveal nothing. The referral list is the coordinators' while the consultation is open (403 for anyone else, who
can see that the consultation exists anyway) and public, reduced to who answered, once it has closed; it never
shows what a body wrote. Authentication is the site's session (log in on the site, then call the API from the
same browser); labels and messages follow the request's language (Swedish unless English was chosen on the site).
"""

import datetime as dt
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from ninja import Field, Query, Router, Schema

from samrad.api.errors import forbidden, not_found, responses
from samrad.api.fields import ID, SearchText
from samrad.consultations import access
from samrad.consultations.deadlines import local_zone
from samrad.consultations.models import Consultation, ConsultationDocument, ConsultationSender, Question, Referral
from samrad.consultations.selectors import STATUS_LABELS, referral_dashboard

router = Router(tags=["consultations"])

MAX_LIMIT = 200
MAX_OFFSET = 100_000

# The referral list of a consultation is public once answers can no longer come in; while it is open only the
# coordinators who run it follow who has answered.
REFERRALS_PUBLIC_STATUSES = (
    Consultation.Status.CLOSED,
    Consultation.Status.COMPILED,
    Consultation.Status.PUBLISHED,
)
# What everyone else is told about a referral body: whether it answered, declined, or did not answer. The steps
# in between (opened, drafting) are traces of the body's own work and are shown to the coordinators only.
ANSWERED = (Referral.Status.SUBMITTED.value, Referral.Status.DECLINED.value)
MAX_REFERRAL_LIMIT = 1000


class ConsultationStatus(StrEnum):
    """The consultation's phase (Consultation.Status); its label in the language of the request is
    `status_label`. Drafts are seen only by their coordinators."""

    DRAFT = Consultation.Status.DRAFT.value
    OPEN = Consultation.Status.OPEN.value
    CLOSED = Consultation.Status.CLOSED.value
    COMPILED = Consultation.Status.COMPILED.value
    PUBLISHED = Consultation.Status.PUBLISHED.value


class QuestionKind(StrEnum):
    """stance: a stance on the scale plus a comment; text: free text (Question.Kind)."""

    TEXT = Question.Kind.TEXT.value
    STANCE = Question.Kind.STANCE.value


class ReferralStatus(StrEnum):
    """Where a body on the referral list stands. The coordinators see invited, opened, drafting, submitted,
    declined or overdue (the deadline passed without an answer); everyone else sees submitted, declined or
    not_answered (every body that has not answered)."""

    INVITED = Referral.Status.INVITED.value
    OPENED = Referral.Status.OPENED.value
    DRAFTING = Referral.Status.DRAFTING.value
    SUBMITTED = Referral.Status.SUBMITTED.value
    DECLINED = Referral.Status.DECLINED.value
    OVERDUE = "overdue"
    NOT_ANSWERED = "not_answered"


NOT_ANSWERED = ReferralStatus.NOT_ANSWERED.value
PUBLIC_STATUS_FILTERS = (*ANSWERED, NOT_ANSWERED)


class SenderOut(Schema):
    id: int
    name: str
    case_number: str = Field(description="The sender's own case number (diarienummer); empty when not given.")


class ConsultationOut(Schema):
    id: int
    reference_number: str
    title: str
    summary: str
    status: ConsultationStatus
    status_label: str
    senders: list[SenderOut]
    opens_at: str | None = Field(description="When it opened (ISO 8601).")
    deadline: str = Field(description="The last instant answers are accepted (ISO 8601, Europe/Stockholm).")

    @staticmethod
    def resolve_status_label(obj: Consultation) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_senders(obj: Consultation) -> list[dict[str, Any]]:
        return [
            {"id": link.organisation_id, "name": link.organisation.name, "case_number": link.case_number}
            for link in obj.sender_links.all()
        ]

    @staticmethod
    def resolve_opens_at(obj: Consultation) -> str | None:
        return _iso(obj.opens_at)

    @staticmethod
    def resolve_deadline(obj: Consultation) -> str:
        return _iso(obj.deadline) or ""


class QuestionOut(Schema):
    id: int
    number: int = Field(description="The question's position, from 1.")
    text: str
    help_text: str
    kind: QuestionKind
    section: str = Field(description="The section of the proposal the question points to, if any.")


class DocumentOut(Schema):
    id: int
    title: str
    file_name: str
    size: int = Field(description="Size in bytes.")
    content_type: str
    download_url: str


class ConsultationDetailOut(ConsultationOut):
    body: str
    questions: list[QuestionOut]
    documents: list[DocumentOut]

    @staticmethod
    def resolve_questions(obj: Consultation) -> list[dict[str, Any]]:
        return [
            {
                "id": q.pk,
                "number": number,
                "text": q.text,
                "help_text": q.help_text,
                "kind": q.kind,
                "section": q.section,
            }
            for number, q in enumerate(obj.questions.all(), start=1)
        ]

    @staticmethod
    def resolve_documents(obj: Consultation, context: dict[str, Any]) -> list[dict[str, Any]]:
        request = context["request"]
        return [
            {
                "id": d.pk,
                "title": d.title,
                "file_name": d.file.original_name,
                "size": d.file.size,
                "content_type": d.file.content_type,
                # The public document page (same access rules as this API), not the storage's address.
                "download_url": request.build_absolute_uri(reverse("consultations:document", args=[obj.pk, d.pk])),
            }
            for d in obj.documents.all()
        ]


class ConsultationPage(Schema):
    items: list[ConsultationOut]
    count: int = Field(description="How many consultations match the filters (all pages together).")
    limit: int
    offset: int


class ConsultationFilters(Schema):
    status: ConsultationStatus | None = Field(None, description="Only consultations in this phase.")
    q: SearchText | None = Field(None, description="Part of the title, summary or reference number, any case.")
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many matching consultations to skip.")


def _iso(value: dt.datetime | None) -> str | None:
    """An instant in Swedish local time with its offset, e.g. 2026-10-31T23:59:59.999999+01:00."""
    return timezone.localtime(value, local_zone()).isoformat() if value is not None else None


def _with_senders(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return queryset.prefetch_related(
        Prefetch("sender_links", queryset=ConsultationSender.objects.select_related("organisation"))
    )


@router.get("", response=responses(ConsultationPage, 400), summary="List consultations", url_name="consultation_list")
def consultation_list(request: HttpRequest, filters: Query[ConsultationFilters]) -> dict[str, Any]:
    """Consultations the caller may see, latest deadline first, paginated by limit/offset. Without a login that
    is every consultation that is open, closed, compiled or published; drafts only to their coordinators."""
    queryset = access.consultations_visible_to(request.user)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q and filters.q.strip():
        term = filters.q.strip()
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(reference_number__icontains=term)
        )
    items = list(_with_senders(queryset)[filters.offset : filters.offset + filters.limit])
    return {"items": items, "count": queryset.count(), "limit": filters.limit, "offset": filters.offset}


@router.get(
    "/{consultation_id}",
    response=responses(ConsultationDetailOut, 400, 404),
    summary="One consultation, with its questions and documents",
    url_name="consultation_detail",
)
def consultation_detail(request: HttpRequest, consultation_id: ID) -> Consultation:
    """A consultation the caller may see (else 404), its questions in order and its documents."""
    queryset = _with_senders(access.consultations_visible_to(request.user)).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "id")),
        Prefetch("documents", queryset=ConsultationDocument.objects.select_related("file").order_by("order", "id")),
    )
    consultation = queryset.filter(pk=consultation_id).first()
    if consultation is None:
        raise _no_consultation(consultation_id)
    return consultation


def _no_consultation(consultation_id: int) -> Exception:
    return not_found(_("No consultation has id %(id)s.") % {"id": consultation_id})


class ReferralOut(Schema):
    organisation_id: int
    organisation_name: str
    municipality_code: str | None
    status: ReferralStatus
    status_label: str
    deadline: str = Field(description="The body's deadline: its own (a late addition, an extension) or the list's.")
    has_own_deadline: bool
    answered_at: str | None = Field(description="When its answer was submitted or received.")
    last_activity: str | None = Field(None, description="Coordinators only: the body's latest activity.")
    reminders_sent: int | None = Field(None, description="Coordinators only: reminders sent to the body.")
    extension_requested: bool | None = Field(None, description="Coordinators only: a request for more time waits.")


class ReferralPage(Schema):
    items: list[ReferralOut]
    count: int = Field(description="How many bodies match the filters (all pages together).")
    counts: dict[ReferralStatus, int] = Field(
        description="Bodies per status on the whole list, whatever the filters: the statuses the caller sees."
    )
    limit: int
    offset: int


class ReferralFilters(Schema):
    status: ReferralStatus | None = Field(
        None,
        description="Only bodies with this status; not_answered is every body that has not answered. "
        "Others than the coordinators may filter by submitted, declined and not_answered only (else 403).",
    )
    q: SearchText | None = Field(
        None, description="Part of the name, the municipality code or the organisation number."
    )
    limit: int = Field(100, ge=1, le=MAX_REFERRAL_LIMIT, description=f"Page size, at most {MAX_REFERRAL_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many matching bodies to skip.")


def _public_status(status: str) -> str:
    return status if status in ANSWERED else NOT_ANSWERED


def _referral_item(referral: Referral, *, full: bool) -> dict[str, Any]:
    status = referral.display_status if full else _public_status(referral.display_status)  # type: ignore[attr-defined]
    item: dict[str, Any] = {
        "organisation_id": referral.organisation_id,
        "organisation_name": referral.organisation.name,
        "municipality_code": referral.organisation.municipality_code,
        "status": status,
        "status_label": _status_label(status),
        "deadline": _iso(referral.effective_deadline),  # type: ignore[attr-defined]
        "has_own_deadline": referral.has_own_deadline,  # type: ignore[attr-defined]
        "answered_at": _iso(referral.answered_at),
    }
    if full:
        item["last_activity"] = _iso(referral.last_activity)  # type: ignore[attr-defined]
        item["reminders_sent"] = referral.reminders_sent  # type: ignore[attr-defined]
        item["extension_requested"] = referral.pending_request_id is not None  # type: ignore[attr-defined]
    return item


def _status_label(status: str) -> str:
    if status == NOT_ANSWERED:
        return str(pgettext_lazy("referral status", "not answered"))
    return str(STATUS_LABELS[status])


@router.get(
    "/{consultation_id}/referrals",
    response=responses(ReferralPage, 400, 403, 404),
    summary="The referral list: the status of every body asked to answer",
    url_name="consultation_referrals",
)
def consultation_referrals(
    request: HttpRequest, consultation_id: ID, filters: Query[ReferralFilters]
) -> dict[str, Any]:
    """Every body on the consultation's referral list, in name order, with its status, deadline and when it
    answered. What the answers say is never shown here.

    - The coordinators who run the consultation see the list at any time, with every status (invited, opened,
      drafting, submitted, declined, overdue), the last activity, reminders sent and waiting extension requests.
    - Everyone else (the public, respondents) sees the list once the consultation is closed (or compiled or
      published), and only whether each body answered: submitted, declined or not_answered. While it is open
      the list is the coordinators' working tool and this endpoint answers 403.
    """
    consultation = access.consultations_visible_to(request.user).filter(pk=consultation_id).first()
    if consultation is None:
        raise _no_consultation(consultation_id)
    full = access.can_manage(request.user, consultation)
    if not full and consultation.status not in REFERRALS_PUBLIC_STATUSES:
        raise forbidden(
            _(
                "While the consultation is open its referral list is shown to its coordinators only; "
                "everyone may see it once the consultation has closed."
            )
        )
    status = filters.status.value if filters.status else None
    if not full and status not in (None, *PUBLIC_STATUS_FILTERS):
        raise forbidden(
            _("Filter by status %(statuses)s; the other statuses are shown to the consultation's coordinators only.")
            % {"statuses": ", ".join(PUBLIC_STATUS_FILTERS)}
        )
    dashboard = referral_dashboard(consultation, status=None if status == NOT_ANSWERED else status, q=filters.q)
    rows = dashboard.rows
    if status == NOT_ANSWERED:
        rows = rows.exclude(status__in=ANSWERED)
    counts = dict(dashboard.counts)
    if not full:
        answered = {name: counts.get(name, 0) for name in ANSWERED}
        counts = {**answered, NOT_ANSWERED: dashboard.total - sum(answered.values())}
    page = list(rows[filters.offset : filters.offset + filters.limit])
    return {
        "items": [_referral_item(referral, full=full) for referral in page],
        "count": rows.count(),
        "counts": counts,
        "limit": filters.limit,
        "offset": filters.offset,
    }
