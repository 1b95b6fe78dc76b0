"""The submitted answers of a consultation, for the coordinators who run it: every answer (its latest version)
in a stable order, and one answer by receipt number with all its versions.

Who may call: the consultation's coordinators (and platform staff). Without a login the answer is 401; a
logged-in caller who does not run the consultation gets 403 if they may see the consultation (open and later
consultations are public) and 404 if not (a draft). Each answer carries its effective stance per question (the
respondent's, or the one the senders set for an answer registered from e-mail or paper), and its attachments
with their SHA-256 checksums and download addresses (the same pages the coordinators use, same access rules).
"""

from enum import StrEnum
from typing import Annotated, Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema

from samrad.api.consultations import _iso, _no_consultation
from samrad.api.errors import ApiError, ErrorCode, forbidden, not_found, responses
from samrad.api.fields import ID
from samrad.consultations import access
from samrad.consultations.models import (
    Consultation,
    Question,
    Response,
    ResponseAttachment,
    Stance,
    Submission,
    SubmissionStance,
)
from samrad.consultations.receipts import RECEIPT_NUMBER_PATTERN
from samrad.consultations.selectors_reading import contents_of, current_submissions, respondent_label

router = Router(tags=["answers"])

MAX_ANSWER_LIMIT = 100
MAX_OFFSET = 1_000_000

# Capitals, digits and hyphens only (so no NUL character either).
ReceiptNumber = Annotated[str, Field(pattern=f"^{RECEIPT_NUMBER_PATTERN}$", max_length=50)]


class AnswerStance(StrEnum):
    """A stance on the scale (Stance): supports, supports with changes, opposes, no comments, abstains."""

    SUPPORT = Stance.SUPPORT.value
    SUPPORT_WITH_CHANGES = Stance.SUPPORT_WITH_CHANGES.value
    OPPOSE = Stance.OPPOSE.value
    NO_COMMENT = Stance.NO_COMMENT.value
    ABSTAIN = Stance.ABSTAIN.value


class StanceSource(StrEnum):
    """Who said what the stance is: the respondent, the senders (set or corrected by a coordinator), or an
    automatic reader."""

    RESPONDENT = SubmissionStance.Source.RESPONDENT.value
    SENDERS = SubmissionStance.Source.SENDERS.value
    READER = SubmissionStance.Source.READER.value


class AnswerChannel(StrEnum):
    """How the answer came: on the platform, or registered by the senders from e-mail or paper."""

    PLATFORM = Response.Channel.PLATFORM.value
    EMAIL = Response.Channel.EMAIL.value
    PAPER = Response.Channel.PAPER.value


class QuestionAnswerOut(Schema):
    question_id: int
    number: int = Field(description="The question's position, from 1.")
    stance: AnswerStance | None = Field(description="The effective stance; null when none (or a text question).")
    stance_label: str
    stance_source: StanceSource | None
    text: str


class AttachmentOut(Schema):
    file_id: int
    name: str
    kind: str = Field(description="decision, answer, dissent or other.")
    content_type: str
    size: int = Field(description="Size in bytes.")
    sha256: str
    download_url: str


class SignatoryOut(Schema):
    organisation_id: int
    name: str
    confirmed: bool


class VersionOut(Schema):
    receipt_number: str
    number: int
    submitted_at: str
    received_at: str | None


class AnswerOut(Schema):
    receipt_number: str = Field(description="The receipt number of this (the latest) version.")
    version: int = Field(description="1 for the first submission; a correction is the next number.")
    organisation_id: int | None = Field(description="Null for a respondent not in the register.")
    respondent_name: str
    organisation_kind: str | None
    unsolicited: bool = Field(description="True for an answer from a body not on the referral list.")
    channel: AnswerChannel
    their_reference: str = Field(description="The respondent's own case number (diarienummer), free text.")
    decided_by: str
    submitted_at: str
    received_at: str | None = Field(description="When it reached the senders (answers registered by them).")
    content_sha256: str
    signatories: list[SignatoryOut]
    answers: list[QuestionAnswerOut]
    attachments: list[AttachmentOut]
    url: str = Field(description="The coordinators' reading page of the answer.")


class AnswerDetailOut(AnswerOut):
    versions: list[VersionOut] = Field(description="Every version, the newest first.")


class AnswerPage(Schema):
    items: list[AnswerOut]
    count: int = Field(description="How many answers there are (all pages together).")
    limit: int
    offset: int


class AnswerFilters(Schema):
    limit: int = Field(50, ge=1, le=MAX_ANSWER_LIMIT, description=f"Page size, at most {MAX_ANSWER_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many answers to skip.")


def _managed_consultation(request: HttpRequest, consultation_id: int) -> Consultation:
    if not request.user.is_authenticated:
        raise ApiError(
            401,
            ErrorCode.NOT_AUTHENTICATED,
            _("Log in on the site as a coordinator of the consultation to read its answers."),
        )
    consultation = access.consultations_visible_to(request.user).filter(pk=consultation_id).first()
    if consultation is None:
        raise _no_consultation(consultation_id)
    if not access.can_manage(request.user, consultation):
        raise forbidden(_("Only the coordinators who run the consultation may read its answers here."))
    return consultation


