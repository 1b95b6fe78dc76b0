"""A person's notices, mounted at /aviseringar/."""

from django.urls import path

from samrad.notifications.views import notices as views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:notice_id>/last/", views.notice_read, name="read"),
    path("alla-lasta/", views.notices_read_all, name="read_all"),
    path("installningar/", views.preference, name="preference"),
]
