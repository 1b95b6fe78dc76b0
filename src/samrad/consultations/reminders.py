"""Reminders to referral bodies that have not answered: by hand to selected bodies, and automatically N days
before each body's deadline (`Consultation.reminder_days`, e.g. [14, 3]).

Never two of the same reminder to a body: each reminder has a key ("auto-3d-2026-10-31", "manual-<random>"),
unique per referral (ReminderSent), and its e-mails carry dedupe keys in the outbox. An automatic reminder's key
names the deadline it is about, so a body whose deadline was extended is reminded again before the new one.
Bodies that have submitted or declined get no reminders.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.accounts.login_links import login_link_url, login_link_validity_text
from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations import access
from samrad.consultations.deadlines import effective_deadline, local_date, local_zone
from samrad.consultations.invitations import (
    body_context,
    referral_people,
    registry_context,
    registry_user_ids,
    respond_path,
    sender_addresses,
    sender_names,
)
from samrad.consultations.lifecycle import TransitionError, phase_allows
from samrad.consultations.models import Consultation, Referral, ReminderSent
from samrad.consultations.selectors import ANSWERED, effective_deadline_expression
from samrad.notifications.services import email_enqueue_template

# Automatic reminders go out from this hour (local time) on the day N days before the deadline's day.
AUTO_REMINDER_HOUR = 8
MESSAGE_MAX_LENGTH = 2000


def auto_reminder_key(days: int, deadline: dt.datetime) -> str:
    return f"auto-{days}d-{local_date(deadline).isoformat()}"


def auto_reminder_due_at(deadline: dt.datetime, days: int) -> dt.datetime:
    """When the reminder `days` before `deadline` is due: AUTO_REMINDER_HOUR local time, `days` days before the
    deadline's day (so that it arrives in the morning, not at midnight)."""
    day = local_date(deadline) - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(AUTO_REMINDER_HOUR), tzinfo=local_zone())


def _send(
    *,
    actor: Actor,
    consultation: Consultation,
    referral: Referral,
    key: str,
    message: str,
    now: dt.datetime,
    senders: str,
    reply_to: list[str],
) -> bool:
    """Record and queue reminder `key` for one body, unless it has had it already. True if it went out."""
    referral.consultation = consultation
    if ReminderSent.objects.filter(referral=referral, key=key).exists():
        return False
    organisation = referral.organisation
    registry_ids = registry_user_ids(organisation)
    people = [
        person for person in referral_people(actor=actor, organisation=organisation) if person.pk not in registry_ids
    ]
    if not organisation.registry_email and not people:
        return False
    deadline = effective_deadline(referral, consultation)
    with transaction.atomic():
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    referral=referral,
                    key=key,
                    sent_at=now,
                    sent_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            return False  # this body already had this reminder
        context = body_context(consultation, referral, senders=senders, message=message, overdue=deadline < now)
        template = "consultations/email/reminder"
        emails = 0
        if organisation.registry_email:
            email_enqueue_template(
                to=[organisation.registry_email],
                template=template,
                context={**context, "personal": False, **registry_context(consultation, referral, people)},
                reply_to=reply_to,
                category="consultations.reminder",
                dedupe_key=f"consultations.reminder:{referral.pk}:{key}:registry",
            )
            emails += 1
        next_url = respond_path(consultation, organisation)
        validity = login_link_validity_text()
        for person in people:
            email_enqueue_template(
                to=[person.email],
                template=template,
                context={
                    **context,
                    "personal": True,
                    "person": person,
                    "login_link": login_link_url(person, next_url=next_url),
                    "validity": validity,
                },
                reply_to=reply_to,
                category="consultations.reminder",
                dedupe_key=f"consultations.reminder:{referral.pk}:{key}:user:{person.pk}",
            )
            emails += 1
        audit_record(
            actor=actor,
            action="referral.reminded",
            target=referral,
            changes={"key": key, "emails": emails, "deadline": deadline},
        )
    return True


