"""Reads of dialogues shared by the pages and the API. Lists come in a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from samrad.consultations.models import Consultation
from samrad.dialogue import access
from samrad.dialogue.models import (
    ActionPoint,
    Attendance,
    DialogueSeries,
    Input,
    Meeting,
    Registration,
)
from samrad.organisations.models import Organisation

ACTIVE = (Registration.Status.REGISTERED, Registration.Status.WAITLISTED)


def _with_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.annotate(
        registered_count=Count("registrations", filter=Q(registrations__status=Registration.Status.REGISTERED)),
        waitlisted_count=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
    ).prefetch_related("for_groups", "for_organisations")


def series_list_for(user: Any) -> QuerySet[DialogueSeries]:
    """The series a person may see, newest first, with their organisers and number of meetings."""
    return (
        access.series_visible_to(user)
        .annotate(meeting_count=Count("meetings", distinct=True))
        .prefetch_related(Prefetch("organisers", queryset=Organisation.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )


def series_managed_list(user: Any) -> QuerySet[DialogueSeries]:
    return (
        access.series_managed_by(user)
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            invited_count=Count("invitations", distinct=True),
            input_count=Count("inputs", distinct=True),
        )
        .prefetch_related(Prefetch("organisers", queryset=Organisation.objects.order_by("name")))
        .order_by("-created_at", "-pk")
    )


def series_meetings(series: DialogueSeries) -> QuerySet[Meeting]:
    """Every meeting of the series in time order, with its numbers of registered and waiting people."""
    return _with_counts(series.meetings.all()).select_related("minutes").order_by("starts_at", "pk")


def meeting_with_counts(meeting: Meeting) -> Meeting:
    return _with_counts(Meeting.objects.filter(pk=meeting.pk)).select_related("series").get()


def invited_organisations(series: DialogueSeries) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(dialogue_series_invitations__series=series)
        .select_related("county")
        .prefetch_related("groups")
        .order_by("name", "pk")
    )


def registration_for(user: Any, meeting: Meeting) -> Registration | None:
    """The person's current (not cancelled) registration for the meeting, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(meeting=meeting, user=user, status__in=ACTIVE)
        .select_related("organisation")
        .first()
    )


def waiting_position(registration: Registration) -> int:
    """1 for the first in line."""
    return (
        Registration.objects.filter(
            meeting_id=registration.meeting_id,
            status=Registration.Status.WAITLISTED,
            position__lt=registration.position,
        ).count()
        + 1
    )


def meeting_registrations(meeting: Meeting) -> QuerySet[Registration]:
    """Everyone registered, waiting or cancelled, for the coordinators' list."""
    return meeting.registrations.select_related("user", "organisation").order_by("status", "position")


def my_registrations(user: Any, *, upcoming: bool) -> QuerySet[Registration]:
    """The person's registrations (not cancelled) for meetings still to come, or for meetings that are over."""
    if not getattr(user, "is_authenticated", False):
        return Registration.objects.none()
    now = timezone.now()
    registrations = Registration.objects.filter(user=user, status__in=ACTIVE).select_related(
        "meeting__series", "organisation", "meeting__minutes"
    )
    if upcoming:
        return registrations.filter(meeting__ends_at__gte=now).order_by("meeting__starts_at", "pk")
    return registrations.filter(meeting__ends_at__lt=now).order_by("-meeting__starts_at", "-pk")


