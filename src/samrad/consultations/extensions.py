"""More time for a referral body: the body asks (with a reason), the coordinator grants or refuses, or grants
directly without being asked. A grant sets the body's own deadline (`Referral.deadline_override`, the end of the
chosen day in Europe/Stockholm); the body is told by e-mail, with a calendar file that moves the deadline.

Every grant is an ExtensionRequest row with status "granted" (a direct grant has no requester), so the history
of a body's deadline is in one table.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.deadlines import effective_deadline, end_of_day
from samrad.consultations.invitations import body_context, calendar_for, referral_people, sender_addresses
from samrad.consultations.lifecycle import phase_allows
from samrad.consultations.models import Consultation, ExtensionRequest, Referral
from samrad.consultations.notices import notice_extension_requested
from samrad.consultations.selectors import ANSWERED
from samrad.dates import check_date_in_range
from samrad.notifications.services import email_enqueue_template

REASON_MAX_LENGTH = 2000


def _day(instant: dt.datetime) -> str:
    return date_format(timezone.localtime(instant), "j F Y")


def _require_open(consultation: Consultation) -> None:
    if not phase_allows(consultation, "extend"):
        raise ValidationError(_("More time can only be given while the consultation is open."))


def _require_manager(actor: Actor, consultation: Consultation) -> None:
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))


def _notify(
    *, actor: Actor, consultation: Consultation, referral: Referral, request: ExtensionRequest, granted: bool
) -> None:
    """Tell the body (its registry and its people) about the decision; a grant comes with a calendar file."""
    people = referral_people(actor=actor, organisation=referral.organisation)
    recipients = [referral.organisation.registry_email, *(person.email for person in people)]
    if request.requested_by is not None and request.requested_by.is_active:
        recipients.append(request.requested_by.email)
    # Each address once, however often it appears (the registry mailbox is also a member of the body).
    unique: dict[str, str] = {}
    for address in recipients:
        if address:
            unique.setdefault(address.lower(), address)
    recipients = list(unique.values())
    if not recipients:
        return
    email_enqueue_template(
        to=recipients,
        template="consultations/email/extension_decision",
        context=body_context(consultation, referral, granted=granted, note=request.decision_note),
        attachments=[calendar_for(consultation, referral)] if granted else None,
        reply_to=sender_addresses(consultation),
        category="consultations.extension_decision",
        dedupe_key=f"consultations.extension:{request.pk}:{request.status}",
    )


def extension_request(
    *, actor: Actor, referral: Referral, requested_deadline: dt.date | None, reason: str
) -> ExtensionRequest:
    """A body asks for more time (until `requested_deadline`, or leaving the date to the coordinator). The actor
    must belong to the body. One request at a time; not once the body has answered or declined."""
    if referral.organisation_id not in access.respondent_organisation_ids(actor):
        raise PermissionDenied(_("You can only ask for more time for your own organisation."))
    check_date_in_range(requested_deadline, field="requested_deadline")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you need more time.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason can be at most %(count)d characters long.") % {"count": REASON_MAX_LENGTH}}
        )
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("consultation", "organisation")
            .get(pk=referral.pk)
        )
        consultation = locked.consultation
        _require_open(consultation)
        if locked.status in ANSWERED:
            raise ValidationError(_("Your organisation has already answered or declined this consultation."))
        if ExtensionRequest.objects.filter(referral=locked, status=ExtensionRequest.Status.PENDING).exists():
            raise ValidationError(_("You have already asked for more time. The sender will answer that request first."))
        current = effective_deadline(locked, consultation)
        wanted = end_of_day(requested_deadline) if requested_deadline is not None else None
        if wanted is not None and wanted <= current:
            raise ValidationError(
                {
                    "requested_deadline": _("Choose a day after your current deadline, %(date)s.")
                    % {"date": _day(current)}
                }
            )
        now = timezone.now()
        request = ExtensionRequest.objects.create(
            referral=locked,
            requested_deadline=wanted,
            reason=reason,
            requested_by=actor,
            requested_at=now,
        )
        locked.last_activity_at = now
        locked.save(update_fields=["last_activity_at"])
        audit_record(
            actor=actor,
            action="extension.requested",
            target=request,
            changes={"referral": locked.pk, "requested_deadline": wanted, "reason": reason},
        )
        notice_extension_requested(request=request)
    return request


def _grant(
    *,
    actor: Actor,
    consultation: Consultation,
    referral: Referral,
    deadline: dt.date,
    note: str,
    request: ExtensionRequest | None,
) -> ExtensionRequest:
    """Set the body's new deadline and record the grant (on `request`, or a new row for a direct grant); every
    other pending request of the body is answered by the same grant. Runs inside the caller's transaction with
    the referral locked."""
    check_date_in_range(deadline, field="deadline")
    new_deadline = end_of_day(deadline)
    current = effective_deadline(referral, consultation)
    if new_deadline <= timezone.now():
        raise ValidationError({"deadline": _("The new deadline must be in the future.")})
    if new_deadline <= current:
        raise ValidationError(
            {"deadline": _("Choose a day after the current deadline, %(date)s.") % {"date": _day(current)}}
        )
    now = timezone.now()
    decided_by = actor if getattr(actor, "is_authenticated", False) else None
    if request is None:
        request = ExtensionRequest.objects.create(
            referral=referral,
            reason="",
            status=ExtensionRequest.Status.GRANTED,
            requested_at=now,
            decided_by=decided_by,
            decided_at=now,
            granted_deadline=new_deadline,
            decision_note=note,
        )
    else:
        request.status = ExtensionRequest.Status.GRANTED
        request.decided_by = decided_by
        request.decided_at = now
        request.granted_deadline = new_deadline
        request.decision_note = note
        request.save(update_fields=["status", "decided_by", "decided_at", "granted_deadline", "decision_note"])
    answered_too = list(
        ExtensionRequest.objects.filter(referral=referral, status=ExtensionRequest.Status.PENDING)
        .exclude(pk=request.pk)
        .values_list("pk", flat=True)
    )
    if answered_too:
        ExtensionRequest.objects.filter(pk__in=answered_too).update(
            status=ExtensionRequest.Status.GRANTED,
            decided_by=decided_by,
            decided_at=now,
            granted_deadline=new_deadline,
            decision_note=note,
        )
    referral.deadline_override = new_deadline
    referral.save(update_fields=["deadline_override"])
    audit_record(
        actor=actor,
        action="extension.granted",
        target=referral,
        changes={
            "deadline": [current, new_deadline],
            "request": request.pk,
            "also_answered": answered_too,
            "note": note,
        },
    )
    _notify(actor=actor, consultation=consultation, referral=referral, request=request, granted=True)
    return request


def _lock_pending(actor: Actor, request: ExtensionRequest) -> tuple[ExtensionRequest, Referral]:
    """The stored request and its referral, locked, once `actor` may decide it: who runs the consultation is
    asked of the stored rows, never of the caller's instance (it may be stale or point elsewhere)."""
    referral_id = ExtensionRequest.objects.values_list("referral_id", flat=True).get(pk=request.pk)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("organisation", "consultation")
        .get(pk=referral_id)
    )
    _require_manager(actor, referral.consultation)
    _require_open(referral.consultation)
    locked = ExtensionRequest.objects.select_for_update(of=("self",)).select_related("requested_by").get(pk=request.pk)
    if locked.status != ExtensionRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return locked, referral


