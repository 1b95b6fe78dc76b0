"""Template context shared by every page: what the navigation may show the current user, and the header's
search box."""

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from samrad.actors import COORDINATE


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "nav_is_coordinator": SimpleLazyObject(lambda: bool(user is not None and user.has_perm(COORDINATE))),
        "site_search_query": _search_query(request),
    }


def _search_query(request: HttpRequest) -> str:
    """The `q` of the address, for the header's search box. A query string Django refuses to parse (more than
    DATA_UPLOAD_MAX_NUMBER_FIELDS parameters) leaves the box empty, so that the 400 page itself can be shown."""
    try:
        return str(request.GET.get("q", ""))
    except SuspiciousOperation:
        return ""
