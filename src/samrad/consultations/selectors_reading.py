"""Reads for the coordinators' reading of what came in: one answer (every version, stances, texts, attachments,
with previous/next through all answers), everything answered to one question across all answers (filtered, with
counts and shares per stance), and the figures of the "Svar" tab (who has not answered, by kind and by group).

"An answer" is the latest submission of a response (a correction replaces the earlier version); answers from the
referral list, unsolicited answers and answers registered from e-mail or paper are all answers. Their order is
stable: respondent name, then the response's id. The stance of an answer is its effective stance: the current
SubmissionStance (the respondent's, or the senders' correction).

Every read runs a fixed number of queries whatever the number of answers (asserted in the tests and measured in
benchmarks/reading.py): per-answer figures are expressions or subqueries in one query.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.consultations.models import (
    Consultation,
    Question,
    Referral,
    Response,
    ResponseAttachment,
    Stance,
    Submission,
    SubmissionStance,
)
from samrad.consultations.selectors import ANSWERED, effective_deadline_expression
from samrad.organisations.models import Group, Organisation

CHANNEL_USED = "channel_used"
# The stance filter's value for answers without a stance (registered ones not yet read, or left blank).
NO_STANCE = "none"
# The "Svar" tab's status filter for every body that has neither answered nor declined.
NOT_ANSWERED = "not_answered"
# The kind filter's value for respondents that are not in the register (a private person, an unlisted body).
NOT_REGISTERED = "none"


class Origin:
    """How an answer came, as the per-question view filters it ("status")."""

    LISTED = "listed"  # from a body on the referral list, on the platform
    REGISTERED = "registered"  # registered by the senders from e-mail or paper
    UNSOLICITED = "unsolicited"  # from a body not on the list (whatever the channel)
    CORRECTED = "corrected"  # has more than one version

    CHOICES: Sequence[tuple[str, Any]] = (
        (LISTED, _("on the referral list, answered on the platform")),
        (REGISTERED, _("registered from e-mail or paper")),
        (UNSOLICITED, _("unsolicited")),
        (CORRECTED, _("corrected (more than one version)")),
    )


def _sort_name() -> Coalesce:
    return Coalesce("response__organisation__name", "response__respondent_name", output_field=CharField())


def current_submissions(consultation: Consultation) -> QuerySet[Submission]:
    """The latest submission of every response to `consultation`, in the stable order (respondent name, response
    id), with the respondent joined and `sort_name` annotated."""
    newer = Submission.objects.filter(response=OuterRef("response"), number__gt=OuterRef("number"))
    return (
        Submission.objects.filter(response__consultation=consultation)
        .exclude(Exists(newer))
        .select_related("response__organisation")
        .annotate(sort_name=_sort_name())
        .order_by("sort_name", "response_id")
    )


def with_channel_used(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """`channel_used`: the submission's own channel, which may differ from the response's (a coordinator may
    register a paper version for a body that had a draft on the platform). Read from the frozen content, so only
    for filters and short lists: on every answer it would read every answer's content."""
    return submissions.annotate(
        channel_used=Coalesce(
            NullIf(KT("content__channel"), Value("")), F("response__channel"), output_field=CharField()
        )
    )


def contents_of(submissions: Sequence[Submission]) -> dict[int, dict[str, Any]]:
    """The frozen content of a page of submissions read without it (one query)."""
    rows = Submission.objects.filter(pk__in=[s.pk for s in submissions]).order_by().values_list("pk", "content")
    return {pk: content or {} for pk, content in rows}


def submission_channel(submission: Submission) -> str:
    """The same for a submission already read."""
    return str((submission.content or {}).get("channel") or submission.response.channel)


# --- One answer ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerItem:
    """One question and what the answer says to it."""

    number: int
    question: Question
    text: str
    stance: str  # the effective stance ("" when none)
    stance_row: SubmissionStance | None  # None: no stance recorded
    respondent_stance: str  # what the submission itself said ("" when nothing)

    @property
    def stance_label(self) -> str:
        return str(Stance(self.stance).label) if self.stance else ""

    @property
    def respondent_stance_label(self) -> str:
        return str(Stance(self.respondent_stance).label) if self.respondent_stance in Stance.values else ""

    @property
    def set_by_senders(self) -> bool:
        return self.stance_row is not None and self.stance_row.source == SubmissionStance.Source.SENDERS

    @property
    def asks_stance(self) -> bool:
        return self.question.kind == Question.Kind.STANCE


