"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from samrad.urls import handler500
from samrad.urls import urlpatterns as project_urlpatterns


def refuse(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(_("Only coordinators may open this page."))


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("test-errors/refuse/", refuse),
    path("test-errors/fail/", fail),
    *project_urlpatterns,
]

__all__ = ["handler500", "urlpatterns"]
