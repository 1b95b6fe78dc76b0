from django.urls import path

from samrad.notifications.views import outbox as views

app_name = "notifications"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:message_id>/", views.outbox_detail, name="outbox_detail"),
    path("<int:message_id>/skicka-igen/", views.outbox_retry, name="outbox_retry"),
]
