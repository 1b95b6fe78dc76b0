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
]
