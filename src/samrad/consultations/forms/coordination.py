"""Forms of the coordinator's pages. They parse and check input (days as dates, reminder days as numbers);
the services in services.py, referrals.py, reminders.py, extensions.py and responses.py make the changes."""

import datetime as dt
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samrad.consultations.deadlines import end_of_day, local_date
from samrad.consultations.models import Consultation, Question, Referral, Response
from samrad.consultations.selectors import DASHBOARD_STATUSES
from samrad.consultations.selectors_reading import NOT_ANSWERED
from samrad.organisations.models import County, Division, Group, Organisation
from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Set here: DesignSystemFormMixin would class these "ds-radio" (CheckboxSelectMultiple subclasses RadioSelect).
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "ds-checkbox"})
REMINDER_DAYS_MAX = 365


def today() -> dt.date:
    return local_date(timezone.now())


def _future_day(day: dt.date) -> dt.date:
    if end_of_day(day) <= timezone.now():
        raise ValidationError(_("Choose today or a later day."), code="past")
    return day


class ConsultationForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=pgettext_lazy("consultation text", "Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few sentences: shown in lists and in the invitation e-mail."),
    )
    body = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the proposal is about and what you want the referral bodies to comment on."),
    )
    deadline = BoundedDateField(
        label=_("Last day to answer"),
        widget=DATE_INPUT,
        help_text=_("Answers are accepted until 23:59 Swedish time that day."),
    )
    reminder_days = forms.CharField(
        label=_("Automatic reminders (days before the deadline)"),
        required=False,
        max_length=100,
        initial="14, 3",
        help_text=_(
            "Numbers separated by commas, e.g. 14, 3. Bodies that have not answered are reminded that many days "
            "before their deadline. Leave empty for no automatic reminders."
        ),
    )

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        return {
            "title": consultation.title,
            "summary": consultation.summary,
            "body": consultation.body,
            "deadline": local_date(consultation.deadline),
            "reminder_days": ", ".join(str(d) for d in consultation.reminder_days or []),
        }

    def clean_deadline(self) -> dt.date:
        return _future_day(self.cleaned_data["deadline"])

    def clean_reminder_days(self) -> list[int]:
        text = self.cleaned_data.get("reminder_days", "")
        parts = [part for part in re.split(r"[\s,;]+", text) if part]
        days = []
        for part in parts:
            if not part.isdigit() or not 1 <= int(part) <= REMINDER_DAYS_MAX:
                raise ValidationError(
                    _("Write whole numbers of days between 1 and %(max)d, separated by commas."),
                    params={"max": REMINDER_DAYS_MAX},
                    code="invalid",
                )
            days.append(int(part))
        return sorted(set(days), reverse=True)

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "deadline": end_of_day(data["deadline"]),
            "reminder_days": data["reminder_days"],
        }