def reminder_send_manual(
    *,
    actor: Actor,
    consultation: Consultation,
    referrals: Iterable[Referral],
    message: str = "",
    key: str | None = None,
) -> int:
    """Remind the selected bodies now, with an optional message from the coordinator. Bodies that have answered
    or declined, or are not on this consultation's list, are left out. Returns how many were reminded. `key`
    names the reminder (default: a new one); a body that already had a reminder with that key is skipped, so a
    retried background job reminds nobody twice."""
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    if not phase_allows(consultation, "remind"):
        raise TransitionError(_("Reminders can only be sent while the consultation is open."))
    message = message.strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("The message can be at most %(count)d characters long.") % {"count": MESSAGE_MAX_LENGTH}
        )
    selected = (
        Referral.objects.filter(consultation=consultation, pk__in=[referral.pk for referral in referrals])
        .exclude(status__in=ANSWERED)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    key = key or manual_reminder_key()
    now = timezone.now()
    senders, reply_to = sender_names(consultation), sender_addresses(consultation)
    reminded = 0
    for referral in selected:
        if _send(
            actor=actor,
            consultation=consultation,
            referral=referral,
            key=key,
            message=message,
            now=now,
            senders=senders,
            reply_to=reply_to,
        ):
            reminded += 1
    return reminded


def manual_reminder_key() -> str:
    return f"manual-{uuid.uuid4().hex[:16]}"


# Reminding more bodies than this at once is a background job (a national remiss has thousands on its list).
REMIND_IN_REQUEST_MAX = 10


@dataclass(frozen=True)
class RemindAllOutcome:
    count: int  # bodies that have not answered
    queued: bool  # True: the reminders go out in a background job; False: they were sent now
    reminded: int  # sent now (0 when queued)


def reminder_send_to_all_not_answered(
    *, actor: Actor, consultation: Consultation, message: str = ""
) -> RemindAllOutcome:
    """Remind every body on the list that has neither answered nor declined. A handful are reminded now; more
    than REMIND_IN_REQUEST_MAX are reminded by a background job (`tasks.remind_not_answered`), queued when the
    transaction commits, with one reminder key so that a retried job reminds nobody twice."""
    if not access.can_manage(actor, consultation):
        raise PermissionDenied(_("You do not run this consultation."))
    if not phase_allows(consultation, "remind"):
        raise TransitionError(_("Reminders can only be sent while the consultation is open."))
    message = message.strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            _("The message can be at most %(count)d characters long.") % {"count": MESSAGE_MAX_LENGTH}
        )
    waiting = Referral.objects.filter(consultation=consultation).exclude(status__in=ANSWERED)
    count = waiting.count()
    if count <= REMIND_IN_REQUEST_MAX:
        reminded = reminder_send_manual(
            actor=actor, consultation=consultation, referrals=list(waiting), message=message
        )
        return RemindAllOutcome(count=count, queued=False, reminded=reminded)
    from samrad.consultations.tasks import remind_not_answered

    key = manual_reminder_key()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="consultation.remind_all_queued",
            target=consultation,
            changes={"key": key, "bodies": count},
        )
        transaction.on_commit(
            lambda: remind_not_answered.enqueue(
                consultation_id=consultation.pk, actor_id=actor_id, message=message, key=key
            )
        )
    return RemindAllOutcome(count=count, queued=True, reminded=0)


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """The periodic job: for every open consultation and every invited body that has not answered or declined,
    send the automatic reminder that is due (the one nearest the deadline, when several are: a body added two
    days before its deadline gets the 3-day reminder, not also the 14-day one). Safe to run any number of times.
    Returns how many bodies were reminded."""
    now = now or timezone.now()
    reminded = 0
    for consultation in Consultation.objects.filter(status=Consultation.Status.OPEN).order_by("pk"):
        days = sorted({int(d) for d in consultation.reminder_days or [] if int(d) > 0})
        if not days:
            continue
        horizon = now + dt.timedelta(days=max(days) + 1)
        candidates = (
            Referral.objects.filter(consultation=consultation, invited_at__isnull=False)
            .exclude(status__in=ANSWERED)
            .alias(deadline=effective_deadline_expression(F("consultation__deadline")))
            .filter(deadline__gt=now, deadline__lte=horizon)
            .select_related("organisation")
            .order_by("pk")
        )
        senders: str | None = None
        reply_to: list[str] = []
        for referral in candidates:
            deadline = effective_deadline(referral, consultation)
            due = [n for n in days if auto_reminder_due_at(deadline, n) <= now < deadline]
            if not due:
                continue
            if senders is None:
                senders, reply_to = sender_names(consultation), sender_addresses(consultation)
            if _send(
                actor=None,
                consultation=consultation,
                referral=referral,
                key=auto_reminder_key(min(due), deadline),
                message="",
                now=now,
                senders=senders,
                reply_to=reply_to,
            ):
                reminded += 1
    return reminded
