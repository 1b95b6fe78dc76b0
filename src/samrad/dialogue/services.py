"""Running a dialogue series: the series itself, its topics, the invited organisations, news, meetings and their
documents. Registrations are in registrations.py; minutes, action points, attendance and input in records.py.

Each function checks that the actor may do it, validates with the model's own rules, runs in one transaction,
sends its e-mails through the outbox in that same transaction, and writes its audit event. `actor` is a user,
or None / a label such as "demo" when the system itself acts.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.accounts.models import Membership
from samrad.accounts.selectors import user_is_coordinator
from samrad.actors import Actor
from samrad.audit.services import audit_record, model_changes
from samrad.dates import check_date_in_range
from samrad.dialogue import access, mailings
from samrad.dialogue.models import (
    DialogueSeries,
    Meeting,
    MeetingDocument,
    Registration,
    SeriesInvitation,
    SeriesNews,
    Topic,
)
from samrad.dialogue.registrations import promote_waiting, registration_cancel
from samrad.dialogue.richtext import richtext_clean
from samrad.documents.services import DOCUMENT_KINDS, file_intake
from samrad.organisations.models import Group, Organisation

SERIES_FIELDS = ["title", "purpose", "visibility", "reminders_enabled", "reminder_days_before", "reminder_text"]
MEETING_FIELDS = [
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "per_org_cap",
    "registration_deadline",
    "agenda",
]
# A change of any of these is a new version of the calendar event (SEQUENCE + 1) and is sent to participants.
CALENDAR_FIELDS = ["starts_at", "ends_at", "place", "online_url"]


def _is_system(actor: Actor) -> bool:
    return actor is None or isinstance(actor, str)


def _user(actor: Actor) -> Any:
    return None if _is_system(actor) else actor


def check_can_manage(actor: Actor, series: DialogueSeries) -> None:
    if _is_system(actor):
        return
    if not access.can_manage(actor, series):
        raise PermissionDenied(_("You do not run this dialogue series."))


def check_can_manage_meeting(actor: Actor, meeting: Meeting, *, lock: bool = False) -> Meeting:
    """Check against the meeting's series as stored (a caller's instance counts for its primary key only: it
    may be stale or changed) and return the stored meeting; with `lock` (inside a transaction) locked."""
    meetings = Meeting.objects.select_related("series")
    if lock:
        meetings = meetings.select_for_update(of=("self",))
    stored = meetings.get(pk=meeting.pk)
    check_can_manage(actor, stored.series)
    return stored


def _check_organisers(actor: Actor, organisers: list[Organisation]) -> None:
    if not organisers:
        raise ValidationError({"organisers": _("A series needs at least one organiser.")})
    if _is_system(actor) or access.is_platform_staff(actor):
        return
    if not user_is_coordinator(actor):
        raise PermissionDenied(_("Only coordinators run dialogue series."))
    own = set(
        Membership.objects.filter(user=actor, role=Membership.Role.COORDINATOR).values_list(
            "organisation_id", flat=True
        )
    )
    if not own & {organisation.pk for organisation in organisers}:
        raise PermissionDenied(_("One of the organisers must be an organisation you are a coordinator at."))


def _names(organisations: Iterable[Organisation]) -> list[str]:
    return sorted(organisation.name for organisation in organisations)


# --- Series ------------------------------------------------------------------------------------------------


def series_create(
    *,
    actor: Actor,
    title: str,
    organisers: Iterable[Organisation],
    purpose: str = "",
    visibility: str = DialogueSeries.Visibility.INVITED,
    reminders_enabled: bool = True,
    reminder_days_before: int = 2,
    reminder_text: str = "",
    topics: Iterable[str] = (),
) -> DialogueSeries:
    """Start a dialogue series run by `organisers`, optionally with its topics."""
    organiser_list = list(organisers)
    _check_organisers(actor, organiser_list)
    series = DialogueSeries(
        title=" ".join(title.split()),
        purpose=purpose.strip(),
        visibility=visibility,
        reminders_enabled=reminders_enabled,
        reminder_days_before=reminder_days_before,
        reminder_text=reminder_text.strip(),
        created_by=_user(actor),
    )
    series.full_clean()
    with transaction.atomic():
        series.save()
        series.organisers.set(organiser_list)
        changes = model_changes(series, SERIES_FIELDS, None)
        changes["organisers"] = [[], _names(organiser_list)]
        audit_record(actor=actor, action="dialogue.series.create", target=series, changes=changes)
        for topic_title in topics:
            topic_add(actor=actor, series=series, title=topic_title)
    return series


def series_update(*, actor: Actor, series: DialogueSeries, data: dict[str, Any]) -> DialogueSeries:
    """Change some of SERIES_FIELDS and/or "organisers" (the full new list). A change of nothing logs nothing."""
    unknown = set(data) - set(SERIES_FIELDS) - {"organisers"}
    if unknown:
        raise ValueError(f"series_update does not change {sorted(unknown)}")
    check_can_manage(actor, series)
    with transaction.atomic():
        current = DialogueSeries.objects.select_for_update().get(pk=series.pk)
        before = {name: getattr(current, name) for name in SERIES_FIELDS}
        for name, value in data.items():
            if name != "organisers":
                setattr(current, name, value.strip() if isinstance(value, str) else value)
        changes = model_changes(current, SERIES_FIELDS, before)
        new_organisers: list[Organisation] | None = None
        if "organisers" in data:
            new_organisers = list(data["organisers"])
            old_names, new_names = _names(current.organisers.all()), _names(new_organisers)
            if old_names != new_names:
                _check_organisers(actor, new_organisers)
                changes["organisers"] = [old_names, new_names]
        if not changes:
            return current
        current.full_clean()
        current.save()
        if new_organisers is not None and "organisers" in changes:
            current.organisers.set(new_organisers)
        audit_record(actor=actor, action="dialogue.series.update", target=current, changes=changes)
    return current


def topic_add(*, actor: Actor, series: DialogueSeries, title: str, description: str = "") -> Topic:
    check_can_manage(actor, series)
    title = " ".join(title.split())
    with transaction.atomic():
        order = (series.topics.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        topic = Topic(series=series, title=title, description=description.strip(), order=order)
        topic.full_clean()
        topic.save()
        audit_record(
            actor=actor,
            action="dialogue.topic.add",
            target=series,
            changes={"topic": [None, title], "topic_id": topic.pk},
        )
    return topic


def topic_remove(*, actor: Actor, topic: Topic) -> None:
    """Remove a topic; input given on it is kept, without a topic."""
    with transaction.atomic():
        stored = Topic.objects.select_for_update(of=("self",)).select_related("series").get(pk=topic.pk)
        check_can_manage(actor, stored.series)  # the topic's series as stored, not as the instance says
        audit_record(
            actor=actor,
            action="dialogue.topic.remove",
            target=stored.series,
            changes={"topic": [stored.title, None], "topic_id": stored.pk},
        )
        stored.delete()


# --- Invited organisations ---------------------------------------------------------------------------------


def series_invite(*, actor: Actor, series: DialogueSeries, organisations: Iterable[Organisation]) -> int:
    """Invite organisations (picked from the register by kind, county, group, division or one by one).
    Those already invited are left as they are. Returns how many were added."""
    check_can_manage(actor, series)
    with transaction.atomic():
        already = set(series.invitations.values_list("organisation_id", flat=True))
        new = [organisation for organisation in organisations if organisation.pk not in already]
        unique = list({organisation.pk: organisation for organisation in new}.values())
        if not unique:
            return 0
        SeriesInvitation.objects.bulk_create(
            [SeriesInvitation(series=series, organisation=o, invited_by=_user(actor)) for o in unique]
        )
        audit_record(
            actor=actor,
            action="dialogue.series.invite",
            target=series,
            changes={"invited": _names(unique), "organisation_ids": sorted(o.pk for o in unique)},
        )
    return len(unique)


def series_uninvite(*, actor: Actor, series: DialogueSeries, organisation: Organisation) -> None:
    """Take an organisation off the series. Its people's registrations for coming meetings are cancelled."""
    check_can_manage(actor, series)
    with transaction.atomic():
        deleted, _rows = SeriesInvitation.objects.filter(series=series, organisation=organisation).delete()
        if not deleted:
            return
        # Mark the series changed, so the search index drops the organisation from what its people may find
        # (the series, its meetings and their documents) at the next sync.
        DialogueSeries.objects.filter(pk=series.pk).update(updated_at=timezone.now())
        coming = Registration.objects.filter(
            meeting__series=series,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=timezone.now(),
            organisation=organisation,
        ).exclude(status=Registration.Status.CANCELLED)
        for registration in coming.select_related("meeting", "user", "organisation"):
            registration_cancel(actor=actor, registration=registration)
        audit_record(
            actor=actor,
            action="dialogue.series.uninvite",
            target=series,
            changes={"uninvited": organisation.name, "organisation_id": organisation.pk},
        )


