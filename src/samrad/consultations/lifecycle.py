"""The consultation lifecycle as data: the allowed moves, and the one service that makes a move.

draft → open → closed → compiled → published, and closed → open again (reopen, with a new deadline). Every move
writes a StatusChange row and an audit event; what happens on a move (invitations on opening, notices on
reopening) is done by the caller-facing services in services.py, after the transition has been checked here.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations.models import Consultation, StatusChange
from samrad.dates import EARLIEST, LATEST, date_in_range
from samrad.errors import InvalidInput, NotAllowedNow

Status = Consultation.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.DRAFT: {Status.OPEN},
    Status.OPEN: {Status.CLOSED},
    Status.CLOSED: {Status.OPEN, Status.COMPILED},
    Status.COMPILED: {Status.PUBLISHED, Status.CLOSED},
    Status.PUBLISHED: set(),
}

# What each phase allows, read from the phase rather than scattered through views.
PHASE_ALLOWS: dict[str, set[str]] = {
    Status.DRAFT: {"edit", "edit_list", "edit_questions", "edit_documents"},
    Status.OPEN: {"edit", "edit_list", "edit_documents", "answer", "remind", "extend", "register_answer"},
    Status.CLOSED: {"register_answer", "export"},
    Status.COMPILED: {"export"},
    Status.PUBLISHED: {"export"},
}


class TransitionError(NotAllowedNow):
    """An illegal move; `message` says why in the user's language."""


def phase_allows(consultation: Consultation, what: str) -> bool:
    return what in PHASE_ALLOWS.get(consultation.status, set())


def consultation_transition(
    *,
    actor: Actor,
    consultation: Consultation,
    to_status: str,
    note: str = "",
    new_deadline: dt.datetime | None = None,
) -> Consultation:
    """Move `consultation` to `to_status` or raise TransitionError. Locks the row so two coordinators pressing
    the same button at once make one move."""
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        from_status = locked.status
        if to_status not in TRANSITIONS.get(from_status, set()):
            raise TransitionError(
                _("A consultation that is %(from)s cannot be made %(to)s.")
                % {"from": Status(from_status).label, "to": Status(to_status).label}
            )
        now = timezone.now()
        changes: dict[str, Any] = {"status": [from_status, to_status]}
        if to_status == Status.OPEN:
            if from_status == Status.CLOSED:
                if new_deadline is None:
                    raise TransitionError(_("Reopening needs a new deadline."))
                changes["deadline"] = [locked.deadline, new_deadline]
                locked.deadline = new_deadline
                locked.closed_at = None
            if locked.deadline <= now:
                raise TransitionError(_("The deadline has already passed. Set a later deadline first."))
            if not date_in_range(locked.deadline):
                # Stored before the range was enforced (or by hand): invitations could not carry it.
                raise InvalidInput(
                    _("The last day to answer must be between %(earliest)s and %(latest)s. Change it first.")
                    % {"earliest": date_format(EARLIEST, "j F Y"), "latest": date_format(LATEST, "j F Y")},
                    field="deadline",
                )
            locked.opened_at = locked.opened_at or now
            if locked.opens_at is None or locked.opens_at > now:
                locked.opens_at = now
        elif to_status == Status.CLOSED:
            locked.closed_at = now
        locked.status = to_status
        locked.save()
        StatusChange.objects.create(
            consultation=locked,
            from_status=from_status,
            to_status=to_status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=now,
            note=note,
        )
        audit_record(actor=actor, action=f"consultation.{to_status}", target=locked, changes=changes)
    consultation.refresh_from_db()
    return consultation
