"""The e-mails of a dialogue, all through the outbox (samrad.notifications) and each with a dedupe key, so that
a service run twice, or a periodic job run late, never sends the same message twice.

Who gets mail for an organisation: its members with an account (a personal message each); an organisation
without any member gets it at its registry address instead, so that nobody invited is left out.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone

from samrad.accounts.login_links import login_link_url, login_link_validity_text
from samrad.accounts.models import Membership, User
from samrad.dialogue.calendar import METHOD_CANCEL, METHOD_REQUEST, meeting_attachment, meeting_url, organiser_names
from samrad.dialogue.models import DialogueSeries, Meeting, Minutes, Registration, SeriesNews
from samrad.notifications.models import OutboundEmail
from samrad.notifications.services import email_enqueue_template
from samrad.organisations.models import Organisation


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    user: User | None
    organisation: Organisation


def organisation_recipients(organisations: Iterable[Organisation]) -> list[Recipient]:
    """One recipient per address: the active members of each organisation, else its registry address."""
    organisation_list = list(organisations)
    members: dict[int, list[User]] = {}
    memberships = (
        Membership.objects.filter(organisation__in=organisation_list, user__is_active=True, user__email__isnull=False)
        .exclude(user__email="")
        .select_related("user")
        .order_by("user__email", "pk")
    )
    for membership in memberships:
        members.setdefault(membership.organisation_id, []).append(membership.user)
    seen: set[str] = set()
    recipients: list[Recipient] = []
    for organisation in organisation_list:
        people = members.get(organisation.pk, [])
        if people:
            for user in people:
                key = user.email.lower()
                if key not in seen:
                    seen.add(key)
                    recipients.append(Recipient(user.email, user.get_full_name(), user, organisation))
        elif organisation.registry_email and organisation.registry_email.lower() not in seen:
            seen.add(organisation.registry_email.lower())
            recipients.append(Recipient(organisation.registry_email, organisation.name, None, organisation))
    return recipients


def registration_recipient(registration: Registration) -> Recipient:
    user = registration.user
    return Recipient(user.email, user.get_full_name(), user, registration.organisation)


def _context(meeting: Meeting, **extra: Any) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "series": meeting.series,
        "organisers": organiser_names(meeting.series),
        "starts_at": timezone.localtime(meeting.starts_at),
        "ends_at": timezone.localtime(meeting.ends_at),
        "registration_deadline": timezone.localtime(meeting.registration_deadline),
        "url": meeting_url(meeting),
        **extra,
    }


def _send(
    *,
    recipient: Recipient,
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    attachment_method: str | None = None,
    meeting: Meeting | None = None,
    partstat: str = "NEEDS-ACTION",
) -> OutboundEmail:
    attachments = []
    if attachment_method is not None and meeting is not None:
        attachments.append(
            meeting_attachment(
                meeting, method=attachment_method, attendee=(recipient.email, recipient.name), partstat=partstat
            )
        )
    return email_enqueue_template(
        to=[recipient.email],
        template=f"dialogue/email/{template}",
        context={**context, "recipient": recipient},
        attachments=attachments,
        category=f"dialogue.{template}",
        dedupe_key=dedupe_key,
    )


def _login_link(recipient: Recipient, path: str) -> str:
    return login_link_url(recipient.user, next_url=path) if recipient.user is not None else ""


def send_invitation(meeting: Meeting, recipient: Recipient) -> OutboundEmail:
    path = reverse("dialogue:meeting", args=[meeting.pk])
    return _send(
        recipient=recipient,
        template="invitation",
        context=_context(meeting, login_link=_login_link(recipient, path), validity=login_link_validity_text()),
        # Once per person and meeting: later changes reach them as updates (send_updated), not as invitations.
        dedupe_key=f"dialogue.invitation:{meeting.pk}:{recipient.email.lower()}",
        attachment_method=METHOD_REQUEST,
        meeting=meeting,
    )


def send_registered(registration: Registration) -> OutboundEmail:
    meeting = registration.meeting
    return _send(
        recipient=registration_recipient(registration),
        template="registered",
        context=_context(meeting, registration=registration),
        dedupe_key=f"dialogue.registered:{registration.pk}",
        attachment_method=METHOD_REQUEST,
        meeting=meeting,
        partstat="ACCEPTED",
    )


def send_waitlisted(registration: Registration, *, place: int) -> OutboundEmail:
    """`place` in line: 1 for the first on the waiting list."""
    return _send(
        recipient=registration_recipient(registration),
        template="waitlisted",
        context=_context(registration.meeting, registration=registration, place=place),
        dedupe_key=f"dialogue.waitlisted:{registration.pk}",
    )


def send_promoted(registration: Registration) -> OutboundEmail:
    meeting = registration.meeting
    recipient = registration_recipient(registration)
    path = reverse("dialogue:meeting", args=[meeting.pk])
    return _send(
        recipient=recipient,
        template="promoted",
        context=_context(
            meeting,
            registration=registration,
            login_link=_login_link(recipient, path),
            validity=login_link_validity_text(),
        ),
        dedupe_key=f"dialogue.promoted:{registration.pk}",
        attachment_method=METHOD_REQUEST,
        meeting=meeting,
        partstat="ACCEPTED",
    )


def send_updated(meeting: Meeting, recipient: Recipient, *, changed: list[str], registered: bool) -> OutboundEmail:
    return _send(
        recipient=recipient,
        template="updated",
        context=_context(meeting, changed=changed, registered=registered),
        dedupe_key=f"dialogue.updated:{meeting.pk}:{meeting.ics_sequence}:{recipient.email.lower()}",
        attachment_method=METHOD_REQUEST,
        meeting=meeting,
        partstat="ACCEPTED" if registered else "NEEDS-ACTION",
    )


def send_cancelled(meeting: Meeting, recipient: Recipient) -> OutboundEmail:
    return _send(
        recipient=recipient,
        template="cancelled",
        context=_context(meeting),
        dedupe_key=f"dialogue.cancelled:{meeting.pk}:{recipient.email.lower()}",
        attachment_method=METHOD_CANCEL,
        meeting=meeting,
    )


def reminder_key(registration: Registration) -> str:
    """Names the start it reminds of: a meeting moved to another day is reminded of again."""
    return f"dialogue.reminder:{registration.pk}:{registration.meeting.starts_at.timestamp():.0f}"


def send_reminder(registration: Registration) -> OutboundEmail:
    meeting = registration.meeting
    return _send(
        recipient=registration_recipient(registration),
        template="reminder",
        context=_context(meeting, registration=registration, custom_text=meeting.series.reminder_text.strip()),
        dedupe_key=reminder_key(registration),
    )


def send_news(news: SeriesNews, series: DialogueSeries, recipient: Recipient) -> OutboundEmail:
    url = reverse("dialogue:series", args=[series.pk])
    return _send(
        recipient=recipient,
        template="news",
        context={"news": news, "series": series, "organisers": organiser_names(series), "path": url},
        dedupe_key=f"dialogue.news:{news.pk}:{recipient.email.lower()}",
    )


def send_minutes_published(minutes: Minutes, recipient: Recipient) -> OutboundEmail:
    meeting = minutes.meeting
    return _send(
        recipient=recipient,
        template="minutes",
        context=_context(meeting, minutes=minutes),
        dedupe_key=f"dialogue.minutes:{meeting.pk}:{recipient.email.lower()}",
    )
