"""Requests with more query parameters than Django accepts get a 400 wherever they go.

Django refuses a query string of more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters (TooManyFieldsSent) only
when something first reads `request.GET`, and raises again on every later read. So the refusal came from
wherever that happened, and the answer could not be rendered where the answer reads the query itself: the site's
layout (its search box) or, with DEBUG on, Django's debug page, which turned the 400 into a 500.

This middleware reads the query string before anything else does. A request over the limit gets, under the API,
a 400 in the API's error format; elsewhere its query is emptied, so that any page can render, and the refusal
goes on to Django's own handling: the site's 400 page (the technical 400 page with DEBUG on). It belongs after
the middleware that chooses the language, so that either answer speaks the visitor's language.
"""

from collections.abc import Callable

from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from samrad.api.api import api
from samrad.api.errors import malformed_request_response


class QueryLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.GET  # noqa: B018 - parsing is the point
        except TooManyFieldsSent as exc:
            request.GET = QueryDict()
            if request.path.startswith(_api_root()):
                return malformed_request_response(api, request, exc)
            raise
        return self.get_response(request)


def _api_root() -> str:
    return reverse("api:openapi-json").removesuffix("openapi.json")
