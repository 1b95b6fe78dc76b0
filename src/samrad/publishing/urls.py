"""The coordinators' masking of a consultation's answers, mounted at /samordning/ (e.g. /samordning/12/publicering/)."""

from django.urls import path

from samrad.publishing import views

app_name = "publishing"

answer = "<int:pk>/publicering/svar/<str:receipt_number>/"

urlpatterns = [
    path("<int:pk>/publicering/", views.overview, name="overview"),
    path("<int:pk>/publicering/kontrollera/", views.run_start, name="run_start"),
    path("<int:pk>/publicering/forlopp/", views.progress, name="progress"),
    path(answer, views.answer, name="answer"),
    path(f"{answer}lagg-till/", views.span_add, name="span_add"),
    path(f"{answer}bekrafta-alla/", views.confirm_all, name="confirm_all"),
    path(f"{answer}granskat/", views.mark_reviewed, name="mark_reviewed"),
    path(f"{answer}markering/<int:span_id>/", views.span_decide, name="span_decide"),
    path(f"{answer}markering/<int:span_id>/andra/", views.span_change, name="span_change"),
    path(f"{answer}maskerat/", views.masked, name="masked"),
    path(f"{answer}maskerat.pdf", views.masked_pdf, name="masked_pdf"),
]