def _item(
    request: HttpRequest,
    consultation: Consultation,
    submission: Submission,
    questions: list[Question],
    content: dict[str, Any],
) -> dict[str, Any]:
    response = submission.response
    organisation = response.organisation
    given = {entry.get("question_id"): entry for entry in content.get("answers", [])}
    stances = {row.question_id: row for row in getattr(submission, "current_stances", [])}
    labels = dict(Stance.choices)
    receipt = submission.receipt_number
    return {
        "receipt_number": receipt,
        "version": submission.number,
        "organisation_id": organisation.pk if organisation is not None else None,
        "respondent_name": respondent_label(submission),
        "organisation_kind": organisation.kind if organisation is not None else None,
        "unsolicited": response.is_unsolicited,
        "channel": content.get("channel") or response.channel,
        "their_reference": str(content.get("their_reference", response.their_reference) or ""),
        "decided_by": str(content.get("decided_by", response.decided_by) or ""),
        "submitted_at": _iso(submission.submitted_at),
        "received_at": _iso(submission.received_at),
        "content_sha256": submission.content_sha256,
        "signatories": [
            {
                "organisation_id": s.get("organisation_id"),
                "name": s.get("name", ""),
                "confirmed": bool(s.get("confirmed_at")),
            }
            for s in content.get("signatories", [])
        ],
        "answers": [
            {
                "question_id": question.pk,
                "number": number,
                "stance": stances[question.pk].stance if question.pk in stances else None,
                "stance_label": str(labels[stances[question.pk].stance]) if question.pk in stances else "",
                "stance_source": stances[question.pk].source if question.pk in stances else None,
                "text": str(given.get(question.pk, {}).get("text") or ""),
            }
            for number, question in enumerate(questions, start=1)
        ],
        "attachments": [
            {
                "file_id": entry.get("file_id"),
                "name": entry.get("name", ""),
                "kind": entry.get("kind") or ResponseAttachment.Kind.OTHER,
                "content_type": entry.get("content_type", ""),
                "size": entry.get("size") or 0,
                "sha256": entry.get("sha256", ""),
                "download_url": request.build_absolute_uri(
                    reverse("consultations:submission_file", args=[consultation.pk, receipt, entry.get("file_id")])
                ),
            }
            for entry in content.get("attachments", [])
        ],
        "url": request.build_absolute_uri(reverse("reading:answer", args=[consultation.pk, receipt])),
    }


def _with_stances(submissions: Any) -> Any:
    return submissions.prefetch_related(
        Prefetch("stances", queryset=SubmissionStance.objects.filter(is_current=True), to_attr="current_stances")
    )


@router.get(
    "/{consultation_id}/answers",
    response=responses(AnswerPage, 400, 401, 403, 404),
    summary="The submitted answers of a consultation (its coordinators only)",
    url_name="consultation_answers",
)
def consultation_answers(request: HttpRequest, consultation_id: ID, filters: Query[AnswerFilters]) -> dict[str, Any]:
    """Every answer to the consultation, its latest version, in respondent-name order: from the referral list,
    unsolicited, and registered from e-mail or paper. Paginated by limit/offset; a fixed number of queries."""
    consultation = _managed_consultation(request, consultation_id)
    questions = list(consultation.questions.order_by("order", "id"))
    answers = current_submissions(consultation)
    # Sorted without their content (it would be carried through the sort), which is read for the page alone.
    page = list(_with_stances(answers.defer("content"))[filters.offset : filters.offset + filters.limit])
    contents = contents_of(page)
    return {
        "items": [_item(request, consultation, submission, questions, contents[submission.pk]) for submission in page],
        "count": answers.count(),
        "limit": filters.limit,
        "offset": filters.offset,
    }


@router.get(
    "/{consultation_id}/answers/{receipt_number}",
    response=responses(AnswerDetailOut, 400, 401, 403, 404),
    summary="One submitted answer, by receipt number, with its versions (coordinators only)",
    url_name="consultation_answer",
)
def consultation_answer(
    request: HttpRequest, consultation_id: ID, receipt_number: Path[ReceiptNumber]
) -> dict[str, Any]:
    """One version of an answer (the one the receipt number names) with every version's receipt number. 404 if
    no answer to this consultation has that receipt number."""
    consultation = _managed_consultation(request, consultation_id)
    submission = (
        _with_stances(Submission.objects.select_related("response__organisation"))
        .filter(receipt_number=receipt_number, response__consultation=consultation)
        .first()
    )
    if submission is None:
        raise not_found(_("No answer to this consultation has receipt number %(number)s.") % {"number": receipt_number})
    questions = list(consultation.questions.order_by("order", "id"))
    item = _item(request, consultation, submission, questions, submission.content or {})
    versions = Submission.objects.filter(response_id=submission.response_id).order_by("-number")
    item["versions"] = [
        {
            "receipt_number": version.receipt_number,
            "number": version.number,
            "submitted_at": _iso(version.submitted_at),
            "received_at": _iso(version.received_at),
        }
        for version in versions
    ]
    return item