@dataclass(frozen=True)
class AnswerReading:
    """Everything the reading view shows of one version of one answer."""

    consultation: Consultation
    submission: Submission
    versions: list[Submission]  # newest first
    items: list[AnswerItem]
    attachments: list[dict[str, Any]]
    signatories: list[dict[str, Any]]
    channel: str
    referral: Referral | None
    previous: Submission | None  # the latest version of the previous answer in the stable order
    next: Submission | None
    position: int  # from 1
    total: int

    @property
    def response(self) -> Response:
        return self.submission.response

    @property
    def latest(self) -> Submission:
        return self.versions[0]

    @property
    def is_latest(self) -> bool:
        return self.submission.pk == self.latest.pk

    @property
    def respondent(self) -> str:
        return respondent_label(self.submission)

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)

    @property
    def registered(self) -> bool:
        return self.channel in (Response.Channel.EMAIL, Response.Channel.PAPER)

    @property
    def their_reference(self) -> str:
        return str(self.submission.content.get("their_reference", self.response.their_reference) or "")

    @property
    def decided_by(self) -> str:
        return str(self.submission.content.get("decided_by", self.response.decided_by) or "")

    @property
    def registered_by(self) -> str:
        return str(self.submission.content.get("registered_by") or "")

    @property
    def missing_stances(self) -> int:
        return sum(1 for item in self.items if item.asks_stance and not item.stance)


def respondent_label(submission: Submission) -> str:
    response = submission.response
    if response.organisation is not None:
        return response.organisation.name
    return response.respondent_name or f"#{response.pk}"


def channel_label(channel: str) -> str:
    try:
        return str(Response.Channel(channel).label)
    except ValueError:
        return channel


def _attachment_kind_label(kind: str) -> str:
    try:
        return str(ResponseAttachment.Kind(kind).label)
    except ValueError:
        return kind


def submission_get_managed(*, consultation: Consultation, receipt_number: str) -> Submission:
    """A submission of `consultation` (the caller has checked that the user runs it), else 404."""
    try:
        return Submission.objects.select_related("response__organisation", "submitted_by").get(
            receipt_number=receipt_number, response__consultation=consultation
        )
    except Submission.DoesNotExist:
        raise Http404 from None


def _answer_order(consultation: Consultation) -> list[int]:
    """The ids of the responses that have been submitted, in the stable order (one query of ids only: the
    position, the total and the neighbours of an answer come from it)."""
    submitted = Submission.objects.filter(response=OuterRef("pk"))
    return list(
        Response.objects.filter(consultation=consultation)
        .filter(Exists(submitted))
        .annotate(sort_name=Coalesce("organisation__name", "respondent_name", output_field=CharField()))
        .order_by("sort_name", "pk")
        .values_list("pk", flat=True)
    )


def first_answer(consultation: Consultation) -> Submission | None:
    """The latest version of the first answer in the stable order."""
    order = _answer_order(consultation)
    return _latest_of(order[:1]).get(order[0]) if order else None


def _latest_of(response_ids: list[int]) -> dict[int, Submission]:
    """The latest submission of each of these responses (one query)."""
    if not response_ids:
        return {}
    newer = Submission.objects.filter(response=OuterRef("response"), number__gt=OuterRef("number"))
    latest = (
        Submission.objects.filter(response_id__in=response_ids)
        .exclude(Exists(newer))
        .only("pk", "receipt_number", "response_id", "number")
        .order_by()
    )
    return {submission.response_id: submission for submission in latest}


