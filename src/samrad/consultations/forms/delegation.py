"""Forms for passing a consultation on. They parse; consultations.delegation acts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samrad.ui.forms import DesignSystemFormMixin


class PassOnForm(DesignSystemFormMixin, forms.Form):
    emails = forms.CharField(
        label=_("Colleagues’ e-mail addresses"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text=_("One or more addresses, one a line or separated by commas. Each gets a personal login link."),
    )