class SenderRowForm(DesignSystemFormMixin, forms.Form):
    """One sending organisation of the consultation, with its own case number, contact person and signatory."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
    )
    case_number = forms.CharField(
        label=_("Their case number"),
        required=False,
        max_length=100,
        help_text=_("The sender's own case number (diarienummer), shown beside the platform's reference number."),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"), required=False, max_length=254)
    contact_phone = forms.CharField(label=_("Contact person's phone"), required=False, max_length=40)
    signatory_name = forms.CharField(
        label=_("Signatory"),
        required=False,
        max_length=200,
        help_text=_("Who signs the covering letter for this sender."),
    )
    signatory_title = forms.CharField(label=_("Signatory's title"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = Organisation.objects.filter(is_active=True).order_by("name")


class BaseSenderFormSet(forms.BaseFormSet):  # type: ignore[type-arg,unused-ignore]
    """The senders' rows: at least one, each organisation once, removed rows left out."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        # A row filled in for the user (their own organisation on a new consultation) counts even unchanged.
        if i < len(self.initial or []):
            kwargs.setdefault("empty_permitted", False)
        return cast(forms.Form, super()._construct_form(i, **kwargs))  # type: ignore[misc]

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "ds-checkbox"

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[int] = set()
        for row in self.rows():
            organisation = row["organisation"]
            if organisation.pk in seen:
                raise ValidationError(
                    _("%(name)s is named more than once among the senders. Name each sender once."),
                    params={"name": organisation.name},
                    code="duplicate",
                )
            seen.add(organisation.pk)
        if not seen:
            raise ValidationError(_("Name at least one sending organisation."), code="empty")

    def rows(self) -> list[dict[str, Any]]:
        """The cleaned rows that are kept, in order."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("organisation")
        ]


SENDER_FORMSET_PREFIX = "senders"
SenderFormSet = forms.formset_factory(
    SenderRowForm, formset=BaseSenderFormSet, extra=0, can_delete=True, max_num=20, validate_max=True
)


def sender_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None) -> BaseSenderFormSet:
    """The senders' rows of the consultation form. With `add_row` in the data (the "add a sender" button) the
    rows come back with one more, empty."""
    if data is not None and "add_sender" in data:
        data = data.copy()
        key = f"{SENDER_FORMSET_PREFIX}-TOTAL_FORMS"
        data[key] = str(int(data.get(key) or 0) + 1)
    return cast(BaseSenderFormSet, SenderFormSet(data, initial=initial, prefix=SENDER_FORMSET_PREFIX))


def sender_initial(consultation: Consultation) -> list[dict[str, Any]]:
    fields = ["case_number", "contact_name", "contact_email", "contact_phone", "signatory_name", "signatory_title"]
    return [
        {"organisation": link.organisation_id, **{name: getattr(link, name) for name in fields}}
        for link in consultation.sender_links.all()
    ]


class LetterForm(DesignSystemFormMixin, forms.Form):
    letter = forms.CharField(
        label=_("Covering letter"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "Plain text; an empty line starts a new paragraph. It is signed by every sender's signatory and "
            "lists their contact people."
        ),
    )


def _organisation_name(referral: Referral) -> str:
    return referral.organisation.name


class InvitationPreviewForm(DesignSystemFormMixin, forms.Form):
    """Which referral body's invitation to preview (one on this consultation's list)."""

    referral = forms.ModelChoiceField(
        label=_("Referral body"), queryset=Referral.objects.none(), empty_label=None, required=True
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = (
            Referral.objects.filter(consultation=consultation)
            .select_related("organisation")
            .order_by("organisation__name", "pk")
        )
        field = cast(forms.ModelChoiceField, self.fields["referral"])
        field.queryset = self.choices
        field.label_from_instance = _organisation_name  # type: ignore[method-assign,assignment]

    def chosen(self) -> Referral:
        return cast(Referral, self.cleaned_data["referral"])

    def first_referral(self) -> Referral | None:
        return self.choices.first()


class QuestionForm(DesignSystemFormMixin, forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(
        label=_("How is it answered?"),
        choices=Question.Kind.choices,
        initial=Question.Kind.STANCE,
        widget=forms.RadioSelect,
        help_text=_(
            "A stance: supports, supports with changes, opposes, no comments or abstains, each with a comment. "
            "Free text: a written answer only."
        ),
    )
    section = forms.CharField(
        label=_("Section of the proposal"),
        required=False,
        max_length=200,
        help_text=_("Optional, e.g. “section 5.2”."),
    )
    help_text = forms.CharField(
        label=_("Guidance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what you want to know, shown under the question."),
    )


class DocumentForm(DesignSystemFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=300,
        help_text=_("Optional; the file name is used if you leave it empty."),
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (DOCX) or OpenDocument (ODT)."))


class ReferralSearchForm(DesignSystemFormMixin, forms.Form):
    """Which organisations to offer: those matching ANY of the chosen kinds, counties, groups and divisions,
    narrowed by name; or, with only a name, every organisation whose name matches."""

    q = forms.CharField(label=_("Name"), required=False, max_length=200, help_text=_("Part of the name."))
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), required=False, choices=Organisation.Kind.choices, widget=CHECKBOXES
    )
    counties = forms.ModelMultipleChoiceField(
        label=_("Counties"),
        required=False,
        queryset=County.objects.none(),
        to_field_name="code",
        widget=CHECKBOXES,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"), required=False, queryset=Group.objects.none(), widget=CHECKBOXES
    )
    divisions = forms.ModelMultipleChoiceField(
        label=_("Divisions"), required=False, queryset=Division.objects.none(), widget=CHECKBOXES
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["counties"]).queryset = County.objects.order_by("code")
        cast(forms.ModelMultipleChoiceField, self.fields["groups"]).queryset = Group.objects.order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["divisions"]).queryset = Division.objects.order_by("name")

    def criteria(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "kinds": data.get("kinds") or [],
            "county_codes": [county.code for county in data.get("counties") or []],
            "group_ids": [group.pk for group in data.get("groups") or []],
            "division_ids": [division.pk for division in data.get("divisions") or []],
            "q": data.get("q") or "",
        }


class ReferralAddForm(DesignSystemFormMixin, forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations to add"),
        queryset=Organisation.objects.none(),
        widget=CHECKBOXES,
        error_messages={"required": _("Choose at least one organisation.")},
    )
    own_deadline = BoundedDateField(
        label=_("Own last day to answer (optional)"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("For bodies added after opening: a later deadline than the consultation's, if they need it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisations = cast(forms.ModelMultipleChoiceField, self.fields["organisations"])
        organisations.queryset = Organisation.objects.filter(is_active=True)

    def clean_own_deadline(self) -> dt.date | None:
        day = self.cleaned_data.get("own_deadline")
        return _future_day(day) if day else None


class ConfirmForm(DesignSystemFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the consultation's history."),
    )


class ReopenForm(ConfirmForm):
    deadline = BoundedDateField(
        label=_("New last day to answer"),
        widget=DATE_INPUT,
        help_text=_("Answers are accepted until 23:59 Swedish time that day."),
    )
    field_order = ["deadline", "note"]

    def clean_deadline(self) -> dt.date:
        return _future_day(self.cleaned_data["deadline"])


class DashboardFilterForm(DesignSystemFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All")),
            *DASHBOARD_STATUSES,
            (NOT_ANSWERED, _("not answered (neither submitted nor declined)")),
        ],
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Name, municipality code or organisation number."),
    )


class ReminderForm(DesignSystemFormMixin, forms.Form):
    referrals = forms.ModelMultipleChoiceField(
        label=_("Referral bodies"),
        queryset=Referral.objects.none(),
        widget=CHECKBOXES,
        error_messages={"required": _("Choose the bodies to remind.")},
    )
    message = forms.CharField(
        label=_("Message with the reminder (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        referrals = cast(forms.ModelMultipleChoiceField, self.fields["referrals"])
        referrals.queryset = Referral.objects.filter(consultation=consultation)


class ExtensionGrantForm(DesignSystemFormMixin, forms.Form):
    deadline = BoundedDateField(
        label=_("New last day to answer"),
        widget=DATE_INPUT,
        help_text=_("Answers are accepted until 23:59 Swedish time that day."),
    )
    note = forms.CharField(
        label=_("Message to the body (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExtensionDecisionForm(DesignSystemFormMixin, forms.Form):
    GRANT, REFUSE = "grant", "refuse"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(GRANT, _("Grant more time")), (REFUSE, _("Refuse"))],
        widget=forms.RadioSelect,
    )
    deadline = BoundedDateField(
        label=_("New last day to answer"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("If you grant the request. Filled in with the day asked for, if any."),
    )
    note = forms.CharField(
        label=_("Message to the body"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if you refuse: say why."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == self.GRANT and not data.get("deadline"):
            self.add_error("deadline", _("Choose the new last day to answer."))
        if data.get("decision") == self.REFUSE and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the request is refused."))
        return data


def _received_at(day: dt.date) -> dt.datetime:
    """The instant an answer received on `day` counts as received: the end of that day, or now for today."""
    return min(end_of_day(day), timezone.now())


class _RegisterForm(DesignSystemFormMixin, forms.Form):
    file = forms.FileField(label=_("The answer"), help_text=_("PDF, Word (DOCX) or OpenDocument (ODT)."))
    received_on = BoundedDateField(
        label=_("Date received"), widget=DATE_INPUT, help_text=_("The day the answer arrived.")
    )
    channel = forms.ChoiceField(
        label=_("How did it arrive?"),
        choices=[(Response.Channel.EMAIL, _("by e-mail")), (Response.Channel.PAPER, _("on paper"))],
        initial=Response.Channel.EMAIL,
        widget=forms.RadioSelect,
    )
    their_reference = forms.CharField(
        label=_("Their reference number"),
        required=False,
        max_length=100,
        help_text=_("The sender's own reference number (diarienummer), as they write it."),
    )
    decided_by = forms.CharField(
        label=_("Decided by"),
        required=False,
        max_length=300,
        help_text=_("The body that decided the answer, e.g. the municipal executive board."),
    )

    def clean_received_on(self) -> dt.date:
        day = self.cleaned_data["received_on"]
        if day > today():
            raise ValidationError(_("The date received cannot be in the future."), code="future")
        return day

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        upload = data["file"]
        return {
            "received_at": _received_at(data["received_on"]),
            "stream": upload,
            "filename": upload.name,
            "their_reference": data["their_reference"],
            "decided_by": data["decided_by"],
            "channel": data["channel"],
        }


class RegisterAnswerForm(_RegisterForm):
    organisation = forms.ModelChoiceField(
        label=_("Referral body"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the body that answered"),
    )
    field_order = ["organisation", "file", "received_on", "channel", "their_reference", "decided_by"]

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on_list: QuerySet[Organisation] = Organisation.objects.filter(referrals__consultation=consultation).order_by(
            "name"
        )
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = on_list


class RegisterUnsolicitedForm(_RegisterForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation in the register"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Not in the register"),
        help_text=_("If the sender is in the register. Otherwise leave this and write the name below."),
    )
    respondent_name = forms.CharField(
        label=_("Name of the sender"),
        required=False,
        max_length=300,
        help_text=_("A body or a person that is not in the register."),
    )
    field_order = [
        "organisation",
        "respondent_name",
        "file",
        "received_on",
        "channel",
        "their_reference",
        "decided_by",
    ]

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        not_on_list = (
            Organisation.objects.filter(is_active=True).exclude(referrals__consultation=consultation).order_by("name")
        )
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = not_on_list

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("organisation") and not (data.get("respondent_name") or "").strip():
            self.add_error("respondent_name", _("Choose an organisation in the register or write the sender's name."))
        return data

    def service_data(self) -> dict[str, Any]:
        return {
            **super().service_data(),
            "organisation": self.cleaned_data.get("organisation"),
            "respondent_name": self.cleaned_data.get("respondent_name", ""),
        }
