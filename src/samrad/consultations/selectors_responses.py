"""Reads for the public and respondent pages: the list of consultations, one consultation, an organisation's
answer page, receipts, and "Mina remisser". Everything a user may not see is 404 (see access.py)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, F, Prefetch, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.consultations import access
from samrad.consultations.deadlines import effective_deadline, is_open_at
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import (
    Answer,
    Consultation,
    ConsultationDocument,
    ConsultationSender,
    ExtensionRequest,
    Question,
    Referral,
    Response,
    ResponseAttachment,
    ResponseSignatory,
    Submission,
)
from samrad.documents.models import StoredFile
from samrad.organisations.models import Organisation

OVERDUE = "overdue"
OVERDUE_LABEL = _("overdue")
STILL_TO_ANSWER = (Referral.Status.INVITED, Referral.Status.OPENED, Referral.Status.DRAFTING)


def referral_status(
    referral: Referral, consultation: Consultation | None = None, now: dt.datetime | None = None
) -> str:
    """The status to show: the stored one, or "overdue" once the body's deadline has passed unanswered."""
    if referral.status in STILL_TO_ANSWER and not is_open_at(effective_deadline(referral, consultation), now):
        return OVERDUE
    return referral.status


def referral_status_label(status: str) -> str:
    return str(OVERDUE_LABEL) if status == OVERDUE else str(Referral.Status(status).label)


def _with_senders(queryset: QuerySet[Consultation]) -> QuerySet[Consultation]:
    return queryset.prefetch_related(
        Prefetch("sender_links", queryset=ConsultationSender.objects.select_related("organisation"))
    )


def consultation_list_for_user(*, user: Any) -> QuerySet[Consultation]:
    """Consultations the user may read, never drafts: open ones first (soonest deadline first), then the rest
    (latest deadline first)."""
    return _with_senders(
        access.consultations_visible_to(user)
        .filter(status__in=access.PUBLIC_STATUSES)
        .annotate(
            open_rank=Case(When(status=Consultation.Status.OPEN, then=Value(0)), default=Value(1)),
            open_deadline=Case(When(status=Consultation.Status.OPEN, then=F("deadline")), default=None),
        )
        .order_by("open_rank", F("open_deadline").asc(nulls_last=True), "-deadline", "-id")
    )


@dataclass(frozen=True)
class CallToAction:
    """ "Answer for <organisation>" on a consultation: on the list (with its referral) or unsolicited."""

    organisation: Organisation
    referral: Referral | None

    @property
    def unsolicited(self) -> bool:
        return self.referral is None


def user_organisations(*, user: Any) -> list[Organisation]:
    ids = access.respondent_organisation_ids(user)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name")) if ids else []


def calls_to_action(*, user: Any, consultations: list[Consultation]) -> dict[int, list[CallToAction]]:
    """For each consultation, the user's organisations that can answer it: those on its referral list, and
    (while it is open) the others, unsolicited. Two queries, whatever the number of consultations."""
    organisations = user_organisations(user=user)
    if not organisations or not consultations:
        return {}
    referrals = Referral.objects.filter(
        consultation_id__in=[c.pk for c in consultations], organisation_id__in=[o.pk for o in organisations]
    )
    by_key = {(r.consultation_id, r.organisation_id): r for r in referrals}
    actions: dict[int, list[CallToAction]] = defaultdict(list)
    for consultation in consultations:
        senders = {link.organisation_id for link in consultation.sender_links.all()}
        for organisation in organisations:
            referral = by_key.get((consultation.pk, organisation.pk))
            if referral is not None:
                actions[consultation.pk].append(CallToAction(organisation, referral))
            elif organisation.pk not in senders and phase_allows(consultation, "answer"):
                actions[consultation.pk].append(CallToAction(organisation, None))
    return dict(actions)


def consultation_get_for_page(*, user: Any, pk: int) -> Consultation:
    """One consultation the user may read, with its senders, questions and documents."""
    queryset = _with_senders(access.consultations_visible_to(user)).prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("order", "id")),
        Prefetch("documents", queryset=ConsultationDocument.objects.select_related("file")),
    )
    try:
        return queryset.get(pk=pk)
    except Consultation.DoesNotExist:
        raise Http404 from None


