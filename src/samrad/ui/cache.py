"""Pages for a signed-in person are private: never kept by a shared cache, a proxy or the browser's disk cache.

What a signed-in person sees is theirs or their organisation's: drafts, receipts, their profile, coordination
pages, contact people, the outbox, the audit log, exports and downloads. Rather than decorating each of those
views (and forgetting the next one), one middleware marks every response to an authenticated user
`Cache-Control: private, no-store`. Pages for anonymous visitors (the public consultation pages, static files)
are left as their views made them.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """After AuthenticationMiddleware: `Cache-Control: private, no-store` on every response to a signed-in user
    (any `public` or `max-age` a view set is dropped)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            mark_private(response)
        return response


def mark_private(response: HttpResponse) -> None:
    """Make `response` private and not to be stored, whatever caching its view asked for."""
    kept = [
        part.strip()
        for part in response.headers.get("Cache-Control", "").split(",")
        if part.strip() and part.split("=")[0].strip().lower() not in {"public", "max-age", "s-maxage"}
    ]
    response.headers["Cache-Control"] = ", ".join(kept)
    if not kept:
        del response.headers["Cache-Control"]
    patch_cache_control(response, private=True, no_store=True)
    response.headers.pop("Expires", None)
