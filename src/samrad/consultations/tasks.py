"""Background work of consultations, run by the task queue: the invitations of an opened consultation, in
batches, and the scheduled jobs (see samrad.notifications.scheduling): automatic reminders, closing
consultations whose deadlines have all passed, and restarting invitations that stalled. All are idempotent:
running them twice, or late, does nothing twice."""

import datetime as dt
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.consultations.invitations import (
    INVITATION_BATCH_SIZE,
    invitations_queue_batch,
    invitations_resume_stalled,
    invitations_send_batch,
)
from samrad.consultations.lifecycle import TransitionError, consultation_transition
from samrad.consultations.models import Consultation, Referral
from samrad.consultations.notices import send_closing_notices
from samrad.consultations.reminders import reminder_send_manual, reminders_send_due
from samrad.consultations.selectors import ANSWERED

logger = logging.getLogger(__name__)


def consultations_close_due(*, now: dt.datetime | None = None) -> list[int]:
    """Close (as the system) every open consultation whose deadline has passed and on which no body has an own
    deadline still to come. Returns the ids of the consultations closed."""
    now = now or timezone.now()
    still_running = Referral.objects.filter(consultation=OuterRef("pk"), deadline_override__gte=now)
    due = Consultation.objects.filter(status=Consultation.Status.OPEN, deadline__lt=now).exclude(Exists(still_running))
    closed = []
    for consultation in due.order_by("pk"):
        with transaction.atomic():
            # Read again under the lock: a body may have been given more time since the list was read.
            if not list(due.select_for_update().filter(pk=consultation.pk).values_list("pk", flat=True)):
                continue
            try:
                consultation_transition(
                    actor=None,
                    consultation=consultation,
                    to_status=Consultation.Status.CLOSED,
                    note=_("Closed automatically: every deadline has passed."),
                )
            except TransitionError:
                continue
            assert consultation.closed_at is not None
            send_closing_notices(consultation=consultation, closed_at=consultation.closed_at)
        closed.append(consultation.pk)
        logger.info("Closed consultation %s at its deadline", consultation.pk)
    return closed


@task()
def send_due_reminders() -> int:
    """Every 15 minutes (registered as "consultations.reminders")."""
    return reminders_send_due()


@task()
def close_due_consultations() -> list[int]:
    """Every 5 minutes (registered as "consultations.close_due")."""
    return consultations_close_due()


@task(queue_name="default")
def render_submission_pdf(submission_id: int) -> str:
    """Render and store one submission's PDF and tell the senders (queued when the submission commits). On the
    "default" queue: rendering never holds up mail."""
    from samrad.consultations.submission_pdfs import submission_pdf_ensure

    submission = submission_pdf_ensure(submission_id=submission_id)
    return "missing" if submission is None else f"file {submission.pdf_id}"


@task(queue_name="default")
def sweep_submission_pdfs() -> list[int]:
    """Every 5 minutes (registered as "consultations.submission_pdfs"): queue the PDFs still missing."""
    from samrad.consultations.submission_pdfs import submission_pdfs_sweep

    return submission_pdfs_sweep()


@task()
def send_invitation_batch(consultation_id: int, batch_size: int = INVITATION_BATCH_SIZE) -> dict[str, int]:
    """Invite the next `batch_size` bodies of an open consultation, then queue the next batch while bodies remain.
    A batch that found nothing to do (another worker holds the rest) queues nothing: that worker's chain, or the
    sweep, goes on."""
    result = invitations_send_batch(consultation_id=consultation_id, limit=batch_size)
    if result.processed and result.remaining:
        invitations_queue_batch(consultation_id)
    return {"invited": len(result.invited), "unreachable": len(result.unreachable), "remaining": result.remaining}


@task()
def remind_not_answered(consultation_id: int, actor_id: int | None, message: str, key: str) -> int:
    """Remind every body of a consultation that has not answered (queued by "remind all who have not
    answered"), as the coordinator who asked; `key` makes a retry remind nobody twice. Returns how many were
    reminded now."""
    consultation = Consultation.objects.filter(pk=consultation_id).first()
    if consultation is None:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id, is_active=True).first() if actor_id is not None else None
    waiting = list(Referral.objects.filter(consultation=consultation).exclude(status__in=ANSWERED))
    try:
        return reminder_send_manual(actor=actor, consultation=consultation, referrals=waiting, message=message, key=key)
    except (TransitionError, PermissionDenied):
        logger.info("Reminders of consultation %s not sent: it closed, or the coordinator left", consultation_id)
        return 0


@task()
def resume_stalled_invitations() -> list[int]:
    """Every 2 minutes (registered as "consultations.invitations")."""
    return invitations_resume_stalled()
