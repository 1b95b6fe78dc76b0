"""The error pages: what went wrong and what the person can do, in the site's layout and language.

Django's own handlers render `400.html`, `403.html` (with the refusal's reason as `exception`) and `404.html` from
`ui/templates`; this module adds the two that need more care:

- `server_error` (500) renders without a request context: no context processor runs, so nothing asks the
  database (which may be the thing that failed). Should even that fail, a plain Swedish page is returned.
- `csrf_failure` (settings.CSRF_FAILURE_VIEW) explains a refused form in words a person can act on.
"""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, HttpResponseServerError
from django.template import loader
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

# Used only when the 500 template itself cannot be rendered.
PLAIN_SERVER_ERROR = """<!DOCTYPE html>
<html lang="sv">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Något gick fel – Samråd</title></head>
<body><main><h1>Något gick fel hos oss</h1>
<p>Sidan kunde inte visas på grund av ett fel i plattformen. Gå tillbaka och försök igen om en stund.</p>
<p><a href="/">Till startsidan</a></p></main></body>
</html>
"""


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: the site's layout with no context processors, so no database query is made."""
    try:
        body = loader.get_template(template_name).render({"LANGUAGE_CODE": get_language()})
    except Exception:  # the error page must answer whatever else is broken
        logger.exception("The 500 page could not be rendered; answering with the plain page.")
        body = PLAIN_SERVER_ERROR
    return HttpResponseServerError(body)


def csrf_failure(request: HttpRequest, reason: str = "", template_name: str = "403_csrf.html") -> HttpResponse:
    """CSRF_FAILURE_VIEW: the form was refused because its token was missing, old or not backed by a cookie.

    Django's `reason` is English and technical; it is logged by Django, not shown."""
    return HttpResponseForbidden(loader.get_template(template_name).render({}, request))
