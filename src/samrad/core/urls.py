from django.urls import path

from samrad.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("halsa/", views.health, name="health"),
]