def extension_grant(*, actor: Actor, request: ExtensionRequest, deadline: dt.date, note: str = "") -> ExtensionRequest:
    """Grant a pending request, until the end of `deadline` (the day asked for, or another one)."""
    consultation = request.referral.consultation
    _require_manager(actor, consultation)
    _require_open(consultation)
    with transaction.atomic():
        locked, referral = _lock_pending(actor, request)
        return _grant(
            actor=actor,
            consultation=referral.consultation,
            referral=referral,
            deadline=deadline,
            note=note.strip(),
            request=locked,
        )


def extension_refuse(*, actor: Actor, request: ExtensionRequest, note: str) -> ExtensionRequest:
    """Refuse a pending request; `note` (required) tells the body why."""
    consultation = request.referral.consultation
    _require_manager(actor, consultation)
    _require_open(consultation)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why the request is refused.")})
    with transaction.atomic():
        locked, referral = _lock_pending(actor, request)
        locked.status = ExtensionRequest.Status.REFUSED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_note = note
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor,
            action="extension.refused",
            target=referral,
            changes={"request": locked.pk, "note": note},
        )
        _notify(actor=actor, consultation=referral.consultation, referral=referral, request=locked, granted=False)
    return locked


def extension_grant_direct(*, actor: Actor, referral: Referral, deadline: dt.date, note: str = "") -> ExtensionRequest:
    """Give a body more time without it having asked (e.g. after a phone call)."""
    consultation = referral.consultation
    _require_manager(actor, consultation)
    _require_open(consultation)
    with transaction.atomic():
        locked = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("organisation", "consultation")
            .get(pk=referral.pk)
        )
        _require_manager(actor, locked.consultation)  # as stored, not as the caller's instance says
        _require_open(locked.consultation)
        if locked.status in ANSWERED:
            raise ValidationError(_("%(name)s has already answered or declined.") % {"name": locked.organisation.name})
        request = _grant(
            actor=actor,
            consultation=locked.consultation,
            referral=locked,
            deadline=deadline,
            note=note.strip(),
            request=None,
        )
    referral.refresh_from_db(fields=["deadline_override"])
    return request
