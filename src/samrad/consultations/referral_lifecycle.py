"""A referral body's status as data: the allowed moves, and the one service that makes a move.

invited → opened → drafting → submitted, and declined (avstår) from any of the first three. A body that declined
may still submit before its deadline (its answer then counts instead), and a body that has submitted stays
submitted: a correction is a new submission, not a new status. "Overdue" is not stored: it is read from the
deadline (selectors_responses.referral_status).

Every move locks the referral's row, writes a ReferralStatusChange row and an audit event ("referral.<status>").
Callers (responses.py) decide *when* a body moves; this module decides *whether* it may.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations.models import Referral, ReferralStatusChange
from samrad.errors import NotAllowedNow

Status = Referral.Status

TRANSITIONS: dict[str, set[str]] = {
    Status.INVITED: {Status.OPENED, Status.DRAFTING, Status.SUBMITTED, Status.DECLINED},
    Status.OPENED: {Status.DRAFTING, Status.SUBMITTED, Status.DECLINED},
    Status.DRAFTING: {Status.SUBMITTED, Status.DECLINED},
    Status.DECLINED: {Status.SUBMITTED},
    Status.SUBMITTED: set(),
}


class ReferralTransitionError(NotAllowedNow):
    """The body's status does not allow the move; `message` says why."""


def referral_may_move(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, set())


def referral_transition(
    *,
    actor: Actor,
    referral: Referral,
    to_status: str,
    now: dt.datetime | None = None,
    note: str = "",
    only_if_allowed: bool = False,
    audit_changes: dict[str, Any] | None = None,
    **fields: Any,
) -> bool:
    """Move `referral` to `to_status`, setting `fields` (opened_at, answered_at, decline_reason, ...) and its
    last activity in the same write. Returns True when it moved.

    A move the map does not allow raises ReferralTransitionError, or, with `only_if_allowed`, changes nothing
    and returns False (for moves that happen on the way, such as "the first save makes it drafting")."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
        from_status = locked.status
        if not referral_may_move(from_status, to_status):
            if only_if_allowed:
                return False
            raise ReferralTransitionError(
                _("A body whose answer is %(from)s cannot be marked %(to)s.")
                % {"from": Status(from_status).label, "to": Status(to_status).label}
            )
        Referral.objects.filter(pk=locked.pk).update(status=to_status, last_activity_at=now, **fields)
        ReferralStatusChange.objects.create(
            referral=locked,
            from_status=from_status,
            to_status=to_status,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=now,
            note=note,
        )
        audit_record(
            actor=actor,
            action=f"referral.{to_status}",
            target=locked,
            changes={"status": [from_status, to_status], **(audit_changes or {})},
        )
    referral.status = to_status
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.last_activity_at = now
    return True
