"""htmx requests that need a login get an answer the page understands.

A view behind `login_required` answers a visitor without a session (it expired, or was ended) with a redirect to
the login page. An htmx request follows that redirect silently and swaps the login page into the answer form as if
it were the fragment asked for. `HtmxLoginRequiredMiddleware` turns such a redirect into a 401 with a short text,
`HX-Reswap: none` (nothing is swapped in), and the login address in `X-Login-Url` (back to the page the request
came from); the page's script says "you are logged out" and keeps what was typed. Boosted requests (whole pages)
and ordinary requests keep the redirect.
"""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

REDIRECTS = {301, 302, 303, 307, 308}


def is_htmx_fragment_request(request: HttpRequest) -> bool:
    """An htmx request for a fragment (not a boosted page load, not a history restore)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def _page_path(request: HttpRequest) -> str:
    """The path of the page that made the htmx request (HX-Current-URL), or "" if it is not on this site."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    if current.netloc and current.netloc != request.get_host():
        return ""
    if not current.path.startswith("/") or current.path.startswith("//"):
        return ""
    return current.path + (f"?{current.query}" if current.query else "")


def login_required_response(request: HttpRequest) -> HttpResponse:
    """The 401 an htmx request without a session gets."""
    login_url = resolve_url(settings.LOGIN_URL)
    page = _page_path(request)
    if page:
        login_url = f"{login_url}?{urlencode({'next': page})}"
    response = HttpResponse(
        _("You are logged out. Log in again in a new tab: what you typed on this page is kept."),
        status=401,
        content_type="text/plain; charset=utf-8",
    )
    response["HX-Reswap"] = "none"
    response["X-Login-Url"] = login_url
    response["Cache-Control"] = "no-store"
    return response


class HtmxLoginRequiredMiddleware:
    """Turns "go to the login page" into a 401 for htmx fragment requests (see the module's description)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code not in REDIRECTS or not is_htmx_fragment_request(request):
            return response
        target = urlsplit(response.get("Location", "")).path
        if target != urlsplit(resolve_url(settings.LOGIN_URL)).path:
            return response
        return login_required_response(request)
