from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samrad.reports.services import SUMMARY_MAX_LENGTH
from samrad.ui.forms import DesignSystemFormMixin


class SummaryForm(DesignSystemFormMixin, forms.Form):
    summary = forms.CharField(
        label=pgettext_lazy("compilation", "Summary"),
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "What the answers said, in your words: it opens the compilation. You can change it until you sign off."
        ),
    )