# --- News --------------------------------------------------------------------------------------------------


def news_post(*, actor: Actor, series: DialogueSeries, title: str, body: str) -> SeriesNews:
    """Publish an update on the series and e-mail it to everyone invited."""
    check_can_manage(actor, series)
    news = SeriesNews(
        series=series,
        title=" ".join(title.split()),
        body=body.strip(),
        published_at=timezone.now(),
        author=_user(actor),
    )
    news.full_clean()
    with transaction.atomic():
        news.save()
        recipients = mailings.organisation_recipients(
            Organisation.objects.filter(dialogue_series_invitations__series=series).order_by("name")
        )
        for recipient in recipients:
            mailings.send_news(news, series, recipient)
        audit_record(
            actor=actor,
            action="dialogue.news.post",
            target=series,
            changes={"news_id": news.pk, "title": news.title, "emails": len(recipients)},
        )
    return news


# --- Meetings ----------------------------------------------------------------------------------------------


def _check_times(
    starts_at: dt.datetime, ends_at: dt.datetime, registration_deadline: dt.datetime | None = None
) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Meeting times must be timezone-aware.")
    check_date_in_range(starts_at, field="starts_at")
    check_date_in_range(ends_at, field="ends_at")
    check_date_in_range(registration_deadline, field="registration_deadline")


