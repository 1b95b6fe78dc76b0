"""What a dialogue leaves behind: minutes, decisions and action points, attendance, and written input (inspel)
from the invited organisations; and the links from minutes and input to the consultation they fed into.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, BinaryIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samrad.accounts.models import User
from samrad.actors import Actor
from samrad.audit.services import audit_record
from samrad.consultations.models import Consultation
from samrad.dates import check_date_in_range
from samrad.dialogue import access, mailings
from samrad.dialogue.models import ActionPoint, Attendance, DialogueSeries, Input, Meeting, Minutes, Registration, Topic
from samrad.dialogue.richtext import richtext_clean
from samrad.dialogue.services import check_can_manage, check_can_manage_meeting
from samrad.documents.services import DOCUMENT_KINDS, file_intake
from samrad.organisations.models import Organisation

INPUT_MAX_LENGTH = 20_000


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_can_manage_record(actor: Actor, model: type[Minutes | ActionPoint | Attendance], record: Any) -> Meeting:
    """Check against the series of the meeting the record belongs to as stored: a caller's instance counts
    for its primary key only (its `meeting` may be stale or changed)."""
    meeting_id = model.objects.values_list("meeting_id", flat=True).get(pk=record.pk)
    return check_can_manage_meeting(actor, Meeting(pk=meeting_id))


# --- Minutes -----------------------------------------------------------------------------------------------


def minutes_save(*, actor: Actor, meeting: Meeting, body: str, publish: bool = False) -> Minutes:
    """Write or rewrite the minutes (sanitised rich text). With `publish`, publish them too."""
    meeting = check_can_manage_meeting(actor, meeting)
    clean = richtext_clean(body)
    if not clean:
        raise ValidationError({"body": _("Write the minutes before saving them.")})
    with transaction.atomic():
        minutes, created = Minutes.objects.select_for_update().get_or_create(
            meeting=meeting, defaults={"body": clean, "updated_by": _user(actor)}
        )
        if not created and minutes.body != clean:
            minutes.body = clean
            minutes.updated_by = _user(actor)
            minutes.save(update_fields=["body", "updated_by", "updated_at"])
            audit_record(actor=actor, action="dialogue.minutes.update", target=minutes, changes={"body": "changed"})
        elif created:
            audit_record(actor=actor, action="dialogue.minutes.create", target=minutes, changes={"meeting": meeting.pk})
        if publish and not minutes.is_published:
            minutes_publish(actor=actor, minutes=minutes)
    return minutes


def minutes_publish(*, actor: Actor, minutes: Minutes) -> Minutes:
    """Publish the minutes and tell the participants: everyone registered and everyone recorded as present."""
    meeting = _check_can_manage_record(actor, Minutes, minutes)
    with transaction.atomic():
        current = Minutes.objects.select_for_update().select_related("meeting__series").get(pk=minutes.pk)
        if current.is_published:
            return current
        current.published_at = timezone.now()
        current.save(update_fields=["published_at", "updated_at"])
        recipients: dict[str, mailings.Recipient] = {}
        registrations = Registration.objects.filter(
            meeting=meeting, status=Registration.Status.REGISTERED
        ).select_related("user", "organisation")
        for registration in registrations:
            recipient = mailings.registration_recipient(registration)
            recipients.setdefault(recipient.email.lower(), recipient)
        for attendance in Attendance.objects.filter(meeting=meeting, user__isnull=False).select_related(
            "user", "organisation"
        ):
            user = attendance.user
            assert user is not None
            recipients.setdefault(
                user.email.lower(), mailings.Recipient(user.email, user.get_full_name(), user, attendance.organisation)
            )
        for recipient in recipients.values():
            if recipient.email:
                mailings.send_minutes_published(current, recipient)
        audit_record(
            actor=actor,
            action="dialogue.minutes.publish",
            target=current,
            changes={"published_at": [None, current.published_at], "emails": len(recipients)},
        )
    return current


def minutes_link_consultation(*, actor: Actor, minutes: Minutes, consultation: Consultation | None) -> Minutes:
    """Record (or clear) the consultation that a meeting's minutes fed into."""
    _check_can_manage_record(actor, Minutes, minutes)
    with transaction.atomic():
        previous = minutes.consultation_id
        if previous == (consultation.pk if consultation else None):
            return minutes
        minutes.consultation = consultation
        minutes.save(update_fields=["consultation", "updated_at"])
        audit_record(
            actor=actor,
            action="dialogue.minutes.link_consultation",
            target=minutes,
            changes={"consultation_id": [previous, minutes.consultation_id]},
        )
    return minutes


# --- Decisions and action points ---------------------------------------------------------------------------


def action_point_add(
    *,
    actor: Actor,
    meeting: Meeting,
    description: str,
    kind: str = ActionPoint.Kind.ACTION,
    owner: Organisation | None = None,
    due_date: dt.date | None = None,
) -> ActionPoint:
    meeting = check_can_manage_meeting(actor, meeting)
    check_date_in_range(due_date, field="due_date")
    point = ActionPoint(meeting=meeting, kind=kind, description=description.strip(), owner=owner, due_date=due_date)
    point.full_clean()
    with transaction.atomic():
        point.save()
        audit_record(
            actor=actor,
            action="dialogue.action_point.add",
            target=meeting,
            changes={
                "action_point_id": point.pk,
                "kind": kind,
                "description": point.description,
                "owner_id": owner.pk if owner else None,
                "due_date": due_date,
            },
        )
    return point


