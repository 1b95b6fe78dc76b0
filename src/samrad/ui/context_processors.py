"""Template context shared by every page: what the navigation may show the current user."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from samrad.actors import COORDINATE


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {"nav_is_coordinator": SimpleLazyObject(lambda: bool(user is not None and user.has_perm(COORDINATE)))}