def answer_reading(*, consultation: Consultation, submission: Submission) -> AnswerReading:
    """One version of one answer, to read: six queries, whatever the number of answers or versions (one of them
    reads the ids of all answers in order, for the position and the neighbours)."""
    submission.response.consultation = consultation
    content: dict[str, Any] = submission.content or {}
    versions = list(
        Submission.objects.filter(response_id=submission.response_id).select_related("submitted_by").order_by("-number")
    )
    questions = list(consultation.questions.order_by("order", "id"))
    stances = {
        row.question_id: row
        for row in SubmissionStance.objects.filter(submission=submission, is_current=True).select_related("set_by")
    }
    given = {item.get("question_id"): item for item in content.get("answers", [])}
    items = [
        AnswerItem(
            number=number,
            question=question,
            text=str(given.get(question.pk, {}).get("text") or ""),
            stance=stances[question.pk].stance if question.pk in stances else "",
            stance_row=stances.get(question.pk),
            respondent_stance=str(given.get(question.pk, {}).get("stance") or ""),
        )
        for number, question in enumerate(questions, start=1)
    ]
    referral = None
    if submission.response.organisation_id is not None:
        referral = Referral.objects.filter(
            consultation=consultation, organisation_id=submission.response.organisation_id
        ).first()
    response = submission.response
    order = _answer_order(consultation)
    index = order.index(response.pk)
    previous_id = order[index - 1] if index > 0 else None
    next_id = order[index + 1] if index + 1 < len(order) else None
    neighbours = _latest_of([pk for pk in (previous_id, next_id) if pk is not None])
    return AnswerReading(
        consultation=consultation,
        submission=submission,
        versions=versions,
        items=items,
        attachments=[
            {**entry, "kind_label": _attachment_kind_label(str(entry.get("kind") or ""))}
            for entry in content.get("attachments", [])
        ],
        signatories=list(content.get("signatories", [])),
        channel=str(content.get("channel") or response.channel),
        referral=referral,
        previous=neighbours.get(previous_id) if previous_id is not None else None,
        next=neighbours.get(next_id) if next_id is not None else None,
        position=index + 1,
        total=len(order),
    )


# --- One question across all answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFilters:
    stance: str = ""  # a Stance value, NO_STANCE, or "" (all)
    kind: str = ""  # an Organisation.Kind value, NOT_REGISTERED, or ""
    group: int | None = None  # a Group's id
    origin: str = ""  # an Origin value or ""


@dataclass(frozen=True)
class StanceCount:
    stance: str  # a Stance value or NO_STANCE
    label: Any
    count: int
    percent: float  # of the answers matching the other filters


@dataclass(frozen=True)
class AnswerRow:
    """One answer to one question, as the per-question view lists it."""

    submission: Submission
    text: str
    stance: str  # the effective stance, "" when none
    stance_source: str  # SubmissionStance.Source, "" when no stance
    channel: str

    @property
    def stance_label(self) -> str:
        return str(Stance(self.stance).label) if self.stance else ""

    @property
    def registered(self) -> bool:
        return self.channel in (Response.Channel.EMAIL, Response.Channel.PAPER)


@dataclass(frozen=True)
class QuestionAnswers:
    consultation: Consultation
    question: Question
    number: int  # the question's position, from 1
    # The current answers matching every filter, in the stable order, with `sort_name`, without their content
    # (which would be carried through the sort): page them, then `rows_of(page)` adds the stance and the text.
    rows: QuerySet[Submission]
    # Per stance (and "no stance"), over the answers matching the filters other than the stance.
    counts: list[StanceCount] = field(default_factory=list)
    total: int = 0  # answers matching the filters other than the stance
    row_count: int = 0  # answers matching every filter (len(rows), known from the counts)

    def text_of(self, content: dict[str, Any]) -> str:
        for item in content.get("answers", []):
            if item.get("question_id") == self.question.pk:
                return str(item.get("text") or "")
        return ""

    def rows_of(self, submissions: Sequence[Submission]) -> list[AnswerRow]:
        """A page of answers (read without their content) with their texts and effective stances on the question
        (two queries)."""
        contents = contents_of(submissions)
        stances = {
            row.submission_id: row
            for row in SubmissionStance.objects.filter(
                submission__in=[s.pk for s in submissions], question=self.question, is_current=True
            )
        }
        return [
            AnswerRow(
                submission=submission,
                text=self.text_of(contents[submission.pk]),
                stance=stances[submission.pk].stance if submission.pk in stances else "",
                stance_source=stances[submission.pk].source if submission.pk in stances else "",
                channel=str(contents[submission.pk].get("channel") or submission.response.channel),
            )
            for submission in submissions
        ]


def _current_stance(question: Question) -> QuerySet[SubmissionStance]:
    return SubmissionStance.objects.filter(submission=OuterRef("pk"), question=question, is_current=True)