def document_get_for_user(*, user: Any, consultation_pk: int, document_pk: int) -> ConsultationDocument:
    consultation = access.consultation_get_visible(user=user, pk=consultation_pk)
    try:
        return ConsultationDocument.objects.select_related("file").get(pk=document_pk, consultation=consultation)
    except ConsultationDocument.DoesNotExist:
        raise Http404 from None


# --- The answer page -------------------------------------------------------------------------------------


@dataclass
class RespondTarget:
    """Who answers what: the consultation, the user's organisation, its referral (None: unsolicited) and its
    draft (None until the first save)."""

    consultation: Consultation
    organisation: Organisation
    referral: Referral | None
    response: Response | None

    @property
    def deadline(self) -> dt.datetime:
        if self.referral is not None:
            return effective_deadline(self.referral, self.consultation)
        return self.consultation.deadline

    @property
    def can_edit(self) -> bool:
        return phase_allows(self.consultation, "answer")

    def can_submit(self, now: dt.datetime | None = None) -> bool:
        return self.can_edit and is_open_at(self.deadline, now)


def respond_target(*, user: Any, consultation_pk: int, organisation_pk: int) -> RespondTarget:
    """The answer page of one of the user's organisations; 404 unless the user belongs to it and it is on the
    referral list of a consultation that is open or later, or it answers unsolicited (while open, or if it has
    already answered)."""
    if organisation_pk not in access.respondent_organisation_ids(user):
        raise Http404
    consultation = (
        Consultation.objects.filter(pk=consultation_pk, status__in=access.PUBLIC_STATUSES)
        .prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order", "id")))
        .first()
    )
    if consultation is None:
        raise Http404
    organisation = Organisation.objects.get(pk=organisation_pk)
    referral = Referral.objects.filter(consultation=consultation, organisation=organisation).first()
    response = Response.objects.filter(consultation=consultation, organisation=organisation).first()
    if referral is None and response is None:
        if not phase_allows(consultation, "answer"):
            raise Http404
        if consultation.sender_links.filter(organisation=organisation).exists():
            raise Http404
    if referral is not None:
        referral.consultation = consultation
        referral.organisation = organisation
    if response is not None:
        response.consultation = consultation
        response.organisation = organisation
    return RespondTarget(consultation=consultation, organisation=organisation, referral=referral, response=response)


@dataclass
class DraftView:
    """What the answer page shows of the draft."""

    answers: dict[int, Answer] = field(default_factory=dict)
    attachments: list[ResponseAttachment] = field(default_factory=list)
    signatories: list[ResponseSignatory] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)


def draft_view(response: Response | None) -> DraftView:
    if response is None:
        return DraftView()
    return DraftView(
        answers={a.question_id: a for a in response.answers.select_related("updated_by")},
        attachments=list(
            response.attachments.filter(removed_at__isnull=True).select_related("file", "added_by").order_by("added_at")
        ),
        signatories=list(response.signatories.select_related("organisation", "confirmed_by")),
        submissions=list(response.submissions.select_related("submitted_by").order_by("-number")),
    )


def signatory_candidates(*, target: RespondTarget) -> QuerySet[Organisation]:
    """Organisations on the list that may be asked to co-sign: not the drafter and not already asked."""
    queryset = Organisation.objects.filter(referrals__consultation=target.consultation).exclude(
        pk=target.organisation.pk
    )
    if target.response is not None:
        queryset = queryset.exclude(
            pk__in=ResponseSignatory.objects.filter(response=target.response).values("organisation_id")
        )
    return queryset.order_by("name", "pk")


SIGNATORY_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class SignatorySearch:
    """One page of co-signer candidates matching a name: at most SIGNATORY_SEARCH_LIMIT, and whether there are
    more (then the person types more of the name)."""

    query: str
    organisations: list[Organisation]
    more: bool


def signatory_search(*, target: RespondTarget, q: str, limit: int = SIGNATORY_SEARCH_LIMIT) -> SignatorySearch:
    """The candidates (see signatory_candidates) whose name, short name or municipality code contains `q`; with
    an empty `q`, the first ones alphabetically. One query, however long the referral list."""
    term = " ".join(q.split())
    queryset = signatory_candidates(target=target)
    if term:
        queryset = queryset.filter(Q(name__icontains=term) | Q(short_name__icontains=term) | Q(municipality_code=term))
    found = list(queryset[: limit + 1])
    return SignatorySearch(query=term, organisations=found[:limit], more=len(found) > limit)


