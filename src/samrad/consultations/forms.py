"""Forms of the respondent pages. They parse and check input; the services in responses.py act on it."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.consultations.models import Answer, Question, Response, ResponseAttachment, Stance
from samrad.organisations.models import Organisation
from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin

# The value of the "<prefix>-resolution" button that settles a conflict by keeping the stored version; the other
# button ("mine") saves what is in the box, based on the stored version the conflict showed.
KEEP_THEIRS = "theirs"


class AnswerForm(DesignSystemFormMixin, forms.Form):
    """One question's answer. `version` is the version the user started from."""

    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices, required=False, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, initial=0)

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        self.question = question
        kwargs.setdefault("prefix", f"q{question.pk}")
        super().__init__(*args, **kwargs)
        if question.kind == Question.Kind.TEXT:
            del self.fields["stance"]
            self.fields["text"].label = _("Your answer")
        else:
            self.fields["text"].label = _("Comment")
        self.fields["text"].widget.attrs["aria-describedby"] = f"q{question.pk}-status"

    @classmethod
    def for_answer(cls, question: Question, answer: Answer | None) -> "AnswerForm":
        initial = {"stance": "", "text": "", "version": 0}
        if answer is not None and answer.pk:
            initial = {"stance": answer.stance, "text": answer.text, "version": answer.version}
        return cls(question=question, initial=initial)

    def values(self) -> tuple[str, str, int]:
        data = self.cleaned_data
        return data.get("stance", "") or "", data.get("text", "") or "", data["version"]


class ResponseDetailsForm(DesignSystemFormMixin, forms.Form):
    their_reference = forms.CharField(
        label=_("Your reference number"),
        max_length=100,
        required=False,
        help_text=_("Your organisation's own reference number (diarienummer), as you write it."),
    )
    decided_by = forms.CharField(
        label=_("Decided by"),
        max_length=300,
        required=False,
        help_text=_("The body that decided the answer and when, e.g. “Kommunstyrelsen 2026-10-12 § 143”."),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_response(cls, response: Response | None) -> "ResponseDetailsForm":
        if response is None:
            return cls(initial={"their_reference": "", "decided_by": "", "version": 1})
        return cls(
            initial={
                "their_reference": response.their_reference,
                "decided_by": response.decided_by,
                "version": response.version,
            }
        )


class AttachmentForm(DesignSystemFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("What is the document?"),
        choices=ResponseAttachment.Kind.choices,
        initial=ResponseAttachment.Kind.DECISION,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX) or OpenDocument (ODT)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)


class DeclineForm(DesignSystemFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example that the proposal does not concern your organisation."),
    )


class ExtensionRequestForm(DesignSystemFormMixin, forms.Form):
    requested_deadline = BoundedDateField(
        label=_("New deadline you ask for (optional)"),
        required=False,
        help_text=_("The last day you need. The answer is then due by the end of that day."),
    )
    reason = forms.CharField(
        label=_("Why do you need more time?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example the date of the board meeting that will decide the answer."),
    )

    def clean_requested_deadline(self) -> dt.date | None:
        day = self.cleaned_data.get("requested_deadline")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The date must not be in the past."))
        return day


class SignatoryInviteForm(DesignSystemFormMixin, forms.Form):
    """The button next to a search result: which organisation to ask. Only candidates are accepted (checked with
    one query for the chosen id; the candidates are never listed in full)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cosigner")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = candidates  # type: ignore[attr-defined]


class SignatorySearchForm(DesignSystemFormMixin, forms.Form):
    """Finding an organisation on the referral list to ask to co-sign, by name."""

    q = forms.CharField(
        label=_("Find an organisation on the referral list"),
        required=False,
        max_length=200,
        help_text=_("Type part of its name. Everyone in it and its registry get an e-mail when you ask."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cosigner")
        super().__init__(*args, **kwargs)

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""
