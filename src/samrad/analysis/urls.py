"""The coordinators' analysis of a consultation's answers, mounted at /samordning/ (e.g. /samordning/12/analys/)."""

from django.urls import path

from samrad.analysis import theme_views, views

app_name = "analysis"

urlpatterns = [
    path("<int:pk>/analys/", views.distributions, name="distributions"),
    path("<int:pk>/analys/karta/", views.county_map, name="map"),
    path("<int:pk>/analys/stallningstaganden.xlsx", views.distributions_xlsx, name="distributions_xlsx"),
    path("<int:pk>/analys/lika-svar/", views.alike, name="alike"),
    path("<int:pk>/analys/lika-svar/status/", views.alike_status, name="alike_status"),
    path("<int:pk>/analys/lika-svar/jamfor/", views.alike_run, name="alike_run"),
    path("<int:pk>/analys/teman/", theme_views.themes, name="themes"),
    path("<int:pk>/analys/teman/bygg/", theme_views.themes_start, name="themes_start"),
    path("<int:pk>/analys/teman/forlopp/", theme_views.themes_progress, name="themes_progress"),
    path("<int:pk>/analys/teman/godkann/", theme_views.themes_sign_off, name="themes_sign_off"),
    path("<int:pk>/analys/teman/<int:theme_id>/namn/", theme_views.theme_rename, name="theme_rename"),
    path("<int:pk>/analys/teman/<int:theme_id>/sla-ihop/", theme_views.theme_merge, name="theme_merge"),
    path("<int:pk>/analys/teman/<int:theme_id>/dela/", theme_views.theme_split, name="theme_split"),
    path("<int:pk>/analys/teman/citat/<int:quote_id>/flytta/", theme_views.quote_move, name="quote_move"),
]