def _filtered(answers: QuerySet[Submission], filters: QuestionFilters) -> QuerySet[Submission]:
    if filters.kind == NOT_REGISTERED:
        answers = answers.filter(response__organisation__isnull=True)
    elif filters.kind:
        answers = answers.filter(response__organisation__kind=filters.kind)
    if filters.group is not None:
        answers = answers.filter(response__organisation__groups=filters.group)
    if filters.origin == Origin.LISTED:
        answers = with_channel_used(answers).filter(
            Q(response__is_unsolicited=False), Q(**{CHANNEL_USED: Response.Channel.PLATFORM})
        )
    elif filters.origin == Origin.REGISTERED:
        answers = with_channel_used(answers).filter(
            Q(**{f"{CHANNEL_USED}__in": (Response.Channel.EMAIL, Response.Channel.PAPER)})
        )
    elif filters.origin == Origin.UNSOLICITED:
        answers = answers.filter(response__is_unsolicited=True)
    elif filters.origin == Origin.CORRECTED:
        answers = answers.filter(number__gt=1)
    return answers


def question_answers(
    *, consultation: Consultation, question: Question, filters: QuestionFilters | None = None
) -> QuestionAnswers:
    """Everything answered to `question`, one row per answer (its latest version), filtered; with the count and
    share of each stance. Three queries now (the questions, the number of answers, the stances grouped), then the
    rows when a page of them is read and `rows_of` for their stances."""
    filters = filters or QuestionFilters()
    answers = _filtered(current_submissions(consultation), filters)
    counts: list[StanceCount] = []
    total = answers.count()
    if question.kind == Question.Kind.STANCE:
        by_stance = {
            row["stance"]: row["n"]
            for row in SubmissionStance.objects.filter(
                question=question, is_current=True, submission__in=answers.order_by().values("pk")
            )
            .values("stance")
            .annotate(n=Count("pk"))
            .order_by()
        }
        by_stance[NO_STANCE] = total - sum(by_stance.values())
        choices: list[tuple[str, Any]] = [*Stance.choices, (NO_STANCE, _("no stance"))]
        for value, label in choices:
            count = by_stance.get(value, 0)
            counts.append(StanceCount(value, label, count, round(100 * count / total, 1) if total else 0.0))
    rows = answers.defer("content")
    # (A free-text question has no stances, and so no counts, to filter by.)
    if counts and filters.stance == NO_STANCE:
        rows = rows.exclude(Exists(_current_stance(question)))
    elif counts and filters.stance:
        rows = rows.filter(Exists(_current_stance(question).filter(stance=filters.stance)))
    number = list(consultation.questions.order_by("order", "id").values_list("pk", flat=True)).index(question.pk) + 1
    by_value = {line.stance: line.count for line in counts}
    row_count = by_value.get(filters.stance, 0) if filters.stance and counts else total
    return QuestionAnswers(
        consultation=consultation,
        question=question,
        number=number,
        rows=rows,
        counts=counts,
        total=total,
        row_count=row_count,
    )


def groups_of_respondents(consultation: Consultation) -> QuerySet[Group]:
    """The groups (subregions, networks) of the organisations on the list or among the respondents."""
    through = Organisation.groups.through
    listed = Referral.objects.filter(consultation=consultation).values("organisation_id")
    answering = Response.objects.filter(consultation=consultation, organisation__isnull=False).values("organisation_id")
    members = through.objects.filter(Q(organisation_id__in=listed) | Q(organisation_id__in=answering))
    return Group.objects.filter(pk__in=members.values("group_id")).order_by("name")


# --- The "Svar" tab: who has not answered, and breakdowns ---------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """One line of a breakdown: the bodies on the list of one kind (or one group), and how many answered."""

    key: str
    label: Any
    listed: int
    submitted: int
    declined: int

    @property
    def not_answered(self) -> int:
        return self.listed - self.submitted - self.declined

    @property
    def percent_submitted(self) -> float:
        return round(100 * self.submitted / self.listed, 1) if self.listed else 0.0

    @property
    def percent_answered(self) -> float:
        return round(100 * (self.submitted + self.declined) / self.listed, 1) if self.listed else 0.0


def _with_status_sums(rows: QuerySet[Referral, Any]) -> QuerySet[Referral, Any]:
    return rows.annotate(
        listed=Count("pk"),
        submitted=Count("pk", filter=Q(status=Referral.Status.SUBMITTED)),
        declined=Count("pk", filter=Q(status=Referral.Status.DECLINED)),
    )


