from django import forms
from django.utils.translation import gettext_lazy as _

from samrad.notifications.models import NoticePreference


class NoticePreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How do you want notices by e-mail?"),
        choices=NoticePreference.Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_("Every notice is also listed on your notices page. Registry addresses always get notices at once."),
        error_messages={"required": _("Choose how you want notices by e-mail.")},
    )
