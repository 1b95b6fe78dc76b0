"""URL wiring: each app owns its own urls module."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from samrad.api.api import api
from samrad.ui import views as ui_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("samrad.core.urls")),
    path("favicon.ico", ui_views.favicon, name="favicon"),
    path("konto/", include("samrad.accounts.urls")),
    path("remisser/", include("samrad.consultations.urls.respond")),
    path("samordning/", include("samrad.consultations.urls.coordination")),
    path("samordning/", include("samrad.consultations.urls.exports")),
    path("samordning/", include("samrad.consultations.urls.reading")),
    path("samordning/", include("samrad.analysis.urls")),
    path("samordning/", include("samrad.reports.urls")),
    path("samordning/", include("samrad.publishing.urls")),
    path("dialog/", include("samrad.dialogue.urls")),
    path("kunskapsbank/", include("samrad.library.urls.documents")),
    path("sok/", include("samrad.library.urls.search")),
    path("register/", include("samrad.organisations.urls")),
    path("utskick/", include("samrad.notifications.urls.outbox")),
    path("aviseringar/", include("samrad.notifications.urls.notices")),
    path("logg/", include("samrad.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
# 400, 403 and 404 are Django's own handlers with the templates in samrad/ui/templates.
handler500 = "samrad.ui.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
