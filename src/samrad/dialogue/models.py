"""Dialogue: a series of meetings with invited organisations, registrations, minutes and written input (inspel).

Every change goes through the services (services.py, registrations.py, records.py); never assign `status` or
write rows directly outside them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip() or "samrad.localhost"


def new_meeting_uid() -> str:
    """The iCalendar UID of a meeting: fixed at creation, so every calendar file updates the same event."""
    return f"meeting-{uuid.uuid4().hex}@{_domain()}"


class DialogueSeries(models.Model):
    class Visibility(models.TextChoices):
        INVITED = "invited", _("invited organisations only")
        PUBLIC = "public", _("public")

    title = models.CharField(_("title"), max_length=300)
    purpose = models.TextField(_("purpose"), blank=True)
    organisers = models.ManyToManyField(
        "organisations.Organisation", related_name="organised_dialogues", verbose_name=_("organisers")
    )
    invited = models.ManyToManyField(
        "organisations.Organisation",
        through="SeriesInvitation",
        related_name="dialogue_invitations",
        verbose_name=_("invited organisations"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INVITED
    )
    reminders_enabled = models.BooleanField(_("send reminders before meetings"), default=True)
    reminder_days_before = models.PositiveSmallIntegerField(_("days before a meeting to remind"), default=2)
    reminder_text = models.TextField(_("text of the reminder"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dialogue series")
        verbose_name_plural = _("dialogue series")
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_days_before__gte=1) & Q(reminder_days_before__lte=30),
                name="dialogue_reminder_days_range",
                violation_error_message=_("Reminders go out between 1 and 30 days before a meeting."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC


class Topic(models.Model):
    """What a series talks about, e.g. "Expectations", "Organisational structure"; input is given on a topic."""

    series = models.ForeignKey(DialogueSeries, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "title"],
                name="dialogue_topic_unique_title",
                violation_error_message=_("The series already has a topic with this title."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SeriesInvitation(models.Model):
    """An organisation invited to a series: its members may see the series, register and send input."""

    series = models.ForeignKey(DialogueSeries, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="dialogue_series_invitations"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["series", "organisation"], name="dialogue_invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} – {self.organisation}"


class SeriesNews(models.Model):
    """An update to everyone invited ("how the dialogue will run"), sent by e-mail and shown on the series."""

    series = models.ForeignKey(DialogueSeries, on_delete=models.CASCADE, related_name="news")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news")
        verbose_name_plural = _("news")

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CANCELLED = "cancelled", _("cancelled")

    series = models.ForeignKey(DialogueSeries, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    # Who the meeting is for: organisations in these groups or named one by one; neither: every invited one.
    for_groups = models.ManyToManyField(
        "organisations.Group",
        blank=True,
        related_name="dialogue_meetings",
        verbose_name=_("for the groups"),
    )
    for_organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="dialogue_meetings",
        verbose_name=_("for the organisations"),
    )
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    per_org_cap = models.PositiveIntegerField(_("places per organisation"), null=True, blank=True)
    registration_deadline = models.DateTimeField(_("last day to register"))
    # Sanitised HTML (samrad.dialogue.richtext); escaped again when shown.
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    uid = models.CharField(max_length=255, unique=True, default=new_meeting_uid, editable=False)
    # RFC 5545 SEQUENCE: raised whenever the time or place changes and on cancellation.
    ics_sequence = models.PositiveIntegerField(default=0)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="dialogue_meeting_ends_after_start",
                violation_error_message=_("A meeting must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__lte=F("starts_at")),
                name="dialogue_meeting_deadline_before_start",
                violation_error_message=_("The last day to register cannot be after the meeting starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="dialogue_meeting_capacity_positive",
                violation_error_message=_("A meeting needs at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(per_org_cap__isnull=True) | Q(per_org_cap__gte=1),
                name="dialogue_meeting_org_cap_positive",
                violation_error_message=_("Each organisation needs at least one place."),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")
        WAITLISTED = "waitlisted", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dialogue_registrations")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="dialogue_registrations"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # Order of arrival within the meeting; the waiting list is served in this order.
    position = models.PositiveIntegerField()
    # Dietary or accessibility needs: personal data, erased once the meeting is over (tasks.py).
    needs = models.TextField(_("dietary or accessibility needs"), blank=True)
    needs_erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(status="cancelled"),
                name="dialogue_registration_one_active_per_person",
                violation_error_message=_("You are already registered for this meeting."),
            ),
            models.UniqueConstraint(fields=["meeting", "position"], name="dialogue_registration_unique_position"),
        ]
        indexes = [models.Index(fields=["meeting", "status", "position"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.meeting} ({self.get_status_display()})"


class Minutes(models.Model):
    """What was said at a meeting. Sanitised HTML; readers see it once published."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("minutes"))
    published_at = models.DateTimeField(null=True, blank=True)
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialogue_minutes",
        verbose_name=_("fed into the consultation"),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class ActionPoint(models.Model):
    """A decision taken at a meeting, or an action point with an owner organisation and a due date."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        ACTION = "action", _("action point")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_points")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ACTION)
    description = models.TextField(_("description"))
    owner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogue_action_points",
        verbose_name=_("responsible organisation"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "due_date", "id"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="decision") | (Q(owner__isnull=False) & Q(due_date__isnull=False)),
                name="dialogue_action_point_owner_and_due",
                violation_error_message=_("An action point needs a responsible organisation and a due date."),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Attendance(models.Model):
    """Someone who came to a meeting: a registered person, or a named walk-in from an organisation."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="dialogue_attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "name", "id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=Q(user__isnull=False), name="dialogue_attendance_once"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""),
                name="dialogue_attendance_has_someone",
                violation_error_message=_("Name the person who came."),
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.user)


class Input(models.Model):
    """Written input (inspel) from an invited organisation on a topic of the series."""

    series = models.ForeignKey(DialogueSeries, on_delete=models.CASCADE, related_name="inputs")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="dialogue_inputs"
    )
    topic = models.ForeignKey(
        Topic, on_delete=models.SET_NULL, null=True, blank=True, related_name="inputs", verbose_name=_("topic")
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    attachment = models.ForeignKey(
        "documents.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dialogue_inputs",
        verbose_name=_("fed into the consultation"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("input")
        verbose_name_plural = _("inputs")

    def __str__(self) -> str:
        return self.title
