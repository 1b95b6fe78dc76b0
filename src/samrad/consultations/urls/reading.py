"""The coordinators' reading of the answers, mounted next to the coordinator pages at /samordning/ (e.g.
/samordning/12/svar/SAM-2026-0007-314-2-K7QD/ and /samordning/12/per-fraga/40/)."""

from django.urls import path

from samrad.consultations.urls import respond  # noqa: F401 (registers the "receipt" path converter)
from samrad.consultations.views import reading as views

app_name = "reading"

urlpatterns = [
    path("<int:pk>/svar/", views.first, name="first"),
    path("<int:pk>/svar/<receipt:receipt_number>/", views.answer, name="answer"),
    path(
        "<int:pk>/svar/<receipt:receipt_number>/stallningstagande/<int:question_pk>/",
        views.stance_set,
        name="stance_set",
    ),
    path("<int:pk>/per-fraga/<int:question_pk>/", views.question, name="question"),
    path("<int:pk>/svar/las-stallningstaganden/", views.stances_read, name="stances_read"),
    path("<int:pk>/oversikt/paminn-alla/", views.remind_all, name="remind_all"),
]
