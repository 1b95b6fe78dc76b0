"""The coordinators' analysis of a consultation's answers, mounted at /samordning/ (e.g. /samordning/12/analys/)."""

from django.urls import path

from samrad.analysis import views

app_name = "analysis"

urlpatterns = [
    path("<int:pk>/analys/", views.distributions, name="distributions"),
    path("<int:pk>/analys/karta/", views.county_map, name="map"),
    path("<int:pk>/analys/stallningstaganden.xlsx", views.distributions_xlsx, name="distributions_xlsx"),
    path("<int:pk>/analys/lika-svar/", views.alike, name="alike"),
    path("<int:pk>/analys/lika-svar/status/", views.alike_status, name="alike_status"),
    path("<int:pk>/analys/lika-svar/jamfor/", views.alike_run, name="alike_run"),
]
