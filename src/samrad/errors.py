"""The errors a service raises when it refuses what a person asked for.

One hierarchy for every app, so that views map every refusal the same way (`samrad.ui.feedback`):

- `ServiceError` and its subclasses: a refusal the person can act on. Nothing was changed. `message` says why
  and what to do, in the person's language (services translate it); `field`, when set, names the form field it
  concerns.
- Django's `ValidationError` is still what model validation raises (`full_clean`); views treat it alike.
- Django's `PermissionDenied` (with a reason as its message) is a refusal by role, shown as a 403 page.
- `ValueError`/`TypeError` remain what they are in Python: a programming error (an unknown field name), never a
  message for a person.
"""


class ServiceError(Exception):
    """A refused request; nothing was changed."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class InvalidInput(ServiceError):
    """The request breaks a rule of the data: a date out of range, an empty text, a deadline in the past."""


class NotAllowedNow(ServiceError):
    """The object's state does not allow it now: a closed consultation, a passed deadline, a cancelled meeting."""
