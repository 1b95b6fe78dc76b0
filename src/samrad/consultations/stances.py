"""The effective stance of each submitted answer (SubmissionStance): what the respondent said, or what the
senders set or corrected.

- Every submission records the stances its respondent gave (`submission_stances_record`, called when the
  submission is made); an answer registered from e-mail or paper has none until a coordinator reads it.
- A coordinator of the consultation sets or corrects the stance of the latest version of an answer
  (`stance_set`): a new current row, marked as set by the senders, and the previous one kept as history.
  Audited. Counts, the per-question view and the exports read the current row, so no answer drops out.
- A stance read automatically (`samrad.analysis.services.stances_read`, source "reader") is confirmed by setting
  the same stance, or corrected by setting another: either way the senders' row replaces the reading.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.models import Question, Stance, Submission, SubmissionStance
from samrad.errors import InvalidInput, NotAllowedNow


def submission_stances_record(*, submission: Submission) -> list[SubmissionStance]:
    """The respondent's stances in a new submission, as its current stances (one query for the questions, one
    insert)."""
    content: dict[str, Any] = submission.content or {}
    given = {
        item.get("question_id"): item.get("stance")
        for item in content.get("answers", [])
        if item.get("stance") in Stance.values
    }
    if not given:
        return []
    stance_questions = set(
        Question.objects.filter(
            pk__in=[pk for pk in given if pk is not None],
            consultation_id=submission.response.consultation_id,
            kind=Question.Kind.STANCE,
        ).values_list("pk", flat=True)
    )
    return SubmissionStance.objects.bulk_create(
        SubmissionStance(
            submission=submission,
            question_id=question_id,
            stance=str(stance),
            source=SubmissionStance.Source.RESPONDENT,
            set_by=submission.submitted_by,
            set_at=submission.submitted_at,
        )
        for question_id, stance in given.items()
        if question_id in stance_questions
    )


def stance_set(
    *, actor: Actor, submission: Submission, question: Question, stance: str, now: dt.datetime | None = None
) -> SubmissionStance:
    """Set or correct the stance of the latest version of an answer to a stance question, as the senders read it
    (required for answers registered from e-mail or paper, so that they count). Only the consultation's
    coordinators; the previous stance stays as history. Setting the stance it already has changes nothing."""
    consultation = submission.response.consultation
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    if question.consultation_id != consultation.pk or question.kind != Question.Kind.STANCE:
        raise InvalidInput(_("That question does not ask for a stance."), field="stance")
    if stance not in Stance.values:
        raise InvalidInput(_("Choose one of the stances."), field="stance")
    now = now or timezone.now()
    with transaction.atomic():
        latest = Submission.objects.filter(response_id=submission.response_id).order_by("-number").values("pk").first()
        if latest is None or latest["pk"] != submission.pk:
            raise NotAllowedNow(
                _("A newer version of this answer has come in. Set the stance on the newest version."),
                field="stance",
            )
        current = (
            SubmissionStance.objects.select_for_update()
            .filter(submission=submission, question=question, is_current=True)
            .first()
        )
        # The same stance again changes nothing, except that it confirms an automatic reading (a person now says so).
        if current is not None and current.stance == stance and current.source != SubmissionStance.Source.READER:
            return current
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        row = SubmissionStance.objects.create(
            submission=submission,
            question=question,
            stance=stance,
            source=SubmissionStance.Source.SENDERS,
            set_by=actor if getattr(actor, "is_authenticated", False) else None,
            set_at=now,
        )
        audit_record(
            actor=actor,
            action="submission.stance_set",
            target=submission,
            changes={
                "question": question.pk,
                "stance": [current.stance if current is not None else "", stance],
                "previous_source": current.source if current is not None else "",
                "receipt_number": submission.receipt_number,
            },
        )
        # The themes' quotes of this answer carry its stance: they follow the correction (imported here: the
        # analysis app reads this one, not the other way round at import time).
        from samrad.analysis.theme_followups import quotes_follow_stance

        quotes_follow_stance(submission=submission, question=question, stance=stance)
    return row