def action_point_set_done(*, actor: Actor, point: ActionPoint, done: bool) -> ActionPoint:
    _check_can_manage_record(actor, ActionPoint, point)
    if point.done == done:
        return point
    with transaction.atomic():
        point.done = done
        point.done_at = timezone.now() if done else None
        point.save(update_fields=["done", "done_at"])
        audit_record(
            actor=actor,
            action="dialogue.action_point.done" if done else "dialogue.action_point.reopen",
            target=point.meeting,
            changes={"action_point_id": point.pk, "done": [not done, done]},
        )
    return point


def action_point_remove(*, actor: Actor, point: ActionPoint) -> None:
    _check_can_manage_record(actor, ActionPoint, point)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dialogue.action_point.remove",
            target=point.meeting,
            changes={"action_point_id": point.pk, "description": point.description},
        )
        point.delete()


# --- Attendance --------------------------------------------------------------------------------------------


def attendance_set(*, actor: Actor, meeting: Meeting, present: Iterable[User]) -> dict[str, int]:
    """Record which registered people came (those not in `present` are recorded as absent). Walk-ins recorded
    with attendance_add_walk_in are left alone. Returns {"added": n, "removed": m}."""
    meeting = check_can_manage_meeting(actor, meeting)
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be recorded once the meeting has started."))
    present_ids = {user.pk for user in present}
    with transaction.atomic():
        registrations = {
            r.user_id: r for r in Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
        }
        unknown = present_ids - set(registrations)
        if unknown:
            raise ValidationError(_("Only people registered for the meeting can be marked present."))
        recorded = set(Attendance.objects.filter(meeting=meeting, user__isnull=False).values_list("user_id", flat=True))
        to_add = present_ids - recorded
        to_remove = (recorded & set(registrations)) - present_ids
        Attendance.objects.bulk_create(
            [
                Attendance(meeting=meeting, user_id=user_id, organisation_id=registrations[user_id].organisation_id)
                for user_id in sorted(to_add)
            ]
        )
        Attendance.objects.filter(meeting=meeting, user_id__in=to_remove).delete()
        if to_add or to_remove:
            audit_record(
                actor=actor,
                action="dialogue.attendance.set",
                target=meeting,
                changes={"present": sorted(to_add), "absent": sorted(to_remove)},
            )
    return {"added": len(to_add), "removed": len(to_remove)}


def attendance_add_walk_in(*, actor: Actor, meeting: Meeting, organisation: Organisation, name: str) -> Attendance:
    """Record someone who came without registering (by name, for their organisation)."""
    meeting = check_can_manage_meeting(actor, meeting)
    attendance = Attendance(meeting=meeting, organisation=organisation, name=" ".join(name.split()))
    attendance.full_clean()
    with transaction.atomic():
        attendance.save()
        audit_record(
            actor=actor,
            action="dialogue.attendance.walk_in",
            target=meeting,
            changes={"attendance_id": attendance.pk, "organisation_id": organisation.pk},
        )
    return attendance


def attendance_remove(*, actor: Actor, attendance: Attendance) -> None:
    _check_can_manage_record(actor, Attendance, attendance)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="dialogue.attendance.remove",
            target=attendance.meeting,
            changes={"attendance_id": attendance.pk, "organisation_id": attendance.organisation_id},
        )
        attendance.delete()


# --- Written input -----------------------------------------------------------------------------------------


def input_submit(
    *,
    actor: Actor,
    series: DialogueSeries,
    organisation: Organisation,
    title: str,
    text: str,
    topic: Topic | None = None,
    attachment: BinaryIO | None = None,
    attachment_name: str = "",
) -> Input:
    """Send written input for an invited organisation. `actor` must belong to it (the demo loader may act for
    any invited organisation)."""
    system = actor is None or isinstance(actor, str)
    if system:
        if not series.invitations.filter(organisation=organisation).exists():
            raise PermissionDenied(_("Only invited organisations send input."))
    elif not access.organisations_for_input(actor, series).filter(pk=organisation.pk).exists():
        raise PermissionDenied(_("You cannot send input for this organisation to this series."))
    if topic is not None and topic.series_id != series.pk:
        raise ValidationError({"topic": _("Choose one of the series' topics.")})
    text = text.strip()
    if len(text) > INPUT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("The text can be at most %(count)d characters.") % {"count": INPUT_MAX_LENGTH}}
        )
    item = Input(
        series=series,
        organisation=organisation,
        topic=topic,
        title=" ".join(title.split()),
        text=text,
        submitted_by=_user(actor),
        submitted_at=timezone.now(),
    )
    item.full_clean(exclude=["attachment"])
    with transaction.atomic():
        if attachment is not None:
            item.attachment = file_intake(
                actor=actor, stream=attachment, name=attachment_name, allowed_kinds=DOCUMENT_KINDS
            )
        item.save()
        audit_record(
            actor=actor,
            action="dialogue.input.submit",
            target=item,
            changes={
                "series_id": series.pk,
                "organisation_id": organisation.pk,
                "topic_id": topic.pk if topic else None,
                "title": item.title,
                "attachment_id": item.attachment_id,
            },
        )
    return item


def input_link_consultation(*, actor: Actor, item: Input, consultation: Consultation | None) -> Input:
    """Record (or clear) the consultation that a piece of input fed into."""
    check_can_manage(actor, Input.objects.select_related("series").get(pk=item.pk).series)  # as stored
    with transaction.atomic():
        previous = item.consultation_id
        if previous == (consultation.pk if consultation else None):
            return item
        item.consultation = consultation
        item.save(update_fields=["consultation"])
        audit_record(
            actor=actor,
            action="dialogue.input.link_consultation",
            target=item,
            changes={"consultation_id": [previous, item.consultation_id]},
        )
    return item
