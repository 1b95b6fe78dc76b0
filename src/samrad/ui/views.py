"""Views of the site's frame itself (not of any app)."""

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """/favicon.ico, which browsers and feed readers ask for without reading the page: the site's icon."""
    return HttpResponsePermanentRedirect(static("samrad/favicon.svg"))
