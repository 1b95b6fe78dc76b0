"""Form plumbing shared by every app: Designsystemet classes on every widget, and the date field every form uses
(days outside the platform's range, `samrad.dates`, are refused with a Swedish message).

Django itself ties help texts to inputs (aria-describedby="<id>_helptext") and marks invalid inputs with
aria-invalid; `ui/templates/includes/field.html` renders the hint with that id.
"""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from samrad.dates import EARLIEST, LATEST, date_in_range, date_range_message


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


@deconstructible
class DateRangeValidator:
    """Refuses a day outside `earliest` … `latest` (by default the platform's range, 2000–2100)."""

    code = "date_range"

    def __init__(self, earliest: dt.date = EARLIEST, latest: dt.date = LATEST) -> None:
        self.earliest = earliest
        self.latest = latest

    def __call__(self, value: dt.date | dt.datetime) -> None:
        if not date_in_range(value, earliest=self.earliest, latest=self.latest):
            raise ValidationError(date_range_message(earliest=self.earliest, latest=self.latest), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateRangeValidator) and (self.earliest, self.latest) == (other.earliest, other.latest)

    def __hash__(self) -> int:
        return hash((self.earliest, self.latest))


class BoundedDateField(forms.DateField):
    """A date (an `<input type="date">` unless another widget is given) within the platform's range: the
    browser's date picker offers only those days, and the server refuses others with a clear message."""

    def __init__(self, *, earliest: dt.date = EARLIEST, latest: dt.date = LATEST, **kwargs: Any) -> None:
        self.earliest, self.latest = earliest, latest
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.validators.append(DateRangeValidator(earliest, latest))

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.DateInput):
            attrs.update(min=self.earliest.isoformat(), max=self.latest.isoformat())
        return attrs
