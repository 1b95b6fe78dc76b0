"""Forms of the dialogue pages. They parse and validate input; the services do the rest."""

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.accounts.models import User
from samrad.consultations.models import Consultation
from samrad.dialogue.models import ActionPoint, DialogueSeries, Meeting, Topic
from samrad.dialogue.registrations import NEEDS_MAX_LENGTH
from samrad.organisations.models import County, Division, Group, Organisation
from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


class SeriesForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the dialogue is for and how it will run."),
    )
    organisers = forms.ModelMultipleChoiceField(
        label=_("Organisers"), queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    visibility = forms.ChoiceField(
        label=_("Who can see the series"),
        choices=DialogueSeries.Visibility.choices,
        widget=forms.RadioSelect,
        initial=DialogueSeries.Visibility.INVITED,
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One topic a line, e.g. Expectations, Organisational structure, Forms of cooperation."),
    )
    reminders_enabled = forms.BooleanField(label=_("Send reminders before meetings"), required=False, initial=True)
    reminder_days_before = forms.IntegerField(
        label=_("Days before a meeting to remind"), min_value=1, max_value=30, initial=2
    )
    reminder_text = forms.CharField(
        label=_("Text of the reminder"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Added to every reminder, e.g. how to get there. Optional."),
    )

    def __init__(self, *args: Any, organisers: QuerySet[Organisation], with_topics: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisers", organisers)
        if not with_topics:
            del self.fields["topics"]

    @staticmethod
    def initial_for(series: DialogueSeries) -> dict[str, Any]:
        return {
            "title": series.title,
            "purpose": series.purpose,
            "organisers": list(series.organisers.values_list("pk", flat=True)),
            "visibility": series.visibility,
            "reminders_enabled": series.reminders_enabled,
            "reminder_days_before": series.reminder_days_before,
            "reminder_text": series.reminder_text,
        }

    def clean_topics(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data.get("topics", "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "purpose": data["purpose"],
            "visibility": data["visibility"],
            "reminders_enabled": data["reminders_enabled"],
            "reminder_days_before": data["reminder_days_before"],
            "reminder_text": data["reminder_text"],
        }


class TopicForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InviteSearchForm(DesignSystemFormMixin, forms.Form):
    """Which organisations to offer: those matching ANY of the chosen kinds, counties, groups and divisions,
    narrowed by name; or, with only a name, every organisation whose name matches."""

    q = forms.CharField(label=_("Name"), required=False, max_length=200, help_text=_("Part of the name."))
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), required=False, choices=Organisation.Kind.choices, widget=forms.CheckboxSelectMultiple
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        required=False,
        queryset=County.objects.none(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"), required=False, queryset=Group.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    divisions = forms.ModelMultipleChoiceField(
        label=_("Divisions"), required=False, queryset=Division.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "counties", County.objects.order_by("code"))
        _set_queryset(self, "groups", Group.objects.order_by("name"))
        _set_queryset(self, "divisions", Division.objects.order_by("name"))

    def has_criteria(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("q", "kinds", "counties", "groups", "divisions"))

    def criteria(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "kinds": data.get("kinds") or [],
            "county_codes": [county.code for county in data.get("counties") or []],
            "group_ids": [group.pk for group in data.get("groups") or []],
            "division_ids": [division.pk for division in data.get("divisions") or []],
        }


class InviteAddForm(DesignSystemFormMixin, forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations to invite"),
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one organisation.")},
    )

    def __init__(self, *args: Any, candidates: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisations", candidates)


class NewsForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Heading"), max_length=300)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Sent by e-mail to everyone invited and shown on the series' page."),
    )


def _combine(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=local_zone())


class MeetingForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, help_text=_("E.g. Dialogue meeting Södertörn."))
    day = BoundedDateField(label=_("Date"))
    start_time = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(
        label=_("Place"), required=False, max_length=300, help_text=_("Address and room. Optional for online meetings.")
    )
    online_url = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")
    for_groups = forms.ModelMultipleChoiceField(
        label=_("For the groups"),
        required=False,
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave groups and organisations empty for a meeting open to every invited organisation."),
    )
    for_organisations = forms.ModelMultipleChoiceField(
        label=_("For the organisations"),
        required=False,
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Empty: no limit. When full, a waiting list.")
    )
    per_org_cap = forms.IntegerField(
        label=_("Places per organisation"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    registration_deadline = BoundedDateField(
        label=_("Last day to register"),
        required=False,
        help_text=_("Empty: until the meeting starts."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Plain text (a blank line between paragraphs) or simple HTML: paragraphs, lists, headings, bold, "
            "italics and links. Anything else is removed."
        ),
    )

    def __init__(self, *args: Any, series: DialogueSeries, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "for_groups", Group.objects.order_by("name"))
        _set_queryset(
            self,
            "for_organisations",
            Organisation.objects.filter(dialogue_series_invitations__series=series).order_by("name"),
        )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        starts, ends = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        deadline = timezone.localtime(meeting.registration_deadline)
        return {
            "title": meeting.title,
            "day": starts.date(),
            "start_time": starts.time().replace(second=0, microsecond=0),
            "end_time": ends.time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "online_url": meeting.online_url,
            "for_groups": list(meeting.for_groups.values_list("pk", flat=True)),
            "for_organisations": list(meeting.for_organisations.values_list("pk", flat=True)),
            "capacity": meeting.capacity,
            "per_org_cap": meeting.per_org_cap,
            "registration_deadline": None if deadline == starts else deadline.date(),
            "agenda": meeting.agenda,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day and start and end:
            if end <= start:
                self.add_error("end_time", _("The meeting must end after it starts."))
            else:
                data["starts_at"], data["ends_at"] = _combine(day, start), _combine(day, end)
                deadline_day = data.get("registration_deadline")
                if deadline_day is None:
                    data["registration_deadline_at"] = data["starts_at"]
                elif deadline_day > day:
                    self.add_error("registration_deadline", _("The last day to register cannot be after the meeting."))
                else:
                    end_of_day = _combine(deadline_day, dt.time(23, 59, 59))
                    data["registration_deadline_at"] = min(end_of_day, data["starts_at"])
        if not data.get("place") and not data.get("online_url"):
            self.add_error("place", _("Give a place, an online meeting link, or both."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "place": data["place"],
            "online_url": data["online_url"],
            "for_groups": list(data["for_groups"]),
            "for_organisations": list(data["for_organisations"]),
            "capacity": data["capacity"],
            "per_org_cap": data["per_org_cap"],
            "registration_deadline": data["registration_deadline_at"],
            "agenda": data["agenda"],
        }


class CancelMeetingForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent to everyone registered or invited, with a calendar file that removes the meeting."),
    )


class DocumentForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False, help_text=_("Empty: the file name."))
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (DOCX) or OpenDocument (ODT)."))


class RegisterForm(DesignSystemFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=Organisation.objects.none(), empty_label=None, widget=forms.RadioSelect
    )
    needs = forms.CharField(
        label=_("Dietary or accessibility needs"),
        required=False,
        max_length=NEEDS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. Kept only until the meeting is over, then erased."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisation", organisations)
        choices = list(organisations[:2])
        if len(choices) == 1:
            self.fields["organisation"].initial = choices[0].pk
            self.fields["organisation"].widget = forms.HiddenInput()


class AttendanceForm(DesignSystemFormMixin, forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Who came"), required=False, queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, registered: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "present", registered)


class WalkInForm(DesignSystemFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisation", organisations)


class MinutesForm(DesignSystemFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text (a blank line between paragraphs) or simple HTML: paragraphs, lists, headings, bold, "
            "italics and links. Anything else is removed."
        ),
    )
    publish = forms.BooleanField(label=_("Publish the minutes and tell the participants"), required=False)


class ActionPointForm(DesignSystemFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActionPoint.Kind.choices, widget=forms.RadioSelect, initial=ActionPoint.Kind.ACTION
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("Responsible organisation"), required=False, queryset=Organisation.objects.none()
    )
    due_date = BoundedDateField(label=_("Due date"), required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", organisations)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ActionPoint.Kind.ACTION:
            if not data.get("owner"):
                self.add_error("owner", _("An action point needs a responsible organisation."))
            if not data.get("due_date"):
                self.add_error("due_date", _("An action point needs a due date."))
        return data


class InputForm(DesignSystemFormMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("From"), queryset=Organisation.objects.none(), empty_label=None)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.none(), required=False)
    title = forms.CharField(label=_("Heading"), max_length=300)
    text = forms.CharField(label=_("Your input"), widget=forms.Textarea(attrs={"rows": 10}))
    attachment = forms.FileField(
        label=_("Attachment"), required=False, help_text=_("Optional. PDF, Word (DOCX) or OpenDocument (ODT).")
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], series: DialogueSeries, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "organisation", organisations)
        topics = series.topics.order_by("order", "pk")
        _set_queryset(self, "topic", topics)
        if topics.exists():
            self.fields["topic"].required = True
        else:
            del self.fields["topic"]


class LinkConsultationForm(DesignSystemFormMixin, forms.Form):
    consultation = forms.ModelChoiceField(
        label=_("Fed into the consultation"),
        required=False,
        queryset=Consultation.objects.none(),
        empty_label=_("No consultation"),
    )

    def __init__(self, *args: Any, consultations: QuerySet[Consultation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "consultation", consultations)