def extension_requests_for(referral: Referral | None) -> list[ExtensionRequest]:
    """The body's requests for more time, newest first, whatever their outcome."""
    if referral is None:
        return []
    return list(referral.extension_requests.all())


def attachment_get_for_user(
    *, user: Any, consultation_pk: int, organisation_pk: int, attachment_pk: int
) -> ResponseAttachment:
    """An attachment of an organisation's draft, for members of that organisation, co-signers and the
    consultation's managers; anything else is 404."""
    try:
        attachment = ResponseAttachment.objects.select_related("file", "response", "response__consultation").get(
            pk=attachment_pk,
            removed_at__isnull=True,
            response__consultation_id=consultation_pk,
            response__organisation_id=organisation_pk,
        )
    except ResponseAttachment.DoesNotExist:
        raise Http404 from None
    if not _may_read_response(user, attachment.response):
        raise Http404
    return attachment


def _may_read_response(user: Any, response: Response) -> bool:
    org_ids = set(access.respondent_organisation_ids(user))
    if response.organisation_id in org_ids:
        return True
    if org_ids and response.signatories.filter(organisation_id__in=org_ids).exists():
        return True
    return access.can_manage(user, response.consultation)


def submission_get_for_user(*, user: Any, consultation_pk: int, receipt_number: str) -> Submission:
    """A submission (receipt) for the answering organisation, co-signers and the consultation's managers."""
    try:
        submission = Submission.objects.select_related(
            "response", "response__consultation", "response__organisation", "submitted_by"
        ).get(receipt_number=receipt_number, response__consultation_id=consultation_pk)
    except Submission.DoesNotExist:
        raise Http404 from None
    if not _may_read_response(user, submission.response):
        raise Http404
    return submission


def submission_file_get(*, submission: Submission, file_pk: int) -> StoredFile:
    try:
        return submission.attachments.get(pk=file_pk)
    except StoredFile.DoesNotExist:
        raise Http404 from None


def submission_history(submission: Submission) -> list[Submission]:
    return list(Submission.objects.filter(response_id=submission.response_id).order_by("-number"))


def signatory_get_for_user(*, user: Any, consultation_pk: int, signatory_pk: int) -> ResponseSignatory:
    """A co-signing invitation addressed to one of the user's organisations; anything else is 404."""
    org_ids = access.respondent_organisation_ids(user)
    try:
        return ResponseSignatory.objects.select_related(
            "organisation", "response", "response__consultation", "response__organisation", "confirmed_by"
        ).get(pk=signatory_pk, organisation_id__in=org_ids, response__consultation_id=consultation_pk)
    except ResponseSignatory.DoesNotExist:
        raise Http404 from None


# --- Mina remisser ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MyReferral:
    referral: Referral
    status: str
    status_label: str
    deadline: dt.datetime
    extended: bool


def my_referrals(*, user: Any, now: dt.datetime | None = None) -> list[MyReferral]:
    """Every consultation (open or later) where one of the user's organisations is on the list, open ones
    first, then by deadline."""
    org_ids = access.respondent_organisation_ids(user)
    if not org_ids:
        return []
    now = now or timezone.now()
    referrals = Referral.objects.filter(
        organisation_id__in=org_ids, consultation__status__in=access.PUBLIC_STATUSES
    ).select_related("consultation", "organisation")
    rows = []
    for referral in referrals:
        status = referral_status(referral, referral.consultation, now)
        rows.append(
            MyReferral(
                referral=referral,
                status=status,
                status_label=referral_status_label(status),
                deadline=effective_deadline(referral, referral.consultation),
                extended=referral.deadline_override is not None,
            )
        )
    rows.sort(
        key=lambda row: (
            row.referral.consultation.status != Consultation.Status.OPEN,
            row.deadline,
            row.referral.organisation.name,
        )
    )
    return rows


def my_cosign_requests(*, user: Any) -> list[ResponseSignatory]:
    """Joint answers the user's organisations have been asked to co-sign and have not confirmed."""
    org_ids = access.respondent_organisation_ids(user)
    if not org_ids:
        return []
    return list(
        ResponseSignatory.objects.filter(
            Q(organisation_id__in=org_ids),
            confirmed_at__isnull=True,
            response__consultation__status__in=access.PUBLIC_STATUSES,
        ).select_related("organisation", "response__organisation", "response__consultation")
    )
