from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samrad.ui.forms import DesignSystemFormMixin


class AuditFilterForm(DesignSystemFormMixin, forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    actor = forms.CharField(
        label=_("Actor"), required=False, max_length=255, help_text=_("Part of a name or e-mail address.")
    )

    def __init__(self, *args: Any, actions: list[str], object_types: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        cast(forms.ChoiceField, self.fields["action"]).choices = everything + [(value, value) for value in actions]
        cast(forms.ChoiceField, self.fields["object_type"]).choices = everything + [
            (value, value) for value in object_types
        ]
