"""The compilation pages, mounted at /samordning/ next to the coordinator pages."""

from django.urls import path

from samrad.reports import views

app_name = "reports"

urlpatterns = [
    path("<int:pk>/sammanstallning/", views.compilation_page, name="compilation"),
    path("<int:pk>/sammanstallning/starta/", views.compilation_start, name="start"),
    path("<int:pk>/sammanstallning/sammanfattning/", views.compilation_summary, name="summary"),
    path("<int:pk>/sammanstallning/godkann/", views.compilation_sign_off, name="sign_off"),
    path("<int:pk>/sammanstallning/sammanstallning.<str:file_format>", views.compilation_download, name="download"),
]