def breakdown_by_kind(consultation: Consultation) -> list[Breakdown]:
    """The referral list per kind of organisation: listed, submitted, declined, not answered (one query)."""
    labels = dict(Organisation.Kind.choices)
    rows = _with_status_sums(Referral.objects.filter(consultation=consultation).values("organisation__kind")).order_by(
        "organisation__kind"
    )
    lines = [
        Breakdown(
            key=row["organisation__kind"],
            label=labels.get(row["organisation__kind"], row["organisation__kind"]),
            listed=row["listed"],
            submitted=row["submitted"],
            declined=row["declined"],
        )
        for row in rows
    ]
    return sorted(lines, key=lambda line: str(line.label))


def breakdown_by_group(consultation: Consultation) -> list[Breakdown]:
    """The referral list per group (subregion, network); a body in two groups counts in both, a body in none
    is left out (one query)."""
    rows = _with_status_sums(
        Referral.objects.filter(consultation=consultation, organisation__groups__isnull=False).values(
            "organisation__groups", "organisation__groups__name"
        )
    ).order_by("organisation__groups__name")
    return [
        Breakdown(
            key=str(row["organisation__groups"]),
            label=row["organisation__groups__name"],
            listed=row["listed"],
            submitted=row["submitted"],
            declined=row["declined"],
        )
        for row in rows
    ]


def not_answered(consultation: Consultation, *, now: dt.datetime | None = None) -> QuerySet[Referral]:
    """The bodies on the list that have neither answered nor declined, soonest deadline first, with
    `effective_deadline` and `overdue` annotated."""
    now = now or timezone.now()
    deadline = Value(consultation.deadline, output_field=DateTimeField())
    return (
        Referral.objects.filter(consultation=consultation)
        .exclude(status__in=ANSWERED)
        .annotate(effective_deadline=effective_deadline_expression(deadline))
        .annotate(
            overdue=Case(When(effective_deadline__lt=now, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        .select_related("organisation")
        .order_by("effective_deadline", "organisation__name", "pk")
    )


def unsolicited_answers(consultation: Consultation) -> QuerySet[Submission]:
    """The latest version of every answer from outside the referral list, with `channel_used`."""
    return with_channel_used(current_submissions(consultation).filter(response__is_unsolicited=True))


def latest_receipts_for_referrals(consultation: Consultation, referral_ids: list[int]) -> dict[int, str]:
    """For the referrals given (a page of the dashboard), the receipt number of the latest version of the answer
    that counts for each: its own, or the joint answer it co-signed. One query."""
    if not referral_ids:
        return {}
    answers = current_submissions(consultation).select_related(None)
    own = answers.filter(response__organisation_id=OuterRef("organisation_id")).values("receipt_number")[:1]
    joint = answers.filter(
        response__signatories__organisation_id=OuterRef("organisation_id"),
        response__signatories__confirmed_at__isnull=False,
    ).values("receipt_number")[:1]
    rows = (
        Referral.objects.filter(pk__in=referral_ids, status=Referral.Status.SUBMITTED)
        .annotate(receipt=Coalesce(Subquery(own), Subquery(joint)))
        .values_list("pk", "receipt")
    )
    return {pk: receipt for pk, receipt in rows if receipt}


UNSOLICITED_SHOWN = 50


@dataclass(frozen=True)
class AnswersOverview:
    """What the "Svar" tab shows besides the referral list."""

    receipts: dict[int, str]  # referral id -> receipt number of the answer that counts for it (this page)
    not_answered_count: int
    by_kind: list[Breakdown]
    by_group: list[Breakdown]
    unsolicited: list[Submission]  # at most UNSOLICITED_SHOWN
    unsolicited_more: bool
    has_answers: bool
    questions: list[Question]


def answers_overview(consultation: Consultation, referral_ids: list[int]) -> AnswersOverview:
    """A link to the answer of each referral on the page, who has not answered, breakdowns by kind and by group,
    the unsolicited answers, and the questions (for their per-question views). Seven queries."""
    unsolicited = list(unsolicited_answers(consultation)[: UNSOLICITED_SHOWN + 1])
    return AnswersOverview(
        receipts=latest_receipts_for_referrals(consultation, referral_ids),
        not_answered_count=not_answered(consultation).count(),
        by_kind=breakdown_by_kind(consultation),
        by_group=breakdown_by_group(consultation),
        unsolicited=unsolicited[:UNSOLICITED_SHOWN],
        unsolicited_more=len(unsolicited) > UNSOLICITED_SHOWN,
        has_answers=Submission.objects.filter(response__consultation=consultation).exists(),
        questions=list(consultation.questions.order_by("order", "id")),
    )
