"""Form plumbing shared by every app: Designsystemet classes on every widget.

Django itself ties help texts to inputs (aria-describedby="<id>_helptext") and marks invalid inputs with
aria-invalid; `ui/templates/includes/field.html` renders the hint with that id.
"""

from typing import Any

from django import forms


class DesignSystemFormMixin:
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            # CheckboxSelectMultiple is a subclass of RadioSelect: test for checkboxes first.
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "ds-checkbox"
            elif isinstance(widget, forms.RadioSelect):
                css = "ds-radio"
            else:
                css = "ds-input"
            widget.attrs.setdefault("class", css)
