"""Forms of the coordinators' reading pages: the filters of the per-question view, setting a stance, and
reminding every body that has not answered."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samrad.consultations.models import Consultation, Stance
from samrad.consultations.reminders import MESSAGE_MAX_LENGTH
from samrad.consultations.selectors_reading import (
    NO_STANCE,
    NOT_REGISTERED,
    Origin,
    QuestionFilters,
    groups_of_respondents,
)
from samrad.organisations.models import Organisation
from samrad.ui.forms import DesignSystemFormMixin


class QuestionFilterForm(DesignSystemFormMixin, forms.Form):
    stance = forms.ChoiceField(
        label=_("Stance"), required=False, choices=[("", _("All")), *Stance.choices, (NO_STANCE, _("no stance"))]
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("All")), *Organisation.Kind.choices, (NOT_REGISTERED, _("not in the register"))],
    )
    group = forms.TypedChoiceField(label=_("Group or subregion"), required=False, coerce=int, empty_value=None)
    origin = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *Origin.CHOICES])

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = groups_of_respondents(consultation).values_list("pk", "name")
        self.fields["group"].choices = [("", _("All")), *groups]  # type: ignore[attr-defined]

    def filters(self) -> QuestionFilters:
        if not self.is_valid():
            return QuestionFilters()
        data = self.cleaned_data
        return QuestionFilters(
            stance=data["stance"] or "", kind=data["kind"] or "", group=data["group"], origin=data["origin"] or ""
        )


class StanceForm(DesignSystemFormMixin, forms.Form):
    stance = forms.ChoiceField(
        label=_("Stance"),
        choices=[("", _("Choose a stance")), *Stance.choices],
        error_messages={"required": _("Choose a stance.")},
    )


class RemindAllForm(DesignSystemFormMixin, forms.Form):
    message = forms.CharField(
        label=_("Message with the reminder (optional)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
