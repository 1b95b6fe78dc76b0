"""Registering for a meeting: places, the per-organisation cap, the waiting list and its automatic promotion,
and erasing personal needs once the meeting is over.

Every change of a meeting's registrations first locks the meeting's row (SELECT ... FOR UPDATE), so that two
people registering for the last place, or two people cancelling at the same moment, are handled one after the
other: each sees the other's change, and the waiting list is promoted exactly as far as places allow. (On
SQLite, which has no row locks, the same order comes from its IMMEDIATE transactions: one writer at a time.)

The rules:
- only members of an organisation the meeting is for may register, on behalf of that organisation;
- registration closes at the registration deadline (and for a cancelled meeting);
- an organisation has at most `per_org_cap` people registered or waiting;
- when every place (`capacity`) is taken, newcomers go on the waiting list in order of arrival; when a place
  frees up, the first in line is registered and told by e-mail.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.dialogue import access, mailings
from samrad.dialogue.models import Meeting, Registration
from samrad.organisations.models import Organisation

NEEDS_MAX_LENGTH = 1000
ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED)


class RegistrationRefused(ValidationError):
    """The registration is not possible; the message says why, for the person registering."""


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("series").get(pk=meeting.pk)


def registration_open(meeting: Meeting, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return not meeting.is_cancelled and now <= meeting.registration_deadline and now < meeting.starts_at


def meeting_register(*, actor: Actor, meeting: Meeting, organisation: Organisation, needs: str = "") -> Registration:
    """Register `actor` for the meeting on behalf of `organisation`: a place if one is free, else the waiting
    list. Sends a confirmation (with the calendar file) or a waiting-list notice."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Log in to register."))
    needs = needs.strip()
    if len(needs) > NEEDS_MAX_LENGTH:
        raise RegistrationRefused(
            _("Describe your needs in at most %(count)d characters.") % {"count": NEEDS_MAX_LENGTH}
        )
    with transaction.atomic():
        current = _lock(meeting)
        if not access.organisations_for_registration(actor, current).filter(pk=organisation.pk).exists():
            raise PermissionDenied(_("You cannot register for this meeting on behalf of this organisation."))
        now = timezone.now()
        if current.is_cancelled:
            raise RegistrationRefused(_("The meeting is cancelled."), code="cancelled")
        if now > current.registration_deadline or now >= current.starts_at:
            raise RegistrationRefused(_("Registration for this meeting has closed."), code="closed")
        active = current.registrations.filter(status__in=ACTIVE)
        if active.filter(user=actor).exists():
            raise RegistrationRefused(_("You are already registered for this meeting."), code="duplicate")
        if current.per_org_cap is not None:
            taken = active.filter(organisation=organisation).count()
            if taken >= current.per_org_cap:
                raise RegistrationRefused(
                    ngettext(
                        "%(organisation)s already has %(count)d person registered, the most per organisation.",
                        "%(organisation)s already has %(count)d people registered, the most per organisation.",
                        taken,
                    )
                    % {"organisation": organisation.name, "count": taken},
                    code="org_cap",
                )
        registered = active.filter(status=Registration.Status.REGISTERED).count()
        full = current.capacity is not None and registered >= current.capacity
        position = (current.registrations.aggregate(last=Max("position"))["last"] or 0) + 1
        registration = Registration(
            meeting=current,
            user=actor,
            organisation=organisation,
            status=Registration.Status.WAITLISTED if full else Registration.Status.REGISTERED,
            position=position,
            needs=needs,
        )
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise RegistrationRefused(_("You are already registered for this meeting."), code="duplicate") from error
        if full:
            ahead = active.filter(status=Registration.Status.WAITLISTED, position__lt=position).count()
            mailings.send_waitlisted(registration, place=ahead + 1)
        else:
            mailings.send_registered(registration)
        audit_record(
            actor=actor,
            action="dialogue.registration.create",
            target=registration,
            # Needs are personal data: the append-only log says only whether there were any.
            changes={
                "meeting_id": current.pk,
                "organisation_id": organisation.pk,
                "status": [None, registration.status],
                "position": position,
                "needs": bool(needs),
            },
        )
    return registration


def registration_cancel(*, actor: Actor, registration: Registration) -> Registration:
    """Cancel a registration (the person themself, or a coordinator of the series). A freed place goes to the
    first on the waiting list."""
    with transaction.atomic():
        meeting = _lock(registration.meeting)
        current = Registration.objects.select_related("user", "organisation").get(pk=registration.pk)
        is_own = getattr(actor, "is_authenticated", False) and current.user_id == actor.pk
        if not is_own and not (actor is None or isinstance(actor, str) or access.can_manage(actor, meeting.series)):
            raise PermissionDenied(_("You cannot cancel this registration."))
        if current.status == Registration.Status.CANCELLED:
            return current
        if is_own and meeting.starts_at <= timezone.now():
            raise RegistrationRefused(_("The meeting has already started."), code="started")
        previous = current.status
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.needs = ""
        current.save(update_fields=["status", "cancelled_at", "needs"])
        promoted = promote_waiting(actor=actor, meeting=meeting) if previous == Registration.Status.REGISTERED else []
        audit_record(
            actor=actor,
            action="dialogue.registration.cancel",
            target=current,
            changes={
                "meeting_id": meeting.pk,
                "status": [previous, current.status],
                "promoted": [registration.pk for registration in promoted],
            },
        )
    return current


def promote_waiting(*, actor: Actor, meeting: Meeting) -> list[Registration]:
    """Give free places to the waiting list, first come first served, and tell each person promoted. Call with
    the meeting's row locked (the registration services do). Each promotion is audited after every place has
    been counted and given, so that nothing but the meeting's lock orders two concurrent calls."""
    if meeting.is_cancelled or meeting.starts_at <= timezone.now():
        return []
    waiting = meeting.registrations.filter(status=Registration.Status.WAITLISTED).order_by("position")
    if meeting.capacity is None:
        free = waiting.count()
    else:
        registered = meeting.registrations.filter(status=Registration.Status.REGISTERED).count()
        free = max(0, meeting.capacity - registered)
    promoted = list(waiting.select_related("user", "organisation", "meeting__series")[:free])
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        mailings.send_promoted(registration)
    for registration in promoted:
        audit_record(
            actor=actor,
            action="dialogue.registration.promote",
            target=registration,
            changes={
                "meeting_id": meeting.pk,
                "status": [Registration.Status.WAITLISTED, Registration.Status.REGISTERED],
            },
        )
    return promoted


def registrations_erase_needs_due(*, now: dt.datetime | None = None) -> int:
    """Erase the dietary and accessibility needs of every meeting that is over or cancelled (the periodic job).
    Idempotent: what is erased stays erased. Returns how many registrations were erased."""
    now = now or timezone.now()
    due = Registration.objects.exclude(needs="").filter(meeting__ends_at__lt=now) | Registration.objects.exclude(
        needs=""
    ).filter(meeting__status=Meeting.Status.CANCELLED)
    erased = 0
    for meeting_id in sorted(set(due.values_list("meeting_id", flat=True))):
        with transaction.atomic():
            count = (
                Registration.objects.filter(meeting_id=meeting_id)
                .exclude(needs="")
                .update(needs="", needs_erased_at=now)
            )
            if count:
                audit_record(
                    actor=None,
                    action="dialogue.registration.needs_erased",
                    object_type="dialogue.meeting",
                    object_id=meeting_id,
                    changes={"registrations": count},
                )
            erased += count
    return erased
