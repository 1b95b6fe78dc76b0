"""Forms of the respondent pages. They parse and check input; the services in responses.py act on it."""

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samrad.consultations.models import Answer, Question, Response, ResponseAttachment, Stance
from samrad.consultations.responses import answer_fingerprint, details_fingerprints
from samrad.organisations.models import Organisation
from samrad.ui.forms import BoundedDateField, DesignSystemFormMixin

# The values of the "<prefix>-resolution" buttons that settle a conflict: keep the stored version, save the text
# in the box (the person's own, or one they merged by hand, based on the stored version the conflict showed), or
# put both texts in the box to merge them (nothing is saved until one of the other two is chosen).
KEEP_THEIRS = "theirs"
KEEP_MINE = "mine"
MERGE = "merge"
RESOLUTIONS = (KEEP_THEIRS, KEEP_MINE, MERGE)


class AnswerForm(DesignSystemFormMixin, forms.Form):
    """One question's answer. `version` is the version the user started from and `loaded` the fingerprint of
    the answer as it was loaded (so a save knows whether the user changed it). While a conflict is shown,
    `theirs_version` is the stored version it showed: "keep mine" saves on top of that one, and nothing else
    does, so a plain save of the page cannot settle a conflict by accident."""

    stance = forms.ChoiceField(label=_("Stance"), choices=Stance.choices, required=False, widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Your answer"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput, initial=0)
    loaded = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    theirs_version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

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
        stored = answer if answer is not None and answer.pk else None
        initial = {"stance": "", "text": "", "version": 0, "loaded": answer_fingerprint(stored)}
        if stored is not None:
            initial.update(stance=stored.stance, text=stored.text, version=stored.version)
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
    # What each field held when the page was loaded (fingerprints), as AnswerForm.loaded.
    loaded_their_reference = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    loaded_decided_by = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    theirs_version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "details")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_response(cls, response: Response | None) -> "ResponseDetailsForm":
        loaded = details_fingerprints(response)
        initial = {
            "their_reference": response.their_reference if response is not None else "",
            "decided_by": response.decided_by if response is not None else "",
            "version": response.version if response is not None else 1,
            "loaded_their_reference": loaded["their_reference"],
            "loaded_decided_by": loaded["decided_by"],
        }
        return cls(initial=initial)

    def loaded(self) -> dict[str, str]:
        """The fingerprints of the fields as loaded (those the form carried)."""
        data = self.cleaned_data
        return {
            field: data[f"loaded_{field}"] for field in ("their_reference", "decided_by") if data.get(f"loaded_{field}")
        }


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
        # The file input belongs to the answer form, so that attaching saves the typed answers too.
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt", "form": "answer-form"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "attachment")
        super().__init__(*args, **kwargs)


class SubmitForm(forms.Form):
    """The submit button's form: the number of the latest submission the person saw (0: none), so that a
    second press, or a press after a colleague submitted, does not make a second submission."""

    after_number = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


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
