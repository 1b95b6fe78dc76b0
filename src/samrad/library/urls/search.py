"""Search, mounted at /sok/."""

from django.urls import path

from samrad.library.views import search as views_search

app_name = "search"

urlpatterns = [
    path("", views_search.search_page, name="results"),
]