def meeting_create(
    *,
    actor: Actor,
    series: DialogueSeries,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    online_url: str = "",
    for_groups: Iterable[Group] = (),
    for_organisations: Iterable[Organisation] = (),
    capacity: int | None = None,
    per_org_cap: int | None = None,
    registration_deadline: dt.datetime | None = None,
    agenda: str = "",
) -> Meeting:
    """Add a meeting to a series. Without a registration deadline, people can register until it starts."""
    check_can_manage(actor, series)
    _check_times(starts_at, ends_at, registration_deadline)
    meeting = Meeting(
        series=series,
        title=" ".join(title.split()),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url.strip(),
        capacity=capacity,
        per_org_cap=per_org_cap,
        registration_deadline=registration_deadline or starts_at,
        agenda=richtext_clean(agenda),
    )
    meeting.full_clean()
    group_list, organisation_list = list(for_groups), list(for_organisations)
    with transaction.atomic():
        meeting.save()
        meeting.for_groups.set(group_list)
        meeting.for_organisations.set(organisation_list)
        changes = model_changes(meeting, MEETING_FIELDS, None)
        changes["for_groups"] = [[], sorted(g.name for g in group_list)]
        changes["for_organisations"] = [[], _names(organisation_list)]
        audit_record(actor=actor, action="dialogue.meeting.create", target=meeting, changes=changes)
    return meeting


def _invited_recipients(meeting: Meeting) -> list[mailings.Recipient]:
    return mailings.organisation_recipients(access.meeting_audience(meeting))


def _registrations(meeting: Meeting, *statuses: str) -> list[Registration]:
    return list(
        meeting.registrations.filter(status__in=statuses).select_related("user", "organisation").order_by("position")
    )