def open_meetings_for(user: Any) -> QuerySet[Meeting]:
    """Coming meetings of the series the person's organisations are invited to, that they have not registered
    for: what "My meetings" offers next."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    now = timezone.now()
    return (
        Meeting.objects.filter(
            series__in=access.series_invited_for(user).values("pk"),
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
        )
        .exclude(registrations__user=user, registrations__status__in=ACTIVE)
        .select_related("series")
        .order_by("starts_at", "pk")
    )


def action_points(meeting: Meeting) -> QuerySet[ActionPoint]:
    return meeting.action_points.select_related("owner").order_by("kind", "due_date", "pk")


def attendances(meeting: Meeting) -> QuerySet[Attendance]:
    return meeting.attendances.select_related("organisation", "user").order_by("organisation__name", "name", "pk")


def inputs_for(user: Any, series: DialogueSeries) -> QuerySet[Input]:
    """Input the person may read: all of it for the series' coordinators, their own organisations' otherwise."""
    inputs = series.inputs.select_related("organisation", "topic", "attachment", "submitted_by", "consultation")
    if access.can_manage(user, series):
        return inputs.order_by("-submitted_at", "-pk")
    if not getattr(user, "is_authenticated", False):
        return Input.objects.none()
    return inputs.filter(organisation_id__in=access.member_organisation_ids(user)).order_by("-submitted_at", "-pk")


def consultations_for_linking() -> QuerySet[Consultation]:
    """Consultations that minutes or input can be said to have fed into: every one that has been opened."""
    return Consultation.objects.exclude(status=Consultation.Status.DRAFT).order_by("-deadline", "-pk")


@dataclass
class OrganisationParticipation:
    organisation: Organisation
    # meeting id -> (registered people, people who came)
    cells: dict[int, tuple[int, int]] = field(default_factory=dict)
    inputs: int = 0

    def cell(self, meeting_id: int) -> tuple[int, int]:
        return self.cells.get(meeting_id, (0, 0))

    @property
    def meetings_attended(self) -> int:
        return sum(1 for _registered, came in self.cells.values() if came)


def participation_overview(series: DialogueSeries) -> tuple[list[Meeting], list[OrganisationParticipation]]:
    """Per invited organisation and meeting: how many were registered and how many came; and how much input
    each organisation sent. Four queries whatever the size of the series."""
    meetings = list(series.meetings.order_by("starts_at", "pk"))
    rows = {org.pk: OrganisationParticipation(org) for org in invited_organisations(series)}
    registered = (
        Registration.objects.filter(meeting__series=series, status=Registration.Status.REGISTERED)
        .values("organisation_id", "meeting_id")
        .annotate(n=Count("pk"))
    )
    came = (
        Attendance.objects.filter(meeting__series=series)
        .values("organisation_id", "meeting_id")
        .annotate(n=Count("pk"))
    )
    counts: dict[tuple[int, int], list[int]] = {}
    for row in registered:
        counts.setdefault((row["organisation_id"], row["meeting_id"]), [0, 0])[0] = row["n"]
    for row in came:
        counts.setdefault((row["organisation_id"], row["meeting_id"]), [0, 0])[1] = row["n"]
    for (organisation_id, meeting_id), (n_registered, n_came) in counts.items():
        if organisation_id in rows:
            rows[organisation_id].cells[meeting_id] = (n_registered, n_came)
    for input_row in series.inputs.values("organisation_id").annotate(n=Count("pk")):
        if input_row["organisation_id"] in rows:
            rows[input_row["organisation_id"]].inputs = input_row["n"]
    return meetings, list(rows.values())


def organisation_participation(
    series: DialogueSeries, organisation: Organisation
) -> tuple[list[Registration], list[Attendance], list[Input]]:
    """Who from one organisation registered for and came to which meeting, and what it wrote."""
    registrations = list(
        Registration.objects.filter(meeting__series=series, organisation=organisation)
        .select_related("meeting", "user")
        .order_by("meeting__starts_at", "position")
    )
    came = list(
        Attendance.objects.filter(meeting__series=series, organisation=organisation)
        .select_related("meeting", "user")
        .order_by("meeting__starts_at", "pk")
    )
    inputs = list(series.inputs.filter(organisation=organisation).select_related("topic").order_by("-submitted_at"))
    return registrations, came, inputs


def audience_names(meeting: Meeting) -> list[str]:
    """["Södertörn"], ["Huddinge", "Botkyrka"]: who the meeting is for (empty: every invited organisation)."""
    return [g.name for g in meeting.for_groups.all()] + [o.name for o in meeting.for_organisations.all()]


def with_audiences(meetings: Iterable[Meeting]) -> list[tuple[Meeting, list[str]]]:
    """Each meeting with its audience, from the groups and organisations prefetched by series_meetings."""
    return [(meeting, audience_names(meeting)) for meeting in meetings]
