"""One way for views to show a service's refusal: on the form (field or summary), or as a message.

Services raise `samrad.errors.ServiceError` (with an optional field), Django's `ValidationError` (model
validation, possibly per field) or `PermissionDenied` (with its reason); views pass any of them here instead of
catching and formatting them one by one.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest

from samrad.errors import ServiceError

type Refusal = ServiceError | ValidationError | PermissionDenied


def error_texts(error: Refusal) -> list[str]:
    """The refusal's messages, as a person reads them."""
    if isinstance(error, ValidationError):
        return [str(text) for text in error.messages]
    if isinstance(error, PermissionDenied):
        return [str(error)]
    return [error.message]


def show_error(form: BaseForm, error: Refusal, field: str | None = None) -> None:
    """Put a refusal on `form`: on the field the error names when the form has it, else on `field` (None: the
    form's summary)."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for name, texts in error.message_dict.items():
                form.add_error(name if name in form.fields else field, texts)
        else:
            form.add_error(field, error.messages)
        return
    if isinstance(error, PermissionDenied):
        form.add_error(field, str(error))
        return
    form.add_error(error.field if error.field in form.fields else field, error.message)


def message_error(request: HttpRequest, error: Refusal) -> None:
    """Show a refusal as an error message on the next page."""
    messages.error(request, " ".join(error_texts(error)))