def meeting_update(*, actor: Actor, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Change some of MEETING_FIELDS and/or "for_groups" / "for_organisations" (full new lists).

    A change of time or place raises the calendar SEQUENCE and sends the new calendar file to everyone
    registered (and, once invitations have gone out, to everyone invited), so their calendars update the event.
    More places promote people from the waiting list; fewer places never take a place from anyone.
    """
    unknown = set(data) - set(MEETING_FIELDS) - {"for_groups", "for_organisations"}
    if unknown:
        raise ValueError(f"meeting_update does not change {sorted(unknown)}")
    with transaction.atomic():
        current = check_can_manage_meeting(actor, meeting, lock=True)
        if current.is_cancelled:
            raise ValidationError(_("A cancelled meeting cannot be changed."))
        before = {name: getattr(current, name) for name in MEETING_FIELDS}
        for name, value in data.items():
            if name in ("for_groups", "for_organisations"):
                continue
            if name == "agenda":
                value = richtext_clean(value)
            elif isinstance(value, str):
                value = value.strip()
            setattr(current, name, value)
        _check_times(current.starts_at, current.ends_at, current.registration_deadline)
        changes = model_changes(current, MEETING_FIELDS, before)
        for name in ("for_groups", "for_organisations"):
            if name in data:
                old = sorted(str(x) for x in getattr(current, name).all())
                new = sorted(str(x) for x in data[name])
                if old != new:
                    changes[name] = [old, new]
        if not changes:
            return current
        calendar_changed = [name for name in CALENDAR_FIELDS if name in changes]
        if calendar_changed:
            current.ics_sequence += 1
            changes["ics_sequence"] = [current.ics_sequence - 1, current.ics_sequence]
        current.full_clean()
        current.save()
        for name in ("for_groups", "for_organisations"):
            if name in changes:
                getattr(current, name).set(list(data[name]))
        emails = 0
        if calendar_changed:
            emails = _send_update(current, calendar_changed)
            changes["emails"] = emails
        audit_record(actor=actor, action="dialogue.meeting.update", target=current, changes=changes)
        if "capacity" in changes:
            promote_waiting(actor=actor, meeting=current)
    return current


def _send_update(meeting: Meeting, changed: list[str]) -> int:
    registered = _registrations(meeting, Registration.Status.REGISTERED)
    sent: set[str] = set()
    for registration in registered:
        recipient = mailings.registration_recipient(registration)
        mailings.send_updated(meeting, recipient, changed=changed, registered=True)
        sent.add(recipient.email.lower())
    if meeting.invitations_sent_at is not None:
        for recipient in _invited_recipients(meeting):
            if recipient.email.lower() not in sent:
                mailings.send_updated(meeting, recipient, changed=changed, registered=False)
                sent.add(recipient.email.lower())
    return len(sent)


def meeting_send_invitations(*, actor: Actor, meeting: Meeting) -> int:
    """E-mail the invitation with its calendar file to the people of every organisation the meeting is for.
    Sending again reaches only people who have not had it (e.g. of an organisation invited since). Returns how
    many were sent now."""
    with transaction.atomic():
        current = check_can_manage_meeting(actor, meeting, lock=True)
        if current.is_cancelled:
            raise ValidationError(_("A cancelled meeting cannot be sent out."))
        if current.starts_at <= timezone.now():
            raise ValidationError(_("The meeting has already started."))
        recipients = _invited_recipients(current)
        if not recipients:
            raise ValidationError(_("Nobody to invite yet: invite organisations to the series first."))
        created = 0
        started = timezone.now()
        for recipient in recipients:
            if mailings.send_invitation(current, recipient).created_at >= started:
                created += 1
        current.invitations_sent_at = current.invitations_sent_at or started
        current.save(update_fields=["invitations_sent_at", "updated_at"])
        audit_record(
            actor=actor,
            action="dialogue.meeting.invite",
            target=current,
            changes={"emails": created, "sequence": current.ics_sequence},
        )
    return created


def meeting_cancel(*, actor: Actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Call a meeting off: everyone registered or waiting (and everyone invited, once invitations have gone out)
    gets a cancellation with a METHOD:CANCEL calendar file that removes the event. Needs are erased at once."""
    with transaction.atomic():
        current = check_can_manage_meeting(actor, meeting, lock=True)
        if current.is_cancelled:
            raise ValidationError(_("The meeting is already cancelled."))
        current.status = Meeting.Status.CANCELLED
        current.cancelled_at = timezone.now()
        current.cancel_reason = reason.strip()
        current.ics_sequence += 1
        current.save(update_fields=["status", "cancelled_at", "cancel_reason", "ics_sequence", "updated_at"])
        sent: set[str] = set()
        for registration in _registrations(current, Registration.Status.REGISTERED, Registration.Status.WAITLISTED):
            recipient = mailings.registration_recipient(registration)
            if recipient.email.lower() not in sent:
                mailings.send_cancelled(current, recipient)
                sent.add(recipient.email.lower())
        if current.invitations_sent_at is not None:
            for recipient in _invited_recipients(current):
                if recipient.email.lower() not in sent:
                    mailings.send_cancelled(current, recipient)
                    sent.add(recipient.email.lower())
        erased = current.registrations.exclude(needs="").update(needs="", needs_erased_at=current.cancelled_at)
        audit_record(
            actor=actor,
            action="dialogue.meeting.cancel",
            target=current,
            changes={
                "status": [Meeting.Status.SCHEDULED, Meeting.Status.CANCELLED],
                "reason": current.cancel_reason,
                "ics_sequence": [current.ics_sequence - 1, current.ics_sequence],
                "emails": len(sent),
                "needs_erased": erased,
            },
        )
    return current


def meeting_document_add(
    *, actor: Actor, meeting: Meeting, title: str, stream: BinaryIO, filename: str
) -> MeetingDocument:
    """Attach a document (PDF, Word, OpenDocument) to a meeting, after the file intake's checks."""
    with transaction.atomic():
        meeting = check_can_manage_meeting(actor, meeting, lock=True)
        stored = file_intake(actor=actor, stream=stream, name=filename, allowed_kinds=DOCUMENT_KINDS)
        document = MeetingDocument(
            meeting=meeting, title=" ".join(title.split()) or stored.original_name, file=stored, added_by=_user(actor)
        )
        document.full_clean()
        document.save()
        audit_record(
            actor=actor,
            action="dialogue.meeting.document_add",
            target=meeting,
            changes={"document_id": document.pk, "title": document.title, "file_id": stored.pk},
        )
    return document


def meeting_document_remove(*, actor: Actor, document: MeetingDocument) -> None:
    with transaction.atomic():
        stored = MeetingDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
        meeting = check_can_manage_meeting(actor, stored.meeting, lock=True)
        audit_record(
            actor=actor,
            action="dialogue.meeting.document_remove",
            target=meeting,
            changes={"document_id": stored.pk, "title": stored.title, "file_id": stored.file_id},
        )
        stored.delete()
