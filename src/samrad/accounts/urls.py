from django.contrib.auth.views import LogoutView
from django.urls import path

from samrad.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.profile, name="profile"),
    path("logga-in/", views.login_view, name="login"),
    path("logga-in/skickad/", views.login_link_sent, name="login_link_sent"),
    path("logga-in/losenord/", views.PasswordLoginView.as_view(), name="password_login"),
    path("lank/", views.login_link, name="login_link"),
    path("logga-ut/", LogoutView.as_view(), name="logout"),
    path("organisationer/<int:pk>/personer/", views.organisation_people, name="organisation_people"),
    path(
        "organisationer/<int:pk>/personer/<int:membership_pk>/roll/",
        views.organisation_person_role,
        name="organisation_person_role",
    ),
    path(
        "organisationer/<int:pk>/personer/<int:membership_pk>/ta-bort/",
        views.organisation_person_remove,
        name="organisation_person_remove",
    ),
]
