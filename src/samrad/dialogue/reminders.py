"""Reminders before meetings: `reminder_days_before` days before each meeting of a series whose reminders are on,
to everyone registered, with the series' own text if it has one.

Never duplicated: each reminder's outbox dedupe key names the registration and the start time it is about, so
running the job again (or on several schedulers) sends nothing twice, and a meeting moved to another time is
reminded of again.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from samrad.audit.services import audit_record
from samrad.dialogue import mailings
from samrad.dialogue.models import Meeting, Registration
from samrad.notifications.models import OutboundEmail

# The longest reminder period a series can have (see the model's constraint).
MAX_DAYS = 30


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Queue every reminder that is due now and has not been sent. Returns how many were queued."""
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            series__reminders_enabled=True,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(days=MAX_DAYS),
        )
        .select_related("series")
        .order_by("starts_at", "pk")
    )
    sent = 0
    for meeting in meetings:
        if meeting.starts_at - dt.timedelta(days=meeting.series.reminder_days_before) > now:
            continue
        registrations = list(
            meeting.registrations.filter(status=Registration.Status.REGISTERED)
            .select_related("user", "organisation")
            .order_by("position")
        )
        keys = {mailings.reminder_key(registration): registration for registration in registrations}
        done = set(OutboundEmail.objects.filter(dedupe_key__in=list(keys)).values_list("dedupe_key", flat=True))
        due = [registration for key, registration in keys.items() if key not in done]
        if not due:
            continue
        with transaction.atomic():
            for registration in due:
                registration.meeting = meeting
                mailings.send_reminder(registration)
            audit_record(
                actor=None,
                action="dialogue.meeting.remind",
                target=meeting,
                changes={"reminded": len(due), "starts_at": meeting.starts_at},
            )
        sent += len(due)
    return sent
